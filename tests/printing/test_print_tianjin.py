"""天津 papers as a 天津 hall hands them over (issue 15.7), and what every paper's continuation
sheet carries."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date, datetime

import pytest
from pypdf import PdfReader

from desktop.documents import render
from desktop.policy import api
from desktop.services import enrollment, persons, printing
from desktop.services.context import CHINA
from tests.support.printing import flat, make_ctx, make_id

TJ_ADULT = make_id(date(1982, 6, 1), 2, region_code="120101")
ELDER = make_id(date(1950, 2, 1), 1)


@pytest.fixture
def tianjin(db):
    """天津市 hall on 2023-11-20, inside the 2024 window (004 §三)."""
    return make_ctx(db, region="天津市", hall_code="120101", window="01",
                    now=datetime(2023, 11, 20, 9, 0, tzinfo=CHINA))


def pages(pdf: bytes) -> list[str]:
    return ["".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def test_tianjin_notice_has_no_long_term_care_line_and_no_qr_to_scan_for_the_app(tianjin):
    persons.register_person(tianjin, TJ_ADULT, "刘洋")
    r = enrollment.enroll(tianjin, TJ_ADULT, 2024, tier="高档")
    for paper in ("A4", "A5", "80mm"):
        text = flat(render(printing.payment_notice(tianjin, r.receipt_serial, paper=paper)))
        assert "长期护理保险" not in text  # 004 §二: 天津 residents pay none
        assert "天津税务" in text and "扫描《缴费通知单》二维码" not in text and "扫描二维码，下载" not in text
        assert "二维码仅用于核验" in text


def test_changzhou_notice_keeps_its_long_term_care_line(ctx):
    persons.register_person(ctx, ELDER, "王𠇹")
    r = enrollment.enroll(ctx, ELDER, 2026)
    assert "其中：长期护理保险30.00元" in flat(render(printing.payment_notice(ctx, r.receipt_serial)))


def test_tianjin_claim_checklist_prints_no_developer_words(tianjin):
    text = flat(render(printing.checklist(tianjin, "零星报销", year=2024)))
    assert "源文件" not in text and "按经办机构要求" not in text
    assert "以受理申报的经办机构告知为准" in text and "社区工作站或街（镇）综合服务机构" in text


def test_estimate_steps_print_amounts_one_way_and_the_offsite_cut_plainly(tianjin):
    request = {"calc": "inpatient", "region": "武进区", "year": 2026, "category": "老年居民",
               "hospital_level": 3, "admission": 1, "compliant_cost": "300000",
               "offsite": "其他临时外出就医人员"}
    head = printing.header(tianjin, hall_code="320412", window_code="03", operator_id="c", serial=None)
    text = "".join(pages(render(printing.estimate_from_answer(request, api.answer(request), header=head))))
    # (300 000 − 1 000) = 299 000 above the 起付, as in the 金额 column: 299,000.00
    assert "计299,000.00元" in text and "299000.00" not in text
    assert "较本地下降" not in text and "降低20个百分点" in text  # 002 §六(三)2


def test_medical_assistance_step_states_its_base():
    # 2026 常州 低保 老年居民, 10 000 compliant at 二级: 起付 600, 7 520 paid, 2 480 left to the
    # person before 医疗救助: the step names that base
    answer = api.answer({"calc": "inpatient", "region": "武进区", "year": 2026, "category": "老年居民",
                         "assistance": "最低生活保障家庭成员", "hospital_level": 2, "admission": 1,
                         "compliant_cost": "10000"})
    step = next(s["step"] for s in answer["trace"] if s["step"].startswith("医疗救助（"))
    assert re.search(r"计 [\d,]+\.\d\d 元", step), step


@pytest.mark.parametrize("which", ["tianjin-a5-notice", "assisted-estimate-a5", "large-checklist"])
def test_a_second_sheet_names_the_paper_and_the_person(which, tianjin):
    from desktop.documents.samples import CHECKLIST, ESTIMATE, NOTICE_ASSISTED, TIANJIN

    if which == "tianjin-a5-notice":  # every 天津 channel of 004 §五(二)
        doc = replace(NOTICE_ASSISTED, paper="A5",
                      channels=tuple(f"{c.name}：{c.how}" for c in TIANJIN.payment_channels.items))
        title, name = "缴费通知单", NOTICE_ASSISTED.person.name
    elif which == "assisted-estimate-a5":
        doc = replace(ESTIMATE, paper="A5")
        title, name = "报销测算单", ESTIMATE.person.name
    else:
        doc = replace(CHECKLIST, large_print=True)
        title, name = "一次性告知单", CHECKLIST.person.name
    sheets = pages(render(doc))
    for n, sheet in enumerate(sheets[1:], start=2):
        assert f"{title}（续）" in sheet and name in sheet, (n, sheet[:80])
        assert f"第{n}页/共{len(sheets)}页" in sheet


def test_tianjin_a4_notice_with_its_eight_channels_fits_one_sheet(tianjin):
    persons.register_person(tianjin, TJ_ADULT, "刘洋")
    r = enrollment.enroll(tianjin, TJ_ADULT, 2024, tier="高档")
    assert len(pages(render(printing.payment_notice(tianjin, r.receipt_serial, paper="A4")))) == 1
