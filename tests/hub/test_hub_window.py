"""The window on a hub (issue 12), real widgets against a real PostgreSQL: the sync worker,
the status bar's 已同步 / 待上传 N 笔 / 离线（自 …）, the 冲突 page, the check before a business."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.errors import Refusal
from desktop.services import enrollment, termination
from desktop.services import persons as person_services
from desktop.sync import open_conflicts, remember_hub, sync_once
from tests.support.services import make_id

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

WANG = make_id(date(1988, 8, 8), 9)
ZHANG = make_id(date(1984, 6, 1), 2)


@pytest.fixture(autouse=True)
def qsettings_in_tmp(tmp_path, qapp):
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    QSettings("yibao-desk", "yibao-desk").clear()
    yield


def window_deps(ctx, role: str = "head"):
    """The window's Deps on a node's file, without accounts (`role` stands in)."""
    from desktop.policy import loader
    from desktop.ui.deps import Deps, Hall

    return Deps(packs=loader.bundled(), db=ctx.db, clock=ctx.clock, settings={"elderly_from_age": Decimal(60)},
                hall=Hall(region="武进区", hall_code=ctx.hall_code, hall_name="武进区医保中心", window=ctx.window,
                          clerk=ctx.operator_id, role=role))


def open_window(qtbot, ctx, interval_s: int = 1):
    from desktop.ui.main_window import MainWindow

    w = MainWindow(window_deps(ctx))
    qtbot.addWidget(w)  # closed at the end: closeEvent stops the sync and waits for its worker
    w.show()  # the sync starts once the window is up, as the start-up checks do
    qtbot.waitUntil(lambda: w.hub_sync is not None, timeout=3000)
    w.hub_sync.set_interval(interval_s)
    return w


def test_a_business_at_one_window_is_found_at_another_after_the_workers_sync(qtbot, make_node):
    w3, url3 = make_node("03")
    w7, url7 = make_node("07", operator_id="clerk07")
    for ctx, url in ((w3, url3), (w7, url7)):
        sync_once(ctx.db, url)  # `yibao-desk sync --hub` once: the file remembers its hub
    win3, win7 = open_window(qtbot, w3), open_window(qtbot, w7)
    assert win7.deps.search("王五") == []
    person_services.register_person(w7, WANG, "王五")
    done = enrollment.enroll(w7, WANG, 2026)
    started = time.monotonic()
    # window 07's worker pushes, window 03's pulls: the person and the receipt are found at 03
    qtbot.waitUntil(lambda: [r["id_number"] for r in win3.deps.search(done.receipt_serial)] == [WANG], timeout=15000)
    assert time.monotonic() - started < 10  # two 1 s intervals and the syncs themselves
    win3.search.setText("王五")
    win3._run_search()
    assert win3.results.count() == 1 and "王五" in win3.results.item(0).text()
    assert WANG not in win3.results.item(0).text()  # masked in the list, as the search masks
    qtbot.waitUntil(lambda: win7.sync_label.text() == "已同步", timeout=10000)
    win3._search_timer.stop()
    for w in (win3, win7):  # before make_node closes the files
        w.close()


def test_status_bar_in_each_state(qtbot, tmp_path):
    """已同步 → 待上传 1 笔 → (hub stopped) 离线（自 HH:MM），待上传 … → (hub back) 已同步."""
    from desktop.hub import schema
    from desktop.hub.local_server import LocalServer
    from desktop.records.db import open_db
    from tests.support.services import make_ctx

    root = Path(tempfile.mkdtemp(prefix="yibao-hub-window-"))
    os.chmod(root, 0o755)
    server = LocalServer(root / "pg").start()
    try:
        schema.init_hub(server.url)
        node = schema.add_node(server.url, "320412", "05")
        db = open_db(tmp_path / "320412-05.sqlite3")
        ctx = make_ctx(db, window="05")
        sync_once(db, node["url"])
        win = open_window(qtbot, ctx)
        qtbot.waitUntil(lambda: win.sync_label.text() == "已同步" and not win.sync_label.isHidden(), timeout=5000)

        win.hub_sync.stop()  # hold the worker while a business waits
        person_services.register_person(ctx, WANG, "王五")
        win.hub_sync.refresh()
        assert win.sync_label.text() == "待上传 1 笔"

        server.stop()
        win.hub_sync.start()
        qtbot.waitUntil(lambda: win.sync_label.text().startswith("离线"), timeout=15000)
        assert win.sync_label.text() == "离线（自 " + _hh_mm(db) + "），待上传 1 笔"
        assert win.hub_sync.failures >= 1 and win.hub_sync.next_delay_ms() > 1000  # backing off
        assert "连接不上中心库" in win.sync_label.toolTip()
        from PySide6.QtWidgets import QApplication, QMessageBox

        assert not [m for m in QApplication.topLevelWidgets() if isinstance(m, QMessageBox) and m.isVisible()]

        server.start()  # back online: the next attempt (backed off, at most 2 s here) resumes
        qtbot.waitUntil(lambda: win.sync_label.text() == "已同步", timeout=20000)
        assert win.hub_sync.failures == 0
        win.close()
        db.close()
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def _hh_mm(db) -> str:
    from datetime import datetime

    last = db.execute("SELECT last_sync_at FROM sync_node").fetchone()[0]
    return f"{datetime.fromisoformat(last):%H:%M}"


def _double_enrollment(make_node):
    from datetime import datetime

    from desktop.services.context import CHINA

    w3, url3 = make_node("03")
    w7, url7 = make_node("07", operator_id="clerk07", now=datetime(2025, 11, 16, 9, 0, tzinfo=CHINA))
    person_services.register_person(w3, ZHANG, "张三")
    first = enrollment.enroll(w3, ZHANG, 2026)
    person_services.register_person(w7, ZHANG, "张三")
    second = enrollment.enroll(w7, ZHANG, 2026)
    for _ in range(2):
        sync_once(w3.db, url3)
        sync_once(w7.db, url7)
    return (w3, url3), (w7, url7), first, second


def test_the_conflicts_page_lists_a_double_enrollment_and_settles_it(qtbot, make_node):
    from desktop.ui.pages.conflicts import ConflictsPage

    (w3, url3), (w7, url7), first, second = _double_enrollment(make_node)
    page = ConflictsPage(window_deps(w7))
    qtbot.addWidget(page)
    page.show()
    kinds = [page.table.item(r, 1).text() for r in range(page.table.rowCount())]
    assert sorted(kinds) == ["同一身份证号两处登记", "重复参保"]
    row = kinds.index("重复参保")
    page.table.setCurrentCell(row, 0)
    cells = [page.table.item(row, c).text() for c in range(page.table.columnCount())]
    assert cells[2] == "张三" and cells[3] == ZHANG[:6] + "********" + ZHANG[-4:] and cells[4] == "2026"
    assert {cells[5], cells[6]} == {"320412-03", "320412-07"}
    # the two receipts side by side: serial, amount, window, clerk, time
    shown = {box.values["serial"].text(): box for box in (page.side_a, page.side_b)}
    assert set(shown) == {first.receipt_serial, second.receipt_serial}
    at3 = shown[first.receipt_serial].values
    assert at3["window"].text() == "320412-03" and at3["operator_id"].text() == "clerk01"
    assert at3["at"].text() == "2025-11-15 10:00"
    # 武进区 2026 老年居民… the fee is the enrollment's personal contribution, the same on both sides
    assert at3["amount"].text() == shown[second.receipt_serial].values["amount"].text() != ""
    viewed = w7.db.execute("SELECT count(*) FROM audit WHERE business = 'conflict' AND action = 'view'").fetchone()[0]
    assert viewed >= 1  # the reviewer's read is audited

    # settle: 退保 of window 07's own enrollment (the later one)
    page.which.setCurrentIndex(page.which.findData(second.enrollment_id))
    page.business.setCurrentText("退保")
    page.settle_button.click()
    assert "已处理" in page.info.text() and not page.error.text()
    row_t = w7.db.execute("SELECT id, enrollment_id, kind FROM terminations").fetchall()
    assert [(r[1], r[2]) for r in row_t] == [(second.enrollment_id, "termination")]
    resolved = w7.db.execute("SELECT record_id FROM conflict_resolutions").fetchall()
    assert resolved == [(row_t[0][0],)]
    assert [c["kind"] for c in open_conflicts(w7.db)] == ["same_id_number"]
    assert page.table.rowCount() == 1
    # it travels: window 03 sees the conflict closed after the next syncs
    sync_once(w7.db, url7)
    sync_once(w3.db, url3)
    assert [c["kind"] for c in open_conflicts(w3.db)] == ["same_id_number"]


def test_a_clerk_cannot_open_the_conflicts(qtbot, make_node):
    from desktop.ui.main_window import default_pages
    from desktop.ui.pages.conflicts import ConflictsPage

    assert "conflicts" not in [k for k, _, _ in default_pages(frozenset({"clerk"}))]
    assert "conflicts" in [k for k, _, _ in default_pages(frozenset({"reviewer"}))]
    _, (w7, _), _, _ = _double_enrollment(make_node)
    page = ConflictsPage(window_deps(w7, role="clerk"))  # reached anyway: the service refuses
    qtbot.addWidget(page)
    page.show()
    assert page.table.rowCount() == 0 and "没有复核的权限" in page.error.text()
    refused = w7.db.execute("SELECT payload FROM audit WHERE action = 'refused' AND business = 'conflict'").fetchall()
    assert len(refused) == 1


def test_the_hub_is_asked_before_an_enrollment(make_node):
    w3, url3 = make_node("03")
    w7, url7 = make_node("07")
    sync_once(w7.db, url7)  # 07 reaches the hub (its worker would keep this up to date)
    person_services.register_person(w3, WANG, "王五")
    done = enrollment.enroll(w3, WANG, 2026)
    sync_once(w3.db, url3)  # pushed, not yet pulled by 07
    person_services.register_person(w7, WANG, "王五")
    with pytest.raises(Refusal) as refused:
        enrollment.enroll(w7, WANG, 2026)
    assert refused.value.code == "already_enrolled" and refused.value.field == "year"
    assert "320412-03" in refused.value.message and done.receipt_serial in refused.value.message
    assert w7.db.execute("SELECT count(*) FROM enrollments").fetchone()[0] == 0
    # once 03's enrollment is out of force (退保 approved), 07 may enroll the person
    asked = termination.request_termination(w3, WANG, 2026, "退保", "其他", reason_note="重复参保")
    from desktop.services import review
    from tests.support.services import make_ctx

    review.decide(make_ctx(w3.db, operator_id="rev01", role="reviewer"), asked.review_request_id, approve=True)
    sync_once(w3.db, url3)
    assert enrollment.enroll(w7, WANG, 2026).receipt_serial.startswith("320412-07-")


def test_a_hub_that_does_not_answer_delays_the_counter_at_most_a_moment(make_node):
    w7, url7 = make_node("07")
    sync_once(w7.db, url7)
    # a "hub" that accepts the connection and never answers (a hung server or a dead link)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        remember_hub(w7.db, f"postgresql://node:pw@127.0.0.1:{silent.getsockname()[1]}/hub")
        person_services.register_person(w7, WANG, "王五")
        started = time.monotonic()
        done = enrollment.enroll(w7, WANG, 2026)
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert done.receipt_serial.startswith("320412-07-")
    print(f"enrollment with a silent hub: {elapsed:.3f} s")
    assert 0.3 <= elapsed < 0.3 + 0.5, elapsed  # the hub was waited for, 0.3 s at most, plus the business


def test_a_business_is_pushed_at_once_not_at_the_next_interval(qtbot, make_node):
    w3, url3 = make_node("03")
    sync_once(w3.db, url3)
    win = open_window(qtbot, w3, interval_s=60)
    sync = win.hub_sync
    # the first attempt done: the next is 60 s away
    qtbot.waitUntil(lambda: sync.worker is not None and not sync.worker.is_running() and sync.timer.isActive(), timeout=5000)
    person_services.register_person(w3, WANG, "王五")
    win.hub_sync.refresh()
    assert win.sync_label.text() == "待上传 1 笔"
    win._business_done("✔ 已登记")  # what a page's status message after a business does
    qtbot.waitUntil(lambda: win.sync_label.text() == "已同步", timeout=5000)  # not 60 s later
    win.close()
