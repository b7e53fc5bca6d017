"""Issue 13, finding 7: at the page boundary every exception becomes a Chinese message and a
crash report without personal data in the log; another window holding the write lock is the
busy refusal, shown at the page (a real second process holds the lock)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from PySide6.QtCore import Qt

from desktop.records import paths
from desktop.ui.pages.change import ChangePage
from tests.support.ui import show
from tests.ui.test_business_pages import registered

HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(60)
"""


def _confirm_phone_change(qtbot, page, number):
    qtbot.keyClicks(page.id_field, number)
    page.field.setCurrentText("联系电话")
    qtbot.keyClicks(page.value_text, "13912345678")
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_an_unexpected_error_is_a_chinese_message_and_a_crash_report_without_personal_data(qtbot, db_deps, monkeypatch):
    from desktop.services import change

    number = registered(db_deps)

    personal = ["孙玉兰", number, "ZHANG"]

    def broken(*_a, **_k):  # a defect whose message carries the person's name and number
        raise sqlite3.OperationalError("no such column: " + " ".join(personal))

    monkeypatch.setattr(change, "change", broken)
    page = show(qtbot, ChangePage(db_deps))
    _confirm_phone_change(qtbot, page, number)
    shown = page.page_error.text()
    assert "程序内部错误" in shown and "没有完成" in shown, shown
    reports = sorted(paths.log_dir().glob("crash-*.txt"))
    assert len(reports) == 1 and str(reports[0].name) in shown
    text = reports[0].read_text(encoding="utf-8")
    assert "OperationalError" in text and "no such column" in text and "test_page_failures.py" in text
    for secret in ("孙玉兰", number, number[-4:], "ZHANG"):
        assert secret not in text, secret


def test_a_window_holding_the_write_lock_is_the_busy_refusal_at_the_page(qtbot, db_deps, tmp_path):
    number = registered(db_deps)
    file = db_deps.db.execute("PRAGMA database_list").fetchone()[2]
    db_deps.db.execute("PRAGMA busy_timeout = 300")  # the test need not wait 5 s
    page = show(qtbot, ChangePage(db_deps))
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, file], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        _confirm_phone_change(qtbot, page, number)
    finally:
        holder.kill()
        holder.wait()
    shown = page.page_error.text() + page.id_field.error.text()
    assert "稍后重试，本次业务没有保存" in shown, shown
    phone = db_deps.db.execute("SELECT phone FROM persons WHERE id_number = ?", [number]).fetchone()[0]
    assert phone != "13912345678"


def test_an_exception_escaping_any_slot_is_reported_not_a_traceback(qtbot):
    from PySide6.QtWidgets import QApplication, QMessageBox

    from desktop.ui.app import crash_hook

    try:
        raise KeyError("320412195608080227")
    except KeyError as exc:
        crash_hook(type(exc), exc, exc.__traceback__)
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert boxes and "程序内部错误" in boxes[-1].text()
    (report,) = paths.log_dir().glob("crash-*.txt")
    text = report.read_text(encoding="utf-8")
    assert "KeyError" in text and "320412" not in text
    for box in boxes:
        box.close()


def test_the_enrollment_page_catches_an_unexpected_error_too(qtbot, db_deps, monkeypatch):
    from desktop.services import enrollment_visit
    from desktop.ui.pages.enrollment import EnrollmentPage
    from tests.ui.test_enrollment import GRANDMOTHER, enter_person

    def broken(*_a, **_k):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(enrollment_visit, "enroll_visit", broken)
    page = show(qtbot, EnrollmentPage(db_deps))
    enter_person(qtbot, page, GRANDMOTHER, "张桂英")
    qtbot.keyClick(page.name, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "程序内部错误" in page.page_error.text() and not page.done
    assert len(list(paths.log_dir().glob("crash-*.txt"))) == 1
