"""A whole visit from the keyboard only: the clerk logs in, types the ID number, Tab, the name
(as the input method commits it), Tab, the phone, Ctrl+Enter to enroll, Ctrl+P for the print
preview, Enter to print; the records and the archived paper are checked afterwards."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.support.ui import make_id, pdf_text, shown_window, signed_in, type_text


def focused():
    return QApplication.focusWidget()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(focused(), key, modifier)


def test_registration_to_receipt_with_the_keyboard_only(qtbot, deps, hall_db, printed, tmp_path):
    clerk = signed_in(deps, hall_db, "wang")
    clerk.preview = None  # the real dialog, driven by keys
    w = shown_window(qtbot, clerk)
    page = w.pages["enrollment"]
    qtbot.waitUntil(lambda: focused() is page.id_field)

    number = make_id(date(1984, 6, 1), 52)
    qtbot.keyClicks(focused(), number)
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is page.name
    type_text(qtbot, focused(), "李秀梅")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is page.phone
    qtbot.keyClicks(focused(), "13912345678")
    assert page.figures["personal"].text() == "830.00"
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # 确认登记
    assert len(page.done) == 1, page.page_error.text()
    serial = page.done[0].result.receipt_serial
    assert focused() is page.id_field  # ready for the next member

    press(qtbot, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)  # 打印预览
    dialog = page.preview
    assert dialog.objectName() == "printPreview" and dialog.isModal()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.waitUntil(lambda: focused() is dialog.print_button)
    press(qtbot, Qt.Key.Key_Return)  # 打印并存档
    qtbot.waitUntil(lambda: "已打印并存档" in page.print_note.text())

    # the records: the person, the enrollment, the receipt, all in the clerk's name
    person = hall_db.execute("SELECT id, name, phone FROM persons WHERE id_number = ?", [number]).fetchone()
    assert person[1:] == ("李秀梅", "13912345678")
    enrollment = hall_db.execute("SELECT year, category, personal_fen, operator_id FROM enrollments WHERE person_id = ?",
                                 [person[0]]).fetchone()
    assert enrollment == (2026, "非从业居民", 83000, "wang")
    assert hall_db.execute("SELECT operator_id FROM receipts WHERE serial = ?", [serial]).fetchone()[0] == "wang"
    # the paper: sent to the remembered printer and archived with its amounts and check value
    assert printed and printed[-1][2] == "柜台打印机"
    archived = sorted((tmp_path / "archive").rglob(f"{serial}-*.pdf"))
    assert [p.name for p in archived] == [f"{serial}-payment_notice.pdf", f"{serial}-receipt.pdf"]
    notice = "".join(pdf_text(archived[0].read_bytes()))
    assert "李秀梅" in notice and "830.00" in notice and serial in notice and "王经办" in notice


def window_on(qtbot, clerk, fkey, key):
    """The window shown, the page of `fkey` opened by its function key, focus in its first field."""
    w = shown_window(qtbot, clerk)
    qtbot.waitUntil(lambda: focused() is w.pages["enrollment"].id_field)
    press(qtbot, fkey)
    page = w.pages[key]
    qtbot.waitUntil(lambda: focused() is page.id_field)
    return page


def registered(clerk, *people):
    from desktop.services.persons import register_person

    for number, name in people:
        register_person(clerk.context(), number, name)


def test_enter_on_the_id_number_goes_to_the_first_field_and_tab_follows_the_page(qtbot, deps, hall_db):
    # 确认 was built before the page's fields: Enter on the ID number jumped to it, and Tab
    # reached the fields only after 确认
    clerk = signed_in(deps, hall_db, "wang")
    number = make_id(date(1965, 1, 1), 21)
    registered(clerk, (number, "孙玉兰"))
    page = window_on(qtbot, clerk, Qt.Key.Key_F3, "change")
    qtbot.keyClicks(focused(), number)
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is page.field
    for expected in (page.value_text, page.reason, page.confirm):
        press(qtbot, Qt.Key.Key_Tab)
        assert focused() is expected

    page = window_on(qtbot, clerk, Qt.Key.Key_F5, "offsite")
    qtbot.keyClicks(focused(), number)
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is page.person_type
    for expected in (page.province, page.city, page.start, page.until, page.confirm):
        press(qtbot, Qt.Key.Key_Tab)
        assert focused() is expected


def test_after_a_change_enter_prints_instead_of_confirming_again(qtbot, deps, hall_db, printed):
    # focus stayed on 确认: a second Enter confirmed again, and the refusal ("与原联系电话相同")
    # replaced the line saying the change was done
    clerk = signed_in(deps, hall_db, "wang")
    number = make_id(date(1965, 1, 1), 21)
    registered(clerk, (number, "孙玉兰"))
    page = window_on(qtbot, clerk, Qt.Key.Key_F3, "change")
    qtbot.keyClicks(focused(), number)
    page.field.setCurrentText("联系电话")
    page.value_text.setFocus()
    qtbot.keyClicks(focused(), "13912345678")
    press(qtbot, Qt.Key.Key_Return)  # to 变更原因
    press(qtbot, Qt.Key.Key_Return)  # to 确认
    assert focused() is page.confirm
    press(qtbot, Qt.Key.Key_Return)  # 确认变更
    assert page.outcome.text().startswith("✔ 联系电话已变更")
    assert focused() is page.print_button
    press(qtbot, Qt.Key.Key_Return)  # 打印
    assert printed and printed[-1][1].startswith(b"%PDF")
    assert page.outcome.text().startswith("✔ 联系电话已变更")
    assert hall_db.execute("SELECT count(*) FROM receipts").fetchone()[0] == 1


def test_the_next_persons_id_number_clears_the_previous_visit(qtbot, deps, hall_db, printed):
    # the previous person's outcome, destination and ticked materials stayed on the page, and
    # Ctrl+P printed the previous person's 备案回执 with the next person's number in the field
    clerk = signed_in(deps, hall_db, "wang")
    first, second = make_id(date(1950, 1, 1), 31), make_id(date(1951, 1, 1), 32)
    registered(clerk, (first, "孙玉兰"), (second, "周建国"))
    page = window_on(qtbot, clerk, Qt.Key.Key_F5, "offsite")
    qtbot.keyClicks(focused(), first)
    page.province.setFocus()
    type_text(qtbot, focused(), "江苏省")
    press(qtbot, Qt.Key.Key_Return)
    type_text(qtbot, focused(), "苏州市")
    page.materials.tick(*page.materials.answer and [m["name"] for m in page.materials.answer["materials"]])
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.outcome.text().startswith("✔ 已备案"), page.outcome.text() + page.page_error.text()

    page.id_field.setFocus()
    page.id_field.selectAll()
    qtbot.keyClicks(focused(), second)
    assert "已登记：周建国" in page.id_field.info.text()
    assert page.outcome.text() == ""
    assert not page.print_button.isEnabled()
    assert (page.province.text(), page.city.text(), page.materials.received()) == ("", "", [])
    press(qtbot, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert printed == []


def test_two_businesses_of_one_person_keep_the_person_on_the_page(qtbot, deps, hall_db):
    clerk = signed_in(deps, hall_db, "wang")
    number = make_id(date(1965, 1, 1), 21)
    registered(clerk, (number, "孙玉兰"))
    page = window_on(qtbot, clerk, Qt.Key.Key_F3, "change")
    qtbot.keyClicks(focused(), number)
    page.field.setCurrentText("联系电话")
    qtbot.keyClicks(page.value_text, "13912345678")
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.outcome.text().startswith("✔ 联系电话已变更")
    page.field.setCurrentText("地址")
    type_text(qtbot, page.value_text, "武进区湖塘镇")
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.outcome.text().startswith("✔ 地址已变更"), page.page_error.text()
    assert page.id_field.text() == number and page.print_button.isEnabled()


def test_a_registered_persons_name_and_phone_are_shown_as_recorded(qtbot, deps, hall_db):
    # the enrollment ignores them for a registered person: a phone typed here was silently lost
    clerk = signed_in(deps, hall_db, "wang")
    known, new = make_id(date(1984, 1, 1), 51), make_id(date(1985, 1, 1), 52)
    registered(clerk, (known, "孙玉兰"))
    w = shown_window(qtbot, clerk)
    page = w.pages["enrollment"]
    qtbot.waitUntil(lambda: focused() is page.id_field)
    qtbot.keyClicks(focused(), known)
    assert page.name.text() == "孙玉兰"
    assert page.name.isReadOnly() and page.phone.isReadOnly()
    assert "变更登记" in w.statusBar().currentMessage()
    qtbot.keyClicks(page.phone, "13812345678")
    assert page.phone.text() == ""
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(page.done) == 1
    assert hall_db.execute("SELECT phone FROM persons WHERE id_number = ?", [known]).fetchone()[0] is None
    # the next member, not yet registered: typed in as before
    assert not page.name.isReadOnly() and not page.phone.isReadOnly()
    qtbot.keyClicks(focused(), new)
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is page.name and not page.name.isReadOnly()


def test_a_november_roster_is_enrolled_for_next_year(qtbot, db_deps, tmp_path, monkeypatch):
    # 导入花名册 used the calendar year: in the 集中参保缴费期 a village's roster was enrolled for
    # this year, late (from the next month, no benefits for the year it was brought for)
    from openpyxl import Workbook

    from desktop.ui.pages import settings
    from tests.support.ui import show

    wb = Workbook()
    wb.active.append(["姓名", "身份证号", "参保类别"])
    wb.active.append(["村民甲", make_id(date(1970, 1, 1), 1), "非从业居民"])
    wb.save(tmp_path / "花名册.xlsx")
    monkeypatch.setattr(settings.jobs.QFileDialog, "getOpenFileName", lambda *a, **k: (str(tmp_path / "花名册.xlsx"), ""))
    page = show(qtbot, settings.SettingsPage(db_deps))
    page.import_button.click()
    assert "2026年度" in page.job_note.text()
    qtbot.waitUntil(lambda: page.import_button.isEnabled(), timeout=20000)
    assert "新参保1人" in page.job_note.text(), page.job_note.text()
    assert db_deps.db.execute("SELECT year, benefit_start FROM enrollments").fetchall() == [(2026, "2026-01-01")]


def test_the_reviewer_decides_with_enter(qtbot, deps, hall_db):
    # 通过/驳回 outside a dialog ignored Enter (only Space clicked): the reviewer pressed Enter
    # and nothing happened, the request stayed in the queue
    from desktop.services.enrollment import enroll
    from desktop.services.review import pending_reviews
    from desktop.services.termination import request_termination

    clerk = signed_in(deps, hall_db, "wang")
    number = make_id(date(1990, 5, 5), 31)
    registered(clerk, (number, "刘明"))
    enroll(clerk.context(), number, 2026, category=None)
    request_termination(clerk.context(), number, 2026, "停保", "参军")
    reviewer = signed_in(deps, hall_db, "li")
    w = shown_window(qtbot, reviewer)
    press(qtbot, Qt.Key.Key_F10)
    panel = w.pages["review"].panel
    qtbot.waitUntil(lambda: focused() is panel.table)
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, focused(), "入伍通知书已核")
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is panel.approve
    press(qtbot, Qt.Key.Key_Return)  # 通过
    assert w.statusBar().currentMessage() == "✔ 已通过，业务已生效", panel.error.text()
    assert pending_reviews(reviewer.context()) == []


def test_enter_on_a_button_presses_it(qtbot, deps, hall_db, printed, monkeypatch):
    # the pages' other buttons ignored Enter too: 打印测算单, 作废, 导入花名册 …
    from desktop.ui.pages import settings

    clerk = signed_in(deps, hall_db, "wang")
    w = shown_window(qtbot, clerk)
    enrollment = w.pages["enrollment"]
    qtbot.waitUntil(lambda: focused() is enrollment.id_field)
    qtbot.keyClicks(focused(), make_id(date(1984, 6, 1), 52))
    press(qtbot, Qt.Key.Key_Return)
    type_text(qtbot, focused(), "李秀梅")
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    enrollment.print_button.setFocus()
    press(qtbot, Qt.Key.Key_Return)
    assert printed and printed[-1][0] == "缴费通知单与受理回执"

    press(qtbot, Qt.Key.Key_F7)
    calculator = w.pages["calculator"]
    qtbot.waitUntil(lambda: focused() is calculator.cost)
    calculator.year.setCurrentText("2026年度")
    qtbot.keyClicks(calculator.cost, "200000")
    calculator.print_button.setFocus()
    press(qtbot, Qt.Key.Key_Return)
    assert printed and printed[-1][0] == "报销测算单"

    press(qtbot, Qt.Key.Key_F9)
    day = w.pages["day_report"]
    qtbot.waitUntil(lambda: focused() is day.day)
    day.void_button.setFocus()
    press(qtbot, Qt.Key.Key_Return)
    assert "收据号" in day.void_error.text()  # 作废 was pressed: the services ask for the serial

    chosen = []
    monkeypatch.setattr(settings.jobs.QFileDialog, "getOpenFileName", lambda *a, **k: (chosen.append(1), ("", ""))[1])
    page = show_page(qtbot, settings.SettingsPage(clerk))
    page.import_button.setFocus()
    press(qtbot, Qt.Key.Key_Return)
    assert chosen == [1]


def show_page(qtbot, page):
    from tests.support.ui import show

    return show(qtbot, page)


def test_every_button_of_every_page_takes_enter(qtbot, deps, hall_db):
    """Pages not driven above (零星报销's 添加票据 / 查询 / 补交 / 审核 / 结算, 异地备案's 变更 /
    取消 …): once shown, each of their buttons acts on Enter."""
    from PySide6.QtWidgets import QPushButton

    clerk = signed_in(deps, hall_db, "wang")
    w = shown_window(qtbot, clerk)
    for key in ("claim", "offsite", "change", "termination"):
        w.show_page(key)
        page = w.pages[key]
        buttons = page.findChildren(QPushButton)
        assert buttons and all(b.autoDefault() for b in buttons), [b.text() for b in buttons if not b.autoDefault()]
    claim = w.pages["claim"]
    claim.add_bill.setFocus()
    press(qtbot, Qt.Key.Key_Return)
    assert claim.page_error.text() or any(label.text() for _w, label in claim.errors.fields.values())
