"""Printing tests: a real database file in tmp_path, real services writing real records."""

from __future__ import annotations

import pytest

from tests.support.printing import make_ctx


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "hall.sqlite3"


@pytest.fixture
def ctx(db):
    """天宁区, 2025-11-15: inside the 2026 集中参保缴费期."""
    return make_ctx(db)
