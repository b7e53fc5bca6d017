"""What a hall hands over besides the figures: 金额大写, seal and signature areas, 补打 marks."""

import re
from dataclasses import replace
from decimal import Decimal

import pytest

from desktop.documents.model import Paper
from desktop.documents.samples import DAY, ESTIMATE, NOTICE, NOTICE_ASSISTED


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("paper", [Paper.A4, Paper.A5, Paper.ROLL_80])
def test_payment_notice_writes_the_amount_in_words(render_pdf, paper):
    # 830.00 元: 捌佰 + 叁拾 + 元整
    text = flat(render_pdf(replace(NOTICE, paper=paper)).text)
    assert "人民币捌佰叁拾元整" in text


def test_assisted_notice_writes_what_is_left_to_pay_in_words(render_pdf):
    # 380.00 − 342.00 = 38.00 元: 叁拾捌元整
    assert "人民币叁拾捌元整" in flat(render_pdf(NOTICE_ASSISTED).text)


def test_estimate_writes_the_personal_total_in_words(render_pdf):
    # the sample's 个人负担 36 280.00 元 (002 §四, worked in test_documents_pdfs): 叁万陆仟贰佰捌拾元整
    assert ESTIMATE.personal == Decimal("36280.00")
    assert "人民币叁万陆仟贰佰捌拾元整" in flat(render_pdf(ESTIMATE).text)


def test_day_report_writes_the_total_in_words(render_pdf):
    # 11 950.00 元 assessed in the sample day: 壹万壹仟玖佰伍拾元整
    assert "人民币壹万壹仟玖佰伍拾元整" in flat(render_pdf(DAY).text)


# --- seal and signatures -------------------------------------------------------------------

SIGNED = ["经办机构（盖章）", "业务专用章", "经办人签字", "申请人/代办人签字"]


@pytest.mark.parametrize("stem", ["receipt-a4", "receipt-a5", "receipt-80mm", "payment-notice-a4",
                                  "payment-notice-a5", "payment-notice-80mm",
                                  "payment-notice-assisted-a5", "checklist-a4", "checklist-large-a4"])
def test_papers_handed_over_carry_the_seal_area_and_signature_lines(pdfs, stem):
    text = flat(pdfs[stem].text)
    for expected in SIGNED if not stem.startswith("checklist") else ["经办机构（盖章）", "业务专用章"]:
        assert expected in text, expected


@pytest.mark.parametrize("stem", ["checklist-a4", "checklist-large-a4"])
def test_checklist_names_who_told_whom_and_when(pdfs, stem):
    text = flat(pdfs[stem].text)
    for expected in ["告知人（经办人）签字", "被告知人（申请人/代办人）签字", "告知日期"]:
        assert expected in text, expected


@pytest.mark.parametrize("stem", ["receipt-a4", "receipt-a5", "payment-notice-a4",
                                  "payment-notice-a5", "payment-notice-assisted-a5"])
def test_the_seal_area_keeps_a_receipt_or_notice_on_one_sheet(pdfs, stem):
    assert len(pdfs[stem].reader.pages) == 1


# --- 补打 ----------------------------------------------------------------------------------

@pytest.mark.parametrize("paper", [Paper.A4, Paper.A5, Paper.ROLL_80])
def test_a_reprint_is_marked_and_shows_when_the_business_was_done(render_pdf, paper):
    from datetime import datetime

    from desktop.documents.samples import RECEIPT

    header = replace(RECEIPT.header, printed_at=datetime(2026, 2, 3, 9, 15), reprint=True,
                     handled_at=datetime(2025, 11, 20, 10, 32))
    text = flat(render_pdf(replace(RECEIPT, header=header, paper=paper)).text)
    assert "受理回执（补打）" in text
    assert "办理时间：2025-11-2010:32" in text and "打印时间：2026-02-0309:15" in text


def test_a_first_print_is_not_marked(pdfs):
    assert "补打" not in pdfs["receipt-a4"].text


# --- the 日结 chart ------------------------------------------------------------------------

@pytest.mark.parametrize("top, step, ceiling", [
    (27, 5, 30),  # not 0/9/18/27: 0/5/…/30
    (9, 2, 10),
    (1, 1, 1),
    (45, 10, 50),
    (106, 20, 120),
    (0, 1, 1),
])
def test_chart_ticks_are_round(top, step, ceiling):
    from desktop.documents.charts import nice_scale

    assert nice_scale(top) == (step, ceiling)


# --- bills as bills are --------------------------------------------------------------------

def test_estimate_of_a_bill_shows_what_lies_outside_the_policy(render_pdf):
    from desktop.documents.model import EstimateKind, ReimbursementEstimate
    from desktop.documents.samples import HEADER
    from desktop.policy import api

    request = {"calc": "inpatient", "region": "武进区", "year": 2026, "category": "老年居民",
               "hospital_level": 3, "admission": 1, "compliant_cost": "300000", "bill_total": "356789.12"}
    estimate = ReimbursementEstimate.from_answer(api.answer(request), compliant_cost="300000",
                                                 header=HEADER, kind=EstimateKind.INPATIENT, facts=())
    text = flat(render_pdf(estimate).text)
    # 个人负担 of the compliant part 48 280.00 + 政策外 56 789.12 = 105 069.12
    for expected in ["票据总额356,789.12元", "合规费用300,000.00元", "政策外自费56,789.12元",
                     "合规费用中个人负担48,280.00元", "个人合计负担105,069.12元",
                     "人民币壹拾万伍仟零陆拾玖元壹角贰分"]:
        assert expected in text, expected
