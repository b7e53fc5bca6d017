"""Screenshots of every page at 1366×768: `python docs/screens/make_screens.py` (under Xvfb or
with QT_QPA_PLATFORM=offscreen). A demo hall (演示数据) in a temporary folder; the visit shown is
entered through the pages and services exactly as a clerk would."""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))


def make_id(birth: date, seq: int, male: bool = False, region_code: str = "320412") -> str:
    from stdnum.cn import ric

    body = f"{region_code}{birth:%Y%m%d}{(seq * 2 + (1 if male else 0)) % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


PASSWORD = "Desk2026qq"


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="yibao-screens-"))
    os.environ["YIBAO_DESK_HOME"] = str(tmp / "home")
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QColor, QPainter, QPixmap
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "settings"))
    from desktop.policy import loader
    from desktop.records.db import open_db
    from desktop.services import accounts, hall
    from desktop.services.context import CHINA
    from desktop.ui.app import load_fonts
    from desktop.ui.deps import Deps
    from desktop.ui.login import LoginDialog, SetupDialog
    from desktop.ui.main_window import MainWindow

    load_fonts()
    now = datetime(2025, 11, 15, 10, 0, tzinfo=CHINA)
    size = (1366, 768)

    def settle():
        for _ in range(5):
            app.processEvents()

    def save(pixmap: QPixmap, name: str) -> None:
        path = HERE / f"{name}.png"
        pixmap.save(str(path))
        print(path, path.stat().st_size // 1024, "KB")

    def over(background: QPixmap | None, dialog, name: str) -> None:
        """A dialog as the clerk sees it: centred over the (dimmed) window, 1366×768."""
        dialog.show()
        settle()
        canvas = QPixmap(*size)
        canvas.fill(QColor("#dfe4ea"))
        painter = QPainter(canvas)
        if background is not None:
            painter.drawPixmap(0, 0, background)
            painter.fillRect(canvas.rect(), QColor(0, 0, 0, 90))
        shot_ = dialog.grab()
        painter.drawPixmap((size[0] - shot_.width()) // 2, (size[1] - shot_.height()) // 2, shot_)
        painter.end()
        save(canvas, name)
        dialog.close()

    # first start: the setup dialog (the hall's region from the packs, the first administrator)
    db = open_db(tmp / "hall.sqlite3")
    setup = SetupDialog(db, loader.bundled().regions(), now=lambda: now)
    setup.region.setCurrentText("武进区")
    setup.hall_name.setText("武进区医保中心经办大厅")
    setup.hall_code.setText("3204")
    setup.window_code.setText("03")
    setup.admin_username.setText("admin")
    setup.admin_name.setText("钱管理")
    setup.password.setText(PASSWORD)
    setup.password_again.setText(PASSWORD)
    setup.ok.click()  # the code is refused at its field: six digits
    over(None, setup, "setup")
    setup.hall_code.setText("320412")
    setup.ok.click()
    admin_ctx = hall.context_for(db, setup.account, lambda: now)
    hall.set_setting(admin_ctx, "elderly_from_age", "60")
    accounts.create_account(admin_ctx, "wang", PASSWORD, "王经办", ["clerk"])
    accounts.create_account(admin_ctx, "li", PASSWORD, "李复核", ["reviewer"])

    # later starts: the login dialog (a wrong password told in words)
    login = LoginDialog(db, "武进区医保中心经办大厅", now=lambda: now)
    login.username.setText("wang")
    login.password.setText("wrong-pass1")
    login.login()
    login.username.setText("wang")
    over(None, login, "login")

    def window_for(username: str, **extra) -> MainWindow:
        deps = Deps(packs=loader.bundled(), db=db, clock=lambda: now, demo=True, open_path=lambda p: None, **extra)
        deps.sign_in(accounts.login(db, username, PASSWORD, now=now))
        win = MainWindow(deps)
        win.resize(*size)
        win.show()
        settle()
        return win

    w = window_for("wang")
    deps = w.deps

    def shot(name: str) -> None:
        settle()
        save(w.grab(), name)

    # 1. a family enrolls (visit 1)
    page = w.pages["enrollment"]
    w.show_page("enrollment")
    for number, name, rel in ((make_id(date(1957, 3, 2), 1), "张桂英", None), (make_id(date(1984, 6, 1), 2), "李秀梅", "儿媳"),
                              (make_id(date(2016, 5, 20), 3, True), "王小明", "孙子女")):
        page.id_field.setText(number)
        page.name.setText(name)
        if rel:
            page.relationship.setCurrentText(rel)
        page.submit()
    page.id_field.setText(make_id(date(1962, 9, 9), 5, True))
    page.name.setText("陈建国")
    shot("enrollment")

    # the print preview of the family's papers (Ctrl+P), over the window
    background = w.grab()
    captured = []
    deps.preview = captured.append
    page.print_documents()
    preview = captured[0]
    preview.resize(1300, 720)
    over(background, preview, "print-preview")
    deps.preview = None

    # 续保 of a household enrolled last year: the head's card brings the others (待办理), last
    # year's category beside this year's proposal (the son turned 60: 非从业居民 → 老年居民)
    last_year = lambda: datetime(2024, 11, 20, 10, 0, tzinfo=CHINA)  # noqa: E731
    from desktop.services import enrollment as enrollment_service
    from desktop.services import persons as person_service

    old_ctx = hall.context_for(db, accounts.login(db, "wang", PASSWORD, now=last_year()), last_year)
    family = [(make_id(date(1965, 2, 8), 11, True), "周建华", None), (make_id(date(1967, 4, 1), 12), "吴丽娟", "配偶"),
              (make_id(date(2009, 7, 7), 13, True), "周子涵", "子")]
    for number, name, rel in family:
        person_service.register_person(old_ctx, number, name)
        enrollment_service.enroll(old_ctx, number, 2025)
        if rel:
            person_service.add_household_member(old_ctx, family[0][0], number, rel)
    page.back_out()
    page.id_field.setText(family[0][0])
    shot("enrollment-renewal")
    page.back_out()

    # 10. "how much will I get back?"
    calc = w.pages["calculator"]
    w.show_page("calculator")
    calc.year.setCurrentIndex(calc.year.findData(2026))
    calc.category.setCurrentText("老年居民")
    calc.level.setCurrentText("三级")
    calc.cost.setText("200000")
    shot("calculator")
    calc.cost.setText("-5")
    shot("calculator-refusal")
    calc.cost.setText("200000")

    # 13. what changed
    pol = w.pages["policy"]
    w.show_page("policy")
    shot("policy-fees")
    pol.tabs.setCurrentIndex(1)
    shot("policy-inpatient")
    pol.tabs.setCurrentIndex(pol.tabs.count() - 1)
    shot("policy-changes")
    pol.tabs.setCurrentIndex(0)

    # 6. a change
    ch = w.pages["change"]
    w.show_page("change")
    ch.id_field.setText(make_id(date(1984, 6, 1), 2))
    ch.field.setCurrentText("联系电话")
    ch.value_text.setText("13912345678")
    ch.reason.setText("更换手机号")
    ch.submit()
    shot("change")

    # 7. suspension with review
    te = w.pages["termination"]
    w.show_page("termination")
    te.year.setCurrentIndex(te.year.findData(2026))
    te.id_field.setText(make_id(date(1984, 6, 1), 2))
    te.kind.setCurrentText("停保")
    te.reason.setCurrentText("参加职工医保")
    te.submit()
    te.kind.setCurrentText("退费")
    shot("termination")

    # 8. offsite filing
    of = w.pages["offsite"]
    w.show_page("offsite")
    of.id_field.setText(make_id(date(1957, 3, 2), 1))
    of.province.setText("江苏省")
    of.city.setText("苏州市")
    of.materials.tick(*[b.property("material") for b in of.materials.boxes])
    of.submit()
    shot("offsite")

    # 9. a bill from another city (in July 2026: the 2026 pack lists the 零星报销 materials)
    from dataclasses import replace

    summer = replace(deps, clock=lambda: datetime(2026, 7, 1, 9, 30, tzinfo=CHINA))
    summer.sign_in(deps.account)
    w2 = MainWindow(summer)
    w2.resize(1366, 768)
    w2.show()
    cl = w2.pages["claim"]
    w2.show_page("claim")
    cl.id_field.setText(make_id(date(1957, 3, 2), 1))
    cl.hospital.setText("苏州大学附属第一医院")
    cl.start.setText("2026-05-08")
    cl.end.setText("2026-05-20")
    cl.amount.setText("20000")
    cl.add_current_bill()
    if cl.materials.boxes:
        cl.materials.boxes[0].setChecked(True)
    cl.submit()
    settle()
    save(w2.grab(), "claim")
    w2.close()

    # 12. end of the day
    dr = w.pages["day_report"]
    w.show_page("day_report")
    dr.scope.setCurrentIndex(dr.scope.count() - 1)
    dr.submit()
    dr.void_serial.setText("320412-03-2025-000004")
    dr.void_reason.setText("手机号录错，已重新办理")
    dr.void_receipt()
    shot("day-report")
    # the printed 日结报表 (Ctrl+P): businesses, then every receipt issued or voided with the reason
    background = w.grab()
    captured = []
    deps.preview = captured.append
    dr.print_documents()
    report = captured[0]
    report.resize(1300, 720)
    report.show()
    settle()
    bar = report.scroll.verticalScrollBar()
    bar.setValue(bar.maximum() // 2 - 80)  # down to the receipts issued and voided
    over(background, report, "day-report-print")
    deps.preview = None

    # 15. the person's page (Ctrl+H): the grandmother's records, a 参保证明 for 2026 planned
    w.show_page("history")
    history = w.pages["history"]
    history.load_person(make_id(date(1957, 3, 2), 1))
    history.cert_from.setText("2026")
    history.cert_to.setText("2026")
    history.cert_purpose.setText("办理居住证")
    shot("history")
    history.load_person(make_id(date(1984, 6, 1), 2))  # the daughter-in-law: a change voided at 日结
    history.tabs.setCurrentIndex(history.tabs.count() - 1)  # 收据, the voided one marked
    shot("history-receipts")
    history.tabs.setCurrentIndex(0)

    # 门诊慢特病 (Ctrl+M): a 门诊特殊病 application for 2026, the 认定 hospital from the pack's list
    chronic = w.pages["chronic"]
    w.show_page("chronic")
    chronic.year.setCurrentIndex(chronic.year.findData(2026))
    chronic.id_field.setText(make_id(date(1957, 3, 2), 1))
    chronic.disease.setCurrentText("系统性红斑狼疮")
    chronic.hospital.setCurrentText("武进人民医院")
    for box in chronic.boxes:
        box.setChecked(True)
    chronic.submit()
    shot("chronic")
    chronic.kind.setCurrentText("门诊慢性病")
    chronic.year.setCurrentIndex(chronic.year.findData(2025))
    shot("chronic-2025-adopted")  # 003 names the diseases; the materials are 2024's, said 沿用

    # the reviewer's window: the queue (the 停保 above waits for a second pair of eyes)
    rv = window_for("li")
    rv.show_page("review")
    settle()
    save(rv.grab(), "review")
    rv.close()

    # the administrator's window: settings and accounts
    ad = window_for("admin")
    ad.show_page("settings")
    settle()
    save(ad.grab(), "settings")
    ad.close()

    # the idle lock
    w.show_page("enrollment")
    w.idle_lock()
    w.lock_overlay.password.setText("wrong")
    w.lock_overlay.try_unlock()
    shot("idle-lock")
    w.lock_overlay.password.setText(PASSWORD)
    w.lock_overlay.try_unlock()

    w.scale_font(+3)
    w.show_page("enrollment")
    shot("enrollment-large-font")
    w.scale_font(-3)
    w.set_high_contrast(True)
    w.show_page("calculator")
    shot("calculator-high-contrast")
    w.set_high_contrast(False)
    hub_screens(db, w, window_for, save, settle, now)
    w.close()
    tianjin_late(tmp, window_size=size, settle=settle, save=save)


def tianjin_late(tmp: Path, *, window_size, settle, save) -> None:
    """A 天津 street centre in March 2024: a late enrollment whose 连续参保年数 and 中断月数 come
    from the three years on file (004 §八(三): benefits from the day after payment)."""
    from desktop.policy import loader
    from desktop.records import enrollments, receipts
    from desktop.records.db import open_db
    from desktop.records.tx import write
    from desktop.services import accounts, hall, persons
    from desktop.services.context import CHINA
    from desktop.ui.deps import Deps
    from desktop.ui.main_window import MainWindow

    march = datetime(2024, 3, 15, 10, 0, tzinfo=CHINA)
    db = open_db(tmp / "tianjin.sqlite3")
    admin = hall.configure_hall(db, "天津市", "和平区劝业场街综合服务中心", "120101", "02", "admin", PASSWORD, "刘管理",
                                now=march)
    ctx = hall.context_for(db, admin, lambda: march)
    accounts.create_account(ctx, "zhao", PASSWORD, "赵经办", ["clerk"])
    clerk_ctx = hall.context_for(db, accounts.login(db, "zhao", PASSWORD, now=march), lambda: march)
    number = make_id(date(1979, 8, 8), 21, region_code="120101")
    person = persons.register_person(clerk_ctx, number, "孙秀兰")
    for year in (2021, 2022, 2023):  # as an earlier release stored them
        stamp = clerk_ctx.stamp()
        row = {**stamp.meta(), "person_id": person["id"], "year": year, "region": "天津市", "kind": "enroll",
               "category": "城乡未就业居民（成年）", "proposed_category": "城乡未就业居民（成年）",
               "category_reason": None, "assistance": None, "tier": "低档", "special_group": None, "student_proof": 0,
               "standard_fen": 38000, "ltc_fen": 0, "assisted_fen": 0, "personal_fen": 38000,
               "paid_on": f"{year - 1}-11-20", "benefit_start": f"{year}-01-01", "benefit_end": f"{year}-12-31",
               "waiting_months": 0, "retroactive": 0, "trace": "{}"}
        with write(db):
            row["receipt_serial"] = receipts.issue(db, stamp, business="enroll", record_id=row["id"],
                                                   person_id=person["id"])
            enrollments.add(db, stamp, row)
    deps = Deps(packs=loader.bundled(), db=db, clock=lambda: march, demo=True, open_path=lambda p: None)
    deps.sign_in(accounts.login(db, "zhao", PASSWORD, now=march))
    win = MainWindow(deps)
    win.resize(*window_size)
    win.show()
    settle()
    win.show_page("enrollment")
    win.pages["enrollment"].id_field.setText(number)
    settle()
    save(win.grab(), "enrollment-tianjin-late")
    win.close()


def hub_screens(db, w, window_for, save, settle, now) -> None:
    """The hall on a county hub (a throwaway local PostgreSQL): the status bar's 已同步 /
    待上传 3 笔 / 离线（自 …）, and the reviewer's 冲突 page with a double enrollment (window 07
    enrolled 张桂英 for 2026 while apart from window 03, which had enrolled her too)."""
    import shutil
    import time

    from PySide6.QtCore import QRect
    from PySide6.QtGui import QColor, QPainter, QPixmap

    from desktop.hub import schema
    from desktop.hub.local_server import LocalServer
    from desktop.records.db import open_db
    from desktop.services import enrollment, persons
    from desktop.services.context import CHINA, Context
    from desktop.sync import sync_once

    try:
        root = Path(tempfile.mkdtemp(prefix="yibao-screens-hub-"))
        os.chmod(root, 0o755)
        server = LocalServer(root / "pg").start()
    except (FileNotFoundError, OSError) as exc:
        print("hub screens skipped:", exc)
        return
    try:
        schema.init_hub(server.url)
        url03 = schema.add_node(server.url, "320412", "03")["url"]
        url07 = schema.add_node(server.url, "320412", "07")["url"]
        db07 = open_db(root / "window07.sqlite3")
        at07 = Context(db=db07, region="武进区", hall_code="320412", window="07", operator_id="zhou", role="clerk",
                       clock=lambda: datetime(2025, 11, 16, 9, 5, tzinfo=CHINA), settings={"elderly_from_age": 60})
        number = make_id(date(1957, 3, 2), 1)
        persons.register_person(at07, number, "张桂英")
        enrollment.enroll(at07, number, 2026)
        for node_db, url in ((db, url03), (db07, url07), (db, url03)):
            sync_once(node_db, url)

        def wait(condition, seconds: float = 20) -> None:
            end = time.monotonic() + seconds
            while not condition() and time.monotonic() < end:
                settle()
                time.sleep(0.05)

        rv = window_for("li")
        wait(lambda: rv.hub_sync is not None and rv.sync_label.text() == "已同步"
             and not rv.hub_sync.worker.is_running())
        bars = []

        def status_bar(win) -> QPixmap:
            settle()  # the label's new width laid out
            bar = win.statusBar()
            return bar.grab(QRect(bar.width() - 760, 0, 760, bar.height()))

        bars.append(status_bar(rv))
        rv.hub_sync.stop()
        clerk = w.deps.context()
        for i, name in enumerate(("赵一", "钱二", "孙三")):
            persons.register_person(clerk, make_id(date(1990, 1, 10 + i), 40 + i), name)
        rv.hub_sync.refresh()
        bars.append(status_bar(rv))
        server.stop()
        rv.hub_sync.start()
        wait(lambda: rv.sync_label.text().startswith("离线"))
        bars.append(status_bar(rv))
        rv.show_page("conflicts")
        page = rv.pages["conflicts"]
        kinds = [page.table.item(r, 1).text() for r in range(page.table.rowCount())]
        if "重复参保" in kinds:
            page.table.setCurrentCell(kinds.index("重复参保"), 0)
        settle()
        save(rv.grab(), "conflicts")
        # the three states, one under the other, as the right end of the status bar shows them
        gap = 6
        canvas = QPixmap(bars[0].width(), sum(b.height() for b in bars) + gap * (len(bars) - 1))
        canvas.fill(QColor("#ffffff"))
        painter = QPainter(canvas)
        y = 0
        for bar in bars:
            painter.drawPixmap(0, y, bar)
            y += bar.height() + gap
        painter.end()
        save(canvas, "sync-status")
        rv.close()
        db07.close()
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
