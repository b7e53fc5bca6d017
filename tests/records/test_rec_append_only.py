"""Business records are append-only: SQLite itself refuses UPDATE and DELETE."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from desktop.records import audit, receipts
from desktop.records.migrations import APPEND_ONLY
from tests.support.records import STAMP, add_person, make_id


def test_every_business_table_has_both_triggers(db):
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    for table in APPEND_ONLY:
        assert f"{table}_no_update" in names
        assert f"{table}_no_delete" in names


def test_update_and_delete_are_refused(db):
    person = add_person(db, "李四", make_id(date(1980, 1, 1)))
    serial = receipts.issue(db, STAMP, business="enroll", record_id="r1", person_id=person["id"])
    audit.append(
        db, STAMP, action="x", business="x", entity="receipts", entity_id=serial, payload={}
    )
    for sql in (
        "UPDATE receipts SET amount_fen = 1",
        "DELETE FROM receipts",
        "UPDATE audit SET payload = '{}'",
        "DELETE FROM audit",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="只增不改"):
            db.execute(sql)
    assert db.execute("SELECT count(*) FROM receipts").fetchone()[0] == 1
