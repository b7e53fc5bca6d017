"""One encoding of a row for its SHA-256, the same whichever engine the row was read from.

sqlite3 returns TEXT, INTEGER and BLOB columns as str, int and bytes; psycopg returns a
PostgreSQL column by its type: bytea as bytes (or memoryview), numeric as Decimal, uuid as UUID,
timestamp and date as datetime and date, boolean as bool. Each is brought back to the value
SQLite would hold for the same text before the row is encoded, so a row pushed from a window and
read back from the hub (or pulled into another window) hashes the same:

    str, int, None  as they are
    bool            0 / 1
    bytes           lower-case hex text
    Decimal         an integral value as int, any other as its fixed-point text ("12.30")
    UUID            its 36-character hyphenated text
    datetime, date  ISO 8601 text (datetime.isoformat())
    float           refused: money is never float, and no replicated column holds one

The row's canonical text is the project's canonical JSON (records.rows.to_json: sorted keys,
Chinese unescaped), so for a row of only text and integers `row_sha256` is exactly
`records.audit.row_sha256`, what an enrollment's audit entry hashes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from desktop.records.rows import to_json


def canonical_value(value: Any) -> str | int | None:
    """The value as SQLite would return it (see the module's table)."""
    if value is None or type(value) is int or type(value) is str:
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):  # an int subclass (IntEnum)
        return int(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a finite number: {value}")
        if value == value.to_integral_value() and value.as_tuple().exponent >= 0:
            return int(value)
        return format(value, "f")
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"no canonical encoding for {type(value).__name__}")


def canonical_row(row: Mapping[str, Any]) -> dict[str, str | int | None]:
    return {str(k): canonical_value(v) for k, v in row.items()}


def canonical_text(row: Mapping[str, Any]) -> str:
    return to_json(canonical_row(row))


_PLAIN = frozenset({str, int, type(None)})


def row_sha256(row: Mapping[str, Any]) -> str:
    """Hex SHA-256 of the row's canonical text."""
    if all(type(v) in _PLAIN for v in row.values()):  # as sqlite3 returns most rows: as they are
        text = to_json(row if type(row) is dict else dict(row))
    else:
        text = canonical_text(row)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
