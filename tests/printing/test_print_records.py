"""Record -> document: real services write the records, services/printing builds the documents, the
rendered PDFs are read back with pypdf (words, amounts, masked ID numbers)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from desktop.documents import render
from desktop.documents.model import Paper
from desktop.errors import Refusal
from desktop.services import (
    change,
    enrollment,
    manual_claim,
    offsite_filing,
    persons,
    printing,
    receipt,
    refund,
    review,
)
from desktop.services.context import CHINA
from tests.support.printing import flat, make_ctx, make_id, pdf_text

ELDER = make_id(date(1950, 2, 1), 1)  # 75: 老年居民
TJ_ADULT = make_id(date(1982, 6, 1), 2, region_code="120101")


def masked(number: str) -> str:
    return number[:6] + "********" + number[-4:]


@pytest.fixture
def enrolled(ctx):
    persons.register_person(ctx, ELDER, "王𠇹")
    return enrollment.enroll(ctx, ELDER, 2026)


@pytest.fixture
def tianjin(db):
    """天津市 hall on 2023-11-20, inside the 2024 window (004 §三)."""
    return make_ctx(db, region="天津市", hall_code="120101", window="01",
                    now=datetime(2023, 11, 20, 9, 0, tzinfo=CHINA))


@pytest.fixture
def tj_reviewer(db):
    return make_ctx(db, region="天津市", hall_code="120101", window="02", operator_id="rev01",
                    role="reviewer", now=datetime(2023, 11, 21, 9, 0, tzinfo=CHINA))


def test_enrollment_receipt_says_what_to_pay_by_when_and_from_when(ctx, enrolled):
    doc = printing.acceptance_receipt(ctx, enrolled.receipt_serial)
    text = flat(render(doc))
    personal = f"{enrolled.contribution.personal_fen / 100:.2f}"
    for phrase in ("受理回执", "城乡居民医保参保登记（2026年度）", "老年居民", f"个人应缴金额：{personal}元",
                   "请于2025年12月31日前按缴费通知单缴费", "待遇享受期：2026年1月1日至2026年12月31日",
                   enrolled.receipt_serial, "王𠇹", masked(ELDER)):
        assert phrase in text, phrase
    assert ELDER not in text  # masked: first 6, last 4
    assert doc.qr_text.startswith(enrolled.receipt_serial + "|")
    assert doc.header.window == "3号窗口" and doc.header.clerk == "clerk01"  # codes: no accounts yet


def test_payment_notice_takes_amounts_from_the_enrollment_and_channels_from_the_pack(ctx, enrolled):
    doc = printing.payment_notice(ctx, enrolled.receipt_serial, paper="A5")
    c = enrolled.contribution
    assert (doc.standard * 100, doc.ltc * 100, doc.personal * 100) == (c.standard_fen, c.ltc_fen, c.personal_fen)
    assert doc.deadline == date(2025, 12, 31) and doc.deadline_note is None
    text = flat(render(doc))
    for phrase in ("缴费通知单", f"应缴金额：{c.personal_fen / 100:.2f}元", "缴费截止日期：2025年12月31日",
                   "签约银行卡缴费", "职工医保个人账户代缴", "12393", masked(ELDER)):
        assert phrase in text, phrase
    assert ELDER not in text


def test_late_enrollment_must_pay_the_day_of_issue_and_is_told_so(db):
    late = make_ctx(db, now=datetime(2026, 3, 5, 9, 30, tzinfo=CHINA))
    persons.register_person(late, ELDER, "王𠇹")
    r = enrollment.enroll(late, ELDER, 2026)
    doc = printing.payment_notice(late, r.receipt_serial)
    assert doc.deadline == date(2026, 3, 5)
    text = flat(render(doc))
    assert "缴费截止日期：2026年3月5日（集中参保缴费期已于2025年12月31日结束，请于开单当日缴费）" in text
    receipt_text = flat(render(printing.acceptance_receipt(late, r.receipt_serial)))
    # issued on 3-5 itself: "请于3月5日前" would have passed already; the day is 开单当日
    assert "请于开单当日（2026年3月5日）按缴费通知单缴费（集中参保缴费期已于2025年12月31日结束）" in receipt_text
    assert "请于2026年3月5日前" not in receipt_text
    assert f"{r.benefit.start.year}年{r.benefit.start.month}月{r.benefit.start.day}日" in receipt_text


def test_tianjin_important_change_awaits_review_then_shows_the_outcome(tianjin, tj_reviewer):
    persons.register_person(tianjin, TJ_ADULT, "刘洋")
    r = change.change(tianjin, TJ_ADULT, "name", "刘阳", reason="户籍更名")
    assert not r.effective
    waiting = flat(render(printing.acceptance_receipt(tianjin, r.receipt_serial)))
    assert "变更姓名（重要信息）：刘洋→刘阳" in waiting
    assert "本业务须经复核人审核，审核通过后变更生效；审核结果可凭本回执编号查询" in waiting
    # issue 14.8: the materials 004 §六(二) names, and the time limit (no source gives one: said so)
    assert "需提供：相关证件材料（高拍上传）" in waiting
    assert "审核时限：以经办机构通知为准" in waiting
    slip = printing.processing_slip(tianjin, r.change_id)  # a record id works as well as the serial
    assert ("变更前", "刘洋") in slip.details and ("变更后", "刘阳") in slip.details
    assert slip.result == "已受理，等待复核"
    review.decide(tj_reviewer, r.review_request_id, True)
    done = printing.processing_slip(tianjin, r.receipt_serial)
    assert done.result == "2023年11月21日复核通过，变更已生效" and done.reviewer == "rev01"
    assert "已于2023年11月21日审核通过" in flat(render(printing.acceptance_receipt(tianjin, r.receipt_serial)))


def test_id_number_change_prints_both_numbers_masked(tianjin):
    persons.register_person(tianjin, TJ_ADULT, "刘洋")
    new = make_id(date(1982, 6, 1), 7, region_code="120101")
    r = change.change(tianjin, TJ_ADULT, "id_number", new)
    slip = printing.processing_slip(tianjin, r.receipt_serial)
    text = flat(render(slip))
    assert masked(TJ_ADULT) in text and masked(new) in text
    assert TJ_ADULT not in text and new not in text
    assert "二级复核" in flat(render(printing.acceptance_receipt(tianjin, r.receipt_serial)))


def test_refund_receipt_awaits_approval_with_the_amount(tianjin):
    persons.register_person(tianjin, TJ_ADULT, "刘洋")
    enrollment.enroll(tianjin, TJ_ADULT, 2024, tier="高档")
    r = refund.request_refund(tianjin, TJ_ADULT, 2024, "其他", reason_note="个人原因")
    text = flat(render(printing.acceptance_receipt(tianjin, r.receipt_serial)))
    for phrase in ("城乡居民医保退费", "申请退费金额：1010.00元", "§七(一)1",
                   "审核通过后退还个人缴费1010.00元"):
        assert phrase in text, phrase
    slip = printing.processing_slip(tianjin, r.receipt_serial)
    assert ("退费金额", "1,010.00 元（人民币壹仟零壹拾元整）") in slip.details
    report = printing.day_report(tianjin, date(2023, 11, 20))
    rows = {b.business: b for b in report.businesses}
    assert rows["参保登记"].assessed == 1010 and rows["退费申请（退费金额1,010.00 元）"].assessed == 0


def test_offsite_filing_receipt(db):
    ctx = make_ctx(db, region="武进区", hall_code="320412", now=datetime(2026, 3, 10, 9, 0, tzinfo=CHINA))
    persons.register_person(ctx, ELDER, "王𠇹")
    r = offsite_filing.file_offsite(ctx, ELDER, "异地长期居住人员", "江苏省", "苏州市", "2026-04-01",
                                    materials_received=["有效身份证件", "个人承诺书"])
    doc = printing.offsite_receipt(ctx, r.receipt_serial, paper=Paper.ROLL_80)
    text = flat(render(doc))
    for phrase in ("异地就医备案回执", "异地长期居住人员", "江苏省苏州市", "2026年4月1日", "长期有效",
                   "个人承诺书", "基本医保支付比例", masked(ELDER)):
        assert phrase in text, phrase
    assert ELDER not in text
    moved = offsite_filing.change_offsite(ctx, r.filing_id, "随子女迁居", destination_city="无锡市")
    slip = printing.processing_slip(ctx, moved.receipt_serial)
    assert ("就医地", "江苏省苏州市 → 江苏省无锡市") in slip.details


CLAIM_MATERIALS = ["医保电子凭证或有效身份证件或社保卡", "医疗收费票据", "费用明细清单",
                   "处方病历资料或诊断证明或出院小结"]


@pytest.fixture
def claim(db):
    ctx = make_ctx(db, region="武进区", hall_code="320412", now=datetime(2026, 5, 6, 9, 0, tzinfo=CHINA))
    if db.execute("SELECT count(*) FROM persons").fetchone()[0] == 0:
        persons.register_person(ctx, ELDER, "王𠇹")
    bill = {"kind": "住院", "amount": "12000", "compliant_amount": "10000", "hospital_level": 3,
            "start_on": "2026-02-01", "end_on": "2026-02-10"}
    r = manual_claim.accept_claim(ctx, ELDER, [bill], CLAIM_MATERIALS, category="老年居民", offsite="")
    return ctx, r


def test_claim_estimate_prints_the_stored_estimate(claim):
    ctx, r = claim
    doc = printing.reimbursement_estimate(ctx, r.receipt_serial)
    # (10000 − 1000) × 70% = 6300 (002 §三(一), 三级, 老年居民), as stored at intake
    assert doc.basic * 100 == r.basic_fen == 630000
    text = flat(render(doc))
    for phrase in ("报销测算单", "本单为测算结果", "10000.00元", "6300.00元", "三级", masked(ELDER)):
        assert phrase in text, phrase


def test_claim_receipt_and_checklist_name_the_missing_material(claim):
    ctx, r = claim
    assert r.missing == ["本人银行借记卡"]
    text = flat(render(printing.acceptance_receipt(ctx, r.receipt_serial)))
    assert "请补交材料：本人银行借记卡" in text and "12000.00元" in text
    notice = printing.checklist_for(ctx, r.receipt_serial)
    ticked = {m.name for m in notice.materials if m.provided}
    assert set(CLAIM_MATERIALS) <= ticked and "本人银行借记卡" not in ticked
    assert "请补齐以下材料后再来办理" in flat(render(notice))
    manual_claim.supplement_claim(ctx, r.claim_id, ["本人银行借记卡"])
    assert "本人银行借记卡" in {m.name for m in printing.checklist_for(ctx, r.claim_id).materials if m.provided}


def test_checklist_asks_for_no_more_than_the_receipt(claim):
    # 零星报销 (002 §六(四)2) lists 7 materials; 4 brought, 本人银行借记卡 missing. 代办人身份证
    # (代办时提供) and 其它相关证明材料 (意外伤害…的提供) are only for some claimants: the receipt
    # does not ask for them, so neither may the 尚缺材料 box (they stay unticked in the table).
    ctx, r = claim
    notice = printing.checklist_for(ctx, r.receipt_serial)
    box = flat(render(notice)).split("尚缺材料", 1)[1].split("办理地点", 1)[0]
    assert "本人银行借记卡" in box
    assert "代办人身份证" not in box and "其它相关证明材料" not in box
    assert notice.missing == ("本人银行借记卡",)


def test_checklist_box_takes_one_of_a_choice_as_brought(ctx):
    # 参保登记 2026: 本人身份证 and 本人户口簿 are “身份证明”任选其一; 有效居住证 (非本市户籍人员提供)
    # and 学生证或在校证明 (以在校学生身份参保的提供) are conditional: with the ID card brought
    # nothing is missing; with nothing brought only the choice is.
    with_id = printing.checklist(ctx, "参保登记", year=2026, provided={"本人身份证"})
    assert "材料已齐全" in flat(render(with_id))
    assert with_id.missing == ()
    empty = printing.checklist(ctx, "参保登记", year=2026)
    assert empty.missing == ("本人身份证或本人户口簿",)


def test_checklist_at_the_counter_ticks_what_was_brought(ctx):
    notice = printing.checklist(ctx, "参保登记", year=2026, provided={"居民户口簿"}, large_print=True)
    assert notice.large_print and notice.item == "参保登记" and notice.materials
    assert "一次性告知单" in pdf_text(render(notice))


def test_day_report_counts_businesses_and_lists_voided_receipts(ctx, enrolled):
    other = make_id(date(1990, 3, 3), 5)
    persons.register_person(ctx, other, "李四")
    second = enrollment.enroll(ctx, other, 2026, category="非从业居民")
    receipt.void_receipt(ctx, second.receipt_serial, "类别选错")
    report = printing.day_report(ctx, date(2025, 11, 15), operator_id="clerk01")
    labels = {b.business: b for b in report.businesses}
    assert labels["参保登记"].count == 2
    assert labels["参保登记"].assessed * 100 == enrolled.contribution.personal_fen + second.contribution.personal_fen
    assert report.scope == "3号窗口 clerk01"
    voided = [e for e in report.receipts if e.voided]
    assert [e.serial for e in voided] == [second.receipt_serial] and voided[0].void_reason == "类别选错"
    text = flat(render(report))
    assert "日结报表" in text and "类别选错" in text and enrolled.receipt_serial in text
    # the audit chain's head, printed as the anchor of `audit verify --anchor` (issue 13)
    from desktop.records import audit

    head = audit.head(ctx.db)
    assert report.chain_head == head.text
    assert f"审计链末条：第{head.seq}条，校验值{head.hash.hex()}" in text.replace(" ", "")
    hall = printing.day_report(ctx, date(2025, 11, 15))
    assert hall.scope == "全厅"
    # a voided receipt's reprint says so
    assert "本回执已于2025年11月15日作废：类别选错" in flat(render(printing.acceptance_receipt(ctx, second.receipt_serial)))


def test_every_business_has_a_receipt_and_a_slip(ctx, enrolled, claim):
    claim_ctx, claimed = claim
    for c, serial in ((ctx, enrolled.receipt_serial), (claim_ctx, claimed.receipt_serial)):
        for doc in printing.visit_documents(c, serial):
            assert render(doc).startswith(b"%PDF")
        assert render(printing.processing_slip(c, serial)).startswith(b"%PDF")


def test_unknown_reference_and_wrong_document_are_refused_in_chinese(ctx, enrolled):
    with pytest.raises(Refusal) as unknown:
        printing.acceptance_receipt(ctx, "320402-03-2025-999999")
    assert unknown.value.code == "not_found" and "找不到" in unknown.value.message
    with pytest.raises(Refusal) as wrong:
        printing.offsite_receipt(ctx, enrolled.receipt_serial)
    assert wrong.value.code == "not_applicable"
    with pytest.raises(Refusal) as paper:
        printing.for_record(ctx, "processing_slip", enrolled.receipt_serial, paper="80mm")
    assert paper.value.code == "invalid_paper"


def test_header_uses_the_hall_configuration_and_accounts_when_present(ctx, enrolled):
    tables = {r[0] for r in ctx.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not {"hall_config", "accounts"} <= tables:
        pytest.skip("hall configuration tables not in this schema")
    from desktop.records import accounts

    accounts.add_hall(ctx.db, {"region": "天宁区", "hall_name": "天宁区茶山街道便民服务中心", "hall_code": "320402",
                               "window_code": "03", "configured_at": "2025-11-01T09:00:00+08:00",
                               "configured_by": "admin"})
    accounts.add(ctx.db, {"id": "a1", "created_at": "2025-11-01T09:00:00+08:00", "created_by": "admin",
                          "username": "clerk01", "display_name": "张敏", "roles": "clerk", "password_hash": "x",
                          "password_changed_at": "2025-11-01T09:00:00+08:00",
                          "updated_at": "2025-11-01T09:00:00+08:00"})
    head = printing.acceptance_receipt(ctx, enrolled.receipt_serial).header
    assert (head.hall, head.window, head.clerk) == ("天宁区茶山街道便民服务中心", "3号窗口", "张敏")


def test_receipt_and_slip_write_the_amount_to_pay_in_words(ctx, enrolled):
    # 2026 常州 老年居民: 700 medical + 30 ltc = 730.00 元 (002 §一(三)): 柒佰叁拾元整
    assert enrolled.contribution.personal_fen == 73000
    for doc in (printing.acceptance_receipt(ctx, enrolled.receipt_serial),
                printing.processing_slip(ctx, enrolled.receipt_serial)):
        assert "730.00元（人民币柒佰叁拾元整）" in flat(render(doc))


def test_reprint_after_the_deadline_is_marked_audited_and_drops_the_stale_deadline(db, ctx, enrolled):
    # enrolled 2025-11-15 inside the 2026 window: 缴费截止 2025-12-31 (002 §二); reprinted on
    # 2026-02-03, after it: no "请于2025年12月31日前" on the paper any more
    from desktop.services import reprint

    later = make_ctx(db, now=datetime(2026, 2, 3, 9, 15, tzinfo=CHINA))
    for kind, title in (("receipt", "受理回执"), ("payment_notice", "缴费通知单")):
        doc = reprint.reprint_document(later, enrolled.receipt_serial, kind)
        text = flat(render(doc))
        assert f"{title}（补打）" in text
        assert "办理时间：2025-11-1510:00" in text and "打印时间：2026-02-0309:15" in text
        assert "2025年12月31日前" not in text and "缴费截止日期：2025年12月31日" not in text
        assert "缴费期限已过" in text
    entries = list(db.query("SELECT * FROM audit WHERE action = 'reprint' ORDER BY seq"))
    assert [e["entity_id"] for e in entries] == [enrolled.receipt_serial] * 2
    assert all(e["operator_id"] == "clerk01" for e in entries)
    # the same day's reprint still carries the deadline
    same_day = flat(render(reprint.reprint_document(ctx, enrolled.receipt_serial, "receipt")))
    assert "请于2025年12月31日前按缴费通知单缴费" in same_day and "受理回执（补打）" in same_day


def test_reprint_of_an_unknown_serial_is_refused_and_writes_nothing(db, ctx):
    from desktop.services import reprint

    with pytest.raises(Refusal) as refused:
        reprint.reprint_document(ctx, "320402-03-2025-999999", "receipt")
    assert refused.value.code == "not_found" and "320402-03-2025-999999" in refused.value.message
    assert db.execute("SELECT count(*) FROM audit WHERE action = 'reprint'").fetchone()[0] == 0


def test_claim_papers_show_the_bill_the_compliant_part_and_what_the_person_pays(db):
    # 002 §三(一): 23 000 bill, 20 000 compliant, 三级, 老年居民: 起付 1 000, 13 300 paid,
    # 个人负担 6 700 + 政策外 3 000 = 9 700; two bills (a second 1 000 of which 800 compliant,
    # 二级 outpatient 普通门诊) still show the sums apart on the estimate
    late = make_ctx(db, region="武进区", hall_code="320412", now=datetime(2026, 5, 6, 9, 0, tzinfo=CHINA))
    persons.register_person(late, ELDER, "王𠇹")
    bill = {"kind": "住院", "amount": "23000", "compliant_amount": "20000", "hospital_level": 3,
            "start_on": "2026-02-01", "end_on": "2026-02-10"}
    r = manual_claim.accept_claim(late, ELDER, [bill], ["医疗收费票据"], category="老年居民", offsite="")
    estimate = flat(render(printing.reimbursement_estimate(late, r.receipt_serial)))
    for phrase in ("票据总额23000.00元", "合规费用20000.00元", "政策外自费3000.00元",
                   "合规费用中个人负担6700.00元", "个人合计负担9700.00元", "人民币玖仟柒佰元整"):
        assert phrase in estimate, phrase
    receipt_text = flat(render(printing.acceptance_receipt(late, r.receipt_serial)))
    assert "政策外自费3000.00元" in receipt_text and "测算个人合计负担9700.00元" in receipt_text
    slip = printing.processing_slip(late, r.receipt_serial)
    assert ("政策外自费", "3,000.00 元") in slip.details and ("测算个人合计负担", "9,700.00 元") in slip.details
    second = {"kind": "门诊", "amount": "1000", "compliant_amount": "800", "benefit": "普通门诊",
              "facility": "二级", "start_on": "2026-03-01"}
    two = manual_claim.accept_claim(late, ELDER, [bill, second], ["医疗收费票据"], category="老年居民", offsite="")
    both = printing.reimbursement_estimate(late, two.receipt_serial)
    assert (both.bill_total, both.compliant_cost, both.out_of_policy) == (24000, 20800, 3200)
    assert both.personal_total == both.personal + 3200
