"""天津 城乡居民医保 2024 pack (data/policies/tianjin-resident-2024.yaml) through the real front door.

Every figure of 004_72f39dcdf4d6177b.txt is walked here, each with the working by hand beside it.
Unless a test says otherwise, the hall's setting 上一年度本市居民人均可支配收入 is 53000 元, so the
大病保险 threshold is 53000 × 50% = 26500 (医疗救助对象 26500 × 50% = 13250) and the 低保边缘
住院救助起付线 is 53000 × 10% = 5300.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from desktop.cli import main as cli_main
from desktop.errors import Refusal
from desktop.policy.api import answer
from desktop.policy.loader import bundled

SRC = "004_72f39dcdf4d6177b.txt"
KEY = "resident_disposable_income_last_year"
INCOME = {KEY: Decimal("53000")}


def ask(req: dict, settings: dict | None = INCOME) -> dict:
    return answer({"region": "天津市", "year": 2024, **req}, settings=settings)


def refusal(req: dict, settings: dict | None = INCOME) -> Refusal:
    with pytest.raises(Refusal) as info:
        ask(req, settings)
    return info.value


def inpatient(category="成年居民", tier="高档", level=1, cost="10000", admission=1, **extra) -> dict:
    req = {"calc": "inpatient", "category": category, "hospital_level": level, "compliant_cost": cost,
           "admission": admission, **extra}
    if tier:
        req["tier"] = tier
    return req


def outpatient(benefit="普通门诊", facility="一级", cost="2600", category="成年居民", tier="高档", **extra) -> dict:
    req = {"calc": "outpatient", "benefit": benefit, "facility": facility, "compliant_cost": cost,
           "category": category, **extra}
    if tier:
        req["tier"] = tier
    return req


def special(facility="一级", cost="10500", **extra) -> dict:
    return outpatient("门诊特殊病", facility, cost, diseases=["恶性肿瘤"], **extra)


def start(paid_on: str, **facts) -> dict:
    return ask({"calc": "benefit_start", "paid_on": paid_on, **facts})


def money(a: dict, **expected: str) -> None:
    got = {k: a[k] for k in expected}
    assert got == expected


def pack():
    return bundled().find("天津市", 2024, "resident")


# ---------------------------------------------------------------- the pack itself


def test_pack_loads_for_tianjin_and_cites_only_its_source():
    p = pack()
    assert p.pack.id == "tianjin-resident-2024"
    assert p.pack.regions == ["天津市"]

    def sources(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "source":
                    yield v
                else:
                    yield from sources(v)
        elif isinstance(node, list):
            for v in node:
                yield from sources(v)

    cited = list(sources(p.model_dump()))
    assert len(cited) > 40
    assert all(s.startswith("tj-resident-2024 §") for s in cited)  # the id of 004 in its sources table
    assert p.sources["tj-resident-2024"].file == SRC and p.sources["tj-resident-2024"].number == "津医保局发〔2023〕72号"


def test_payment_channels_are_the_eight_ways_of_5_2():
    # 004 §五(二) 1–8: 银行临柜、天津税务APP、电子税务局、微信支付宝、扫码、办税服务厅、银联、个账代扣
    names = [c.name for c in pack().payment_channels.items]
    assert names == ["银行临柜缴费", "天津税务手机APP缴费", "电子税务局缴费", "微信、支付宝缴费", "扫码缴费",
                     "办税服务厅缴费", "银联缴费", "城乡居民个账代扣"]
    assert "齐鲁银行" in pack().payment_channels.items[0].how  # the 17th 协议商业银行


def test_every_unclear_reading_is_noted():
    p = pack()
    six = [r for r in p.enrollment.rules if r.waiting_months == 6]
    assert len(six) == 2 and all("起算" in r.note for r in six)
    assert "基层医疗机构" in p.outpatient.general.note and "家庭医生" in p.outpatient.general.note
    assert "合并计算" in p.outpatient.special.note
    assert "0" in p.offsite.note and "参保地" in p.offsite.note
    assert "§七(一)3" in p.assistance.note


# ---------------------------------------------------------------- contribution (§二)


@pytest.mark.parametrize(
    "category, tier, standard",
    [
        ("城乡未就业居民（成年）", "高档", "1010.00"),  # 004 §二(一): 高档 1010 元/人/年
        ("成年居民", "高档", "1010.00"),  # alias of the same category
        ("成年居民", "high", "1010.00"),  # the tier code is accepted too
        ("城乡未就业居民（成年）", "低档", "380.00"),  # 004 §二(一): 低档 380 元/人/年
        ("成年居民", "低档", "380.00"),
    ],
)
def test_adult_pays_the_chosen_tier(category, tier, standard):
    a = ask({"calc": "contribution", "category": category, "tier": tier})
    # no 长护险 in 天津: standard = medical part, nothing assisted
    money(a, standard=standard, ltc="0.00", assisted="0.00", personal=standard)
    assert a["category"] == "城乡未就业居民（成年）"


@pytest.mark.parametrize("label", ["在校学生", "托育机构儿童", "未成年居民", "新生儿", "各级各类学校在校学生"])
def test_student_child_labels_all_pay_the_low_tier(label):
    # 004 §二(二): 在校学生、托育机构、未成年居民、新生儿 按低档 380 元缴费
    a = ask({"calc": "contribution", "category": label})
    money(a, standard="380.00", ltc="0.00", assisted="0.00", personal="380.00")
    assert a["category"] == "在校学生"
    assert ask({"calc": "contribution", "category": label, "tier": "低档"})["personal"] == "380.00"


def test_student_child_cannot_choose_the_high_tier():
    r = refusal({"calc": "contribution", "category": "新生儿", "tier": "高档"})
    assert (r.code, r.field) == ("not_applicable", "tier")
    assert "高档" in r.message


def test_adult_must_choose_a_tier():
    r = refusal({"calc": "contribution", "category": "成年居民"})
    assert (r.code, r.field) == ("missing_field", "tier")
    assert "高档" in r.message and "低档" in r.message


def test_unknown_tier_and_category_are_refused():
    r = refusal({"calc": "contribution", "category": "成年居民", "tier": "中档"})
    assert (r.code, r.field) == ("unknown_category", "tier") and "中档" in r.message
    r = refusal({"calc": "contribution", "category": "老年居民"})
    assert (r.code, r.field) == ("unknown_category", "category") and "老年居民" in r.message


@pytest.mark.parametrize(
    "category, tier, group",
    [
        ("成年居民", "低档", "特困人员"),
        ("成年居民", "低档", "部分优抚对象"),
        ("成年居民", "低档", "离休干部无固定收入的配偶"),
        ("未成年居民", None, "孤儿"),
        ("成年居民", "低档", "特困供养人员"),  # alias
    ],
)
def test_fully_assisted_groups_pay_nothing(category, tier, group):
    # 004 §二(三): 个人缴费部分按100%全额资助: 380 × 100% = 380 assisted, 380 − 380 = 0
    a = ask({"calc": "contribution", "category": category, "tier": tier, "assistance": group})
    money(a, standard="380.00", assisted="380.00", personal="0.00")


@pytest.mark.parametrize(
    "category, tier, group",
    [
        ("成年居民", "低档", "低保对象"),
        ("成年居民", "低档", "低保"),  # alias
        ("成年居民", "低档", "低保边缘家庭成员"),
        ("成年居民", "低档", "其他重度残疾人"),
        ("在校学生", None, "享受国家助学贷款高校学生"),
        ("未成年居民", None, "低保对象"),
    ],
)
def test_ninety_percent_groups_pay_38(category, tier, group):
    # 004 §二(四): 低档 380 × 90% = 342 定额资助; 380 − 342 = 38 元 (原文“2024年为每人每年38元”)
    a = ask({"calc": "contribution", "category": category, "tier": tier, "assistance": group})
    money(a, standard="380.00", assisted="342.00", personal="38.00")


@pytest.mark.parametrize(
    "group",
    ["低保对象", "低保边缘家庭成员", "其他重度残疾人", "享受国家助学贷款高校学生",
     "特困人员", "部分优抚对象", "离休干部无固定收入的配偶", "孤儿"],
)
def test_assisted_adult_choosing_the_high_tier_pays_it_in_full(group):
    # 004 §二(四): 其他重度残疾人选择更高档次，个人缴费部分不再享受定额资助 → 1010 − 0 = 1010;
    # §七(一)3: 其他资助对象须退资助后“变更为更高缴费档次自主缴费” → same 1010 (pack note)
    a = ask({"calc": "contribution", "category": "成年居民", "tier": "高档", "assistance": group})
    money(a, standard="1010.00", assisted="0.00", personal="1010.00")
    assert any("不再享受定额资助" in s["step"] for s in a["trace"])


def test_unknown_assistance_group_is_refused():
    r = refusal({"calc": "contribution", "category": "成年居民", "tier": "低档", "assistance": "困境儿童"})
    assert (r.code, r.field) == ("unknown_assistance", "assistance")
    assert "困境儿童" in r.message and "低保对象" in r.message


# ---------------------------------------------------------------- benefit start (§三, §八)


@pytest.mark.parametrize("paid_on", ["2023-10-10", "2023-11-15", "2023-12-31"])
def test_paid_in_the_window_starts_on_1_january(paid_on):
    # 004 §三: 集中申报缴费期 2023-10-10 至 2023-12-31; §八(一): 享受2024年待遇 → 2024-01-01
    a = start(paid_on)
    assert (a["benefit_start"], a["benefit_end"], a["waiting_months"], a["retroactive"]) == (
        "2024-01-01", "2024-12-31", 0, False)


def test_payment_before_the_window_or_after_the_year_is_refused():
    # 2023-10-09 is the day before the window opens; 2025-01-01 is after the 2024 benefit period
    for day in ("2023-10-09", "2025-01-01"):
        r = refusal({"calc": "benefit_start", "paid_on": day})
        assert (r.code, r.field) == ("invalid_date", "paid_on") and day in r.message


def test_late_payment_needs_the_continuity_facts():
    # 2024-01-01 is the first day after the window: §八(三)/(四) decide, so continuous_years is needed
    r = refusal({"calc": "benefit_start", "paid_on": "2024-01-01"})
    assert (r.code, r.field) == ("missing_field", "continuous_years") and "连续参保年数" in r.message
    # ≥ 2 years: the gap decides
    r = refusal({"calc": "benefit_start", "paid_on": "2024-01-01", "continuous_years": 2})
    assert (r.code, r.field) == ("missing_field", "gap_months") and "中断缴费月数" in r.message


@pytest.mark.parametrize(
    "paid_on, years, gap, begins, waiting",
    [
        # 004 §八(三): 连续2年及以上且中断3个月内 → 自参保缴费次日: 2024-01-01 + 1 day
        ("2024-01-01", 2, 0, "2024-01-02", 0),
        ("2024-03-15", 2, 3, "2024-03-16", 0),  # gap exactly 3 months: still 次日
        ("2024-03-15", 5, 1, "2024-03-16", 0),
        # §八(三): 超过3个月 → 6个月等待期: 缴费次日 03-16 + 6 months = 09-16 (等待期 03-16..09-15)
        ("2024-03-15", 2, 4, "2024-09-16", 6),
        # §八(四): 未连续参保2年 → 6个月等待期, same count; the gap does not matter
        ("2024-03-15", 1, 0, "2024-09-16", 6),
        ("2024-03-15", 0, 12, "2024-09-16", 6),
        # month ends: 03-30 paid → 03-31 + 6 months = 09-31 → clamped to 09-30
        ("2024-03-30", 1, 0, "2024-09-30", 6),
        # last day that still reaches into 2024: 06-29 paid → 06-30 + 6 months = 12-30
        ("2024-06-29", 1, 0, "2024-12-30", 6),
    ],
)
def test_late_payment_by_continuity(paid_on, years, gap, begins, waiting):
    a = start(paid_on, continuous_years=years, gap_months=gap)
    assert (a["benefit_start"], a["waiting_months"], a["retroactive"]) == (begins, waiting, False)


def test_six_month_wait_past_the_year_end_is_refused():
    # 06-30 paid → 07-01 + 6 months = 2025-01-01, after 2024-12-31: no 2024 benefits at all
    r = refusal({"calc": "benefit_start", "paid_on": "2024-06-30", "continuous_years": 1})
    assert (r.code, r.field) == ("not_applicable", "paid_on")
    assert "2025-01-01" in r.message and "6个月" in r.message


@pytest.mark.parametrize(
    "birth, paid_on, begins, retroactive",
    [
        # 004 §八(五): 出生之日起四个月（含）内缴费 → 从出生之日起: 02-10 + 4 months = 06-10 inclusive
        ("2024-02-10", "2024-06-10", "2024-02-10", True),
        # one day later: 四个月后 → 从缴费次日起: 06-11 + 1 = 06-12, no waiting, no continuity needed
        ("2024-02-10", "2024-06-11", "2024-06-12", False),
        # born 2023-12-20: 4 months → 2024-04-20 inclusive; 2024 benefits can start no earlier than 01-01
        ("2023-12-20", "2024-04-20", "2024-01-01", True),
        ("2023-12-20", "2024-04-21", "2024-04-22", False),
        # born in the window and paid in it: 2024 benefits from 01-01 (the 2023 part is the 2023 year's)
        ("2023-11-05", "2023-12-01", "2024-01-01", False),
    ],
)
def test_newborn(birth, paid_on, begins, retroactive):
    a = start(paid_on, birth_date=birth)
    assert (a["benefit_start"], a["waiting_months"], a["retroactive"]) == (begins, 0, retroactive)


@pytest.mark.parametrize("group", ["医疗救助对象", "低保对象", "特困人员", "孤儿", "其他重度残疾人",
                                   "部分优抚对象", "离休干部无固定收入的配偶", "低保边缘家庭成员"])
def test_assisted_persons_get_the_natural_year(group):
    # 004 §八(七): 参加当年度居民医保后按自然年度享受 → 2024-01-01 whenever they pay, no waiting
    a = start("2024-05-20", special_group=group)
    assert (a["benefit_start"], a["waiting_months"], a["retroactive"]) == ("2024-01-01", 0, True)


@pytest.mark.parametrize("group", ["与用人单位终止、解除劳动合同", "领取失业保险金期满", "连续享受灵活就业人员医保待遇中断"])
def test_leaving_employment_within_three_months(group):
    # 004 §八(二): 三个月内参加居民医保 → 自参保缴费次日: 05-06 + 1 = 05-07
    a = start("2024-05-06", special_group=group, gap_months=3)
    assert (a["benefit_start"], a["waiting_months"]) == ("2024-05-07", 0)
    # 4 months: not §八(二); §八(三)/(四) → 6-month wait: 05-07 + 6 months = 11-07
    a = start("2024-05-06", special_group=group, gap_months=4, continuous_years=3)
    assert (a["benefit_start"], a["waiting_months"]) == ("2024-11-07", 6)
    r = refusal({"calc": "benefit_start", "paid_on": "2024-05-06", "special_group": group})
    assert (r.code, r.field) == ("missing_field", "gap_months")


def test_unknown_special_group_is_refused():
    # 享受国家助学贷款高校学生 are not among the §八(七) groups; 退役军人 is a 常州 group
    for label in ("退役军人", "享受国家助学贷款高校学生"):
        r = refusal({"calc": "benefit_start", "paid_on": "2024-05-06", "special_group": label})
        assert (r.code, r.field) == ("unknown_special_group", "special_group") and label in r.message


def test_birth_after_payment_is_refused():
    r = refusal({"calc": "benefit_start", "paid_on": "2024-03-01", "birth_date": "2024-03-02"})
    assert (r.code, r.field) == ("invalid_date", "birth_date")


# ---------------------------------------------------------------- inpatient (§九(一)1)


@pytest.mark.parametrize(
    "category, tier, level, basic",
    [
        # 004 §九(一)1 高档 column: 起付 500; (10000 − 500) × ratio
        ("成年居民", "高档", 1, "8075.00"),  # 9500 × 85% = 8075
        ("成年居民", "高档", 2, "7600.00"),  # 9500 × 80% = 7600
        ("成年居民", "高档", 3, "7125.00"),  # 9500 × 75% = 7125
        # 低档 column
        ("成年居民", "低档", 1, "7125.00"),  # 9500 × 75% = 7125
        ("成年居民", "低档", 2, "6650.00"),  # 9500 × 70% = 6650
        ("成年居民", "低档", 3, "6175.00"),  # 9500 × 65% = 6175
        # §二(二): student_child pays 低档 but is paid on the 高档 column
        ("在校学生", None, 1, "8075.00"),  # 9500 × 85%
        ("新生儿", None, 2, "7600.00"),  # 9500 × 80%
        ("托育机构儿童", None, 3, "7125.00"),  # 9500 × 75%
        ("未成年居民", None, 1, "8075.00"),
    ],
)
def test_inpatient_ratio_table(category, tier, level, basic):
    a = ask(inpatient(category, tier, level))
    # personal burden 10000 − basic is below the 大病 threshold 26500: no 大病
    personal = str(Decimal("10000") - Decimal(basic))
    money(a, deductible="500.00", basic=basic, critical_illness="0.00", medical_assistance="0.00", personal=personal)


def test_second_admission_has_no_deductible():
    # 004 §九(一)1: 从第二次住院起不再设起付线: 10000 × 85% = 8500
    a = ask(inpatient("在校学生", None, 1, admission=2))
    money(a, deductible="0.00", basic="8500.00", personal="1500.00")
    # third admission likewise: 10000 × 70% (低档 二级) = 7000
    money(ask(inpatient(tier="低档", level=2, admission=3)), deductible="0.00", basic="7000.00")


@pytest.mark.parametrize(
    "cost, deductible, basic",
    [
        ("400", "400.00", "0.00"),  # all below 起付线 500
        ("500", "500.00", "0.00"),  # exactly 500: nothing above it
        ("501", "500.00", "0.85"),  # (501 − 500) × 85% = 0.85
    ],
)
def test_inpatient_deductible_edge(cost, deductible, basic):
    money(ask(inpatient(cost=cost)), deductible=deductible, basic=basic)


@pytest.mark.parametrize(
    "ytd_basic, basic",
    [
        ("248300", "1700.00"),  # room 250000 − 248300 = 1700; 2000 × 85% = 1700 fits exactly
        ("248301", "1699.00"),  # room 1699 < 1700 → capped
        ("250000", "0.00"),  # cap used up
    ],
)
def test_inpatient_yearly_cap_250000(ytd_basic, basic):
    # 004 §九(一)1: 封顶线 25万元（一个年度内）; second admission, 一级 高档: 2000 × 85% = 1700
    a = ask(inpatient(cost="2000", admission=2, ytd={"basic": ytd_basic}))
    money(a, basic=basic)


def test_one_big_stay_hits_the_cap_and_goes_to_critical_illness():
    # 三级 高档: (400000 − 500) × 75% = 299625 → 封顶 250000; burden 400000 − 250000 = 150000
    # 大病: (100000 − 26500) × 65% = 47775; (150000 − 100000) × 70% = 35000; total 82775
    # personal 400000 − 250000 − 82775 = 67225
    a = ask(inpatient(level=3, cost="400000"))
    money(a, deductible="500.00", basic="250000.00", critical_illness="82775.00", personal="67225.00")


# ---------------------------------------------------------------- 大病保险 (§九(二))


def test_critical_illness_needs_the_income_setting():
    for settings in (None, {}):
        r = refusal(inpatient(), settings)
        assert (r.code, r.field) == ("missing_setting", KEY)
        assert "上一年度本市居民人均可支配收入" in r.message


@pytest.mark.parametrize(
    "cost, basic, ci",
    [
        # 三级 高档 75%: burden = 500 + (C − 500) × 25%
        ("104500", "78000.00", "0.00"),  # (104500 − 500) × 75% = 78000; burden 26500 = threshold → 0
        ("104504", "78003.00", "0.65"),  # 104004 × 75% = 78003; burden 26501 → (26501 − 26500) × 65%
    ],
)
def test_critical_illness_threshold_is_half_the_income(cost, basic, ci):
    # 004 §九(二): 起付线 = 上一年度居民人均可支配收入 × 50% = 53000 × 50% = 26500
    money(ask(inpatient(level=3, cost=cost)), basic=basic, critical_illness=ci)


def test_critical_illness_threshold_follows_the_setting():
    # income 60000 → threshold 30000: burden 26501 (as above) is now below it
    a = ask(inpatient(level=3, cost="104504"), {KEY: Decimal("60000")})
    money(a, critical_illness="0.00")
    assert any("30000" in s["step"] for s in a["trace"])


# Bands on the yearly personal burden: second admission at 三级 高档 75%, cost 8000 → basic 6000,
# burden 2000 on top of ytd.personal_burden.
def ci_claim(ytd_burden: str, **extra) -> dict:
    return inpatient(level=3, cost="8000", admission=2, ytd={"personal_burden": ytd_burden}, **extra)


@pytest.mark.parametrize(
    "ytd_burden, ci",
    [
        ("24500", "0.00"),  # [24500, 26500): all below the threshold
        ("25500", "650.00"),  # (27500 − 26500) × 65% = 650
        ("98000", "1300.00"),  # [98000, 100000) × 65% = 1300
        ("99000", "1350.00"),  # 1000 × 65% + 1000 × 70% = 650 + 700
        ("100000", "1400.00"),  # [100000, 102000) × 70% = 1400
        ("199000", "1450.00"),  # 1000 × 70% + 1000 × 75% = 700 + 750
        ("200000", "1500.00"),  # 2000 × 75%
        ("299000", "750.00"),  # 1000 × 75%; above 30万 not covered for ordinary persons
        ("300000", "0.00"),  # wholly above 30万
    ],
)
def test_critical_illness_bands_ordinary(ytd_burden, ci):
    # 004 §九(二) table: 起付线–10万（含）65%, 10–20万（含）70%, 20–30万（含）75%; 30万（含）以下
    a = ask(ci_claim(ytd_burden))
    money(a, basic="6000.00", critical_illness=ci)


@pytest.mark.parametrize(
    "ytd_burden, ci",
    [
        # 医疗救助对象: threshold 26500 × 50% = 13250; ratios +5 → 70 / 75 / 80 %; no upper limit
        ("11250", "0.00"),  # [11250, 13250): below 13250
        ("12250", "700.00"),  # (14250 − 13250) × 70% = 700
        ("99000", "1450.00"),  # 1000 × 70% + 1000 × 75%
        ("199000", "1550.00"),  # 1000 × 75% + 1000 × 80%
        ("299000", "1600.00"),  # 2000 × 80%: the 30万 limit is lifted
        ("400000", "1600.00"),  # still 80%, 取消封顶线
    ],
)
def test_critical_illness_bands_assisted(ytd_burden, ci):
    a = ask(ci_claim(ytd_burden, assistance="低保对象"))
    money(a, basic="6000.00", critical_illness=ci)


def test_critical_illness_assisted_threshold_edge():
    # student_child + 低保 (高档 column), 三级 75%, second admission: cost 4000 → basic 3000, burden 1000
    # ytd 12250: [12250, 13250) all below 13250 → 0; 低保 住院救助 1000 × 70% = 700; personal 300
    a = ask(inpatient("在校学生", None, 3, "4000", 2, assistance="低保对象", ytd={"personal_burden": "12250"}))
    money(a, basic="3000.00", critical_illness="0.00", medical_assistance="700.00", personal="300.00")
    # ytd 12251: (13251 − 13250) × 70% = 0.70; 救助 (1000 − 0.70) × 70% = 699.51; personal 299.79
    a = ask(inpatient("在校学生", None, 3, "4000", 2, assistance="低保对象", ytd={"personal_burden": "12251"}))
    money(a, critical_illness="0.70", medical_assistance="699.51", personal="299.79")


@pytest.mark.parametrize("group", ["部分优抚对象", "其他重度残疾人", "离休干部无固定收入的配偶", "孤儿", "享受国家助学贷款高校学生"])
def test_assisted_non_ma_groups_use_the_ordinary_schedule(group):
    # not 医疗救助对象 (pack note): ytd 25500 → ordinary (27500 − 26500) × 65% = 650 (assisted would be 2000 × 70%)
    a = ask(ci_claim("25500", assistance=group))
    money(a, critical_illness="650.00", medical_assistance="0.00", personal="1350.00")
    assert any("不属于医疗救助对象" in s["step"] for s in a["trace"])


def test_30万_upper_limit_ordinary_vs_open_ended_assisted():
    # 三级 高档 (75%), cost 600000: (600000 − 500) × 75% = 449625 → 封顶 250000; burden 350000
    # ordinary 大病: (100000 − 26500) × 65% = 47775; 100000 × 70% = 70000; 100000 × 75% = 75000;
    #   above 300000 nothing → 192775; personal 600000 − 250000 − 192775 = 157225
    a = ask(inpatient(level=3, cost="600000"))
    money(a, basic="250000.00", critical_illness="192775.00", medical_assistance="0.00", personal="157225.00")
    # 低保 (大病 13250, 70/75/80 %, open): (100000 − 13250) × 70% = 60725; 100000 × 75% = 75000;
    #   (350000 − 200000) × 80% = 120000 → 255725
    # 住院救助 70% of 350000 − 255725 = 94275 → 65992.50; left 28282.50
    # 重特大: (28282.50 − 10000) × 50% = 9141.25; 救助 65992.50 + 9141.25 = 75133.75
    # personal 600000 − 250000 − 255725 − 75133.75 = 19141.25
    a = ask(inpatient(level=3, cost="600000", assistance="低保"))
    money(a, basic="250000.00", critical_illness="255725.00", medical_assistance="75133.75", personal="19141.25")


# ---------------------------------------------------------------- 医疗救助 (§九(三))


@pytest.mark.parametrize(
    "group, ma, personal",
    [
        # 成年居民 低档, 二级 70%, cost 50000: basic (50000 − 500) × 70% = 34650; burden 15350
        # 大病 (assisted): (15350 − 13250) × 70% = 1470; left for 救助 15350 − 1470 = 13880
        ("特困人员", "10410.00", "3470.00"),  # 13880 × 75% = 10410; 13880 − 10410 = 3470 < 1万: no 重特大
        ("低保对象", "9716.00", "4164.00"),  # 13880 × 70% = 9716
        ("低保边缘家庭成员", "5577.00", "8303.00"),  # (13880 − 5300) × 65% = 5577
    ],
)
def test_inpatient_assistance_by_group(group, ma, personal):
    a = ask(inpatient(tier="低档", level=2, cost="50000", assistance=group))
    money(a, basic="34650.00", critical_illness="1470.00", medical_assistance=ma, personal=personal)


@pytest.mark.parametrize(
    "cost, ytd_burden, ma",
    [
        # 低档 一级 75%: basic (C − 500) × 75%; burden 500 + (C − 500) × 25% (below 13250: no 大病)
        ("19700", "0", "0.00"),  # burden 5300 = 起付线 5300 (53000 × 10%) → 0
        ("19704", "0", "0.65"),  # burden 5301 → (5301 − 5300) × 65% = 0.65
        ("19700", "5300", "3445.00"),  # 起付线 already met this year: 5300 × 65% = 3445
    ],
)
def test_marginal_assistance_deductible(cost, ytd_burden, ma):
    # 004 §九(三)2: 低保边缘家庭成员 住院救助起付线 = 上年度本市居民人均可支配收入 × 10%, 比例 65%
    a = ask(inpatient(tier="低档", cost=cost, assistance="低保边缘家庭成员", ytd={"personal_burden": ytd_burden}))
    money(a, critical_illness="0.00", medical_assistance=ma)


def test_marginal_assistance_refused_without_the_setting():
    r = refusal(inpatient(tier="低档", assistance="低保边缘家庭成员"), {})
    assert (r.code, r.field) == ("missing_setting", KEY) and "人均可支配收入" in r.message


@pytest.mark.parametrize(
    "ytd_personal, ma",
    [
        # 低保 student (高档 一级 85%), second admission, cost 20000: basic 17000; burden 3000 (no 大病)
        # 住院救助 3000 × 70% = 2100; left 900 on the yearly axis of 个人实际负担
        ("9100", "2100.00"),  # [9100, 10000): below 重特大 起付标准 1万
        ("9101", "2100.50"),  # (10001 − 10000) × 50% = 0.50
        ("9500", "2300.00"),  # (10400 − 10000) × 50% = 200
    ],
)
def test_major_disease_assistance_threshold(ytd_personal, ma):
    # 004 §九(三)3: 重特大疾病医疗救助 起付标准1万元, 50%
    a = ask(inpatient("在校学生", None, 1, "20000", 2, assistance="低保对象", ytd={"personal": ytd_personal}))
    money(a, basic="17000.00", critical_illness="0.00", medical_assistance=ma)


def test_major_disease_assistance_cap_200000():
    # 特困, 成年居民 高档, 三级, cost 10 000 000: basic 250000 (封顶); burden 9 750 000
    # 大病 (assisted): (100000 − 13250) × 70% = 60725; 75000; (9750000 − 200000) × 80% = 7640000 → 7775725
    # 住院救助: (9750000 − 7775725) = 1974275 × 75% = 1480706.25; left 493568.75
    # 重特大: (493568.75 − 10000) × 50% = 241784.375 → 最高 200000; 救助 1680706.25
    # personal 10000000 − 250000 − 7775725 − 1680706.25 = 293568.75
    a = ask(inpatient(level=3, cost="10000000", assistance="特困人员"))
    money(a, basic="250000.00", critical_illness="7775725.00", medical_assistance="1680706.25",
          personal="293568.75")


@pytest.mark.parametrize(
    "group, cost, ma",
    [
        # 低档 一级 普通门诊 50%: basic (C − 600) × 50%; burden C − basic; 门诊救助 50%, no 起付
        ("特困人员", "2000", "650.00"),  # basic 700; burden 1300 × 50% = 650
        ("特困人员", "4600", "1000.00"),  # basic 2000; burden 2600 × 50% = 1300 → 特困 limit 1000
        ("低保对象", "1400", "400.00"),  # basic 400; burden 1000 × 50% = 500 → other limit 400
        ("低保边缘家庭成员", "1000", "400.00"),  # basic 200; burden 800 × 50% = 400 = the limit exactly
        ("低保边缘家庭成员", "1002", "400.00"),  # basic 201; burden 801 × 50% = 400.50 → limit 400
        ("低保边缘家庭成员", "998", "399.50"),  # basic 199; burden 799 × 50% = 399.50, just below 400
    ],
)
def test_outpatient_assistance(group, cost, ma):
    # 004 §九(三)1: 门诊救助 50%, 不设起付标准, 最高 特困 1000 / 其他 400 (no setting needed)
    a = ask(outpatient(cost=cost, tier="低档", assistance=group), None)
    money(a, medical_assistance=ma)


def test_outpatient_assistance_limit_is_yearly_and_no_major_disease_top_up():
    # 低保, ytd 门诊救助 300: room 400 − 300 = 100 (burden 1000 × 50% = 500 → 100)
    a = ask(outpatient(cost="1400", tier="低档", assistance="低保对象", ytd={"medical_assistance": "300"}), None)
    money(a, medical_assistance="100.00")
    # 特困 with 个人年度负担 already 50000: 重特大 is for 住院 (含门特) only → 门诊救助 650 alone
    a = ask(outpatient(cost="2000", tier="低档", assistance="特困人员", ytd={"personal": "50000"}), None)
    money(a, basic="700.00", medical_assistance="650.00", personal="650.00")
    assert not any("重特大" in s["step"] for s in a["trace"])


def test_groups_without_assistance_rules_get_none():
    # 部分优抚对象: no 医疗救助 in §九(三) → 0; 一级 低档: 9500 × 75% = 7125;
    # burden 2875 below the ordinary 大病 threshold 26500 → 0; personal 2875
    a = ask(inpatient(tier="低档", assistance="部分优抚对象"))
    money(a, basic="7125.00", critical_illness="0.00", medical_assistance="0.00", personal="2875.00")


# ---------------------------------------------------------------- 普通门（急）诊 (§九(一)2)


@pytest.mark.parametrize(
    "category, tier, facility, basic",
    [
        # 起付线 600: (2600 − 600) × ratio
        ("成年居民", "高档", "一级", "1100.00"),  # 2000 × 55%
        ("成年居民", "高档", "二级", "1100.00"),  # 2000 × 55%
        ("成年居民", "高档", "三级", "1000.00"),  # 2000 × 50%
        ("成年居民", "高档", "基层医疗机构", "1100.00"),  # read as 一级 (pack note): 2000 × 55%
        ("成年居民", "低档", "一级", "1000.00"),  # 2000 × 50%
        ("成年居民", "低档", "二级", "1000.00"),  # 2000 × 50%
        ("成年居民", "低档", "三级", "900.00"),  # 2000 × 45%
        ("成年居民", "低档", "基层医疗机构", "1000.00"),
        ("新生儿", None, "一级", "1100.00"),  # student_child on the 高档 column
        ("在校学生", None, "三级", "1000.00"),
    ],
)
def test_general_outpatient_table(category, tier, facility, basic):
    a = ask(outpatient(facility=facility, category=category, tier=tier), None)  # no setting needed
    money(a, deductible="600.00", basic=basic, critical_illness="0.00",
          personal=str(Decimal("2600") - Decimal(basic)))


@pytest.mark.parametrize(
    "cost, ytd_cost, deductible, basic",
    [
        ("600", "0", "600.00", "0.00"),  # exactly the 起付线
        ("601", "0", "600.00", "0.55"),  # (601 − 600) × 55%
        ("300", "400", "200.00", "55.00"),  # yearly: [400, 700) → 100 above 600 × 55%
        ("300", "600", "0.00", "165.00"),  # 起付线 met earlier: 300 × 55%
    ],
)
def test_general_outpatient_deductible_is_yearly(cost, ytd_cost, deductible, basic):
    a = ask(outpatient(cost=cost, ytd_compliant_cost=ytd_cost), None)
    money(a, deductible=deductible, basic=basic)


@pytest.mark.parametrize(
    "years, basic",
    [
        (None, "4000.00"),  # 三级 高档: (10000 − 600) × 50% = 4700 → 封顶线 4000
        (1, "4000.00"),
        (2, "4700.00"),  # 连续参加本市居民医保两年及以上: 封顶线 5000, 4700 fits
        (5, "4700.00"),
    ],
)
def test_general_outpatient_cap_4000_or_5000(years, basic):
    req = outpatient(facility="三级", cost="10000")
    if years is not None:
        req["continuous_years"] = years
    money(ask(req, None), basic=basic)


def test_general_outpatient_cap_5000_edge():
    # (11000 − 600) × 50% = 5200 → 5000 with 2 years; (10600 − 600) × 50% = 5000 exactly
    money(ask(outpatient(facility="三级", cost="11000", continuous_years=2), None), basic="5000.00")
    money(ask(outpatient(facility="三级", cost="10600", continuous_years=2), None), basic="5000.00")
    # yearly: ytd basic 3900, 1000 × 55% = 550 → 4000 cap leaves 100; 5000 cap leaves 1100 → 550
    base = {"cost": "1000", "ytd_compliant_cost": "5000", "ytd_basic": "3900"}
    money(ask(outpatient(**base), None), basic="100.00")
    money(ask(outpatient(**base, continuous_years=2), None), basic="550.00")


def test_outpatient_refusals_where_the_source_is_silent():
    r = refusal(outpatient(facility="定点零售药店"), None)
    assert (r.code, r.field) == ("not_applicable", "facility") and "定点零售药店" in r.message
    r = refusal(outpatient(benefit="门诊慢性病", diseases=["高血压"]), None)
    assert (r.code, r.field) == ("not_applicable", "benefit") and "门诊慢性病" in r.message
    r = refusal(outpatient(benefit="家庭病床"), None)
    assert (r.code, r.field) == ("not_applicable", "benefit") and "家庭病床" in r.message


# ---------------------------------------------------------------- 门诊特殊病 (§九(一)3)


@pytest.mark.parametrize(
    "category, tier, facility, basic",
    [
        # 起付线 500: (10500 − 500) × ratio
        ("成年居民", "高档", "一级", "6500.00"),  # 10000 × 65%
        ("成年居民", "高档", "二级", "6000.00"),  # 10000 × 60%
        ("成年居民", "高档", "三级", "5500.00"),  # 10000 × 55%
        ("成年居民", "低档", "一级", "5500.00"),  # 10000 × 55%
        ("成年居民", "低档", "二级", "5000.00"),  # 10000 × 50%
        ("成年居民", "低档", "三级", "4500.00"),  # 10000 × 45%
        ("成年居民", "低档", "基层医疗机构", "5500.00"),  # read as 一级
        ("在校学生", None, "一级", "6500.00"),  # student_child: 高档 column
    ],
)
def test_special_disease_table(category, tier, facility, basic):
    a = ask(outpatient("门诊特殊病", facility, "10500", category, tier, diseases=["恶性肿瘤"]))
    # burden 10500 − basic ≤ 6000, below 26500: no 大病
    money(a, deductible="500.00", basic=basic, critical_illness="0.00",
          personal=str(Decimal("10500") - Decimal(basic)))


@pytest.mark.parametrize(
    "ytd_cost, deductible, basic",
    [
        ("300", "200.00", "6695.00"),  # one 起付线 shared with 住院: 500 − 300 = 200; (10500 − 200) × 65%
        ("500", "0.00", "6825.00"),  # met by an earlier stay: 10500 × 65%
        ("12000", "0.00", "6825.00"),
    ],
)
def test_special_disease_shares_the_deductible_with_inpatient(ytd_cost, deductible, basic):
    # 004 §九(一)3: 一个年度内分别发生住院和门诊特殊病治疗，合并执行一个起付线
    a = ask(special(ytd={"compliant_cost": ytd_cost}))
    money(a, deductible=deductible, basic=basic)


@pytest.mark.parametrize(
    "ytd_basic, basic",
    [
        ("173500", "6500.00"),  # 180000 − 173500 = 6500 = (10500 − 500) × 65%: fits exactly
        ("173501", "6499.00"),  # room 6499 < 6500
        ("175000", "5000.00"),  # room 5000
        ("180000", "0.00"),
    ],
)
def test_special_disease_cap_180000_counted_with_inpatient(ytd_basic, basic):
    # 004 §九(一)3: 封顶线18万元，与住院待遇合并计算 — ytd.basic is 住院 + 门特 together (pack note)
    money(ask(special(ytd={"basic": ytd_basic})), deductible="500.00", basic=basic)


def test_inpatient_keeps_its_own_250000_beside_the_merged_180000():
    # same ytd.basic 175000: a stay is still paid (room 250000 − 175000 = 75000): 9500 × 85% = 8075
    money(ask(inpatient(ytd={"basic": "175000"})), basic="8075.00")


def test_special_disease_goes_to_critical_illness():
    # 大病 covers 住院（含门特）: 一级 高档, 起付线 met earlier (ytd cost 500): 10500 × 65% = 6825
    # burden 10500 − 6825 = 3675, on ytd personal burden 30000 (> 26500): 3675 × 65% = 2388.75
    # personal 10500 − 6825 − 2388.75 = 1286.25
    a = ask(special(ytd={"personal_burden": "30000", "compliant_cost": "500"}))
    money(a, deductible="0.00", basic="6825.00", critical_illness="2388.75", personal="1286.25")


def test_special_disease_refusals():
    r = refusal(special(), {})
    assert (r.code, r.field) == ("missing_setting", KEY)
    r = refusal(outpatient("门诊特殊病", "一级", "10500"))
    assert (r.code, r.field) == ("missing_field", "diseases")
    r = refusal(outpatient("门诊特殊病", "一级", "10500", diseases=["恶性肿瘤", "尿毒症"]))
    assert r.field == "diseases"


def test_special_disease_assistance_is_the_inpatient_rule():
    # 门特 救助 follows 住院（含门诊特定疾病）救助: 低保 70%, no 400 limit
    # 一级 低档 55%: 10000 × 55% = 5500; burden 5000 (no 大病); 5000 × 70% = 3500
    a = ask(outpatient("门诊特殊病", "一级", "10500", tier="低档", diseases=["尿毒症"], assistance="低保对象"))
    money(a, basic="5500.00", critical_illness="0.00", medical_assistance="3500.00", personal="1500.00")


# ---------------------------------------------------------------- off-site (§十一)


@pytest.mark.parametrize("label", ["异地长期居住人员", "异地安置退休人员", "常驻异地工作人员", "异地转诊人员",
                                   "异地转诊就医人员", "异地急诊", "其他临时外出就医人员", "跨省临时外出就医人员"])
def test_offsite_pays_as_at_home(label):
    # 004 §十一(三): 执行参保地起付标准、支付比例、最高支付限额 → 9500 × 85% = 8075 as locally
    money(ask(inpatient(offsite=label)), deductible="500.00", basic="8075.00")
    money(ask(outpatient(offsite=label), None), basic="1100.00")  # (2600 − 600) × 55%
    money(ask(special(offsite=label)), basic="6500.00")  # 10000 × 65%


def test_unknown_offsite_type_is_refused():
    r = refusal(inpatient(offsite="异地就读学生"))
    assert (r.code, r.field) == ("unknown_offsite_type", "offsite") and "异地长期居住人员" in r.message


def test_no_employee_pack_for_tianjin():
    r = refusal(inpatient(scheme="employee", category="在职", tier=None))
    assert (r.code, r.field) == ("no_policy_for_year", "year")


# ---------------------------------------------------------------- materials and where to apply


def materials(item: str, **extra) -> dict:
    return ask({"calc": "materials", "item": item, **extra})


@pytest.mark.parametrize(
    "person_type, channel, where",
    [
        ("单位", "窗口", ["辖区医保分中心"]),  # §四(一)
        ("单位", "线上", ["网上申报第三方代办系统（天津医保公共服务平台网上服务大厅）"]),
        ("行政村（组）", "窗口", ["街（镇）综合服务机构"]),  # §四(二)
        ("行政村（组）", "线上", ["网上申报第三方代办系统（天津医保公共服务平台网上服务大厅）"]),
        ("个人", "窗口", ["街（镇）综合服务机构"]),  # §四(三)
        ("个人", "线上", ["网上申报第三方代办系统（天津医保公共服务平台网上服务大厅）", "津医保APP医保办事大厅"]),
        ("资助参保对象", None, ["市医保中心统一办理"]),  # §四(五)
    ],
)
def test_enrollment_where_by_channel(person_type, channel, where):
    a = materials("参保登记", person_type=person_type, channel=channel)
    assert a["where"] == where and a["source"].startswith(f"{SRC} §四(")


def test_enrollment_materials():
    a = materials("参保登记", person_type="个人")
    names = [m["name"] for m in a["materials"]]
    assert "《天津市居住证》" in names and "《中华人民共和国外国人永久居留身份证》" in names  # §一(一)
    assert "本市居住证受理回执或流动人口居住登记凭证" in names  # §一(二) 新生儿
    assert all("“有效证件”任选其一" in m["note"] for m in a["materials"][:5])
    school = materials("参保登记", person_type="单位")
    assert "有效护照" in [m["name"] for m in school["materials"]]  # §一(二) 外籍学生
    assert materials("参保登记", person_type="资助参保对象")["materials"] == []  # §四(五): 市医保中心统一办理


def test_enrollment_materials_refusals():
    r = refusal({"calc": "materials", "item": "参保登记"})
    assert (r.code, r.field) == ("missing_field", "person_type") and "行政村（组）" in r.message
    r = refusal({"calc": "materials", "item": "参保登记", "person_type": "个体工商户"})
    assert (r.code, r.field) == ("unknown_person_type", "person_type")
    r = refusal({"calc": "materials", "item": "参保登记", "person_type": "个人", "channel": "邮寄"})
    assert (r.code, r.field) == ("unknown_channel", "channel")
    r = refusal({"calc": "materials", "item": "停保"})
    assert (r.code, r.field) == ("unknown_item", "item") and "退费" in r.message


def test_change_basic_and_important_information():
    basic = materials("变更登记", person_type="基础信息")  # §六(一)
    assert basic["where"] == ["医保经办机构", "街（镇）综合服务机构"]
    assert "无需审核" in basic["materials"][0]["note"]
    important = materials("信息变更", person_type="重要信息")  # §六(二)
    note = important["materials"][0]["note"]
    assert "一级审核" in note and "二级审核" in note and "国家局信息平台" in note
    variants = {v.person_type: v for v in next(m for m in pack().materials if m.item == "变更登记").variants}
    assert "二级审核" in variants["重要信息"].note and "《综合业务处理单》" in variants["基础信息"].note


def test_refund_routes():
    # §七(二): 2023年9月至12月 街镇 with 《社会保险费退费申请表》; from 2024-01-01 via the tax department
    a = materials("退费")
    assert [m["name"] for m in a["materials"]] == ["《社会保险费退费申请表》"]
    assert a["time_limit"] == "2023年9月至12月" and a["where"] == ["就近街（镇）综合服务机构（全城通办）"]
    assert any("未指定渠道" in s["step"] for s in a["trace"])
    b = materials("退费", channel="税务部门")
    assert b["time_limit"] == "2024年1月1日起" and b["materials"] == []
    refund = next(m for m in pack().materials if m.item == "退费")
    assert all("已在外省市参加基本医疗保险" in v.note for v in refund.variants)  # §七(一)4


def test_offsite_filing():
    # as the filing service asks: a person type and the 窗口 channel
    a = materials("异地就医备案", person_type="异地长期居住人员", channel="窗口")
    assert a["where"] == ["本市医保经办机构服务窗口"] and a["source"] == f"{SRC} §十一(二)"
    b = materials("跨省异地就医备案", channel="线上")
    assert b["where"] == ["“国家医保服务平台”APP", "“津医保”APP", "“津心办”APP"]


def test_manual_claim_is_the_advance_payment_claim():
    # as the manual-claim service asks: 零星报销, no person type
    a = materials("零星报销", channel="窗口")
    assert a["item"] == "垫付报销" and a["source"] == f"{SRC} §十(一)1"
    # the place first, whom it serves after it (§十(一)1)
    assert a["where"][0] == "社区工作站或街（镇）综合服务机构（以行政村、家庭及专户为单位参保的人员）"
    assert "区医保分中心" in a["where"][2]


def test_maternity():
    a = materials("生育", person_type="家庭和行政村组织参保")
    assert a["where"] == ["乡镇（街道）综合服务机构"]  # §十(二)4
    assert materials("生育医疗费用报销", person_type="学校组织参保")["where"] == ["区医保经办机构"]
    assert materials("妊娠登记")["where"][0] == "本市基层定点医疗机构（联网办理）"  # §十(二)1


# ---------------------------------------------------------------- the command line


def test_cli_with_the_setting(tmp_path, capsys):
    request = tmp_path / "req.json"
    request.write_text(json.dumps(inpatient(level=3, cost="104504") | {"region": "天津市", "year": 2024}),
                       encoding="utf-8")
    assert cli_main(["calc", "--input", str(request)]) == 2
    assert json.loads(capsys.readouterr().out)["error"]["field"] == KEY
    assert cli_main(["calc", "--input", str(request), "--setting", f"{KEY}=53000"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["basic"], out["critical_illness"]) == ("78003.00", "0.65")
