from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt

from desktop.ui.pages.calculator import CalculatorPage
from tests.support.ui import pdf_text, show


def make(qtbot, deps):
    return show(qtbot, CalculatorPage(deps))


def choose(combo, text):
    index = combo.findText(text)
    assert index >= 0, f"{text} not in {[combo.itemText(i) for i in range(combo.count())]}"
    combo.setCurrentIndex(index)


def figure(page, key):
    return page.figure_labels[key].text()


def test_inpatient_estimate_shows_layers_and_trace(qtbot, deps):
    page = make(qtbot, deps)
    choose(page.region, "天宁区")
    choose(page.year, "2026年度")
    choose(page.category, "老年居民")
    choose(page.level, "二级")
    qtbot.keyClicks(page.cost, "10000")
    assert figure(page, "deductible") == "600.00"
    assert figure(page, "basic") == "7520.00"
    assert figure(page, "personal") == "2480.00"
    steps = page.trace.rows()
    assert any("起付标准" in s[0] and s[1] == "600.00" and "§三(一)" in s[2] for s in steps)
    assert page.print_button.isEnabled()


def test_bad_amount_is_shown_at_the_field_and_no_result(qtbot, deps):
    page = make(qtbot, deps)
    qtbot.keyClicks(page.cost, "-5")
    label = page.errors.fields["compliant_cost"][1]
    assert label.isVisibleTo(page)
    assert "不能为负数" in label.text() and label.text().startswith("⚠")
    assert page.cost.property("invalid") is True
    assert figure(page, "basic") == "—"
    assert page.trace.rowCount() == 0
    assert not page.print_button.isEnabled()
    page.cost.clear()
    qtbot.keyClicks(page.cost, "500")
    assert not label.isVisibleTo(page)
    assert page.cost.property("invalid") is False


def test_contribution_of_a_district(qtbot, deps):
    page = make(qtbot, deps)
    choose(page.kind, "个人缴费测算")
    choose(page.region, "钟楼区")
    choose(page.year, "2026年度")
    choose(page.category, "非从业居民")
    assert figure(page, "standard") == "830.00"
    assert figure(page, "ltc") == "30.00"
    assert figure(page, "personal") == "830.00"
    choose(page.assistance, "最低生活保障家庭成员")
    assert figure(page, "personal") == "0.00"


def test_benefit_start_in_window_and_late(qtbot, deps):
    page = make(qtbot, deps)
    choose(page.kind, "待遇起始测算")
    choose(page.year, "2026年度")
    page.paid_on.clear()
    qtbot.keyClicks(page.paid_on, "2025-12-01")
    assert figure(page, "benefit_start") == "2026-01-01"
    assert figure(page, "waiting_months") == "无"
    page.paid_on.clear()
    qtbot.keyClicks(page.paid_on, "2026-03-10")
    assert figure(page, "waiting_months") != "无"
    page.paid_on.clear()
    qtbot.keyClicks(page.paid_on, "2026-13-01")
    assert "日期" in page.errors.fields["paid_on"][1].text()


