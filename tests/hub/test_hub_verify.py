"""`hub verify` and the chain head: a break anywhere on the hub, or a window whose file lost its
newest entries, is caught."""

from __future__ import annotations

import shutil
from datetime import date

import psycopg
import pytest
from svc_helpers import make_ctx, make_id

from desktop.cli import main
from desktop.errors import Refusal
from desktop.records.db import open_db
from desktop.services import enrollment
from desktop.services import persons as person_services
from desktop.sync import last_sync, sync_once

ZHANG = make_id(date(1984, 6, 1), 2)
LI = make_id(date(1957, 3, 1), 1)
WANG = make_id(date(1990, 2, 1), 4)


@pytest.fixture
def synced(make_node):
    w3, url3 = make_node("03")
    w7, url7 = make_node("07")
    for ctx, number in ((w3, ZHANG), (w7, LI)):
        person_services.register_person(ctx, number, "张三")
        enrollment.enroll(ctx, number, 2026)
    sync_once(w3.db, url3)
    sync_once(w7.db, url7)
    return w3, url3


def _verify(hub, capsys):
    code = main(["hub", "verify", "--url", hub])
    import json

    return code, json.loads(capsys.readouterr().out)


def test_an_intact_hub_verifies(synced, hub, capsys):
    code, report = _verify(hub, capsys)
    assert code == 0 and report["ok"]
    assert {n["node"]: (n["audit"], n["receipts"]) for n in report["nodes"]} == {"320412-03": (2, 1), "320412-07": (2, 1)}


@pytest.mark.parametrize(
    "tamper, says",
    [
        ("UPDATE hub.enrollments SET personal_fen = 0 WHERE hall_code = '320412' AND window_code = '07'", "审计链在第 2 条断开"),
        ("DELETE FROM hub.receipts WHERE window_code = '07'", "收据 320412-07-2025-000001 不在中心库"),
        ("UPDATE hub.audit SET operator_id = 'x' WHERE window_code = '07' AND seq = 1", "审计链在第 1 条断开"),
    ],
    ids=["business-row", "receipt", "audit-entry"],
)
def test_a_break_on_the_hub_exits_1(synced, hub, capsys, tamper, says):
    with psycopg.connect(hub) as conn:
        conn.execute(tamper)
    code, report = _verify(hub, capsys)
    assert code == 1 and not report["ok"]
    bad = next(n for n in report["nodes"] if n["node"] == "320412-07")
    assert not bad["ok"]
    assert any(says in p for p in bad["problems"]), bad["problems"]


def test_a_serial_gap_is_named(synced, hub, capsys):
    w3, url3 = synced
    person_services.register_person(w3, WANG, "王五")
    enrollment.enroll(w3, WANG, 2026)  # serial 000002
    sync_once(w3.db, url3)
    with psycopg.connect(hub) as conn:
        conn.execute("DELETE FROM hub.receipts WHERE serial = '320412-03-2025-000001'")
    code, report = _verify(hub, capsys)
    bad = next(n for n in report["nodes"] if n["node"] == "320412-03")
    assert code == 1 and any("年度收据号不连续：缺少第 000001 号" in p for p in bad["problems"]), bad["problems"]


def test_a_window_whose_file_lost_its_newest_entries_is_stopped(synced, tmp_path):
    w3, url3 = synced
    path = tmp_path / "320412-03.sqlite3"
    w3.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(path, tmp_path / "old.sqlite3")  # the file as it was at the last sync
    person_services.register_person(w3, WANG, "王五")
    sync_once(w3.db, url3)  # the hub now holds entry 3
    w3.db.close()
    shutil.copy(tmp_path / "old.sqlite3", path)  # an old backup put back: entry 3 lost
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"320412-03.sqlite3{suffix}").unlink(missing_ok=True)
    again = make_ctx(open_db(path), hall_code="320412", window="03")
    person_services.register_person(again, make_id(date(1991, 2, 1), 5), "赵六")  # a new entry 3
    with pytest.raises(Refusal) as refused:
        sync_once(again.db, url3)
    assert refused.value.code == "chain_regressed" and "第 3 条" in refused.value.message
    assert "旧备份" in last_sync(again.db).last_error
    again.db.close()


def test_a_push_of_an_edited_business_is_refused(make_node, hub):
    """The hub takes a node's audit entries only when they continue its chain: an enrollment
    edited in the file after its entry was written does not reach the hub."""
    w3, url3 = make_node("03")
    person_services.register_person(w3, ZHANG, "张三")
    enrollment.enroll(w3, ZHANG, 2026)
    w3.db.execute("DROP TRIGGER enrollments_no_update")
    w3.db.execute("UPDATE enrollments SET personal_fen = 0")
    with pytest.raises(Refusal) as refused:
        sync_once(w3.db, url3)
    assert refused.value.code == "chain_broken" and "第 2 条" in refused.value.message
    with psycopg.connect(hub) as conn:
        assert conn.execute("SELECT count(*) FROM hub.audit").fetchone()[0] == 0
