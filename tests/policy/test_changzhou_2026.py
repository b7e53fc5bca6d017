"""常州 2026 resident pack against every table of 002_791f68398226ecd0.txt, through `answer`.

Each expectation carries its working by hand. Shorthand used in the comments:
  adult = 老年居民/非从业居民, young = 未成年居民/大学生 (the two columns of §三(一));
  L1/L2/L3 = 一级/二级/三级医疗机构; CI = 大病保险 (§四); MA = 医疗救助 (§五);
  "burden" = the claim's compliant cost minus the basic fund (个人负担, the 大病保险 base).
The estimate helpers return (deductible, basic, critical_illness, medical_assistance, personal).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from desktop.errors import Refusal
from desktop.policy.api import answer, category_rules
from desktop.services.calc import Checklist

DOC = "002_791f68398226ecd0.txt"
REGIONS = ["天宁区", "钟楼区", "新北区", "武进区", "常州经开区", "溧阳市", "金坛区"]
CITY = ["天宁区", "钟楼区", "新北区", "武进区", "常州经开区"]  # the 市区 group of the fee table


def ask(calc: str, **fields) -> dict:
    request = {"calc": calc, "region": "天宁区", "year": 2026, **fields}
    a = answer(request)
    for step in a["trace"]:
        assert step["source"].startswith(DOC + " §"), step
    return a


def refused(calc: str, **fields) -> Refusal:
    with pytest.raises(Refusal) as info:
        ask(calc, **fields)
    return info.value


def layers(a: dict) -> tuple[str, str, str, str, str]:
    total = sum(Decimal(a[k]) for k in ("basic", "critical_illness", "medical_assistance", "personal"))
    assert total == Decimal(a["compliant_cost"])
    return a["deductible"], a["basic"], a["critical_illness"], a["medical_assistance"], a["personal"]


def stay(category: str, level: int, cost: str, admission: int = 1, **extra) -> tuple:
    return layers(ask("inpatient", scheme="resident", category=category, hospital_level=level,
                      admission=admission, compliant_cost=cost, **extra))


def visit(benefit: str, facility: str, cost: str, category: str = "老年居民", **extra) -> tuple:
    return layers(ask("outpatient", scheme="resident", category=category, benefit=benefit,
                      facility=facility, compliant_cost=cost, **extra))


# ============================================================ §一(三) 个人缴费标准: 4 categories × 7 regions

FEES = {
    # category: {region group: (medical, ltc)}
    "老年居民": {r: ("700", "30") for r in REGIONS},  # 700 + 30 = 730 everywhere
    "非从业居民": {**{r: ("800", "30") for r in CITY}, "溧阳市": ("700", "30"), "金坛区": ("700", "30")},
    "大学生": {r: ("240", "30") for r in REGIONS},  # 240 + 30 = 270
    "未成年居民": {r: ("380", "0") for r in REGIONS},  # 380, 长护险 免缴
}


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("category", list(FEES))
def test_fee_of_every_category_in_every_region(category, region):
    medical, ltc = FEES[category][region]
    standard = Decimal(medical) + Decimal(ltc)  # 002 §一(三): 合计 = 基本医疗保险 + 长护险
    a = ask("contribution", region=region, category=category)
    assert (a["standard"], a["ltc"], a["assisted"], a["personal"]) == (
        f"{standard}.00", f"{ltc}.00", "0.00", f"{standard}.00"
    )
    assert a["trace"][0]["amount"] == f"{medical}.00"


def test_fee_spot_values_as_printed_in_the_table():
    # 002 §一(三) 合计栏: 非从业居民(市区) 830, (溧阳、金坛) 730, 大学生 270, 未成年居民 380
    assert ask("contribution", region="武进区", category="非从业居民")["personal"] == "830.00"
    assert ask("contribution", region="金坛区", category="非从业居民")["personal"] == "730.00"
    assert ask("contribution", region="溧阳市", category="大学生")["personal"] == "270.00"
    assert ask("contribution", region="常州经开区", category="未成年居民")["personal"] == "380.00"


@pytest.mark.parametrize("alias, personal", [("高校大学生", "270.00"), ("在校学生", "380.00")])
def test_category_aliases(alias, personal):
    # 高校大学生 = 大学生 (240 + 30); 在校学生 (§二(二)3) pay as 未成年居民 (380)
    assert ask("contribution", category=alias)["personal"] == personal


ELEVEN_GROUPS = [
    "最低生活保障家庭成员",  # (1)
    "特困供养人员",  # (2)
    "临时救助对象中的重特大疾病患者",  # (3)
    "享受民政部门定期定量生活补助费的20世纪60年代精简退职职工",  # (4)
    "重点优抚对象",  # (5)
    "困境儿童",  # (6)
    "孤儿",  # (6) 困境儿童中的孤儿 (split out for §五's 100 % row)
    "事实无人抚养儿童",  # (6) idem
    "特困职工家庭成员",  # (7)
    "无固定收入重残人员",  # (8)
    "低保边缘家庭成员",  # (9)
    "支出型困难家庭中的重特大疾病患者",  # (10)
    "市政府规定的其他特殊人员",  # (11)
]


@pytest.mark.parametrize("group", ELEVEN_GROUPS)
def test_every_assistance_group_pays_nothing(group):
    # 002 §一(三): 十一类救助对象 “政府承担”: 钟楼区 非从业居民 830 all assisted, personal 0
    a = ask("contribution", region="钟楼区", category="非从业居民", assistance=group)
    assert (a["standard"], a["assisted"], a["personal"]) == ("830.00", "830.00", "0.00")
    # 未成年居民 380 (no 长护险) likewise
    b = ask("contribution", region="金坛区", category="未成年居民", assistance=group)
    assert (b["standard"], b["ltc"], b["assisted"], b["personal"]) == ("380.00", "0.00", "380.00", "0.00")


@pytest.mark.parametrize("alias", ["低保", "低保对象", "特困人员", "低保边缘", "困境儿童中的孤儿", "60年代精简退职职工"])
def test_assistance_aliases(alias):
    # 老年居民 730 taken over in full
    a = ask("contribution", category="老年居民", assistance=alias)
    assert (a["assisted"], a["personal"]) == ("730.00", "0.00")


def test_contribution_refusals_name_the_field():
    r = refused("contribution", category="退休人员")
    assert (r.code, r.field) == ("unknown_category", "category") and "退休人员" in r.message
    r = refused("contribution", category="老年居民", assistance="残疾人")
    assert (r.code, r.field) == ("unknown_assistance", "assistance") and "残疾人" in r.message
    r = refused("contribution", category="老年居民", tier="高档")  # 常州 has no tiers
    assert (r.code, r.field) == ("not_applicable", "tier")
    r = refused("contribution", region="南京市", category="老年居民")
    assert (r.code, r.field) == ("unknown_region", "region") and "南京市" in r.message
    r = refused("contribution", year=2030, category="老年居民")
    assert (r.code, r.field) == ("no_policy_for_year", "year") and "2030" in r.message
    r = refused("contribution")
    assert (r.code, r.field) == ("missing_field", "category")


def test_elderly_age_is_a_hall_setting():
    # the source gives no age for 老年居民: unset → None (no proposal); the hall's entry is used
    assert category_rules("天宁区", 2026)["elderly_from_age"] is None
    assert category_rules("天宁区", 2026, {"elderly_from_age": Decimal(60)})["elderly_from_age"] == 60
    assert category_rules("天宁区", 2026)["minor_below_age"] == 18  # §一(二)5, §二(二)3


# ============================================================ benefit start §一(一), §二(二)1-2


def start(paid_on: str, **extra) -> tuple:
    a = ask("benefit_start", paid_on=paid_on, **extra)
    assert a["benefit_end"] == "2026-12-31"  # §一(一)
    return a["benefit_start"], a["waiting_months"], a["retroactive"]


@pytest.mark.parametrize("paid_on", ["2025-10-01", "2025-11-18", "2025-12-31"])
def test_paid_in_the_window_starts_on_1_january(paid_on):
    # §一(一): 集中参保缴费期 2025年10月-12月 → 2026-01-01 起享受
    assert start(paid_on) == ("2026-01-01", 0, False)


@pytest.mark.parametrize("paid_on, expected", [
    ("2026-01-01", "2026-03-01"),  # §二(二)2: 2 months from the payment month: Jan, Feb → 1 Mar
    ("2026-03-01", "2026-05-01"),  # Mar, Apr → 1 May
    ("2026-03-25", "2026-05-01"),  # late in March: still Mar, Apr → 1 May
    ("2026-10-31", "2026-12-01"),  # Oct, Nov → 1 Dec, the last start inside the year
])
def test_paid_outside_the_window_waits_two_months(paid_on, expected):
    assert start(paid_on) == (expected, 2, False)


def test_paid_too_late_for_any_benefit_this_year():
    # Nov, Dec waiting → 2027-01-01, beyond the 2026 benefit period: refused
    r = refused("benefit_start", paid_on="2026-11-01")
    assert (r.code, r.field) == ("not_applicable", "paid_on") and "2027-01-01" in r.message


@pytest.mark.parametrize("paid_on", ["2025-09-30", "2027-01-01", "2024-12-01"])
def test_payment_dates_outside_the_year_are_refused(paid_on):
    r = refused("benefit_start", paid_on=paid_on)
    assert (r.code, r.field) == ("invalid_date", "paid_on") and paid_on in r.message


def test_newborn_at_40_days_is_covered_from_birth():
    # §二(二)1: born 10 Feb, paid 22 Mar = day 40 (18 days of Feb + 22) ≤ 90 → from birth, retroactive
    assert start("2026-03-22", birth_date="2026-02-10") == ("2026-02-10", 0, True)


def test_newborn_day_90_versus_day_91():
    # 民法典 第二百零一条: day 1 is the day after birth. Born 1 Mar: +30 → 31 Mar, +61 → 1 May, +90 → 30 May
    assert start("2026-05-30", birth_date="2026-03-01") == ("2026-03-01", 0, True)  # day 90: retroactive
    # day 91 (31 May): ordinary late payment, May + Jun waiting → 1 Jul
    assert start("2026-05-31", birth_date="2026-03-01") == ("2026-07-01", 2, False)


def test_newborn_born_last_year_is_covered_from_1_january():
    # born 20 Dec 2025, paid 15 Jan 2026 (day 26): coverage reaches back, but not before the 2026 period
    assert start("2026-01-15", birth_date="2025-12-20") == ("2026-01-01", 0, True)


def test_a_newborn_enrolled_for_next_year_is_told_the_days_before_1_january_are_not_covered():
    # visit 2 in the window: born 6 Oct 2025, enrolled for 2026 on 15 Nov 2025 (day 40). The rule
    # reaches back to the birth, the 2026 period (§一(一)) starts 1 Jan: the trace says so
    a = ask("benefit_start", paid_on="2025-11-15", birth_date="2025-10-06", special_group="新生儿")
    assert a["benefit_start"] == "2026-01-01" and a["rule"] == "新生儿出生90天内参保缴费，待遇追溯至出生之日"
    steps = [t["step"] for t in a["trace"]]
    assert ("出生日期 2025-10-06 早于2026年度待遇期：本年度参保自 2026-01-01 起享受，"
            "出生之日至 2025-12-31 不在本年度待遇期内") in steps
    # born in the year: no such step
    b = ask("benefit_start", paid_on="2026-03-22", birth_date="2026-02-10")
    assert not any("早于" in t["step"] for t in b["trace"])


def test_benefit_start_refusals():
    r = refused("benefit_start", paid_on="2026-03-01", birth_date="2026-03-02")
    assert (r.code, r.field) == ("invalid_date", "birth_date")
    r = refused("benefit_start", paid_on="2026/03/01")
    assert (r.code, r.field) == ("invalid_date", "paid_on") and "2026/03/01" in r.message
    r = refused("benefit_start", paid_on="2026-03-01", special_group="退役军人")  # 002 exempts no such group
    assert (r.code, r.field) == ("unknown_special_group", "special_group") and "退役军人" in r.message
    r = refused("benefit_start")
    assert (r.code, r.field) == ("missing_field", "paid_on")


# ============================================================ §三(一) 住院: six cells, cap 35万


@pytest.mark.parametrize("category", ["老年居民", "非从业居民"])
@pytest.mark.parametrize("level, expected", [
    (1, ("400.00", "8640.00", "0.00", "0.00", "1360.00")),  # 起付 400, 90%: (10000-400)*0.9 = 8640
    (2, ("600.00", "7520.00", "0.00", "0.00", "2480.00")),  # 起付 600, 80%: (10000-600)*0.8 = 7520
    (3, ("1000.00", "6300.00", "0.00", "0.00", "3700.00")),  # 起付 1000, 70%: 9000*0.7 = 6300
])
def test_inpatient_adult_column(category, level, expected):
    # burden ≤ 3700 < 20000: no 大病保险
    assert stay(category, level, "10000") == expected


@pytest.mark.parametrize("category", ["未成年居民", "大学生", "高校大学生"])
@pytest.mark.parametrize("level, expected", [
    (1, ("200.00", "9310.00", "0.00", "0.00", "690.00")),  # 起付 200, 95%: 9800*0.95 = 9310
    (2, ("400.00", "8640.00", "0.00", "0.00", "1360.00")),  # 起付 400, 90%: 9600*0.9 = 8640
    (3, ("600.00", "7990.00", "0.00", "0.00", "2010.00")),  # 起付 600, 85%: 9400*0.85 = 7990
])
def test_inpatient_young_column(category, level, expected):
    assert stay(category, level, "10000") == expected


@pytest.mark.parametrize("level, name", [(1, "一级"), (2, "二级"), (3, "三级")])
def test_the_trace_names_the_hospital_level_as_the_sources_do(level, name):
    a = ask("inpatient", scheme="resident", category="老年居民", hospital_level=level, admission=1,
            compliant_cost="10000")
    assert a["trace"][0]["step"] == f"老年居民在{name}医疗机构第1次住院，合规费用"


def test_inpatient_deductible_edges_and_every_admission():
    # cost below the 600 deductible: all of it is deductible, fund pays 0
    assert stay("老年居民", 2, "300") == ("300.00", "0.00", "0.00", "0.00", "300.00")
    assert stay("老年居民", 2, "600") == ("600.00", "0.00", "0.00", "0.00", "600.00")
    # one yuan above: (601-600)*0.8 = 0.80
    assert stay("老年居民", 2, "601") == ("600.00", "0.80", "0.00", "0.00", "600.20")
    # “元/次”: the second admission pays the deductible again: (10000-600)*0.8 = 7520
    assert stay("老年居民", 2, "10000", admission=2) == ("600.00", "7520.00", "0.00", "0.00", "2480.00")


def test_inpatient_cap_350000_with_year_to_date():
    # room exactly 350000-342480 = 7520: paid in full; earlier burden 430000-342480 = 87520
    # CI on [87520, 90000): 2480*0.6 = 1488; personal 10000-7520-1488 = 992
    assert stay("老年居民", 2, "10000", ytd={"compliant_cost": "430000", "basic": "342480"}) == (
        "600.00", "7520.00", "1488.00", "0.00", "992.00")
    # one yuan less room: 7519; burden 2481 on [87519, 90000): *0.6 = 1488.60; personal 992.40
    assert stay("老年居民", 2, "10000", ytd={"compliant_cost": "430000", "basic": "342481"}) == (
        "600.00", "7519.00", "1488.60", "0.00", "992.40")
    # room 1000: basic 1000; burden 9000 on [92000, 101000): 8000*0.6 + 1000*0.7 = 4800+700 = 5500
    # personal 10000-1000-5500 = 3500
    assert stay("老年居民", 2, "10000", ytd={"compliant_cost": "441000", "basic": "349000"}) == (
        "600.00", "1000.00", "5500.00", "0.00", "3500.00")
    # cap used up: basic 0; burden 10000 on [150000, 160000) at 70% = 7000; personal 3000
    assert stay("老年居民", 2, "10000", ytd={"compliant_cost": "500000", "basic": "350000"}) == (
        "600.00", "0.00", "7000.00", "0.00", "3000.00")


# ============================================================ §四 大病保险 (ordinary)


def test_critical_illness_threshold_20000_both_sides():
    # claim: adult L2 10000 → basic 7520, burden 2480
    # earlier burden 87600-70080 = 17520: [17520, 20000) all below the 2万 threshold → 0
    assert stay("老年居民", 2, "10000", ytd={"compliant_cost": "87600", "basic": "70080"}) == (
        "600.00", "7520.00", "0.00", "0.00", "2480.00")
    # earlier burden 17521: [17521, 20001) → 1 yuan above 2万 at 60% = 0.60
    assert stay("老年居民", 2, "10000", ytd={"compliant_cost": "87601", "basic": "70080"}) == (
        "600.00", "7520.00", "0.60", "0.00", "2479.40")


def test_critical_illness_band_edge_100000_both_sides():
    # earlier burden 400000-302480 = 97520: [97520, 100000) at 60% = 2480*0.6 = 1488
    assert stay("老年居民", 2, "10000", ytd={"compliant_cost": "400000", "basic": "302480"}) == (
        "600.00", "7520.00", "1488.00", "0.00", "992.00")
    # 97521: 2479*0.6 = 1487.40 + 1*0.7 = 0.70 → 1488.10; personal 2480-1488.10 = 991.90
    assert stay("老年居民", 2, "10000", ytd={"compliant_cost": "400001", "basic": "302480"}) == (
        "600.00", "7520.00", "1488.10", "0.00", "991.90")


def test_critical_illness_single_large_stays():
    # L3 300000: basic (300000-1000)*0.7 = 209300; burden 90700; CI (90700-20000)*0.6 = 42420
    # personal 300000-209300-42420 = 48280
    assert stay("老年居民", 3, "300000") == ("1000.00", "209300.00", "42420.00", "0.00", "48280.00")
    # L3 400000: basic 399000*0.7 = 279300; burden 120700;
    # CI 80000*0.6 = 48000 + 20700*0.7 = 14490 → 62490; personal 400000-279300-62490 = 58210
    assert stay("老年居民", 3, "400000") == ("1000.00", "279300.00", "62490.00", "0.00", "58210.00")
    # L3 1000000: basic 999000*0.7 = 699300 > 35万 → 350000; burden 650000;
    # CI 48000 + 550000*0.7 = 385000 → 433000; personal 1000000-350000-433000 = 217000
    assert stay("老年居民", 3, "1000000") == ("1000.00", "350000.00", "433000.00", "0.00", "217000.00")


def test_critical_illness_cap_500000():
    # claim: adult L3 50000 → basic 49000*0.7 = 34300, burden 15700, all above 10万 (earlier burden
    # 1000000-200000 = 800000) at 70% = 10990; earlier CI 499000 leaves 1000 under the 50万 cap
    ytd = {"compliant_cost": "1000000", "basic": "200000", "critical_illness": "499000"}
    assert stay("老年居民", 3, "50000", ytd=ytd) == ("1000.00", "34300.00", "1000.00", "0.00", "14700.00")


CAP_REACHED = {"compliant_cost": "1000000", "basic": "200000", "critical_illness": "500000"}


@pytest.mark.parametrize("extra, ci", [
    ({}, "0.00"),  # cap 50万 reached: nothing more
    ({"continuous_years": 4}, "0.00"),  # 满4年: no raise yet (raise for each year after the 4th)
    ({"continuous_years": 5}, "5000.00"),  # 1 year beyond 4 → +5000 room
    ({"continuous_years": 6}, "10000.00"),  # 2 years → +10000 room
    ({"continuous_years": 7}, "10990.00"),  # 3 years → room 15000 > 10990 (15700*0.7): uncapped
    ({"zero_claim_last_year": True}, "5000.00"),  # 零报销激励 +5000
    ({"continuous_years": 5, "zero_claim_last_year": True}, "10000.00"),  # 5000 + 5000
])
def test_critical_illness_incentives_raise_the_cap(extra, ci):
    # claim as above: basic 34300, CI uncapped would be 10990; personal = 15700 - CI
    personal = Decimal("15700") - Decimal(ci)
    assert stay("老年居民", 3, "50000", ytd=CAP_REACHED, **extra) == (
        "1000.00", "34300.00", ci, "0.00", f"{personal}")


# ============================================================ §四 大病保险 (城乡困难群众) and §五 医疗救助


def test_assisted_schedule_has_no_threshold():
    # 低保 adult L2 10000: basic 7520, burden 2480; assisted CI 2万以内 60%: 1488
    # MA (other, 80%): (2480-1488)=992*0.8 = 793.60; personal 198.40 (倾斜救助 below 1万)
    assert stay("老年居民", 2, "10000", assistance="最低生活保障家庭成员") == (
        "600.00", "7520.00", "1488.00", "793.60", "198.40")


def test_assisted_schedule_band_edges():
    low = {"assistance": "低保"}
    # earlier burden 17520: [17520, 20000) 60% = 1488 (as above)
    assert stay("老年居民", 2, "10000", ytd={"compliant_cost": "87600", "basic": "70080"}, **low) == (
        "600.00", "7520.00", "1488.00", "793.60", "198.40")
    # 17521: 2479*0.6 = 1487.40 + 1*0.7 → 1488.10; MA (2480-1488.10)=991.90*0.8 = 793.52; left 198.38
    assert stay("老年居民", 2, "10000", ytd={"compliant_cost": "87601", "basic": "70080"}, **low) == (
        "600.00", "7520.00", "1488.10", "793.52", "198.38")
    # 97520: [97520, 100000) 70% = 1736; MA 744*0.8 = 595.20; left 148.80
    assert stay("老年居民", 2, "10000", ytd={"compliant_cost": "400000", "basic": "302480"}, **low) == (
        "600.00", "7520.00", "1736.00", "595.20", "148.80")
    # 97521: 2479*0.7 = 1735.30 + 1*0.8 → 1736.10; MA 743.90*0.8 = 595.12; left 148.78
    assert stay("老年居民", 2, "10000", ytd={"compliant_cost": "400001", "basic": "302480"}, **low) == (
        "600.00", "7520.00", "1736.10", "595.12", "148.78")


def test_assisted_schedule_has_no_cap():
    # earlier burden 1100000-200000 = 900000, earlier CI 600000 (> 50万): still 80% above 10万
    # CI 2480*0.8 = 1984; MA (2480-1984)=496*0.8 = 396.80; left 99.20
    ytd = {"compliant_cost": "1100000", "basic": "200000", "critical_illness": "600000"}
    assert stay("老年居民", 2, "10000", assistance="低保", ytd=ytd) == (
        "600.00", "7520.00", "1984.00", "396.80", "99.20")


@pytest.mark.parametrize("group", ["特困供养人员", "孤儿", "事实无人抚养儿童"])
def test_medical_assistance_100_percent(group):
    # young L2 10000: basic 9600*0.9 = 8640; burden 1360; CI 60% = 816; MA 100% of 544; personal 0
    assert stay("未成年居民", 2, "10000", assistance=group) == ("400.00", "8640.00", "816.00", "544.00", "0.00")


@pytest.mark.parametrize("group", [g for g in ELEVEN_GROUPS if g not in ("特困供养人员", "孤儿", "事实无人抚养儿童")])
def test_medical_assistance_80_percent(group):
    # young L2 10000: CI 816; MA 544*0.8 = 435.20; personal 108.80
    assert stay("未成年居民", 2, "10000", assistance=group) == ("400.00", "8640.00", "816.00", "435.20", "108.80")


def test_medical_assistance_cap_200000():
    # 特困 adult L2 10000: MA would be 992 (2480-1488)
    # earlier MA 199008: room 992 exactly → 992, personal 0
    assert stay("老年居民", 2, "10000", assistance="特困供养人员", ytd={"medical_assistance": "199008"}) == (
        "600.00", "7520.00", "1488.00", "992.00", "0.00")
    # 199009: room 991 → 991, personal 1.00 (倾斜救助: 1 yuan, far below 1万)
    assert stay("老年居民", 2, "10000", assistance="特困供养人员", ytd={"medical_assistance": "199009"}) == (
        "600.00", "7520.00", "1488.00", "991.00", "1.00")
    # 199500: room 500 → personal 492
    assert stay("老年居民", 2, "10000", assistance="特困供养人员", ytd={"medical_assistance": "199500"}) == (
        "600.00", "7520.00", "1488.00", "500.00", "492.00")


def test_medical_assistance_cap_then_tilt_on_a_huge_stay():
    # 特困 L3 3000000: basic 2999000*0.7 → capped 350000; burden 2650000
    # assisted CI 20000*0.6 = 12000 + 80000*0.7 = 56000 + 2550000*0.8 = 2040000 → 2108000
    # MA base 542000 at 100% → capped 200000; left 342000
    # 倾斜救助 40000*0.5 = 20000 + (342000-50000)*0.7 = 204400 → 224400; MA 424400
    # personal 3000000-350000-2108000-424400 = 117600
    assert stay("老年居民", 3, "3000000", assistance="特困供养人员") == (
        "1000.00", "350000.00", "2108000.00", "424400.00", "117600.00")


# ============================================================ §五 2 倾斜救助


@pytest.mark.parametrize("earlier, tilt", [
    ("9801.60", "0.00"),  # [9801.60, 10000.00): below 1万 → 0
    ("9801.61", "0.01"),  # 0.01 above 1万 at 50% = 0.005 → half-up 0.01
    ("20000", "99.20"),  # inside 1万-5万: 198.40*0.5 = 99.20
    ("49900", "118.88"),  # 100*0.5 = 50 + 98.40*0.7 = 68.88 → 118.88
    ("50000", "138.88"),  # all above 5万: 198.40*0.7 = 138.88
])
def test_tilt_assistance_edges(earlier, tilt):
    # 低保 adult L2 10000: CI 1488, MA 793.60, then 198.40 left; 倾斜救助 on the year's self-pay axis
    ma = Decimal("793.60") + Decimal(tilt)
    personal = Decimal("198.40") - Decimal(tilt)
    assert stay("老年居民", 2, "10000", assistance="低保", ytd={"personal": earlier}) == (
        "600.00", "7520.00", "1488.00", f"{ma}", f"{personal}")


def test_tilt_assistance_within_one_stay():
    # 低保 L3 1000000: basic capped 350000; burden 650000
    # CI 12000 + 56000 + 550000*0.8 = 440000 → 508000; MA (142000)*0.8 = 113600; left 28400
    # 倾斜 (28400-10000)*0.5 = 9200 → MA 122800; personal 1000000-350000-508000-122800 = 19200
    assert stay("老年居民", 3, "1000000", assistance="低保") == (
        "1000.00", "350000.00", "508000.00", "122800.00", "19200.00")


# ============================================================ §六(三)2 异地就医


@pytest.mark.parametrize("offsite, basic, personal", [
    ("异地长期居住人员", "7520.00", "2480.00"),  # same as local: 9400*0.8
    ("异地安置退休人员", "7520.00", "2480.00"),  # alias of 异地长期居住人员
    ("常驻异地工作人员", "7520.00", "2480.00"),  # alias
    ("异地转诊人员", "6580.00", "3420.00"),  # 80-10 = 70%: 9400*0.7
    ("异地转诊就医人员", "6580.00", "3420.00"),
    ("异地急诊", "6580.00", "3420.00"),  # 70%
    ("异地急诊人员", "6580.00", "3420.00"),
    ("其他临时外出就医人员", "5640.00", "4360.00"),  # 80-20 = 60%: 9400*0.6
    ("其他临时外出人员", "5640.00", "4360.00"),
])
def test_offsite_inpatient(offsite, basic, personal):
    assert stay("老年居民", 2, "10000", offsite=offsite) == ("600.00", basic, "0.00", "0.00", personal)


def test_offsite_young_level_1():
    # young L1 95-20 = 75%: (10000-200)*0.75 = 7350
    assert stay("未成年居民", 1, "10000", offsite="其他临时外出就医人员") == (
        "200.00", "7350.00", "0.00", "0.00", "2650.00")  # personal 10000-7350


def test_offsite_general_outpatient():
    # local 基层 10000: 1300*0.5 + 4000*0.4 = 650 + 1600 = 2250
    assert visit("普通门诊", "基层医疗机构", "10000")[1] == "2250.00"
    # 转诊 -10: 1300*0.4 = 520 + 4000*0.3 = 1200 → 1720
    assert visit("普通门诊", "基层医疗机构", "10000", offsite="异地转诊人员")[1] == "1720.00"
    # 临时 -20 and 年度合规费用 ≤ 1500: 1300*0.3 = 390 only (the 6000+ band is beyond 1500)
    assert visit("普通门诊", "基层医疗机构", "10000", offsite="其他临时外出就医人员") == (
        "200.00", "390.00", "0.00", "0.00", "9610.00")
    assert visit("普通门诊", "基层医疗机构", "2000", offsite="其他临时外出就医人员")[1] == "390.00"
    # 临时 二级: 40-20 = 20%: 1300*0.2 = 260
    assert visit("普通门诊", "二级", "2000", offsite="其他临时外出就医人员")[1] == "260.00"


def test_offsite_chronic_and_special():
    # chronic 高血压 基层 1000 → counted 800; 转诊 50-10 = 40% → 320; 临时 50-20 = 30% → 240
    assert visit("门诊慢性病", "基层医疗机构", "1000", offsite="异地转诊人员", diseases=["高血压"])[1] == "320.00"
    assert visit("门诊慢性病", "基层医疗机构", "1000", offsite="其他临时外出就医人员", diseases=["高血压"])[1] == "240.00"
    # special 恶性肿瘤 adult L2 50000 转诊: 80-10 = 70% → 35000; burden 15000 < 2万
    assert visit("门诊特殊病", "二级", "50000", offsite="异地转诊人员", diseases=["恶性肿瘤"]) == (
        "0.00", "35000.00", "0.00", "0.00", "15000.00")
    # 进行性肌营养不良 fixed 70% − 20 = 50%: 6000*0.5 = 3000
    assert visit("门诊特殊病", "三级", "7000", offsite="其他临时外出就医人员", diseases=["进行性肌营养不良"])[1] == "3000.00"


def test_offsite_unknown_type_refused():
    r = refused("inpatient", scheme="resident", category="老年居民", hospital_level=2, compliant_cost="100",
                offsite="出国人员")
    assert (r.code, r.field) == ("unknown_offsite_type", "offsite") and "出国人员" in r.message


# ============================================================ §三(二)1 普通门诊


@pytest.mark.parametrize("cost, basic", [
    ("200", "0.00"),  # 起付 200: nothing
    ("201", "0.50"),  # 1*0.5
    ("1500", "650.00"),  # (1500-200)*0.5
    ("1501", "650.00"),  # 1500-6000: no ratio in the table
    ("6000", "650.00"),
    ("6001", "650.40"),  # 650 + 1*0.4
    ("100000", "38250.00"),  # 650 + 94000*0.4 = 650 + 37600
    ("100001", "38250.00"),  # above 10万: nothing more
])
def test_general_outpatient_primary(cost, basic):
    deductible, paid, ci, ma, personal = visit("普通门诊", "基层医疗机构", cost)
    assert (deductible, paid, ci, ma) == ("200.00", basic, "0.00", "0.00")
    assert Decimal(personal) == Decimal(cost) - Decimal(basic)


@pytest.mark.parametrize("facility", ["二级", "三级"])
@pytest.mark.parametrize("cost, basic", [
    ("200", "0.00"),
    ("201", "0.40"),  # 1*0.4
    ("1500", "520.00"),  # 1300*0.4
    ("1501", "520.00"),
    ("6000", "520.00"),
    ("6001", "520.40"),  # 520 + 0.4
    ("100000", "38120.00"),  # 520 + 94000*0.4
    ("100001", "38120.00"),
])
def test_general_outpatient_secondary(facility, cost, basic):
    assert visit("普通门诊", facility, cost, category="未成年居民")[1] == basic


def test_general_outpatient_year_to_date():
    # earlier 1000 this year; claim 1000 occupies [1000, 2000): 500*0.5 = 250, no deductible left
    assert visit("普通门诊", "基层医疗机构", "1000", ytd_compliant_cost="1000") == (
        "0.00", "250.00", "0.00", "0.00", "750.00")
    # earlier 100; claim 500 [100, 600): deductible 100 left, 400*0.5 = 200
    assert visit("普通门诊", "基层医疗机构", "500", ytd_compliant_cost="100") == (
        "100.00", "200.00", "0.00", "0.00", "300.00")


def test_general_outpatient_medical_assistance_and_its_10000_cap():
    # 特困 基层 1500: basic 650; MA 100% of 850 (普通门诊 row, cap 1万); personal 0
    assert visit("普通门诊", "基层医疗机构", "1500", assistance="特困供养人员") == (
        "200.00", "650.00", "0.00", "850.00", "0.00")
    # 低保: 850*0.8 = 680; personal 170
    assert visit("普通门诊", "基层医疗机构", "1500", assistance="低保") == (
        "200.00", "650.00", "0.00", "680.00", "170.00")
    # earlier MA 9900: room 100 → 100; personal 750
    assert visit("普通门诊", "基层医疗机构", "1500", assistance="特困供养人员", ytd={"medical_assistance": "9900"}) == (
        "200.00", "650.00", "0.00", "100.00", "750.00")


@pytest.mark.parametrize("facility", ["一级", "定点零售药店"])
def test_general_outpatient_refuses_facilities_the_table_lacks(facility):
    r = refused("outpatient", scheme="resident", category="老年居民", benefit="普通门诊", facility=facility,
                compliant_cost="1000")
    assert (r.code, r.field) == ("not_applicable", "facility") and facility in r.message


# ============================================================ §三(二)2 门诊慢性病


CHRONIC = ["高血压", "糖尿病", "脑卒中合并器官功能障碍", "冠状动脉粥样硬化性心脏病", "风湿性心脏病", "肺源性心脏病",
           "类风湿性关节炎", "干燥综合征", "克罗恩病", "慢性肝炎(中、重度)", "慢性肾炎(中、重度)", "帕金森氏综合症", "恶性肿瘤"]


@pytest.mark.parametrize("disease", CHRONIC)
def test_chronic_every_disease_single_limit(disease):
    # one disease: 合规费用限额 800; 社区 50% → 400; personal 1000-400 = 600
    assert visit("门诊慢性病", "基层医疗机构", "1000", diseases=[disease]) == (
        "0.00", "400.00", "0.00", "0.00", "600.00")


@pytest.mark.parametrize("facility", ["一级", "二级", "三级"])
def test_chronic_other_facilities_40_percent(facility):
    # 其他定点医疗机构 40%: 800*0.4 = 320
    assert visit("门诊慢性病", facility, "1000", diseases=["糖尿病"])[1] == "320.00"


@pytest.mark.parametrize("cost, basic", [("799", "399.50"), ("800", "400.00"), ("801", "400.00")])
def test_chronic_single_limit_edge(cost, basic):
    assert visit("门诊慢性病", "基层医疗机构", cost, diseases=["高血压"])[1] == basic  # min(cost, 800)*0.5


@pytest.mark.parametrize("cost, primary, other", [
    ("1199", "599.50", "479.60"),  # 1199*0.5, 1199*0.4
    ("1200", "600.00", "480.00"),  # 两个及以上病种 限额 1200
    ("1500", "600.00", "480.00"),
])
def test_chronic_multiple_limit(cost, primary, other):
    both = ["高血压", "糖尿病"]
    assert visit("门诊慢性病", "基层医疗机构", cost, diseases=both)[1] == primary
    assert visit("门诊慢性病", "二级", cost, diseases=both)[1] == other


def test_chronic_year_to_date_and_assistance():
    # 700 of the 800 already counted: 100*0.5 = 50
    assert visit("门诊慢性病", "基层医疗机构", "300", diseases=["高血压"], ytd_compliant_cost="700")[1] == "50.00"
    # 低保: basic 400; no 大病保险 for 慢性病; MA (住院、门诊慢性病 row) 600*0.8 = 480; personal 120
    assert visit("门诊慢性病", "基层医疗机构", "1000", diseases=["高血压"], assistance="低保") == (
        "0.00", "400.00", "0.00", "480.00", "120.00")


def test_chronic_refusals():
    r = refused("outpatient", scheme="resident", category="老年居民", benefit="门诊慢性病", facility="基层医疗机构",
                compliant_cost="100", diseases=["感冒"])
    assert (r.code, r.field) == ("unknown_disease", "diseases") and "感冒" in r.message
    r = refused("outpatient", scheme="resident", category="老年居民", benefit="门诊慢性病", facility="基层医疗机构",
                compliant_cost="100")
    assert (r.code, r.field) == ("missing_field", "diseases")
    r = refused("outpatient", scheme="resident", category="老年居民", benefit="门诊慢性病", facility="定点零售药店",
                compliant_cost="100", diseases=["高血压"])
    assert (r.code, r.field) == ("not_applicable", "facility")
    r = refused("outpatient", scheme="resident", category="老年居民", benefit="家庭病床", facility="二级",
                compliant_cost="100")
    assert (r.code, r.field) == ("not_applicable", "benefit") and "家庭病床" in r.message


# ============================================================ §三(二)3 门诊特殊病


UNLIMITED = ["恶性肿瘤", "放疗", "化疗", "介入治疗", "生物靶向药物治疗", "内分泌治疗", "慢性肾功能衰竭", "血液透析",
             "腹膜透析", "非透析治疗", "严重精神障碍", "精神分裂症", "分裂情感性障碍", "偏执型精神病", "双相情感障碍",
             "癫痫所致精神障碍", "精神发育迟滞伴发精神障碍", "其他严重精神障碍类疾病"]


@pytest.mark.parametrize("disease", UNLIMITED)
def test_special_rows_1_to_15_follow_the_inpatient_ratio(disease):
    # no 指导限额, no deductible; adult L2 80%: 10000*0.8 = 8000
    assert visit("门诊特殊病", "二级", "10000", diseases=[disease]) == ("0.00", "8000.00", "0.00", "0.00", "2000.00")


@pytest.mark.parametrize("category, level, basic", [
    ("老年居民", 1, "9000.00"),  # 90%
    ("非从业居民", 3, "7000.00"),  # 70%
    ("未成年居民", 1, "9500.00"),  # 95%
    ("大学生", 2, "9000.00"),  # 90%
    ("高校大学生", 3, "8500.00"),  # 85%
])
def test_special_ratio_by_column_and_level(category, level, basic):
    assert visit("门诊特殊病", f"{'一二三'[level - 1]}级", "10000", category=category, diseases=["化疗"])[1] == basic


@pytest.mark.parametrize("disease, category, cost, expected", [
    # adult L3 70% unless noted; counted = min(cost, 指导限额)
    ("血友病", "老年居民", "61000", ("0.00", "42000.00", "0.00", "0.00", "19000.00")),  # 60000*0.7; burden 19000 < 2万
    # 器官移植 第一年 10万: 70000; burden 31000 → CI 11000*0.6 = 6600; personal 24400
    ("器官移植术后抗排异治疗", "老年居民", "101000", ("0.00", "70000.00", "6600.00", "0.00", "24400.00")),
    ("器官移植术后抗排异治疗（术后第一年）", "老年居民", "101000", ("0.00", "70000.00", "6600.00", "0.00", "24400.00")),
    # 第二年及以后 7万: 49000; burden 22000 → CI 2000*0.6 = 1200; personal 20800
    ("器官移植术后抗排异治疗（术后第二年及以后）", "老年居民", "71000", ("0.00", "49000.00", "1200.00", "0.00", "20800.00")),
    ("再生障碍性贫血", "老年居民", "16000", ("0.00", "10500.00", "0.00", "0.00", "5500.00")),  # 15000*0.7
    ("系统性红斑狼疮", "老年居民", "26000", ("0.00", "17500.00", "0.00", "0.00", "8500.00")),  # 25000*0.7
    ("肺结核", "老年居民", "16000", ("0.00", "10500.00", "0.00", "0.00", "5500.00")),  # 15000*0.7
    # young L3 85%
    ("儿童I型糖尿病", "未成年居民", "11000", ("0.00", "8500.00", "0.00", "0.00", "2500.00")),  # 10000*0.85
    ("儿童孤独症", "未成年居民", "11000", ("0.00", "8500.00", "0.00", "0.00", "2500.00")),  # 10000*0.85
    ("儿童生长激素缺乏症", "未成年居民", "21000", ("0.00", "17000.00", "0.00", "0.00", "4000.00")),  # 20000*0.85
    # 最低维持使用量 追加至 2.5万: 25000*0.85 = 21250
    ("儿童生长激素缺乏症（最低维持使用量）", "未成年居民", "26000", ("0.00", "21250.00", "0.00", "0.00", "4750.00")),
    # 进行性肌营养不良: fixed 70% (not the young 85%), limit 6000: 4200
    ("进行性肌营养不良", "未成年居民", "7000", ("0.00", "4200.00", "0.00", "0.00", "2800.00")),
])
def test_special_disease_limits(disease, category, cost, expected):
    assert visit("门诊特殊病", "三级", cost, category=category, diseases=[disease]) == expected


@pytest.mark.parametrize("cost, basic", [("59999", "41999.30"), ("60000", "42000.00"), ("60001", "42000.00")])
def test_special_limit_edge(cost, basic):
    # 血友病 6万/年 at adult L3 70%: 59999*0.7 = 41999.30; 60000*0.7 = 42000
    assert visit("门诊特殊病", "三级", cost, diseases=["血友病"])[1] == basic


def test_muscular_dystrophy_is_70_percent_at_every_level():
    # 进行性肌营养不良 70% regardless of level or column: 5000*0.7 = 3500
    for level in ("一级", "二级", "三级"):
        for category in ("老年居民", "未成年居民"):
            assert visit("门诊特殊病", level, "5000", category=category, diseases=["进行性肌营养不良"])[1] == "3500.00"


def test_special_year_to_date_limit_and_shared_cap():
    # 血友病: 55000 already counted, room 5000: 5000*0.7 = 3500
    assert visit("门诊特殊病", "三级", "10000", diseases=["血友病"], ytd_compliant_cost="55000")[1] == "3500.00"
    # 35万 shared with 住院: room 350000-349000 = 1000; earlier burden 441000-349000 = 92000
    # CI on [92000, 101000): 8000*0.6 + 1000*0.7 = 5500; personal 10000-1000-5500 = 3500
    assert visit("门诊特殊病", "二级", "10000", diseases=["恶性肿瘤"],
                 ytd={"compliant_cost": "441000", "basic": "349000"}) == (
        "0.00", "1000.00", "5500.00", "0.00", "3500.00")


def test_special_with_assistance():
    # 低保 恶性肿瘤 adult L2 10000: basic 8000; burden 2000; assisted CI 60% = 1200; MA 800*0.8 = 640; personal 160
    assert visit("门诊特殊病", "二级", "10000", diseases=["恶性肿瘤"], assistance="低保") == (
        "0.00", "8000.00", "1200.00", "640.00", "160.00")


def test_special_refusals():
    base = {"scheme": "resident", "category": "老年居民", "benefit": "门诊特殊病", "compliant_cost": "100"}
    r = refused("outpatient", facility="基层医疗机构", diseases=["血友病"], **base)
    assert (r.code, r.field) == ("not_applicable", "facility") and "基层医疗机构" in r.message
    r = refused("outpatient", facility="三级", diseases=["高血压"], **base)
    assert (r.code, r.field) == ("unknown_disease", "diseases") and "高血压" in r.message
    r = refused("outpatient", facility="三级", diseases=["血友病", "肺结核"], **base)
    assert r.field == "diseases"


def test_estimate_refusals_name_the_field():
    base = {"scheme": "resident", "category": "老年居民", "hospital_level": 2}
    r = refused("inpatient", **base)
    assert (r.code, r.field) == ("missing_field", "compliant_cost") and "合规费用" in r.message
    r = refused("inpatient", compliant_cost="-1", **base)
    assert (r.code, r.field) == ("invalid_amount", "compliant_cost")
    r = refused("inpatient", compliant_cost="12.345", **base)
    assert (r.code, r.field) == ("invalid_amount", "compliant_cost")
    r = refused("inpatient", compliant_cost="100", **{**base, "hospital_level": 4})
    assert (r.code, r.field) == ("invalid_amount", "hospital_level")
    r = refused("inpatient", compliant_cost="100", **{**base, "category": "在职"})
    assert (r.code, r.field) == ("unknown_category", "category") and "在职" in r.message


# ============================================================ §三(二)4.2 双通道 (issue 15.8)

@pytest.mark.parametrize("drug,facility,basic", [
    ("双通道管理及单独支付药品、特定病药品", "国谈药定点医院", "6000.00"),  # 4.2: 10000 × 60%
    ("特定病药品", "国谈药定点药店", "6000.00"),  # 4.1: 特定病药品 参照双通道 → 60%
    ("单独支付药品", "国谈药定点医院", "6000.00"),
    ("罕见病药品", "国谈药定点药店", "8000.00"),  # 4.2: 10000 × 80%
])
def test_dual_channel(drug, facility, basic):
    # no deductible in 4.2; burden 4000 (2000 for 罕见病) < the 20000 CI threshold
    assert visit("双通道", facility, "10000", diseases=[drug])[:3] == ("0.00", basic, "0.00")


def test_dual_channel_young_same_ratio():
    # 4.2 has one ratio for every category: 未成年居民 10000 × 60% = 6000
    assert visit("双通道", "国谈药定点医院", "10000", category="未成年居民", diseases=["特定病药品"])[1] == "6000.00"


def test_dual_channel_only_at_the_designated_hospital_or_pharmacy():
    r = refused("outpatient", scheme="resident", category="老年居民", benefit="双通道", facility="三级",
                compliant_cost="10000", diseases=["特定病药品"])
    assert (r.code, r.field) == ("not_applicable", "facility") and "国谈药定点医院" in r.message


@pytest.mark.parametrize("offsite,ordinary,rare", [
    ("异地长期居住人员", "6000.00", "8000.00"),  # §六(三)2: 与本市一致
    ("异地转诊人员", "5000.00", "7000.00"),  # 门诊费用 −10 → 50% / 70%
    ("异地急诊", "5000.00", "7000.00"),  # −10
    ("其他临时外出就医人员", "4000.00", "6000.00"),  # 双通道单独支付药品、特定病药品 named: −20 → 40% / 60%
])
def test_dual_channel_offsite(offsite, ordinary, rare):
    assert visit("双通道", "国谈药定点医院", "10000", diseases=["特定病药品"], offsite=offsite)[1] == ordinary
    assert visit("双通道", "国谈药定点医院", "10000", diseases=["罕见病药品"], offsite=offsite)[1] == rare


def test_dual_channel_outside_the_350000_cap():
    # §三(一)注 names only 住院和门诊特殊病: with 349000 already paid, 10000 × 60% = 6000 is still paid
    assert visit("双通道", "国谈药定点医院", "10000", diseases=["特定病药品"], ytd={"basic": "349000"})[1] == "6000.00"


def test_dual_channel_critical_illness_and_assistance():
    # §四 (住院和门诊特定病) and §五 (the 20万 row names 双通道单独支付药品、特定病药品):
    # 100000: basic 60000, burden 40000 → CI (40000 − 20000) × 60% = 12000; personal 28000
    assert visit("双通道", "国谈药定点医院", "100000", diseases=["特定病药品"]) == (
        "0.00", "60000.00", "12000.00", "0.00", "28000.00")
    # 特困 10000: basic 6000, burden 4000 → CI assisted 4000 × 60% = 2400; MA 100% of 1600; nothing left
    assert visit("双通道", "国谈药定点医院", "10000", diseases=["特定病药品"], assistance="特困供养人员") == (
        "0.00", "6000.00", "2400.00", "1600.00", "0.00")
    # 低保 100000: basic 60000, burden 40000 → CI assisted 20000 × 60% + 20000 × 70% = 26000;
    # left 14000 → MA 80% = 11200; left 2800 < 倾斜救助's 10000 → personal 2800
    assert visit("双通道", "国谈药定点医院", "100000", diseases=["特定病药品"], assistance="低保") == (
        "0.00", "60000.00", "26000.00", "11200.00", "2800.00")


# ============================================================ materials (§二, §三(二), §六)


def checklist(item: str, **extra) -> dict:
    a = ask("materials", item=item, **extra)
    assert a["source"].startswith(DOC + " §")
    return a


def rows(a: dict) -> list[tuple[str, str | None]]:
    return [(m["name"], m["note"]) for m in a["materials"]]


def test_enrollment_window_and_online():
    a = checklist("参保登记")  # no channel: the 窗口 list, said so in the trace
    assert a["item"] == "参保登记" and a["source"] == f"{DOC} §二(一)" and a["time_limit"] is None
    assert rows(a) == [
        ("本人身份证", "“身份证明”任选其一"),
        ("本人户口簿", "“身份证明”任选其一"),
        ("有效居住证", "非本市户籍人员提供"),
        ("学生证或在校证明", "以在校学生身份参保的提供"),
    ]
    assert a["where"][0] == "本人户籍所在地、常住地街道(镇)便民服务中心"
    assert any("学校统一办理" in w for w in a["where"])
    assert "未指定渠道" in a["trace"][0]["step"]
    online = checklist("参保登记", channel="线上")
    assert rows(online) == rows(a) and "“常州医保”微信公众号" in online["where"]
    assert checklist("变更登记")["item"] == "参保登记"  # §二(一)(2): the same table serves changes


def test_student_authentication():
    a = checklist("在校生身份认证")
    assert a["source"] == f"{DOC} §二(二)3"
    assert rows(a) == [("《在校生证明》", "“在校证明”任选其一"), ("学生证", "“在校证明”任选其一")]
    assert a["where"] == ["学籍所在街道(镇)便民服务中心"]
    assert a["time_limit"] == "居民医保集中缴费期内（2025年10月-2025年12月）"  # the one time limit 002 states


def test_suspension_names_only_the_place():
    a = checklist("停保退保")
    assert a["source"] == f"{DOC} §二(二)4" and a["materials"] == [] and a["time_limit"] is None
    assert a["where"] == ["原办理参保手续的街道(镇)居民医保经办窗口"]
    assert checklist("退保")["item"] == "停保退保"


ID_PROOF = [("本人医保电子凭证", "“身份凭证”任选其一"), ("有效身份证件", "“身份凭证”任选其一"), ("社保卡", "“身份凭证”任选其一")]


def test_offsite_filing_long_term_resident():
    a = checklist("异地就医备案", person_type="异地长期居住人员", channel="窗口")
    assert a["source"] == f"{DOC} §六(二)"
    assert rows(a) == [*ID_PROOF,
                       ("居住证", "“居住证明”任选其一"),
                       ("居民户口簿(户口簿首页和本人常住人口登记卡)", "“居住证明”任选其一"),
                       ("个人承诺书", "“居住证明”任选其一")]
    b = checklist("异地就医备案", person_type="异地长期居住人员", channel="不见面")
    assert rows(b) == rows(a)
    assert "“国家异地就医备案”小程序" in b["where"] and "“江苏医保云”APP" in b["where"]


def test_offsite_filing_temporary_and_referred():
    a = checklist("异地就医备案", person_type="其他临时外出就医人员")
    assert rows(a) == ID_PROOF and "未指定渠道" in a["trace"][0]["step"]
    assert rows(checklist("异地就医备案", person_type="其他临时外出就医人员", channel="不见面")) == ID_PROOF
    for channel in (None, "窗口", "不见面"):
        c = checklist("异地就医备案", person_type="异地转诊人员", **({"channel": channel} if channel else {}))
        assert c["materials"] == [] and c["where"] == ["具有转诊资质的医疗机构"]


def test_offsite_filing_refusals():
    r = refused("materials", item="异地就医备案")
    assert (r.code, r.field) == ("missing_field", "person_type") and "异地长期居住人员" in r.message
    r = refused("materials", item="异地就医备案", person_type="异地急诊")  # 002 §六(二) lists no filing for it
    assert (r.code, r.field) == ("unknown_person_type", "person_type") and "异地急诊" in r.message
    r = refused("materials", item="异地就医备案", person_type="异地长期居住人员", channel="线上")
    assert (r.code, r.field) == ("unknown_channel", "channel") and "不见面" in r.message


def test_manual_claim_seven_items():
    a = checklist("零星报销")
    assert a["source"] == f"{DOC} §六(四)2" and a["where"] == ["参保地医保经办机构或委托机构"]
    names = [n for n, _ in rows(a)]
    assert names == ["医保电子凭证或有效身份证件或社保卡", "医疗收费票据", "费用明细清单", "处方病历资料或诊断证明或出院小结",
                     "本人银行借记卡", "代办人身份证", "其它相关证明材料"]
    notes = dict(rows(a))
    assert notes["代办人身份证"] == "代办时提供"
    assert "交通事故认定书" in notes["其它相关证明材料"] and "急诊需提供急诊诊断证明" in notes["其它相关证明材料"]
    # the services' reading: conditional items are not demanded, everything else is
    missing = Checklist(a["materials"], a["where"], a["source"]).missing([])
    assert missing == names[:5]
    assert checklist("手工报销")["item"] == "零星报销"


def test_outpatient_chronic_and_special_applications():
    a = checklist("门诊慢性病")
    assert a["source"] == f"{DOC} §三(二)2.2"
    assert rows(a) == [("省社保卡", "“身份凭证”任选其一"), ("有效身份证", "“身份凭证”任选其一"),
                       ("医保电子凭证", "“身份凭证”任选其一"), ("定点医疗机构开具的有效诊断材料", None),
                       ("三级医疗机构明确诊断的病史资料和相关检查化验报告", "除高血压、糖尿病外的其他门诊慢性病需提供")]
    assert a["where"] == ["本人户籍、学籍或居住证所在地基层卫生服务机构的家庭医生处"]
    b = checklist("门诊特殊病")
    assert b["source"] == f"{DOC} §三(二)3.2" and rows(b) == [("病史资料", None), ("社保卡", None)]
    assert b["where"][0].startswith("指定的二级以上定点医疗机构责任医生处")


def test_other_benefit_applications():
    a = checklist("双通道")
    assert a["source"] == f"{DOC} §三(二)4.3" and a["where"] == ["国谈药定点医院的责任医师处"]
    assert [n for n, _ in rows(a)] == ["省社保卡", "有效身份证", "医保电子凭证", "相关病历材料"]
    assert "基因检测结果" in dict(rows(a))["相关病历材料"]
    b = checklist("特殊人员用血")
    assert b["source"] == f"{DOC} §三(二)5.3" and rows(b) == [("病历", None), ("身份证", None)]
    c = checklist("苯丙酮尿症")
    assert c["source"] == f"{DOC} §三(二)5.4" and [n for n, _ in rows(c)] == ["省社保卡"]
    assert c["where"] == ["常州市妇幼保健院（定点救治医疗机构）"]
    d = checklist("新生儿追溯报销")
    assert d["source"] == f"{DOC} §三(二)5.2" and rows(d) == [("省社保卡", None), ("费用票据", None)]
    assert d["where"] == ["本地生育医院"]


@pytest.mark.parametrize("item", ["参保登记", "停保退保", "零星报销", "门诊慢性病", "门诊特殊病", "双通道",
                                  "特殊人员用血", "苯丙酮尿症", "新生儿追溯报销"])
def test_no_invented_time_limits(item):
    assert checklist(item)["time_limit"] is None
    assert checklist(item)["hotline"] == "12393"  # §七


def test_materials_unknown_item():
    r = refused("materials", item="退费")  # 002 has no refund business
    assert (r.code, r.field) == ("unknown_item", "item") and "退费" in r.message


def test_payment_deadline_and_time_limit_come_from_the_policy_layer():
    # issue 15.12: computed in printing before. §一(一): the collection period ends 2025-12-31
    from datetime import date

    from desktop.policy import api

    assert api.payment_deadline("天宁区", 2026, date(2025, 11, 20)) == (date(2025, 12, 31), None)
    day, note = api.payment_deadline("天宁区", 2026, date(2026, 3, 15))  # late: pay on the day of issue
    assert day == date(2026, 3, 15) and "2025年12月31日结束" in note
    # §二(二)3: the student certification is done in the collection period; §六(四) gives 零星报销 none
    assert api.time_limit("天宁区", 2026, "在校生身份认证").startswith("居民医保集中缴费期内")
    assert api.time_limit("天宁区", 2026, "零星报销") is None