def test_print_estimate_is_archived_with_its_figures(qtbot, db_deps, printed, previews):
    page = make(qtbot, db_deps)
    choose(page.year, "2026年度")
    qtbot.keyClicks(page.cost, "200000")
    qtbot.keyClick(page.cost, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert printed and printed[0][0] == "报销测算单" and printed[0][1].startswith(b"%PDF")
    assert "✔" in page.print_note.text()
    (archived,) = previews[-1].result_printed
    assert archived.kind == "estimate" and archived.archived.is_file()
    text = "".join(pdf_text(archived.archived.read_bytes()))
    assert "200,000.00" in text or "200000.00" in text, text[:400]


def test_outpatient_chronic_needs_a_disease_from_the_pack(qtbot, deps):
    page = make(qtbot, deps)
    choose(page.kind, "门诊费用测算")
    choose(page.benefit, "门诊慢性病")
    assert page.disease.count() > 0
    qtbot.keyClicks(page.cost, "3000")
    assert figure(page, "basic") not in ("—", "")


def test_employee_scheme_inpatient_and_contribution(qtbot, deps):
    page = make(qtbot, deps)
    choose(page.scheme, "职工医保")
    assert [page.kind.itemText(i) for i in range(page.kind.count())] == ["住院费用测算", "门诊费用测算", "职工医保缴费测算"]
    assert page.year.currentData() == 2024
    choose(page.category, "退休人员")
    choose(page.level, "三级")
    qtbot.keyClicks(page.cost, "100000")
    assert figure(page, "basic") == "94240.00"
    choose(page.kind, "职工医保缴费测算")
    qtbot.keyClicks(page.base, "6000")
    assert figure(page, "personal") == "120.00"
    choose(page.member, "灵活就业人员")
    page.base.clear()
    label = page.errors.page_label
    assert "设置" in label.text() and label.text().startswith("⚠")  # a hall setting the source lacks


def test_employee_top_up_in_the_window(qtbot, deps):
    # issue 15.10: 001 §三(四) reached from the window; the base is a hall setting, refused while unset
    page = make(qtbot, deps)
    choose(page.scheme, "职工医保")
    choose(page.kind, "职工医保缴费测算")
    choose(page.member, "一次性补足最低缴费年限")
    assert page.sex.isVisibleTo(page) and page.paid_years.isVisibleTo(page)
    assert not page.base.isVisibleTo(page)
    choose(page.sex, "男")
    qtbot.keyClicks(page.paid_years, "22.5")
    label = page.errors.fields["employee_top_up_base"][1] if "employee_top_up_base" in page.errors.fields else page.errors.page_label
    assert "最低缴费年限缴费基数" in label.text() and "设置" in label.text()
    assert figure(page, "total") == "—"
    deps.settings = {**deps.settings, "employee_top_up_base": Decimal("6000")}
    page.paid_years.clear()
    qtbot.keyClicks(page.paid_years, "22.5")
    # 25 − 22.5 = 2.5 years = 30 months; 6000 × 8% = 480 a month × 30 = 14400.00
    assert (figure(page, "missing_years"), figure(page, "base"), figure(page, "rate"), figure(page, "total")) == (
        "2.5", "6000.00", "8%", "14400.00")
    assert any("§三(四)" in s[2] for s in page.trace.rows())
    choose(page.sex, "女")  # 女 20 years: met
    assert figure(page, "total") == "0.00"


def test_dual_channel_estimate_in_the_window(qtbot, deps):
    # issue 15.8: 2026 双通道 (002 §三(二)4.2) from the window: 罕见病药品 10000 × 80% = 8000
    page = make(qtbot, deps)
    choose(page.region, "天宁区")
    choose(page.year, "2026年度")
    choose(page.kind, "门诊费用测算")
    choose(page.benefit, "双通道")
    choose(page.facility, "国谈药定点药店")
    choose(page.disease, "罕见病药品")
    qtbot.keyClicks(page.cost, "10000")
    assert figure(page, "basic") == "8000.00"
    assert any("§三(二)4.2" in s[2] for s in page.trace.rows())
def test_a_bill_total_shows_what_the_person_pays_in_all(qtbot, deps):
    # 002 §三(一): 二级, 老年居民, 10 000 compliant: 起付 600, (10 000 − 600) × 80 % = 7 520,
    # 个人负担 2 480; a 12 000 bill adds 2 000 政策外自费: 4 480 in all
    page = make(qtbot, deps)
    choose(page.region, "天宁区")
    choose(page.year, "2026年度")
    choose(page.category, "老年居民")
    choose(page.level, "二级")
    qtbot.keyClicks(page.cost, "10000")
    qtbot.keyClicks(page.bill, "12000")
    assert (figure(page, "out_of_policy"), figure(page, "personal_total")) == ("2000.00", "4480.00")
    assert figure(page, "personal") == "2480.00"
