"""The canonical row encoding: a row read back from PostgreSQL hashes as the same row read from
SQLite, whichever PostgreSQL type holds each value."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from decimal import Decimal
from uuid import UUID

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.hub.canonical import canonical_value, row_sha256
from desktop.records import audit

# Text as the windows store it: Chinese names with rare characters and the middle dot, JSON.
texts = st.one_of(st.none(), st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40))
rows = st.fixed_dictionaries(
    {
        "id": st.uuids(version=4),
        "created_at": st.datetimes(
            min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)
        ).map(lambda d: d.replace(microsecond=d.microsecond if d.microsecond % 2 else 0)),
        "paid_on": st.dates(),
        "amount": st.one_of(st.none(), st.decimals(min_value=-10**9, max_value=10**9, places=2)),
        "fen": st.one_of(st.none(), st.integers(min_value=-(2**63), max_value=2**63 - 1)),
        "name": texts,
        "hash": st.binary(max_size=32),
        "flag": st.booleans(),
    }
)


@pytest.fixture
def pg(hub_url):
    with psycopg.connect(hub_url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE r (id uuid, created_at timestamp, paid_on date, amount numeric(14,2), "
            "fen bigint, name text, hash bytea, flag boolean)"
        )
        yield conn


def _sqlite_row(row: dict) -> dict:
    """The row as a window's file holds it: text and integers (money as text, the id as text)."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE r (id TEXT, created_at TEXT, paid_on TEXT, amount TEXT, fen INTEGER, name TEXT, hash BLOB, flag INTEGER)")
    amount = row["amount"]
    db.execute(
        "INSERT INTO r (id, created_at, paid_on, amount, fen, name, hash, flag) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            str(row["id"]),
            row["created_at"].isoformat(),
            row["paid_on"].isoformat(),
            None if amount is None else format(amount, "f"),  # Decimal text, two places
            row["fen"],
            row["name"],
            row["hash"],
            int(row["flag"]),
        ],
    )
    cur = db.execute("SELECT * FROM r")
    values = cur.fetchone()
    return dict(zip([d[0] for d in cur.description], values, strict=True))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(row=rows)
def test_a_row_read_back_from_postgresql_hashes_as_from_sqlite(pg, row):
    pg.execute("DELETE FROM r")
    cols = list(row)
    pg.execute(f"INSERT INTO r ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})", [row[c] for c in cols])
    cur = pg.execute("SELECT * FROM r")
    back = dict(zip([d.name for d in cur.description], cur.fetchone(), strict=True))
    assert isinstance(back["id"], UUID) and isinstance(back["created_at"], datetime)
    assert row_sha256(back) == row_sha256(_sqlite_row(row))


def test_values_keep_their_meaning():
    # 12.30 元 in a numeric(…,2) column keeps its two places; 12 fen is the integer 12.
    assert canonical_value(Decimal("12.30")) == "12.30"
    assert canonical_value(Decimal("12")) == 12
    assert canonical_value(True) == 1
    assert canonical_value(memoryview(b"\x00\xff")) == "00ff"
    assert canonical_value(datetime(2026, 1, 5, 9, 30) + timedelta(microseconds=5)) == "2026-01-05T09:30:00.000005"
    with pytest.raises(TypeError):
        canonical_value(1.5)


def test_an_enrollment_row_hashes_as_its_audit_entry_does():
    row = {"id": "01JF", "person_id": "P1", "year": 2026, "category": "成年居民", "personal_fen": 38000, "corrects_id": None}
    assert row_sha256(row) == audit.row_sha256(row)
