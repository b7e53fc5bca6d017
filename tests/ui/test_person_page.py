"""参保人档案 (issue 14): the person's page, and the person carried across pages until the
next visit (finding 8)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from desktop.services import enrollment, persons, receipt
from desktop.ui.main_window import MainWindow
from desktop.ui.pages.history import HistoryPage
from tests.support.ui import make_id, show

HEAD = make_id(date(1957, 3, 2), 1)
PERSON = make_id(date(1984, 6, 1), 2)


def family(deps) -> str:
    """The daughter-in-law (41) in the grandmother's household, enrolled for 2026 on
    2025-11-15 in 武进区 (非从业居民 830 元, 002 §一(一)); a second receipt voided."""
    ctx = deps.context()
    persons.register_person(ctx, HEAD, "周桂兰")
    persons.register_person(ctx, PERSON, "陈静")
    persons.add_household_member(ctx, HEAD, PERSON, "儿媳")
    enrolled = enrollment.enroll(ctx, PERSON, 2026)
    receipt.void_receipt(ctx, enrolled.receipt_serial, "类别选错，重新办理")
    return enrolled.receipt_serial


def cells(table, column):
    return [table.item(r, column).text() for r in range(table.rowCount())]


def test_the_persons_page_shows_household_enrollments_and_void_marks(qtbot, db_deps):
    serial = family(db_deps)
    page = show(qtbot, HistoryPage(db_deps))
    audit_before = db_deps.db.execute("SELECT count(*) FROM audit").fetchone()[0]
    qtbot.keyClicks(page.id_field, PERSON)
    assert page.details["name"].text() == "陈静"
    assert page.details["sex_age"].text() == "女，41 岁"
    assert cells(page.tables["household"], 0) == ["周桂兰", "陈静（本人）"]
    assert cells(page.tables["household"], 2) == ["户主", "儿媳"]
    enrollments = page.tables["enrollments"]
    assert cells(enrollments, 0) == ["2026"] and cells(enrollments, 1) == ["非从业居民"]
    assert cells(enrollments, 4) == ["830.00"]  # 武进区 非从业居民 2026 (002 §一(一))
    assert cells(enrollments, 5) == ["2026-01-01 至 2026-12-31"]
    assert cells(enrollments, 7) == [f"{serial}（已作废）"]
    assert cells(page.tables["receipts"], 4)[0].startswith("已作废（2025-11-15：类别选错")
    assert page.tabs.tabText(0) == "参保缴费（1）" and page.tabs.tabText(1) == "家庭（2）"
    assert page.tabs.tabText(2) == "变更"  # nothing there: no count
    # reading the page is audited: one entry (Enter on the same number does not read it again)
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return)
    assert db_deps.db.execute("SELECT count(*) FROM audit").fetchone()[0] == audit_before + 1
    qtbot.keyClick(page.id_field, Qt.Key.Key_Escape)
    assert page.id_field.text() == "" and page.details["name"].text() == "—"
    assert page.tables["enrollments"].rowCount() == 0


def test_an_unregistered_number_says_so_at_the_page(qtbot, db_deps):
    page = show(qtbot, HistoryPage(db_deps))
    qtbot.keyClicks(page.id_field, PERSON)
    assert "尚未登记" in page.page_error.text()
    assert page.details["name"].text() == "—"


def test_the_person_is_carried_across_pages_until_the_next_visit(qtbot, db_deps):
    family(db_deps)
    w = show(qtbot, MainWindow(db_deps))
    qtbot.keyClick(w, Qt.Key.Key_F3)  # 变更登记
    change = w.pages["change"]
    qtbot.keyClicks(change.id_field, PERSON)
    assert w.person_number == PERSON
    qtbot.keyClick(w, Qt.Key.Key_F4)  # 停保/退保/退费: the same person, nothing typed
    assert w.pages["termination"].id_field.text() == PERSON
    qtbot.keyClick(w, Qt.Key.Key_F6)  # 零星报销
    assert w.pages["claim"].id_field.text() == PERSON
    qtbot.keyClick(w, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)  # the person's page
    assert w.current_page() is w.pages["history"]
    assert w.pages["history"].details["name"].text() == "陈静"
    assert w.keys["history"] == "Ctrl+H" and w.keys["day_report"] == "F9"
    # 新的来访 (Esc): the selection goes, and a page still holding the person is cleared on the way
    qtbot.keyClick(w.pages["history"].id_field, Qt.Key.Key_Escape)
    assert w.person_number is None
    qtbot.keyClick(w, Qt.Key.Key_F3)
    assert change.id_field.text() == "" and change.id_field.id_number is None
    # another number typed: that person is the visit's now
    qtbot.keyClicks(change.id_field, HEAD)
    qtbot.keyClick(w, Qt.Key.Key_F5)
    assert w.pages["offsite"].id_field.text() == HEAD


def test_a_search_result_opens_the_persons_page_from_a_page_without_a_person(qtbot, db_deps):
    family(db_deps)
    w = show(qtbot, MainWindow(db_deps))
    qtbot.keyClick(w, Qt.Key.Key_F7)  # 报销测算: no person on this page
    qtbot.keyClick(w, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(w.search, PERSON[-6:])
    qtbot.waitUntil(lambda: w.results.count() == 1)
    qtbot.keyClick(w.search, Qt.Key.Key_Return)
    assert w.current_page() is w.pages["history"]
    assert w.pages["history"].details["name"].text() == "陈静"
    assert w.person_number == PERSON


def test_a_certificate_is_planned_issued_and_printed_from_the_persons_page(qtbot, db_deps, printed, previews):
    from tests.support.ui import pdf_text, type_text

    ctx = db_deps.context()
    persons.register_person(ctx, HEAD, "周桂兰")
    enrolled = enrollment.enroll(ctx, HEAD, 2026)  # 68 in 2026: 老年居民 730 元 (002 §一(一))
    page = show(qtbot, HistoryPage(db_deps))
    qtbot.keyClicks(page.id_field, HEAD)
    page.cert_from.setText("2026")
    page.cert_to.setText("2026")
    assert page.cert_plan.text() == "将证明：2026年（老年居民）；个人缴费合计 730.00 元"
    page.cert_to.setText("2024")
    assert "截止年月早于起始年月" in page.cert_errors.fields["period_to"][1].text()
    page.cert_to.setText("2026")
    type_text(qtbot, page.cert_purpose, "办理居住证")
    qtbot.keyClick(page.cert_purpose, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert page.cert_outcome.text().startswith("✔ 参保证明已出具，编号 320412-03-2025-")
    assert previews and printed
    text = "".join("".join(pdf_text(printed[-1][1])).split())
    assert "城乡居民基本医疗保险参保缴费证明" in text and "个人缴费合计730.00元" in text
    assert "本证明用于办理居住证。" in text
    # the receipt list now holds the enrollment's receipt and the certificate's
    assert cells(page.tables["receipts"], 2) == ["参保登记", "参保证明"]
    assert cells(page.tables["receipts"], 0)[0] == enrolled.receipt_serial
    assert cells(page.tables["certificates"], 1) == ["2026-01 至 2026-12"]
    assert cells(page.tables["certificates"], 2) == ["办理居住证"]


def test_the_person_enrolled_stays_selected_when_the_page_clears_for_the_next_member(qtbot, db_deps):
    w = show(qtbot, MainWindow(db_deps))
    enroll = w.pages["enrollment"]
    w.show_page("enrollment")
    enroll.id_field.setText(PERSON)
    enroll.name.setText("陈静")
    enroll.submit()
    assert enroll.id_field.text() == ""  # ready for the next household member
    assert w.person_number == PERSON
    qtbot.keyClick(w, Qt.Key.Key_F3)
    assert w.pages["change"].id_field.text() == PERSON
    w.show_page("enrollment")
    enroll.new_visit.click()  # 新的来访
    assert w.person_number is None


def test_a_reviewer_reads_the_history_but_issues_no_certificate(qtbot, deps, hall_db):
    from tests.support.ui import signed_in

    clerk = signed_in(deps, hall_db, "wang")
    persons.register_person(clerk.context(), PERSON, "陈静")
    enrollment.enroll(clerk.context(), PERSON, 2026)
    reviewer = signed_in(deps, hall_db, "li")
    page = show(qtbot, HistoryPage(reviewer))
    qtbot.keyClicks(page.id_field, PERSON)
    assert page.details["name"].text() == "陈静" and cells(page.tables["enrollments"], 0) == ["2026"]
    assert not page.cert_button.isEnabled()
    entry = hall_db.execute("SELECT action, operator_id FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    assert entry == ("view", "li")
