"""Small helpers every records module uses: the provenance stamp, inserts, single-row reads."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database


@dataclass(frozen=True)
class Stamp:
    """Who wrote a record, where and when: the columns that let files be merged later."""

    hall_code: str
    window_code: str
    operator_id: str
    operator_role: str
    at: datetime

    @property
    def created_at(self) -> str:
        return self.at.isoformat(timespec="seconds")

    def meta(self) -> dict[str, str]:
        """The common columns of a new row, with a fresh UUID."""
        return {
            "id": new_id(),
            "created_at": self.created_at,
            "hall_code": self.hall_code,
            "window_code": self.window_code,
            "operator_id": self.operator_id,
        }


META_KEYS = frozenset({"id", "created_at", "hall_code", "window_code", "operator_id"})


def content(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row without its provenance columns: what an audit payload records."""
    return {k: v for k, v in row.items() if k not in META_KEYS}


# Crockford's base32 alphabet, in ASCII order (so text order is the number's order), taken two
# characters (10 bits) at a time: 13 lookups spell a 128-bit id as 26 characters.
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_PAIRS = tuple(_CROCKFORD[i >> 5] + _CROCKFORD[i & 31] for i in range(1024))
_SHIFTS = tuple(range(120, -1, -10))


def spell_id(value: int) -> str:
    """A 128-bit id as 26 characters of Crockford base32 (the ULID spelling)."""
    pairs = _PAIRS
    return "".join([pairs[(value >> shift) & 1023] for shift in _SHIFTS])


def uuid7(ms: int, rand: int) -> int:
    """The UUIDv7 (RFC 9562) of Unix milliseconds `ms` and 80 random bits `rand` (74 used)."""
    return (
        (ms & 0xFFFF_FFFF_FFFF) << 80
        | 0x7 << 76  # version 7
        | (rand >> 68) << 64  # rand_a: 12 bits
        | 0b10 << 62  # RFC 9562 variant
        | (rand & ((1 << 62) - 1))  # rand_b: 62 bits
    )


def new_id() -> str:
    """A time-ordered UUIDv7, spelled by `spell_id` in 26 characters rather than 36 of hex and
    dashes.

    Still unique across halls and windows (so files merge), and text order is time order, so new
    rows land at the end of the id indexes instead of on random pages; the shorter spelling
    saves ten bytes wherever an id is stored or indexed (ids of older rows keep the 36-character
    spelling: an id is compared, never parsed).
    """
    return spell_id(uuid7(time.time_ns() // 1_000_000, int.from_bytes(os.urandom(10), "big")))


def insert(db: Database, table: str, row: Mapping[str, Any]) -> None:
    """INSERT one row (column names come from our code, never from user input)."""
    cols = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    db.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(row.values()))


def one(db: Database, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> dict | None:
    """The first row of a query as a dict, or None.

    A plain cursor: sqlite_utils' `query` wraps every SELECT in a SAVEPOINT/RELEASE pair.
    """
    cur = db.conn.execute(sql, list(params))
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cur.description], row, strict=True))


def count(db: Database, table: str) -> int:
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


_CANONICAL = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
)


def to_json(value: Any) -> str:
    """Canonical JSON text (sorted keys, Chinese unescaped) for payload columns and hashes.
    One encoder for every call: json.dumps would build a new one each time (a third slower)."""
    return _CANONICAL.encode(value)
