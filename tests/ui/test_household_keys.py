"""visits.md #1 by keyboard (issue 14 #7): a family enrolled as a household, and a year later
renewed in one pass. Card reads (F12 on the reader) are not counted; every other key is.
Before: 89 keys, 24 of them reaching and choosing 与户主关系, and six A4 sheets."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.services.context import CHINA
from desktop.ui.reader import CardData, SimulatedReader
from tests.support.ui import PASSWORD, make_id, shown_window, signed_in

GRANDMOTHER = make_id(date(1957, 3, 2), 61)  # 67 on 2024-11-20, 68 on 2025-11-15
MOTHER = make_id(date(1984, 6, 1), 62)  # 41
GRANDSON = make_id(date(2016, 5, 20), 63, male=True)  # 8, then 9
CARDS = {GRANDMOTHER: ("张桂英", "女", date(1957, 3, 2)), MOTHER: ("李秀梅", "女", date(1984, 6, 1)),
         GRANDSON: ("王小明", "男", date(2016, 5, 20))}


class Keys:
    """Presses keys on the focused widget and counts them."""

    def __init__(self, qtbot) -> None:
        self.qtbot, self.count = qtbot, 0

    def __call__(self, key, modifier=Qt.KeyboardModifier.NoModifier, text: str | None = None) -> None:
        self.count += 1
        self.qtbot.keyClick(QApplication.focusWidget(), key, modifier)

    def type(self, letters: str) -> None:
        for ch in letters:
            self.count += 1
            self.qtbot.keyClicks(QApplication.focusWidget(), ch)


def card(qtbot, reader, number) -> None:
    """The ID card laid on the reader and read with F12 (not counted as a keystroke)."""
    name, sex, born = CARDS[number]
    reader.cards.append(CardData(name=name, sex=sex, ethnicity="汉", birth_date=born, address="常州市武进区湖塘镇",
                                 id_number=number))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F12)


def on(deps, day):
    return replace(deps, clock=lambda: datetime(day.year, day.month, day.day, 10, 0, tzinfo=CHINA), preview=None)


def print_with_keys(qtbot, keys, page):
    keys(Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dialog = page.preview
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.print_button)
    keys(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "已打印并存档" in page.print_note.text())
    return dialog


def test_a_household_enrolled_then_renewed_in_one_pass(qtbot, deps, hall_db, printed):
    from desktop.services import accounts, hall

    admin = accounts.login(hall_db, "admin", PASSWORD)
    hall.set_setting(hall.context_for(hall_db, admin), "receipt_printer", "热敏小票机")

    # 2024-11-20: the first time, three cards, the members' relationships by key
    first = on(deps, date(2024, 11, 20))
    first.reader = SimulatedReader([])
    clerk = signed_in(first, hall_db, "wang")
    w = shown_window(qtbot, clerk)
    page = w.pages["enrollment"]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.id_field)
    keys = Keys(qtbot)
    card(qtbot, clerk.reader, GRANDMOTHER)
    keys(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(page.done) == 1, page.page_error.text()
    card(qtbot, clerk.reader, MOTHER)
    assert QApplication.focusWidget() is page.relationship  # a member lands on 与户主关系
    assert "1 配偶" in page.relationship_hint.text()
    keys.type("ex")  # 儿媳 by its pinyin initials
    assert page.relationship.currentData() == "儿媳"
    keys(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    card(qtbot, clerk.reader, GRANDSON)
    keys(Qt.Key.Key_8)  # 8 孙子女
    assert page.relationship.currentData() == "孙子女"
    keys(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert [d.relationship for d in page.done] == ["户主", "儿媳", "孙子女"], page.page_error.text()
    dialog = print_with_keys(qtbot, keys, page)
    # four papers: a 缴费通知单 each and one 家庭受理回执, on the hall's 80 mm printer
    assert [type(d).__name__ for d in dialog.documents] == ["PaymentNotice"] * 3 + ["HouseholdReceipt"]
    assert printed[-1][2:] == ("热敏小票机", "80mm")
    first_year = keys.count
    assert first_year <= 40, first_year
    w.close()

    # 2025-11-15: the renewal: the head's card brings the household, each confirmed with one key
    renew = on(deps, date(2025, 11, 15))
    renew.reader = SimulatedReader([])
    clerk = signed_in(renew, hall_db, "wang")
    w = shown_window(qtbot, clerk)
    page = w.pages["enrollment"]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.id_field)
    keys = Keys(qtbot)
    card(qtbot, clerk.reader, GRANDMOTHER)
    assert page.kind_label.text() == "业务：续保"
    assert page.visit_table.rowCount() == 2 and "待办理：2 人" in page.visit_note.text()
    # 老年居民 700 + 30 = 730, 非从业居民 武进区 800 + 30 = 830, 未成年居民 380 (002 §一(三))
    expected = {"张桂英": 73000, "李秀梅": 83000, "王小明": 38000}
    for _ in range(3):
        shown = page.figures["personal"].text()
        name = page.name.text()
        keys(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert page.done[-1].name == name and page.done[-1].result.kind == "renewal", page.page_error.text()
        assert f"{expected[name] // 100}.00" == shown
    assert [d.result.contribution.personal_fen for d in page.done] == list(expected.values())
    rows = hall_db.execute("SELECT kind, personal_fen FROM enrollments WHERE year = 2026 ORDER BY created_at").fetchall()
    assert rows == [("renewal", 73000), ("renewal", 83000), ("renewal", 38000)]
    print_with_keys(qtbot, keys, page)
    renewal_keys = keys.count
    assert renewal_keys <= 40, renewal_keys
    print(f"keystrokes besides card reads: first year {first_year}, renewal {renewal_keys}")
