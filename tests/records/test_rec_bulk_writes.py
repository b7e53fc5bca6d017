"""The bulk writes of a roster import: persons, receipts and enrollments by executemany."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.records import enrollments, persons, receipts, search
from desktop.records.tx import write
from tests.support.records import STAMP, add_person, make_id


def _enrollment(person_id: str, serial: str, **extra) -> dict:
    return {
        **STAMP.meta(),
        "person_id": person_id,
        "year": 2026,
        "region": "武进区",
        "kind": "enroll",
        "category": "非从业居民",
        "proposed_category": "非从业居民",
        "category_reason": None,
        "assistance": None,
        "tier": None,
        "special_group": None,
        "student_proof": 0,
        "standard_fen": 100_000,
        "ltc_fen": 0,
        "assisted_fen": 0,
        "personal_fen": 38_000,
        "paid_on": "2025-11-15",
        "benefit_start": "2026-01-01",
        "benefit_end": "2026-12-31",
        "waiting_months": 0,
        "retroactive": 0,
        "trace": '{"contribution":[]}',
        "receipt_serial": serial,
        **extra,
    }


def test_bulk_rows_are_returned_exactly_as_select_reads_them(db):
    add_person(db, "王五", make_id(date(1970, 1, 1), 9))  # an earlier person, an earlier receipt
    with write(db):
        receipts.issue(db, STAMP, business="enroll", record_id="r0", person_id=None)
        people = persons.add_many(
            db,
            STAMP,
            [
                {
                    "id_number": make_id(date(1980, 1, 1), i),
                    "name": name,
                    "sex": "女",
                    "birth_date": "1980-01-01",
                    "category": "非从业居民",
                }
                for i, name in enumerate(["张三", "李四", "阿依古丽·买买提"], start=1)
            ],
        )
        serials = receipts.issue_many(
            db,
            STAMP,
            [{"business": "enroll", "record_id": f"r{i}", "person_id": p["id"]} for i, p in enumerate(people)],
        )
        rows = [_enrollment(p["id"], s) for p, s in zip(people, serials, strict=True)]
        rows[1]["year"] = "2026"  # a text year: SQLite converts it, so it is read back instead
        rows[2]["category_reason"] = "本人申请"
        rows[2]["category"] = "老年居民"
        stored = enrollments.add_many(db, STAMP, rows)
    assert serials == [f"320412-03-2025-{n:06d}" for n in (2, 3, 4)]
    for row in stored:
        assert row == enrollments.stored(db, row["id"])
    assert stored[1]["year"] == 2026
    for p in people:
        assert p == {k: v for k, v in persons.get(db, p["id"]).items() if k in p}
        assert persons.get(db, p["id"])["status"] == "正常"
    assert [p["num"] for p in people] == [2, 3, 4]
    assert {r["id_number"] for r in search.by_name_contains(db, "买买")} == {people[2]["id_number"]}
    # active: no status row (schema v7), and each one is the person's active one of its year
    assert db.execute("SELECT count(*) FROM enrollment_status").fetchone()[0] == 0
    for row in stored:
        assert enrollments.active(db, row["person_id"], row["year"])["id"] == row["id"]
    assert db.execute("SELECT count(*) FROM traces").fetchone()[0] == 1


def test_bulk_persons_refuse_unknown_fields(db):
    with pytest.raises(ValueError), write(db):
        persons.add_many(db, STAMP, [{"id_number": make_id(date(1980, 1, 1)), "name": "张三", "x": 1}])
