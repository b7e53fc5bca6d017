"""门诊慢特病待遇申请 page (issue 14): the pack's diseases and 认定 hospitals, materials ticked,
a 受理回执, the reviewers' queue; a missing material prints on the 一次性告知单."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from desktop.services import enrollment, persons
from desktop.ui.pages.chronic import ChronicPage
from tests.support.ui import make_id, pdf_text, show

ELDER = make_id(date(1957, 3, 2), 1)


def flat(pdf: bytes) -> str:
    return "".join("".join(pdf_text(pdf)).split())


def insured(deps) -> str:
    """Enrolled for 2026 on 2025-11-15 (the window's clock), inside the 集中参保缴费期."""
    ctx = deps.context()
    persons.register_person(ctx, ELDER, "钱秀珍")
    enrollment.enroll(ctx, ELDER, 2026)
    return ELDER


def tick(page, *names):
    for box in page.boxes:
        box.setChecked(box.property("material") in names)


def test_special_disease_from_the_packs_list_to_the_receipt(qtbot, db_deps, printed, previews):
    insured(db_deps)
    page = show(qtbot, ChronicPage(db_deps))
    page.year.setCurrentIndex(page.year.findData(2026))
    assert page.kind.currentText() == "门诊特殊病"
    diseases = [page.disease.itemText(i) for i in range(page.disease.count())]
    assert diseases[:3] == ["恶性肿瘤", "慢性肾功能衰竭", "严重精神障碍"]  # 002 §三(二)3.3, in order
    page.disease.setCurrentText("系统性红斑狼疮")
    hospitals = [page.hospital.itemText(i) for i in range(page.hospital.count())]
    assert hospitals[0] == "常州一院" and "武进人民医院" in hospitals
    assert "《2026年度常州市城乡居民医疗保障政策宣传提纲》§三(二)3" in page.rule.text()
    assert [b.property("material") for b in page.boxes] == ["病史资料", "社保卡"]  # 002 §三(二)3.2
    qtbot.keyClicks(page.id_field, ELDER)
    page.hospital.setCurrentText("武进人民医院")
    tick(page, "社保卡")
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "缺少材料：病史资料" in page.materials_error.text()
    assert not page.print_button.isEnabled()
    page.checklist_button.click()  # 一次性告知单 of what is still missing
    assert "病史资料" in flat(printed[-1][1]) and "一次性告知单" in flat(printed[-1][1])
    tick(page, "社保卡", "病史资料")
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.outcome.text().startswith("◷ 已受理门诊特殊病待遇申请：系统性红斑狼疮（武进人民医院），等待复核")
    qtbot.keyClick(page.id_field, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    text = flat(printed[-1][1])
    assert "受理回执" in text and "2026年度门诊特殊病待遇申请：系统性红斑狼疮" in text
    queue = db_deps.db.execute("SELECT business, summary FROM review_requests").fetchall()
    assert queue == [("chronic_application", "钱秀珍 2026年度门诊特殊病：系统性红斑狼疮（武进人民医院）")]


def test_a_year_whose_source_lists_no_materials_uses_the_earlier_years(qtbot, db_deps):
    # 2025: 003 names the diseases but no materials; the pack adopts 2024's list, said 沿用《…》
    page = show(qtbot, ChronicPage(db_deps))
    page.kind.setCurrentText("门诊慢性病")
    page.year.setCurrentIndex(page.year.findData(2025))
    assert page.errors.fields["year"][1].text() == ""
    assert page.boxes and page.materials_note.text().startswith("依据：沿用《2024年度溧阳市城乡居民基本医疗保险政策》§")
    page.year.setCurrentIndex(page.year.findData(2026))
    assert page.confirm.isEnabled() and page.errors.fields["year"][1].text() == ""
    assert page.disease.itemText(0) == "高血压" and page.hospital.count() == 0  # typed: no list in the pack
