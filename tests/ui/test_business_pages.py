from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt

from desktop.services.persons import register_person
from desktop.ui.pages.change import ChangePage
from desktop.ui.pages.claim import ClaimPage
from desktop.ui.pages.day_report import DayReportPage
from desktop.ui.pages.offsite import OffsitePage
from desktop.ui.pages.termination import TerminationPage
from tests.support.ui import make_id, pdf_text, show, type_text

PERSON = make_id(date(1956, 8, 8), 11)


def registered(deps, number=PERSON, name="孙玉兰"):
    register_person(deps.context(), number, name)
    return number


def confirm(qtbot, page):
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_change_of_phone_is_effective_at_once_in_changzhou(qtbot, db_deps, printed):
    number = registered(db_deps)
    page = show(qtbot, ChangePage(db_deps))
    qtbot.keyClicks(page.id_field, number)
    assert "已登记：孙玉兰" in page.id_field.info.text()
    page.field.setCurrentText("联系电话")
    assert "即时生效" in page.rule_note.text()
    qtbot.keyClicks(page.value_text, "13912345678")
    confirm(qtbot, page)
    assert page.outcome.text().startswith("✔ 联系电话已变更")
    assert "13912345678" in page.before.text()
    qtbot.keyClick(page.id_field, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert printed and printed[-1][1].startswith(b"%PDF")


def test_change_refusal_is_shown_at_the_new_value(qtbot, db_deps):
    number = registered(db_deps)
    page = show(qtbot, ChangePage(db_deps))
    qtbot.keyClicks(page.id_field, number)
    page.field.setCurrentText("联系电话")
    qtbot.keyClicks(page.value_text, "123")
    confirm(qtbot, page)
    label = page.errors.fields["phone"][1]
    assert label.text().startswith("⚠") and page.outcome.text() == ""


def test_suspension_waits_for_a_reviewer_who_is_not_the_clerk(qtbot, db_deps, previews):
    from desktop.services.enrollment import enroll

    number = registered(db_deps)
    enroll(db_deps.context(), number, 2026, category="老年居民")
    page = show(qtbot, TerminationPage(db_deps))
    page.year.setCurrentIndex(page.year.findData(2026))
    qtbot.keyClicks(page.id_field, number)
    page.kind.setCurrentText("退费")
    assert page.eligibility.text().startswith("✖") and "常州" in page.eligibility.text()
    # issue 14.8: a refused refund offers the next step the year's rules give (002 §二(二)4: 停保)
    assert page.next_step.isVisibleTo(page) and page.next_step.text() == "改办停保"
    page.next_step.click()
    assert page.kind.currentText() == "停保" and not page.next_step.isVisibleTo(page)
    page.reason.setCurrentText("参军")
    confirm(qtbot, page)
    assert page.outcome.text().startswith("◷ 停保申请已受理"), page.outcome.text() + page.page_error.text()
    assert page.reviews is None  # the queue is the reviewers'
    qtbot.keyClick(page.id_field, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    (receipt,) = previews[-1].result_printed
    assert receipt.kind == "receipt" and "复核" in "".join(pdf_text(receipt.archived.read_bytes()))

    reviewer = replace(db_deps, hall=replace(db_deps.hall, clerk="李复核", role="reviewer"))
    other = show(qtbot, TerminationPage(reviewer))
    assert other.reviews.approve.isEnabled()
    other.reviews.table.selectRow(0)
    other.reviews.approve.click()
    assert other.reviews.table.rowCount() == 0


def test_offsite_filing_needs_the_materials_then_prints_the_receipt(qtbot, db_deps, printed, previews):
    number = registered(db_deps)
    page = show(qtbot, OffsitePage(db_deps))
    qtbot.keyClicks(page.id_field, number)
    page.person_type.setCurrentText("异地长期居住人员")
    from desktop.policy import api

    # one text for the page and the 回执 (issue 15.12)
    assert page.rule.text() == api.offsite_rule("武进区", db_deps.default_year(), "异地长期居住人员")
    type_text(qtbot, page.province, "江苏省")
    type_text(qtbot, page.city, "苏州市")
    confirm(qtbot, page)
    if page.materials.boxes:  # the pack lists the materials: missing ones are refused at the list
        assert "缺少材料" in page.errors.fields["materials_received"][1].text()
        names = [b.property("material") for b in page.materials.boxes]
        page.materials.tick(*names)
        confirm(qtbot, page)
    assert page.outcome.text().startswith("✔ 已备案"), page.outcome.text() + page.page_error.text()
    qtbot.keyClick(page.id_field, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert printed[-1][1].startswith(b"%PDF")
    # the filing now in force is shown; cancelling needs a reason
    assert page.filing_box.isVisibleTo(page) and "江苏省苏州市" in page.current.text()
    # a change: the form starts from the filing in force; a reason is needed
    assert page.city.text() == "苏州市"
    page.city.clear()
    type_text(qtbot, page.city, "无锡市")
    page.change_button.click()
    assert "变更原因" in page.cancel_error.text()
    type_text(qtbot, page.cancel_reason, "随子女搬到无锡")
    page.change_button.click()
    assert page.outcome.text().startswith("✔ 已变更异地就医备案"), page.outcome.text() + page.cancel_error.text()
    assert "江苏省无锡市" in page.current.text()
    qtbot.keyClick(page.id_field, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    (changed,) = previews[-1].result_printed
    assert "无锡" in "".join(pdf_text(changed.archived.read_bytes()))
    page.cancel_button.click()
    assert page.cancel_error.text().startswith("⚠")
    type_text(qtbot, page.cancel_reason, "已回常州居住")
    page.cancel_button.click()
    assert page.outcome.text().startswith("✔ 已取消") and not page.filing_box.isVisibleTo(page)
    qtbot.keyClick(page.id_field, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    (cancelled,) = previews[-1].result_printed
    assert cancelled.archived.is_file() and "已回常州居住" in "".join(pdf_text(cancelled.archived.read_bytes()))


def test_manual_claim_lists_missing_materials_and_estimates(qtbot, db_deps, printed, previews):
    from datetime import datetime

    from desktop.services.context import CHINA
    from desktop.services.enrollment import enroll

    summer = replace(db_deps, clock=lambda: datetime(2026, 7, 1, 9, 0, tzinfo=CHINA))
    number = registered(summer)
    enroll(summer.context(), number, 2026, category="老年居民", paid_on="2025-12-01")
    page = show(qtbot, ClaimPage(summer))
    assert page.materials.boxes  # the 2026 pack lists the 零星报销 materials
    qtbot.keyClicks(page.id_field, number)
    type_text(qtbot, page.hospital, "苏州大学附属第一医院")
    qtbot.keyClicks(page.start, "2026-05-08")
    qtbot.keyClicks(page.end, "2026-05-20")
    qtbot.keyClicks(page.amount, "20000")
    qtbot.keyClick(page.amount, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert page.bill_table.rowCount() == 1
    page.materials.boxes[0].setChecked(True)
    confirm(qtbot, page)
    text = page.page_error.text() + "".join(lbl.text() for _, lbl in page.errors.fields.values())
    assert "收据号" in page.outcome.text(), text
    assert "缺少材料" in page.outcome.text()
    assert page.figures["basic"].text() not in ("—", "0.00")
    qtbot.keyClick(page.id_field, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert printed[-1][1].startswith(b"%PDF")
    kinds = [p.kind for p in previews[-1].result_printed]
    assert kinds == ["receipt", "estimate", "checklist"]  # 受理回执, 报销测算单 and 一次性告知单
    assert all(p.archived.is_file() for p in previews[-1].result_printed)
    assert "已打印并存档 3 份" in page.outcome.text()

    # they come back once with the rest
    serial = previews[-1].result_printed[0].serial
    qtbot.keyClicks(page.back_serial, serial)
    qtbot.keyClick(page.back_serial, Qt.Key.Key_Return)
    assert "尚缺材料" in page.back_note.text() and page.back_submit.isEnabled(), page.back_error.text()
    page.materials.tick(*[b.property("material") for b in page.materials.boxes])
    page.back_submit.click()
    assert page.back_note.text().startswith("✔ 材料已齐全"), page.back_note.text() + page.back_error.text()


def test_day_report_counts_the_days_businesses(qtbot, db_deps, printed, previews):
    from desktop.services.enrollment import enroll

    number = registered(db_deps)
    enroll(db_deps.context(), number, 2026, category="老年居民")
    page = show(qtbot, DayReportPage(db_deps))
    assert page.day.text() == "2025-11-15"
    qtbot.keyClick(page.day, Qt.Key.Key_Return)
    rows = [[page.business_table.item(r, c).text() for c in range(5)] for r in range(page.business_table.rowCount())]
    assert any(r[1] == "参保登记" and r[3] == "1" and r[4] == "730.00" for r in rows), rows
    assert "收据开具 1 张" in page.summary.text()
    from desktop.records import audit

    head = audit.head(db_deps.db)
    shown = page.chain_head.text()
    assert shown.startswith(f"审计链末条：第 {head.seq} 条，校验值 ")
    assert shown.split("校验值 ")[1].replace(" ", "") == head.hash.hex()  # in groups of 8
    qtbot.keyClick(page.day, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert printed[-1][1].startswith(b"%PDF")
    serial = page.receipt_table.item(0, 4).text()
    qtbot.keyClicks(page.void_serial, serial)
    qtbot.keyClick(page.void_serial, Qt.Key.Key_Return)
    qtbot.keyClick(page.void_reason, Qt.Key.Key_Return)
    assert "作废原因" in page.void_error.text()
    type_text(qtbot, page.void_reason, "金额录错")
    qtbot.keyClick(page.void_reason, Qt.Key.Key_Return)
    assert page.void_note.text().startswith("✔")
    assert "对应的参保登记仍然有效" in page.void_note.text()  # the void does not undo the enrollment
    assert "收据开具 1 张（其中作废 1 张，有效 0 张）" in page.summary.text()  # as the paper counts them apart
    qtbot.keyClick(page.day, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)  # the printed 日结报表
    (report,) = previews[-1].result_printed
    text = "".join(pdf_text(report.archived.read_bytes()))
    assert report.kind == "day_report" and serial in text and "金额录错" in text and "730.00" in text


def test_tianjin_name_change_waits_in_the_reviewers_queue(qtbot, db_deps):
    tj = replace(db_deps, hall=replace(db_deps.hall, region="天津市", hall_code="120101", hall_name="和平区社区服务中心"))
    number = make_id(date(1970, 5, 5), 31, region_code="120101")
    registered(tj, number, "刘明")
    page = show(qtbot, ChangePage(tj))
    qtbot.keyClicks(page.id_field, number)
    page.field.setCurrentText("姓名")
    assert "复核" in page.rule_note.text()
    type_text(qtbot, page.value_text, "刘铭")
    confirm(qtbot, page)
    assert page.outcome.text().startswith("◷"), page.outcome.text() + page.page_error.text()
    # issue 14.8: the levels, the clause, the time limit and the materials (004 §六(二))
    assert "1级审核" in page.outcome.text()
    assert "审核时限" in page.outcome.text() and "需提供：相关证件材料（高拍上传）" in page.outcome.text()
    from desktop.services.review import pending_reviews

    assert len(pending_reviews(tj.context())) == 1
    assert "刘明" in page.before.text()  # not changed before the review
    assert "复核" in " ".join(page.print_build(tj.context(), "A4")[0].next_steps)


def test_a_claim_is_reviewed_by_a_reviewer_then_settled(qtbot, deps, hall_db, previews):
    from datetime import datetime

    from desktop.services.context import CHINA
    from desktop.services.enrollment import enroll
    from desktop.services.manual_claim import accept_claim
    from tests.support.ui import signed_in

    summer = replace(deps, clock=lambda: datetime(2026, 7, 1, 9, 0, tzinfo=CHINA))
    clerk = signed_in(summer, hall_db, "wang")
    number = registered(clerk)
    enroll(clerk.context(), number, 2026, category="老年居民", paid_on="2025-12-01")
    page = show(qtbot, ClaimPage(clerk))
    names = [b.property("material") for b in page.materials.boxes]
    r = accept_claim(clerk.context(), number, [{"kind": "住院", "hospital": "苏大附一院", "hospital_level": "三级",
                                                "start_on": "2026-05-08", "end_on": "2026-05-20", "amount": "20000"}],
                     names)
    assert page.review_button.isHidden()  # a clerk does not review
    reviewer = show(qtbot, ClaimPage(signed_in(summer, hall_db, "li")))
    qtbot.keyClicks(reviewer.back_serial, r.receipt_serial)
    qtbot.keyClick(reviewer.back_serial, Qt.Key.Key_Return)
    assert "待复核人审核" in reviewer.back_note.text() and reviewer.review_button.isEnabled()
    reviewer.review_button.click()
    assert "已审核，待结算" in reviewer.back_note.text(), reviewer.back_error.text()

    qtbot.keyClicks(page.back_serial, r.receipt_serial)
    qtbot.keyClick(page.back_serial, Qt.Key.Key_Return)
    assert page.settle_button.isEnabled() and page.settle_amount.text() not in ("", "0.00")
    page.settle_amount.setText("30000")  # more than the bills: the services refuse
    qtbot.keyClick(page.settle_amount, Qt.Key.Key_Return)
    assert "大于票据总额" in page.back_error.text()
    page.settle_amount.setText("12345.60")
    qtbot.keyClick(page.settle_amount, Qt.Key.Key_Return)
    assert "已结算 12345.60 元" in page.back_note.text(), page.back_error.text()
    page.slip_button.click()
    (slip,) = previews[-1].result_printed
    assert slip.kind == "processing_slip" and "12,345.60" in "".join(pdf_text(slip.archived.read_bytes()))


def test_2025_offsite_filing_and_claim_use_the_adopted_rules(qtbot, deps):
    # 14.4: in 2025 (003 gives no off-site ratios, no 零星报销 list) the page shows 2024's, said 沿用
    from datetime import datetime

    from desktop.services.context import CHINA

    june = replace(deps, clock=lambda: datetime(2025, 6, 2, 9, 0, tzinfo=CHINA))
    page = OffsitePage(june)
    qtbot.addWidget(page)
    # 000 §六(三)2: 异地长期居住人员 paid as at home
    assert page.rule_text("异地长期居住人员") == (
        "基本医保支付比例与参保地相应医疗机构一致（沿用《2024年度溧阳市城乡居民基本医疗保险政策》§六(三)2）")
    claim = ClaimPage(june)
    qtbot.addWidget(claim)
    assert len(claim.materials.boxes) == 7  # 000 §六(四): the seven materials of the shared column
    assert claim.materials.note.text().startswith("依据：沿用《2024年度溧阳市城乡居民基本医疗保险政策》§六(四)")


def test_tianjin_refund_in_2024_points_to_the_tax_office_and_offers_suspension(qtbot, db_deps):
    # issue 14.8: 004 §七(二): from 2024-01-01 refunds are applied for at 税务; the counter says so
    from datetime import datetime

    from desktop.services.context import CHINA
    from desktop.services.enrollment import enroll

    window = replace(db_deps, hall=replace(db_deps.hall, region="天津市", hall_code="120101", hall_name="和平区社区服务中心"),
                     clock=lambda: datetime(2023, 11, 20, 9, 0, tzinfo=CHINA))
    number = make_id(date(1980, 5, 5), 33, region_code="120101")
    registered(window, number, "刘明")
    enroll(window.context(), number, 2024, tier="高档")  # 1010 in the 2024 window (004 §二(一))
    june = replace(window, clock=lambda: datetime(2024, 6, 1, 9, 0, tzinfo=CHINA))
    page = show(qtbot, TerminationPage(june))
    page.year.setCurrentIndex(page.year.findData(2024))
    qtbot.keyClicks(page.id_field, number)
    page.kind.setCurrentText("退费")
    page.reason.setCurrentText("参加职工医保")
    page.fact_employee.setChecked(True)
    text = page.eligibility.text()
    assert text.startswith("ℹ") and "税务部门" in text and "§七(一)2" in text and "1010.00" in text
    assert page.next_step.isVisibleTo(page) and page.next_step.text() == "改办停保"
    confirm(qtbot, page)  # the counter does not take it: refused at the kind, nothing written
    assert page.outcome.text() == "" and "税务部门" in page.page_error.text() + page.errors.fields["kind"][1].text()


def test_day_report_page_reprints_a_notice_by_its_serial(qtbot, db_deps, previews):
    from desktop.services.enrollment import enroll

    number = registered(db_deps)
    done = enroll(db_deps.context(), number, 2026, category="老年居民")
    page = show(qtbot, DayReportPage(db_deps))
    page.reprint_kind.setCurrentIndex(page.reprint_kind.findData("payment_notice"))
    qtbot.keyClicks(page.reprint_serial, done.receipt_serial)
    qtbot.keyClick(page.reprint_serial, Qt.Key.Key_Return)
    (printed,) = previews[-1].result_printed
    text = "".join("".join(pdf_text(printed.archived.read_bytes())).split())
    assert "缴费通知单（补打）" in text and "办理时间：2025-11-15" in text
    audited = db_deps.db.execute("SELECT count(*) FROM audit WHERE action = 'reprint'").fetchone()[0]
    assert audited == 1 and "补打" in page.reprint_note.text()
    qtbot.keyClicks(page.reprint_serial, "320412-03-2025-999999")
    qtbot.keyClick(page.reprint_serial, Qt.Key.Key_Return)
    assert "找不到收据号" in page.reprint_error.text()


def test_claim_page_keeps_the_non_compliant_part_and_asks_where_and_how(qtbot, db_deps):
    from datetime import datetime

    from desktop.services.context import CHINA
    from desktop.services.enrollment import enroll

    summer = replace(db_deps, clock=lambda: datetime(2026, 7, 1, 9, 0, tzinfo=CHINA))
    number = registered(summer)
    enroll(summer.context(), number, 2026, category="老年居民", paid_on="2025-12-01")
    page = show(qtbot, ClaimPage(summer))
    qtbot.keyClicks(page.id_field, number)
    page.province.setCurrentIndex(page.province.findText("上海市"))
    assert page.filing.isVisible() and page.emergency.isVisible()  # 2026 常州: the ratio depends on them
    page.emergency.setChecked(True)
    # 002 §六(三)2: an emergency away from 常州, not filed: 10 points lower
    assert "跨省" in page.away_note.text() and "异地急诊" in page.away_note.text()
    assert "降低10个百分点" in page.away_note.text()
    qtbot.keyClicks(page.start, "2026-05-08")
    qtbot.keyClicks(page.end, "2026-05-20")
    qtbot.keyClicks(page.amount, "23000")
    qtbot.keyClicks(page.compliant, "20000")
    qtbot.keyClick(page.amount, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    confirm(qtbot, page)
    assert "收据号" in page.outcome.text(), page.page_error.text()
    # 三级, 20 000 compliant: 起付 1 000; 70 % − 10 points = 60 % of 19 000 = 11 400 paid;
    # 个人负担 8 600 of the compliant part + 政策外 3 000 = 11 600 in all
    figures = {key: label.text() for key, label in page.figures.items()}
    assert (figures["total"], figures["compliant"], figures["out_of_policy"]) == ("23,000.00", "20,000.00", "3,000.00")
    assert (figures["basic"], figures["personal"], figures["personal_total"]) == ("11,400.00", "8,600.00", "11,600.00")
