"""零星报销: intake with materials and bills, the stored estimate, 受理 → 审核 → 结算."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from desktop.errors import Refusal
from desktop.services import manual_claim, offsite_filing, persons
from desktop.services.context import CHINA
from tests.support.services import counts, make_ctx, make_id, seed_enrollment

NUMBER = make_id(date(1950, 2, 1), 1)
# 002 §六(四)2 零星报销 材料 (as the 2026 pack lists them)
ALL_MATERIALS = [
    "医保电子凭证或有效身份证件或社保卡",
    "医疗收费票据",
    "费用明细清单",
    "处方病历资料或诊断证明或出院小结",
    "本人银行借记卡",
]
BILLS = [
    {
        "kind": "住院",
        "amount": "12000",
        "compliant_amount": "10000",
        "hospital_level": 3,
        "start_on": "2026-02-01",
        "end_on": "2026-02-10",
        "hospital": "上海市第六人民医院",
    },
    {
        "kind": "住院",
        "amount": "30000",
        "hospital_level": "三级",
        "start_on": "2026-04-01",
        "end_on": "2026-04-20",
    },
    {
        "kind": "门诊",
        "amount": "1000",
        "benefit": "普通门诊",
        "facility": "二级",
        "start_on": "2026-04-25",
    },
]


@pytest.fixture
def ctx(db):
    return make_ctx(db, now=datetime(2026, 5, 6, 9, 0, tzinfo=CHINA))


@pytest.fixture
def reviewer(db):
    return make_ctx(
        db, operator_id="rev01", role="reviewer", now=datetime(2026, 5, 7, 9, 0, tzinfo=CHINA)
    )


@pytest.fixture
def referred(ctx):
    """A 老年居民 enrolled for 2026, referred out of 常州 by a qualified hospital."""
    person = persons.register_person(ctx, NUMBER, "王秀英")
    seed_enrollment(ctx, person["id"], 2026, "老年居民")
    offsite_filing.file_offsite(
        ctx, NUMBER, "异地转诊人员", "上海市", "上海市", "2026-01-20", materials_received=[]
    )
    return person


def test_bill_from_another_city_estimate_and_steps(ctx, reviewer, referred):
    """visits.md #9. Referral: ratio 10 points below the local one (002 §六(三)2).
    1st stay, 三级: (10000 − 1000 起付) × (70% − 10%) = 5400 (002 §三(一));
    2nd stay, 三级: (30000 − 1000, 起付 per stay “元/次”) × 60% = 17400;
    普通门诊 二级: (1000 − 200) × (40% − 10%) = 240 (002 §三(二)1);
    大病保险: personal burden 4600 + 12600 = 17200 < 20000 起付 → 0 (002 §四)."""
    r = manual_claim.accept_claim(ctx, NUMBER, BILLS, ALL_MATERIALS)
    assert r.missing == []
    assert r.total_fen == 4300000
    assert [e["answer"]["basic"] for e in r.estimates] == ["5400.00", "17400.00", "240.00"]
    assert (r.basic_fen, r.critical_illness_fen, r.personal_fen) == (2304000, 0, 4100000 - 2304000)
    status = manual_claim.claim_status(ctx, r.claim_id)
    assert (status["step"], status["offsite"], status["category"]) == (
        "受理",
        "异地转诊人员",
        "老年居民",
    )
    assert json.loads(status["estimate"])[1]["request"]["admission"] == 2
    with pytest.raises(Refusal) as early:
        manual_claim.settle_claim(reviewer, r.claim_id, "23040")
    assert early.value.code == "invalid_step"
    with pytest.raises(Refusal) as own:
        manual_claim.review_claim(make_ctx(ctx.db, role="reviewer"), r.claim_id)
    assert own.value.code == "four_eyes"
    assert manual_claim.review_claim(reviewer, r.claim_id)["step"] == "审核"
    settled = manual_claim.settle_claim(reviewer, r.claim_id, "23040.00", note="按测算结算")
    assert settled["step"] == "结算"
    assert [s["settled_fen"] for s in settled["steps"]][-1] == 2304000


def test_missing_materials_are_listed_and_block_the_review(ctx, reviewer, referred):
    r = manual_claim.accept_claim(ctx, NUMBER, BILLS[:1], ALL_MATERIALS[:-1])
    assert r.missing == [
        "本人银行借记卡"
    ]  # the 一次性告知单 lists it; the agent's ID only when an agent comes
    with pytest.raises(Refusal) as blocked:
        manual_claim.review_claim(reviewer, r.claim_id)
    assert blocked.value.code == "missing_materials" and "本人银行借记卡" in blocked.value.message
    assert manual_claim.supplement_claim(ctx, r.claim_id, ["本人银行借记卡"]) == []
    assert manual_claim.review_claim(reviewer, r.claim_id)["step"] == "审核"


@pytest.mark.parametrize(
    ("bills", "field"),
    [
        ([], "bills"),
        ([{**BILLS[0], "amount": "-5"}], "bills[1].amount"),
        ([{**BILLS[0], "amount": "abc"}], "bills[1].amount"),
        ([{**BILLS[0], "compliant_amount": "20000"}], "bills[1].compliant_amount"),
        ([{**BILLS[0], "hospital_level": 4}], "bills[1].hospital_level"),
        ([{**BILLS[0], "end_on": "2026-01-01"}], "bills[1].end_on"),
        ([{**BILLS[0], "end_on": "2026-06-01"}], "bills[1].end_on"),
        ([BILLS[0], {**BILLS[2], "facility": ""}], "bills[2].facility"),
        ([BILLS[0], {**BILLS[2], "kind": "体检"}], "bills[2].kind"),
        ([BILLS[0], {**BILLS[2], "start_on": "2025-12-30"}], "bills"),
        ([{**BILLS[2], "facility": "定点零售药店"}], "bills[1].facility"),
    ],
)
def test_bad_bills_are_refused_naming_the_line_and_write_nothing(ctx, referred, bills, field):
    before = counts(ctx.db)
    with pytest.raises(Refusal) as refused:
        manual_claim.accept_claim(ctx, NUMBER, bills, ALL_MATERIALS)
    assert refused.value.field == field
    assert counts(ctx.db) == before


def test_without_an_enrollment_the_category_is_asked_for(ctx):
    persons.register_person(ctx, NUMBER, "王秀英")
    with pytest.raises(Refusal) as refused:
        manual_claim.accept_claim(ctx, NUMBER, BILLS[:1], ALL_MATERIALS)
    assert refused.value.field == "category"
    # enrolled at another hall: the clerk gives the category; treated at home (no filing here)
    r = manual_claim.accept_claim(ctx, NUMBER, BILLS[:1], ALL_MATERIALS, category="老年居民")
    # (10000 − 1000) × 70% = 6300 (002 §三(一), 三级 老年居民)
    assert r.basic_fen == 630000


def test_a_bill_with_a_non_compliant_part_is_kept_apart(ctx):
    # 002 §三(一): a 三级 stay of 老年居民, 20 000 compliant of a 23 000 bill: 起付 1 000,
    # (20 000 − 1 000) × 70 % = 13 300 paid; 个人负担 of the compliant part 6 700; 政策外自费
    # 3 000; the person pays 6 700 + 3 000 = 9 700
    person = persons.register_person(ctx, NUMBER, "王一")
    seed_enrollment(ctx, person["id"], 2026, "老年居民")
    bill = {"kind": "住院", "amount": "23000", "compliant_amount": "20000", "hospital_level": 3,
            "start_on": "2026-02-01", "end_on": "2026-02-10"}
    r = manual_claim.accept_claim(ctx, NUMBER, [bill], ALL_MATERIALS, offsite="")
    assert (r.total_fen, r.compliant_fen, r.out_of_policy_fen) == (2_300_000, 2_000_000, 300_000)
    assert (r.basic_fen, r.personal_fen, r.personal_total_fen) == (1_330_000, 670_000, 970_000)
    assert r.estimates[0]["answer"]["personal_total"] == "9700.00"
