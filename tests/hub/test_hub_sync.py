"""Windows syncing through one hub: every business of every node on every node exactly once,
derived state derived again, conflicts kept and listed once."""

from __future__ import annotations

from datetime import date, datetime

import psycopg
from svc_helpers import make_id

from desktop.hub import conflicts as hub_conflicts
from desktop.records import audit, persons, reports, search
from desktop.services import enrollment
from desktop.services import persons as person_services
from desktop.services.context import CHINA
from desktop.sync import last_sync, open_conflicts, pending_count, sync_once

ZHANG = make_id(date(1984, 6, 1), 2)
LI = make_id(date(1957, 3, 1), 1)


def _ids(db, table, key="id"):
    return sorted(r[0] for r in db.execute(f"SELECT {key} FROM {table}").fetchall())


def test_two_windows_see_each_others_businesses(make_node):
    w3, url3 = make_node("03")
    w7, url7 = make_node("07")
    person_services.register_person(w3, ZHANG, "张三")
    enrolled = enrollment.enroll(w3, ZHANG, 2026)
    person_services.register_person(w7, LI, "李四")
    assert pending_count(w3.db) == 2

    assert sync_once(w3.db, url3).as_dict() == {"pushed": 2, "pulled": 0, "conflicts": 0}
    assert sync_once(w7.db, url7).as_dict() == {"pushed": 1, "pulled": 2, "conflicts": 0}
    assert sync_once(w3.db, url3).as_dict() == {"pushed": 0, "pulled": 1, "conflicts": 0}
    # Repeated: nothing moves.
    assert sync_once(w7.db, url7).as_dict() == {"pushed": 0, "pulled": 0, "conflicts": 0}
    assert pending_count(w3.db) == 0 and last_sync(w3.db).last_error is None

    for table, key in (("enrollments", "id"), ("receipts", "serial"), ("persons", "id")):
        assert _ids(w3.db, table, key) == _ids(w7.db, table, key)
    # The person at window 07 is derived from 03's registration and enrollment
    seen = persons.get_by_id_number(w7.db, ZHANG)
    assert seen["name"] == "张三" and seen["category"] == enrolled.contribution.category
    # 07 may not enroll the person again: the enrollment pulled from 03 is in force there
    try:
        enrollment.enroll(w7, ZHANG, 2026)
        raise AssertionError("a second enrollment was accepted")
    except Exception as exc:  # the service's refusal names the first enrollment
        assert enrolled.receipt_serial in str(exc)
    # The hall's day-end at window 03 covers window 07's registration and receipts once pulled
    day = reports.day_end(w3.db, date(2025, 11, 15), hall_code="320412")
    assert sum(b["count"] for b in day.businesses if b["business"] == "person") == 2
    # Each window's own chain still verifies; the pulled entries are kept apart
    assert audit.verify_audit_chain(w7.db) is None
    assert w7.db.execute("SELECT count(*) FROM foreign_audit").fetchone()[0] == 2


def test_a_double_enrollment_made_apart_is_kept_and_listed_once(make_node, hub):
    w3, url3 = make_node("03")
    w7, url7 = make_node("07", now=datetime(2025, 11, 16, 9, 0, tzinfo=CHINA))
    # Both windows register and enroll the same person while apart (no sync between).
    person_services.register_person(w3, ZHANG, "张三")
    first = enrollment.enroll(w3, ZHANG, 2026)
    person_services.register_person(w7, ZHANG, "张三")
    second = enrollment.enroll(w7, ZHANG, 2026)
    for _ in range(2):
        sync_once(w3.db, url3)
        sync_once(w7.db, url7)

    with psycopg.connect(hub) as conn:
        listed = hub_conflicts.open_conflicts(conn)
    kinds = sorted(c["kind"] for c in listed)
    assert kinds == ["double_enrollment", "same_id_number"]
    double = next(c for c in listed if c["kind"] == "double_enrollment")
    assert {s["receipt"] for s in double["sides"]} == {first.receipt_serial, second.receipt_serial}
    for ctx in (w3, w7):
        # both enrollments kept on both windows, the later registration an alias of the earlier
        assert _ids(ctx.db, "enrollments") == sorted([first.enrollment_id, second.enrollment_id])
        canonical = persons.get_by_id_number(ctx.db, ZHANG)
        assert canonical["id"] == first.person_id
        alias = persons.get(ctx.db, second.person_id)
        assert alias["alias_of"] == first.person_id
        assert sorted(c["kind"] for c in open_conflicts(ctx.db)) == kinds
        # found once by the number (the alias is not a second person)
        assert [p["id"] for p in search.by_id_number(ctx.db, ZHANG)] == [first.person_id]
