"""The one refusal type every layer raises: a code, a Chinese message for the clerk, the field."""

from __future__ import annotations


class Refusal(Exception):
    """A request that cannot be served as given. Nothing has been written when this is raised.

    `code` is a snake_case machine code (see shared/spec/calc-api.md), `message` is the Chinese
    sentence shown to the clerk, `field` names the offending input (or None).
    """

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "field": self.field}

    def __repr__(self) -> str:
        return f"Refusal({self.code!r}, {self.message!r}, field={self.field!r})"
