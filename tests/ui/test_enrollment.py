from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from desktop.ui.pages.enrollment import EnrollmentPage
from tests.support.ui import make_id, pdf_text, show, type_text

GRANDMOTHER = make_id(date(1957, 3, 2), 1)  # 68 on 2025-11-15
MOTHER = make_id(date(1984, 6, 1), 2)  # 41
GRANDSON = make_id(date(2016, 5, 20), 3, male=True)  # 9


def enter_person(qtbot, page, number, name, relationship=None):
    qtbot.keyClicks(page.id_field, number)
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return)  # as a keyboard-wedge reader does
    if not page.name.text():  # a registered person's name is filled in from the records
        type_text(qtbot, page.name, name)
    if relationship:
        page.relationship.setCurrentText(relationship)


def test_id_field_shows_sex_and_birth_date_or_the_checksum_message(qtbot, deps):
    page = show(qtbot, EnrollmentPage(deps))
    assert page.focusWidget() is page.id_field or page.first_field() is page.id_field
    qtbot.keyClicks(page.id_field, GRANDMOTHER)
    assert "性别：女" in page.id_field.info.text()
    assert "出生日期：1957-03-02" in page.id_field.info.text()
    assert "68 岁" in page.id_field.info.text()
    assert page.category.currentText() == "老年居民"
    assert page.figures["personal"].text() == "730.00"
    page.id_field.clear()
    wrong = GRANDMOTHER[:17] + ("0" if GRANDMOTHER[17] != "0" else "1")
    qtbot.keyClicks(page.id_field, wrong)
    assert "校验位不正确" in page.id_field.error.text()
    assert page.id_field.error.text().startswith("⚠")
    assert page.id_field.info.text() == ""


def test_override_of_the_proposed_category_asks_for_a_reason(qtbot, deps):
    page = show(qtbot, EnrollmentPage(deps))
    qtbot.keyClicks(page.id_field, MOTHER)
    assert page.category.currentText() == "非从业居民"
    assert page.figures["personal"].text() == "830.00"  # 武进区 2026
    assert not page.reason.isEnabled()
    page.category.setCurrentText("老年居民")
    assert page.reason.isEnabled()


