"""Conflicts: kept, listed, resolved by a new business (audited), never by rewriting rows."""

from __future__ import annotations

import json
import os
import stat
from datetime import date, datetime

import psycopg
import pytest

from desktop.cli import main
from desktop.errors import Refusal
from desktop.records import enrollments, persons
from desktop.services import change, enrollment, review, termination
from desktop.services import persons as person_services
from desktop.services.conflict_resolution import resolve_conflict
from desktop.services.context import CHINA
from desktop.sync import hub_has_enrollment, hub_url, open_conflicts, sync_once
from tests.support.services import make_ctx, make_id

ZHANG = make_id(date(1984, 6, 1), 2)


def _apart_then_synced(make_node):
    w3, url3 = make_node("03")
    w7, url7 = make_node("07", now=datetime(2025, 11, 16, 9, 0, tzinfo=CHINA))
    person_services.register_person(w3, ZHANG, "张三")
    first = enrollment.enroll(w3, ZHANG, 2026)
    person_services.register_person(w7, ZHANG, "张三")
    second = enrollment.enroll(w7, ZHANG, 2026)
    for _ in range(2):
        sync_once(w3.db, url3)
        sync_once(w7.db, url7)
    return (w3, url3), (w7, url7), first, second


def test_a_double_enrollment_is_resolved_by_a_termination(make_node, hub, capsys):
    (w3, url3), (w7, url7), first, second = _apart_then_synced(make_node)
    # Window 07 sees the person once (the alias folded in) with both enrollments
    person = persons.get_by_id_number(w7.db, ZHANG)
    assert {e["id"] for e in enrollments.of_person(w7.db, person["id"])} == {first.enrollment_id, second.enrollment_id}
    # and may not enroll the person a third time
    with pytest.raises(Refusal):
        enrollment.enroll(w7, ZHANG, 2026)
    double = next(c for c in open_conflicts(w7.db) if c["kind"] == "double_enrollment")

    # 停保 of one of the two (reviewed), then the reviewer marks the conflict resolved by it
    asked = termination.request_termination(w7, ZHANG, 2026, "退保", "其他", reason_note="重复参保")
    reviewer = make_ctx(w7.db, window="07", operator_id="rev01", role="reviewer")
    review.decide(reviewer, asked.review_request_id, approve=True)
    with pytest.raises(Refusal) as refused:  # a business unrelated to the conflict cannot
        resolve_conflict(reviewer, double["id"], asked.review_request_id)
    assert refused.value.code == "not_a_resolution"
    resolve_conflict(reviewer, double["id"], asked.termination_id)
    entry = w7.db.execute("SELECT action, entity, entity_id FROM audit WHERE business = 'conflict'").fetchone()
    assert entry == ("resolve", "conflicts", str(double["id"]))
    sync_once(w7.db, url7)
    sync_once(w3.db, url3)
    main(["hub", "conflicts", "--url", hub])
    assert [c["kind"] for c in json.loads(capsys.readouterr().out)] == ["same_id_number"]
    assert [c["kind"] for c in open_conflicts(w3.db)] == ["same_id_number"]
    # the terminated one is out of force on window 03 too (derived from 07's rows)
    assert len([e for e in enrollments.of_person(w3.db, person["id"]) if e["status"] == "active"]) == 1


def test_the_hub_is_asked_before_a_business(make_node):
    w3, url3 = make_node("03")
    _, url7 = make_node("07")
    person_services.register_person(w3, ZHANG, "张三")
    done = enrollment.enroll(w3, ZHANG, 2026)
    assert hub_has_enrollment(url7, ZHANG, 2026) is None  # not pushed yet
    sync_once(w3.db, url3)
    found = hub_has_enrollment(url7, ZHANG, 2026)
    assert found["receipt_serial"] == done.receipt_serial and found["node"] == "320412-03"
    assert hub_has_enrollment(url7, ZHANG, 2025) is None


def test_two_changes_of_one_field_apply_in_time_order_and_are_flagged(make_node, hub):
    w3, url3 = make_node("03")
    person_services.register_person(w3, ZHANG, "张三", phone="13800000000")
    sync_once(w3.db, url3)
    w7, url7 = make_node("07", now=datetime(2025, 11, 15, 11, 0, tzinfo=CHINA))
    sync_once(w7.db, url7)
    # apart: 03 changes the phone at 10:00, 07 at 11:00
    change.change(w3, ZHANG, "phone", "13911111111")
    change.change(w7, ZHANG, "phone", "13722222222")
    sync_once(w7.db, url7)
    sync_once(w3.db, url3)
    sync_once(w7.db, url7)
    for ctx in (w3, w7):  # the later change wins on both
        assert persons.get_by_id_number(ctx.db, ZHANG)["phone"] == "13722222222"
        assert [c["kind"] for c in open_conflicts(ctx.db)] == ["same_field"]


def test_the_hub_secret_is_not_in_the_file(make_node, tmp_path):
    w3, url3 = make_node("03")
    sync_once(w3.db, url3)
    password = url3.split(":")[2].split("@")[0]
    files = [tmp_path / f"320412-03.sqlite3{s}" for s in ("", "-wal", "-shm")]
    raw = b"".join(p.read_bytes() for p in files if p.exists())
    assert password.encode() not in raw
    secret = tmp_path / "320412-03.sqlite3.hub"
    assert stat.S_IMODE(os.stat(secret).st_mode) == 0o600
    assert hub_url(w3.db) == url3
    assert sync_once(w3.db).pushed == 0  # the remembered hub


def test_sync_from_the_command_line(make_node, tmp_path, capsys):
    w3, url3 = make_node("03")
    person_services.register_person(w3, ZHANG, "张三")
    assert main(["--db", str(tmp_path / "320412-03.sqlite3"), "sync", "--hub", url3]) == 0
    assert json.loads(capsys.readouterr().out) == {"pushed": 1, "pulled": 0, "conflicts": 0}
    bad = url3.replace("@", "x@", 1)  # a wrong password
    assert main(["--db", str(tmp_path / "320412-03.sqlite3"), "sync", "--hub", bad]) == 2
    refused = json.loads(capsys.readouterr().out)["error"]
    assert refused["code"] == "hub_unreachable" and "连接不上中心库" in refused["message"]
    with psycopg.connect(url3) as conn:
        assert conn.execute("SELECT count(*) FROM hub.audit").fetchone()[0] == 1
