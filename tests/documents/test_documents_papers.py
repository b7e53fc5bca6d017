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
