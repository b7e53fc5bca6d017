"""Helpers shared by the test directories (imported as `tests.support.<name>`; fixtures live in
the conftests)."""
