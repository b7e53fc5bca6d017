from __future__ import annotations

import re

from PySide6.QtCore import QSettings, Qt

from desktop.ui.main_window import MainWindow
from tests.support.ui import show


def test_function_keys_switch_pages_and_focus_the_first_field(qtbot, db_deps):
    w = show(qtbot, MainWindow(db_deps))
    assert (w.width(), w.height()) == (1366, 768)
    assert w.current_page().objectName() == "page_enrollment"
    qtbot.keyClick(w, Qt.Key.Key_F7)
    assert w.current_page().objectName() == "page_calculator"
    qtbot.waitUntil(lambda: w.focusWidget() is w.pages["calculator"].cost)
    qtbot.keyClick(w, Qt.Key.Key_F8)
    assert w.current_page().objectName() == "page_policy"
    for i, key in enumerate(w.pages):
        assert w.nav.item(i).text().startswith(f"{w.keys[key]} ")
        assert w.keys[key] == {"chronic": "Ctrl+M", "history": "Ctrl+H"}.get(key, f"F{i + 2}")
    qtbot.keyClick(w, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert w.focusWidget() is w.search


def test_pages_are_built_when_first_shown_the_first_one_after_the_first_paint(qtbot, db_deps):
    w = MainWindow(db_deps)
    qtbot.addWidget(w)
    assert list(w.pages) == ["enrollment", "change", "termination", "offsite", "claim", "calculator",
                             "policy", "day_report", "chronic", "history"]  # a clerk: no 复核, no 设置
    assert w.pages.built() == []  # the window itself first: nothing of any page yet
    assert w.stack.currentWidget().widget().objectName() == "pagePlaceholder"
    with qtbot.waitActive(w):
        w.show()
        w.activateWindow()
    qtbot.waitUntil(lambda: w.pages.is_built("enrollment"))
    assert w.stack.currentWidget().widget() is w.pages["enrollment"]
    qtbot.waitUntil(lambda: w.focusWidget() is w.pages["enrollment"].id_field)
    assert not w.pages.is_built("calculator")
    qtbot.keyClick(w, Qt.Key.Key_F7)
    assert [p.objectName() for p in w.pages.built()] == ["page_enrollment", "page_calculator"]
    assert w.stack.currentWidget().widget() is w.pages["calculator"]
    w.menuBar().actions()[-1].menu().actions()[6].trigger()  # 业务 → 政策查询, built on the way
    assert w.current_page().objectName() == "page_policy" and w.pages.is_built("policy")


def test_status_bar_names_hall_window_clerk_and_demo(qtbot, db_deps):
    db_deps.demo = True
    w = show(qtbot, MainWindow(db_deps))
    assert "武进区医保中心" in w.hall_label.text() and "03号窗口" in w.hall_label.text()
    assert "王经办" in w.person_label.text() and "经办人" in w.person_label.text()
    assert w.demo_label.isVisible() and w.demo_label.text() == "演示数据"
    assert "演示数据" in w.windowTitle()
    assert "王经办" in w.person_label.toolTip() and "武进区" in w.hall_label.toolTip()


def test_a_business_message_with_its_receipt_serial_fits_beside_the_status_labels(qtbot, deps, db, clock):
    """The longest messages (an off-site filing: ~75 characters ending with the serial) must not
    be cut under the hall, clerk and audit labels at 1366 px, for a hall with a long name."""
    from desktop.services import hall
    from desktop.ui.app import load_fonts
    from tests.support.ui import PASSWORD, signed_in

    load_fonts()  # the bundled faces, as the window has them: their glyphs set the widths
    hall.configure_hall(db, "武进区", "武进区医保中心经办大厅", "320412", "03", "admin", PASSWORD, "钱管理",
                        now=clock())
    logged_in = signed_in(deps, db, "admin")
    logged_in.demo = True
    w = show(qtbot, MainWindow(logged_in))
    w.audit_label.setText("✔ 审计链完整")
    message = "✔ 已备案：异地长期居住人员，就医地 江苏省苏州市，自 2025-11-15 起长期有效（至取消备案）。收据号 320412-03-2025-000006"
    labels = [w.person_label, w.audit_label, w.hall_label, w.demo_label]
    taken = sum(label.sizeHint().width() + 12 for label in labels)  # + the bar's spacing and grips
    assert w.statusBar().fontMetrics().horizontalAdvance(message) + taken <= w.width()


def test_font_scaling_and_contrast_are_remembered(qtbot, db_deps):
    w = show(qtbot, MainWindow(db_deps))
    before = w.font().pointSize()
    qtbot.keyClick(w, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(w, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert w.font().pointSize() == before + 2
    assert w.pages["calculator"].cost.font().pointSize() == before + 2  # children follow
    w.contrast_action.trigger()
    assert w.high_contrast
    w.resize(1200, 700)
    w.close()
    store = QSettings("yibao-desk", "yibao-desk")
    assert int(store.value("ui/font_pt")) == before + 2
    again = show(qtbot, MainWindow(db_deps))
    assert again.font().pointSize() == before + 2 and again.high_contrast
    assert (again.width(), again.height()) == (1200, 700)


def test_search_finds_an_enrolled_person_as_you_type(qtbot, db_deps):
    from datetime import date

    from desktop.services.persons import register_person
    from tests.support.ui import make_id

    number = make_id(date(1960, 1, 2), 7)
    register_person(db_deps.context(), number, "赵国庆")
    w = show(qtbot, MainWindow(db_deps))
    qtbot.keyClick(w, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(w.search, number[-6:])
    qtbot.waitUntil(lambda: w.results.count() == 1)
    assert "赵国庆" in w.results.item(0).text()
    qtbot.keyClick(w.search, Qt.Key.Key_Return)
    page = w.pages["enrollment"]
    assert w.current_page() is page
    assert page.id_field.id_number is not None and page.name.text() == "赵国庆"


def test_every_page_speaks_chinese(qtbot, db_deps):
    from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel

    w = show(qtbot, MainWindow(db_deps))
    for key, page in w.pages.items():
        texts = [x.text() for x in page.findChildren(QLabel) + page.findChildren(QAbstractButton)]
        texts += [g.title() for g in page.findChildren(QGroupBox)]
        for t in texts:
            t = re.sub(r"\d{3}_[0-9a-f]{16}\.txt", "", t)  # cited source files
            letters = [c for c in t if c.isascii() and c.isalpha()]
            # shortcuts (Ctrl+P, F2), dates and serials aside, no English words on the pages
            words = "".join(letters).replace("Ctrl", "").replace("Enter", "").replace("Esc", "").replace("P", "")
            words = words.replace("YYYYMMDD", "").replace("B", "").replace("Excel", "").replace("CSV", "")
            assert len(words) <= 2, (key, t)