def test_a_family_enrolls_in_one_visit_and_gets_its_papers(qtbot, db_deps, printed, previews):
    page = show(qtbot, EnrollmentPage(db_deps))
    assert page.year.currentData() == 2026
    enter_person(qtbot, page, GRANDMOTHER, "张桂英")
    assert page.figures["benefit_start"].text() == "2026-01-01"
    qtbot.keyClick(page.name, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(page.done) == 1, page.page_error.text() + page.errors.page_label.text()
    assert page.done[0].result.category == "老年居民"
    assert page.id_field.text() == "" and page.focusWidget() is page.id_field

    enter_person(qtbot, page, MOTHER, "李秀梅", "儿媳")
    qtbot.keyClick(page.name, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    enter_person(qtbot, page, GRANDSON, "王小明", "孙子女")
    qtbot.keyClick(page.name, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert [d.result.category for d in page.done] == ["老年居民", "非从业居民", "未成年居民"]
    assert [page.visit_table.item(r, 4).text() for r in range(3)] == ["730.00", "830.00", "380.00"]
    assert all(page.visit_table.item(r, 7).text() == "✔ 已办理" for r in range(3))

    qtbot.keyClick(page.id_field, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert printed and printed[-1][1].startswith(b"%PDF")
    docs = previews[-1].documents
    # a 缴费通知单 for each of the three and one 家庭受理回执 (issue 14 #7: six sheets before)
    assert len(docs) == 4
    assert docs[0].deadline.isoformat().endswith("12-31")
    archived = previews[-1].result_printed
    assert len(archived) == 4 and all(p.archived.is_file() for p in archived)
    text = "".join(pdf_text(archived[1].archived.read_bytes()))
    assert "830.00" in text and "李秀梅" in text
    household = "".join(pdf_text(archived[3].archived.read_bytes()))
    assert "受理回执（家庭）" in household and "1,940.00" in household  # 730 + 830 + 380
    assert all(d.result.receipt_serial in household for d in page.done)
    assert "已打印并存档 4 份" in page.print_note.text()

    # a new visit (Esc); the same person twice is refused by the services, shown at the year
    qtbot.keyClick(page.id_field, Qt.Key.Key_Escape)
    assert page.visit_table.rowCount() == 0
    enter_person(qtbot, page, GRANDMOTHER, "张桂英")
    qtbot.keyClick(page.name, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.done == []
    assert page.name.text() == "张桂英"
    shown = page.page_error.text() + "".join(lbl.text() for _, lbl in page.errors.fields.values())
    assert "不能重复登记" in shown


def test_without_database_the_page_estimates_but_cannot_write(qtbot, deps):
    page = show(qtbot, EnrollmentPage(deps))
    assert not page.confirm.isEnabled()
    qtbot.keyClicks(page.id_field, GRANDSON)
    assert page.category.currentText() == "未成年居民"
    assert page.figures["personal"].text() == "380.00"
    assert page.figures["ltc"].text() == "0.00"


def at(deps, day):
    from dataclasses import replace
    from datetime import datetime

    from desktop.services.context import CHINA

    return replace(deps, clock=lambda: datetime(day.year, day.month, day.day, 10, 0, tzinfo=CHINA))


def test_newborn_within_the_newborn_period_reaches_back_to_birth(qtbot, db_deps, printed):
    deps = at(db_deps, date(2026, 3, 12))  # 40 days after the birth
    baby = make_id(date(2026, 2, 1), 21, male=True)
    page = show(qtbot, EnrollmentPage(deps))
    assert page.year.currentData() == 2026
    enter_person(qtbot, page, baby, "周小宝")
    assert page.category.currentText() == "未成年居民"
    assert page.figures["benefit_start"].text() == "2026-02-01"
    assert "追溯" in page.benefit_note.text()
    qtbot.keyClick(page.name, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.done and page.done[0].result.benefit.retroactive
    notice = page.print_build()(deps.context(), "A4")[0]
    assert "追溯" in (notice.benefit_note or "")


def test_late_enrollment_shows_the_waiting_period(qtbot, deps):
    page = show(qtbot, EnrollmentPage(at(deps, date(2026, 3, 10))))
    qtbot.keyClicks(page.id_field, make_id(date(1981, 1, 5), 22))
    assert page.category.currentText() == "非从业居民"
    assert page.figures["waiting_months"].text() == "2 个月"
    assert page.figures["benefit_start"].text() == "2026-05-01"
    assert "等待期" in page.benefit_note.text()


def test_assistance_group_shows_full_standard_public_part_and_rest(qtbot, deps):
    page = show(qtbot, EnrollmentPage(deps))
    qtbot.keyClicks(page.id_field, MOTHER)
    page.assistance.setCurrentText("最低生活保障家庭成员")
    assert page.figures["standard"].text() == "830.00"
    assert page.figures["assisted"].text() == "830.00"
    assert page.figures["personal"].text() == "0.00"


def test_tianjin_low_tier_for_a_dibao_adult_leaves_38(qtbot, deps):
    from dataclasses import replace

    tj = replace(deps, hall=replace(deps.hall, region="天津市", hall_code="120101", hall_name="和平区社区服务中心"))
    page = show(qtbot, EnrollmentPage(tj))
    assert page.tier.isVisibleTo(page)
    page.paid_on.setText("2023-12-01")  # in the 2024 window (004 §三): the plan needs a payable date
    qtbot.keyClicks(page.id_field, make_id(date(1980, 4, 4), 23, region_code="120101"))
    assert page.category.currentText() == "城乡未就业居民（成年）"
    assert not page.reason.isEnabled()  # the proposal, by its label in the pack
    page.tier.setCurrentText("低档")
    page.assistance.setCurrentText("低保对象")
    assert page.figures["personal"].text() == "38.00"


def test_student_turning_18_needs_the_school_certificate(qtbot, db_deps):
    page = show(qtbot, EnrollmentPage(db_deps))
    student = make_id(date(2007, 9, 1), 24)  # 18 on 2025-11-15
    enter_person(qtbot, page, student, "吴佳怡")
    assert page.category.currentText() == "非从业居民"
    page.school.setCurrentText("职业院校")
    page.school_name.setText("常州刘国钧高等职业技术学校")
    assert page.category.currentText() == "未成年居民"
    assert "在校生证明" in page.proposal_note.text()
    qtbot.keyClick(page.name, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not page.done
    assert "在校生证明" in page.errors.fields["student_proof"][1].text()
    page.student_proof.setChecked(True)
    qtbot.keyClick(page.name, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.done and page.done[0].result.category == "未成年居民"
    page.id_field.setText(make_id(date(2005, 3, 3), 25))
    page.school.setCurrentText("高等院校")
    assert "学校统一办理" in page.proposal_note.text()


def test_renewal_keeps_last_years_category(qtbot, db_deps):
    from desktop.services.enrollment import enroll
    from desktop.services.persons import register_person

    last_year = at(db_deps, date(2024, 11, 20))
    register_person(last_year.context(), GRANDMOTHER, "张桂英")
    enroll(last_year.context(), GRANDMOTHER, 2025)
    page = show(qtbot, EnrollmentPage(db_deps))
    qtbot.keyClicks(page.id_field, GRANDMOTHER)
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return)
    assert page.name.text() == "张桂英"
    # issue 14 #6: last year's enrollment on file opens the visit as 续保, shown beside the proposal
    assert page.kind_label.text() == "业务：续保"
    assert "上年度（2025年度）：老年居民" in page.previous_note.text()
    assert not page.special.isVisibleTo(page)
    qtbot.keyClick(page.name, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.done, page.page_error.text()
    r = page.done[0].result
    assert (r.kind, r.year, r.category) == ("renewal", 2026, "老年居民")


def test_enter_walks_the_form_and_confirms(qtbot, db_deps):
    page = show(qtbot, EnrollmentPage(db_deps))
    qtbot.keyClicks(page.id_field, GRANDSON)
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return)
    assert page.focusWidget() is page.name
    type_text(qtbot, page.name, "王小明")
    qtbot.keyClick(page.name, Qt.Key.Key_Return)
    assert page.focusWidget() is page.phone
    qtbot.keyClick(page.phone, Qt.Key.Key_Return)
    assert page.focusWidget() is page.confirm
    qtbot.keyClick(page.confirm, Qt.Key.Key_Return)
    assert page.done and page.done[0].result.category == "未成年居民"
    assert page.focusWidget() is page.id_field  # ready for the next member


def test_a_refused_new_person_is_not_registered_until_the_visit_goes_through(qtbot, db_deps):
    """Register + enroll is one transaction: a refused enrollment leaves no person behind."""
    db = db_deps.db
    page = show(qtbot, EnrollmentPage(db_deps))
    enter_person(qtbot, page, MOTHER, "李秀梅")
    page.paid_on.setText("2025-12-01")  # after today (2025-11-15): the enrollment refuses it
    qtbot.keyClick(page.name, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.done == []
    assert "晚于今天" in page.errors.fields["paid_on"][1].text()
    assert page.focusWidget() is page.paid_on
    assert page.name.text() == "李秀梅"  # what the clerk typed stays for the correction
    assert page.id_field.person is None
    assert db.execute("SELECT count(*) FROM persons").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM audit").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM receipts").fetchone()[0] == 0

    page.paid_on.setText("2025-11-15")
    qtbot.keyClick(page.name, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(page.done) == 1, page.page_error.text()
    assert page.done[0].name == "李秀梅" and page.done[0].result.category == "非从业居民"
    assert db.execute("SELECT id_number, name FROM persons").fetchall() == [(MOTHER, "李秀梅")]
    assert db.execute("SELECT count(*) FROM enrollments").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM receipts").fetchone()[0] == 1


def test_a_second_members_relationship_is_chosen_not_assumed(qtbot, db_deps):
    """After the head, 与户主关系 starts at （请选择）: left there, the visit is refused at that
    field and nothing is written; chosen, the table shows the relationship as stored."""
    db = db_deps.db
    page = show(qtbot, EnrollmentPage(db_deps))
    enter_person(qtbot, page, GRANDMOTHER, "张桂英")
    qtbot.keyClick(page.name, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(page.done) == 1
    assert page.relationship.currentText() == "（请选择）"
    before = db.execute("SELECT count(*) FROM audit").fetchone()[0]
    enter_person(qtbot, page, MOTHER, "李秀梅")
    qtbot.keyClick(page.name, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(page.done) == 1
    assert "与户主关系" in page.errors.fields["relationship"][1].text()
    assert db.execute("SELECT count(*) FROM audit").fetchone()[0] == before
    assert db.execute("SELECT count(*) FROM persons").fetchone()[0] == 1
    page.relationship.setCurrentText("儿媳")
    qtbot.keyClick(page.name, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert [d.relationship for d in page.done] == ["户主", "儿媳"], page.page_error.text()


def test_7_december_says_the_2027_pack_is_awaited_calmly_and_serves_2026(qtbot, deps, tmp_path):
    # 14.4: 2026-12-07, no 2027 pack; 2027's collection period presumed 2026-10-01 … 2026-12-31 (002 §一(一) a year on)
    from dataclasses import replace
    from datetime import datetime

    from desktop.services.context import CHINA

    december = replace(deps, clock=lambda: datetime(2026, 12, 7, 9, 0, tzinfo=CHINA))
    page = show(qtbot, EnrollmentPage(december))
    assert page.year.currentData() == 2026
    note = page.year_note.text()
    assert page.year_note.isVisible() and note.startswith("ℹ") and "⚠" not in note
    for words in ("2027年度常州市城乡居民医保政策包", "大厅管理员", "载入新政策包", "照常办理2026年度"):
        assert words in note, words
    from desktop.ui.app import load_fonts

    load_fonts()
    page.resize(1366, 768)
    page.grab().save(str(tmp_path / "december.png"))
    # the page asks the service's plan: a 2026 enrollment paid in December would start its benefits
    # after the 2-month wait (002 §二(二)2), on 2027-02-01, outside 2026 — said at 预计缴费日期, no fee shown
    qtbot.keyClicks(page.id_field, GRANDMOTHER)
    assert page.figures["personal"].text() == "—"
    assert "2027-02-01" in page.errors.fields["paid_on"][1].text()
    # in November 2025 (2026's own period, its pack loaded) nothing is said
    assert not show(qtbot, EnrollmentPage(deps)).year_note.isVisible()
