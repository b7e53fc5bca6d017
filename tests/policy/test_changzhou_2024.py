"""常州 2024 resident pack against every table of 000_62dcf2fad95857e3.txt, through `answer`.

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

DOC = "000_62dcf2fad95857e3.txt"
REGIONS = ["天宁区", "钟楼区", "新北区", "武进区", "常州经开区", "溧阳市", "金坛区"]
CITY = ["武进区", "常州经开区", "新北区", "天宁区", "钟楼区"]  # the 市区 row of the fee table
TRANSPLANT = "cz2024_transplant_limit"


def ask(calc: str, settings: dict | None = None, **fields) -> dict:
    request = {"calc": calc, "region": "溧阳市", "year": 2024, **fields}
    a = answer(request, settings=settings)
    for step in a["trace"]:
        assert step["source"].startswith(DOC + " §"), step
    return a


def refused(calc: str, settings: dict | None = None, **fields) -> Refusal:
    with pytest.raises(Refusal) as info:
        ask(calc, settings, **fields)
    return info.value


def layers(a: dict) -> tuple[str, str, str, str, str]:
    total = sum(Decimal(a[k]) for k in ("basic", "critical_illness", "medical_assistance", "personal"))
    assert total == Decimal(a["compliant_cost"])
    return a["deductible"], a["basic"], a["critical_illness"], a["medical_assistance"], a["personal"]


def stay(category: str, level: int, cost: str, admission: int = 1, **extra) -> tuple:
    return layers(ask("inpatient", scheme="resident", category=category, hospital_level=level,
                      admission=admission, compliant_cost=cost, **extra))


def visit(benefit: str, facility: str, cost: str, category: str = "老年居民", settings=None, **extra) -> tuple:
    return layers(ask("outpatient", settings, scheme="resident", category=category, benefit=benefit,
                      facility=facility, compliant_cost=cost, **extra))


# ============================================================ §一(三) 个人缴费标准 (含长期护理险30元)

FEES = {
    # category: {region: total}; medical = total − 30, ltc = 30
    "老年居民": {r: "730" for r in REGIONS},
    "非从业居民": {**{r: "930" for r in CITY}, "溧阳市": "730", "金坛区": "730"},
    "大学生": {r: "230" for r in REGIONS},
    "未成年居民": {r: "390" for r in REGIONS},
}


@pytest.mark.parametrize("category,region", [(c, r) for c in FEES for r in REGIONS])
def test_fee_table_every_category_and_region(category, region):
    # 000 §一(三): totals include 长期护理险 30 元/人; the pack splits medical = total − 30
    a = ask("contribution", region=region, category=category)
    total = FEES[category][region]
    assert a["standard"] == f"{total}.00"
    assert a["ltc"] == "30.00"
    assert a["assisted"] == "0.00" and a["personal"] == f"{total}.00"
    medical = next(s for s in a["trace"] if "基本医疗保险个人缴费标准" in s["step"])
    assert Decimal(medical["amount"]) == Decimal(total) - 30  # e.g. 930 − 30 = 900


def test_fee_aliases_and_the_minor_still_pays_ltc_in_2024():
    # 高校大学生 names 大学生: 230 = 200 + 30; 在校学生 names 未成年居民: 390 = 360 + 30 (LTC not yet exempt)
    assert ask("contribution", category="高校大学生")["standard"] == "230.00"
    a = ask("contribution", category="在校学生")
    assert (a["category"], a["standard"], a["ltc"]) == ("未成年居民", "390.00", "30.00")


ELEVEN = [
    "最低生活保障家庭成员", "特困供养人员", "临时救助对象中的重特大疾病患者",
    "享受民政部门定期定量生活补助费的20世纪60年代精减退职职工", "重点优抚对象", "困境儿童",
    "特困职工家庭成员", "无固定收入重残人员", "低保边缘家庭成员", "支出型困难家庭中的重特大疾病患者",
    "市政府规定的其他特殊人员",
]


@pytest.mark.parametrize("group", [*ELEVEN, "孤儿", "事实无人抚养儿童", "低保", "60年代精简退职职工"])
def test_assistance_groups_pay_nothing(group):
    # 000 §一(三): the eleven groups' personal contribution is 政府承担 — 930 (市区非从业, incl. LTC) taken over
    a = ask("contribution", region="钟楼区", category="非从业居民", assistance=group)
    assert (a["standard"], a["assisted"], a["personal"]) == ("930.00", "930.00", "0.00")


def test_unknown_labels_are_refused_naming_the_field():
    r = refused("contribution", category="农村居民")
    assert (r.code, r.field) == ("unknown_category", "category") and "参保类别" in r.message
    r = refused("contribution", category="老年居民", assistance="贫困户")
    assert (r.code, r.field) == ("unknown_assistance", "assistance") and "贫困户" in r.message


def test_category_rules_for_the_enrollment_page():
    rules = category_rules("金坛区", 2024)
    assert rules["categories"] == ["老年居民", "非从业居民", "大学生", "未成年居民"]
    assert rules["minor_below_age"] == 18 and rules["elderly_from_age"] is None  # a hall setting
    assert category_rules("金坛区", 2024, {"elderly_from_age": Decimal(60)})["elderly_from_age"] == 60


# ============================================================ §一(一), §二(二)1 待遇起始

def start(paid_on: str, settings=None, **facts) -> tuple:
    a = ask("benefit_start", settings, paid_on=paid_on, **facts)
    assert a["benefit_end"] == "2024-12-31"
    return a["benefit_start"], a["waiting_months"], a["retroactive"]


@pytest.mark.parametrize("paid_on", ["2023-10-01", "2023-11-15", "2023-12-31"])
def test_paid_in_window_covers_the_whole_year(paid_on):
    # §一(一): 集中参保缴费期 2023-10-01—2023-12-31 → benefits 2024-01-01 to 2024-12-31
    assert start(paid_on) == ("2024-01-01", 0, False)


def test_before_the_window_is_refused():
    r = refused("benefit_start", paid_on="2023-09-30")
    assert (r.code, r.field) == ("invalid_date", "paid_on") and "缴费日期" in r.message


@pytest.mark.parametrize("paid_on,expected", [
    ("2024-01-01", "2024-03-01"),  # first day after the window: Jan, Feb waiting → 1 Mar
    ("2024-03-15", "2024-05-01"),  # 自缴费到账当月起计算满2个月: Mar, Apr → 1 May
    ("2024-03-31", "2024-05-01"),  # the month counts whole, the day does not matter
    ("2024-10-31", "2024-12-01"),  # Oct, Nov → 1 Dec, the last month it still reaches
])
def test_late_payment_waits_two_months_from_the_payment_month(paid_on, expected):
    assert start(paid_on) == (expected, 2, False)


def test_late_payment_after_october_reaches_no_benefit_this_year():
    # 2024-11-01: Nov, Dec waiting → 2025-01-01, beyond the 2024 period
    r = refused("benefit_start", paid_on="2024-11-01")
    assert (r.code, r.field) == ("not_applicable", "paid_on") and "2024" in r.message


EXEMPT = [
    "职工医保中断3个月内参加居民医保", "户口迁移后首次参保", "新生儿", "医疗救助对象", "退役军人",
    "退役军人随军未就业配偶", "当年未就业的大中专毕业生(含全日制研究生)", "刑满释放人员",
]


@pytest.mark.parametrize("group", [g for g in EXEMPT if g != "新生儿"])
def test_exempt_groups_start_on_the_payment_date(group):
    # §一(一): these groups enrolling in 2024 have no waiting period → from the payment date itself
    assert start("2024-03-15", special_group=group) == ("2024-03-15", 0, False)
    # paid in the window they are like everyone else: 1 January
    assert start("2023-12-01", special_group=group) == ("2024-01-01", 0, False)


def test_unknown_special_group_is_refused():
    r = refused("benefit_start", paid_on="2024-03-15", special_group="低保户")
    assert (r.code, r.field) == ("unknown_special_group", "special_group") and "低保户" in r.message


@pytest.mark.parametrize("birth,paid,expected", [
    # §二(二)1 within 3 months of birth → retroactive to the birth date
    ("2024-01-15", "2024-02-01", ("2024-01-15", 0, True)),
    ("2024-01-15", "2024-04-15", ("2024-01-15", 0, True)),  # birth + 3 months, the last day inside
    # born in 2023 and paid within 3 months: retroactive only to the 2024 period start
    ("2023-12-20", "2024-02-10", ("2024-01-01", 0, True)),
    # 满3个月不满1周岁 → from the month after payment, no waiting, not retroactive
    ("2024-01-15", "2024-04-16", ("2024-05-01", 0, False)),  # one day past 3 months
    ("2023-05-10", "2024-05-10", ("2024-06-01", 0, False)),  # the first birthday: still 不满1周岁
    # past one year: no longer a newborn → the ordinary late rule, Jun + Jul waiting
    ("2023-05-10", "2024-05-11", ("2024-07-01", 2, False)),
])
def test_newborn_rules(birth, paid, expected):
    assert start(paid, birth_date=birth) == expected


def test_newborn_paid_in_the_window_starts_on_1_january():
    # born 2023-11-01, paid 2023-11-20 (within 3 months): retroactive rule, but not before 2024-01-01
    assert start("2023-11-20", birth_date="2023-11-01") == ("2024-01-01", 0, False)


def test_newborn_ticked_needs_a_birth_date():
    r = refused("benefit_start", paid_on="2024-06-10", special_group="新生儿")
    assert (r.code, r.field) == ("missing_field", "birth_date") and "出生日期" in r.message
    # ticked with a birth date: the §二(二)1 rules, no waiting (§一(一) exemption)
    assert start("2024-06-10", special_group="新生儿", birth_date="2024-05-01") == ("2024-05-01", 0, True)
    assert start("2024-06-10", special_group="新生儿", birth_date="2024-01-01") == ("2024-07-01", 0, False)
    # ticked but past one year: no longer a newborn → the ordinary late rule (Jun, Jul waiting)
    assert start("2024-06-10", special_group="新生儿", birth_date="2023-06-01") == ("2024-08-01", 2, False)


def test_birth_after_payment_is_refused():
    r = refused("benefit_start", paid_on="2024-03-01", birth_date="2024-03-02")
    assert (r.code, r.field) == ("invalid_date", "birth_date") and "出生日期" in r.message


# ============================================================ §三(一) 住院: deductible per stay, ratio, 35万 cap

@pytest.mark.parametrize("category,level,expected", [
    ("老年居民", 1, ("400.00", "8640.00", "0.00", "0.00", "1360.00")),  # (10000−400)×90% = 8640
    ("老年居民", 2, ("600.00", "7520.00", "0.00", "0.00", "2480.00")),  # (10000−600)×80% = 7520
    ("非从业居民", 3, ("1000.00", "6300.00", "0.00", "0.00", "3700.00")),  # (10000−1000)×70% = 6300
    ("未成年居民", 1, ("200.00", "9310.00", "0.00", "0.00", "690.00")),  # (10000−200)×95% = 9310
    ("大学生", 2, ("400.00", "8640.00", "0.00", "0.00", "1360.00")),  # (10000−400)×90% = 8640
    ("高校大学生", 3, ("600.00", "7990.00", "0.00", "0.00", "2010.00")),  # (10000−600)×85% = 7990
])
def test_inpatient_table(category, level, expected):
    assert stay(category, level, "10000") == expected


@pytest.mark.parametrize("category,level,ratio,deductible", [
    ("老年居民", 3, "0.70", 1000), ("非从业居民", 1, "0.90", 400), ("非从业居民", 2, "0.80", 600),
    ("未成年居民", 2, "0.90", 400), ("未成年居民", 3, "0.85", 600), ("大学生", 1, "0.95", 200),
])
def test_inpatient_other_cells(category, level, ratio, deductible):
    # the remaining six cells of §三(一): (5000 − deductible) × ratio
    basic = (Decimal(5000) - deductible) * Decimal(ratio)
    assert stay(category, level, "5000")[:2] == (f"{deductible}.00", f"{basic:.2f}")


def test_deductible_edges_and_rounding():
    # L1 adult 起付 400: at 400 the fund pays nothing; one fen above pays 0.01×90% = 0.009 → 0.01
    assert stay("老年居民", 1, "399.99")[:2] == ("399.99", "0.00")
    assert stay("老年居民", 1, "400")[:2] == ("400.00", "0.00")
    assert stay("老年居民", 1, "400.01")[:2] == ("400.00", "0.01")


def test_deductible_is_per_stay():
    # “元/次”: the second stay of the year pays the deductible again: (10000−600)×80% = 7520
    assert stay("老年居民", 2, "10000", admission=2)[:2] == ("600.00", "7520.00")


def test_yearly_cap_350000():
    # 注: 35万 per year for 住院 + 门诊特殊病. 345000 used: (10000−600)×80% = 7520 → only 5000 left.
    # burden 10000 − 5000 = 5000 on the CI axis at 480000 − 345000 = 135000 (>10万): 5000×70% = 3500
    ytd = {"compliant_cost": "480000", "basic": "345000"}
    assert stay("老年居民", 2, "10000", ytd=ytd) == ("600.00", "5000.00", "3500.00", "0.00", "1500.00")
    # cap reached: nothing left for the fund; CI takes 10000×70% = 7000
    ytd = {"compliant_cost": "500000", "basic": "350000"}
    assert stay("老年居民", 2, "10000", ytd=ytd) == ("600.00", "0.00", "7000.00", "0.00", "3000.00")


# ============================================================ §四 大病保险 (cap 无)

def test_ci_threshold_edges():
    # L2 adult 10000: burden 10000 − 7520 = 2480. Before 17520 the stay ends exactly at 2万: CI 0
    assert stay("老年居民", 2, "10000", ytd={"personal_burden": "17520"})[2] == "0.00"
    # one fen more: 0.01 over 2万 × 60% = 0.006 → 0.01
    assert stay("老年居民", 2, "10000", ytd={"personal_burden": "17520.01"})[2] == "0.01"


def test_ci_first_band_and_a_big_stay():
    # L3 adult 100000: basic (100000−1000)×70% = 69300, burden 30700; CI (30700−20000)×60% = 6420
    assert stay("老年居民", 3, "100000") == ("1000.00", "69300.00", "6420.00", "0.00", "24280.00")


def test_ci_band_edge_100000():
    # burden 2480 on the axis 95000..97480: all at 60% = 1488
    assert stay("老年居民", 2, "10000", ytd={"personal_burden": "95000"})[2] == "1488.00"
    # 98000..100480: 2000×60% + 480×70% = 1200 + 336 = 1536
    assert stay("老年居民", 2, "10000", ytd={"personal_burden": "98000"})[2] == "1536.00"
    # 100000..102480: all at 70% = 1736
    assert stay("老年居民", 2, "10000", ytd={"personal_burden": "100000"})[2] == "1736.00"


def test_ci_has_no_cap():
    # 最高限额 “无”: after 100万 of burden and 60万 of CI this year, still 2480×70% = 1736
    ytd = {"personal_burden": "1000000", "critical_illness": "600000"}
    assert stay("老年居民", 2, "10000", ytd=ytd)[2] == "1736.00"


def test_ci_for_the_assisted_starts_at_zero():
    # 困难群众 table: 2万以内 60%. 特困 L2 adult 10000: burden 2480 × 60% = 1488;
    # MA (§五, 特困 100%): 2480 − 1488 = 992 → 992; nothing left
    assert stay("老年居民", 2, "10000", assistance="特困供养人员") == ("600.00", "7520.00", "1488.00", "992.00", "0.00")
    # 低保 (其他救助对象 80%): 992 × 80% = 793.60; personal 992 − 793.60 = 198.40
    assert stay("老年居民", 2, "10000", assistance="低保") == ("600.00", "7520.00", "1488.00", "793.60", "198.40")


def test_ci_assisted_band_edges():
    # 2万 edge: axis 19000..21480 → 1000×60% + 1480×70% = 600 + 1036 = 1636; MA 80% of 844 = 675.20
    got = stay("老年居民", 2, "10000", assistance="最低生活保障家庭成员", ytd={"personal_burden": "19000"})
    assert got == ("600.00", "7520.00", "1636.00", "675.20", "168.80")
    # 10万 edge: 99000..101480 → 1000×70% + 1480×80% = 700 + 1184 = 1884; MA 80% of 596 = 476.80
    got = stay("老年居民", 2, "10000", assistance="最低生活保障家庭成员", ytd={"personal_burden": "99000"})
    assert got == ("600.00", "7520.00", "1884.00", "476.80", "119.20")


# ============================================================ §五 医疗救助 (no 倾斜救助 in 2024)

def test_ma_inpatient_cap_200000():
    # 20万 a year: 199500 used → 500 of the 992 left after CI 1488
    got = stay("老年居民", 2, "10000", assistance="孤儿", ytd={"medical_assistance": "199500"})
    assert got == ("600.00", "7520.00", "1488.00", "500.00", "492.00")


def test_no_tilt_assistance_in_2024():
    # 特困 L3 adult 200000: basic 199000×70% = 139300, burden 60700;
    # CI 20000×60% + 40700×70% = 12000 + 28490 = 40490; MA 100% of 20210; no 倾斜救助 step
    a = ask("inpatient", scheme="resident", category="老年居民", hospital_level=3, compliant_cost="200000",
            assistance="事实无人抚养儿童")
    assert layers(a) == ("1000.00", "139300.00", "40490.00", "20210.00", "0.00")
    assert not any("倾斜" in s["step"] for s in a["trace"])


def test_ma_general_outpatient_and_its_cap():
    # 普通门诊 基层 1500: basic (1500−200)×50% = 650, burden 850 (no CI for 普通门诊)
    # 特困 100% → 850; 其他救助对象 80% → 680
    assert visit("普通门诊", "基层医疗机构", "1500", assistance="特困供养人员")[1:] == ("650.00", "0.00", "850.00", "0.00")
    assert visit("普通门诊", "基层医疗机构", "1500", assistance="重点优抚对象")[1:] == ("650.00", "0.00", "680.00", "170.00")
    # 普通门诊 MA 1万 a year: 9900 used → 100
    got = visit("普通门诊", "基层医疗机构", "1500", assistance="特困供养人员", ytd={"medical_assistance": "9900"})
    assert got[1:] == ("650.00", "0.00", "100.00", "750.00")


def test_ma_chronic_uses_the_inpatient_row():
    # 门诊慢性病 is in the 住院… row (80%, 20万): 高血压 基层 1000 → basic 800×50% = 400, burden 600 → 480
    got = visit("门诊慢性病", "基层医疗机构", "1000", assistance="困境儿童", diseases=["高血压"])
    assert got == ("0.00", "400.00", "0.00", "480.00", "120.00")


# ============================================================ §三(二)1 普通门诊统筹

@pytest.mark.parametrize("facility,ytd,cost,basic", [
    ("基层医疗机构", "0", "1500", "650.00"),  # (1500−200)×50%
    ("二级", "0", "1500", "520.00"),  # (1500−200)×40%
    ("三级", "0", "1500", "520.00"),  # 二级以上 column
    ("基层医疗机构", "0", "200", "0.00"),  # at the 200 threshold: nothing
    ("基层医疗机构", "0", "200.01", "0.01"),  # 0.01×50% = 0.005 → 0.01 (half-up)
    ("基层医疗机构", "1500", "4500", "0.00"),  # 1500..6000: no ratio in the table
    ("基层医疗机构", "1500", "4600", "40.00"),  # 6000..6100 × 40%
    ("二级", "1400", "200", "40.00"),  # 1400..1500 ×40% = 40, 1500..1600 nothing
    ("基层医疗机构", "99000", "2000", "400.00"),  # 99000..100000 × 40%, above 10万 nothing
    ("二级", "100000", "500", "0.00"),  # above 10万
])
def test_general_outpatient_bands(facility, ytd, cost, basic):
    assert visit("普通门诊", facility, cost, ytd={"compliant_cost": ytd})[1] == basic


def test_general_outpatient_refuses_facilities_the_table_lacks():
    for facility in ("一级", "定点零售药店"):
        r = refused("outpatient", scheme="resident", category="老年居民", benefit="普通门诊", facility=facility,
                    compliant_cost="1000")
        assert (r.code, r.field) == ("not_applicable", "facility") and facility in r.message


# ============================================================ §三(二)2 门诊慢性病

@pytest.mark.parametrize("facility,diseases,cost,basic", [
    ("基层医疗机构", ["高血压"], "1000", "400.00"),  # one disease: limit 800 × 50%
    ("二级", ["糖尿病"], "1000", "320.00"),  # 800 × 40% (其他定点医疗机构)
    ("一级", ["恶性肿瘤"], "500", "200.00"),  # under the limit: 500 × 40%
    ("基层医疗机构", ["高血压", "糖尿病"], "1500", "600.00"),  # two or more: 1200 × 50%
    ("三级", ["帕金森氏综合症", "克罗恩病", "干燥综合征"], "1500", "480.00"),  # 1200 × 40%
    ("基层医疗机构", ["高血压"], "799.99", "400.00"),  # 799.99 × 50% = 399.995 → 400.00
])
def test_chronic_table(facility, diseases, cost, basic):
    assert visit("门诊慢性病", facility, cost, diseases=diseases)[1] == basic


def test_chronic_limit_is_yearly():
    # 800 already counted this year: nothing more; 700 counted: 100 × 50% = 50
    assert visit("门诊慢性病", "基层医疗机构", "300", diseases=["高血压"], ytd={"compliant_cost": "800"})[1] == "0.00"
    assert visit("门诊慢性病", "基层医疗机构", "300", diseases=["高血压"], ytd={"compliant_cost": "700"})[1] == "50.00"


CHRONIC = ["高血压", "糖尿病", "脑卒中合并器官功能障碍", "冠状动脉粥样硬化性心脏病", "风湿性心脏病", "肺源性心脏病",
           "类风湿性关节炎", "干燥综合征", "克罗恩病", "慢性肝炎(中、重度)", "慢性肾炎(中、重度)", "帕金森氏综合症", "恶性肿瘤"]


@pytest.mark.parametrize("disease", CHRONIC)
def test_every_chronic_disease_is_accepted(disease):
    # 三级 (其他定点医疗机构) 40% on 100
    assert visit("门诊慢性病", "三级", "100", diseases=[disease])[1] == "40.00"


def test_chronic_disease_list_has_thirteen_and_refuses_others():
    r = refused("outpatient", scheme="resident", category="老年居民", benefit="门诊慢性病", facility="二级",
                compliant_cost="100", diseases=["哮喘"])
    assert (r.code, r.field) == ("unknown_disease", "diseases") and "哮喘" in r.message
    for name in CHRONIC:  # §三(二)2.1: the 13 diseases are offered
        assert name in r.message


# ============================================================ §三(二)3 门诊特殊病 (garbled 3.3 table)

@pytest.mark.parametrize("category,facility,basic", [
    ("老年居民", "一级", "9000.00"), ("老年居民", "二级", "8000.00"), ("非从业居民", "三级", "7000.00"),
    ("未成年居民", "一级", "9500.00"), ("未成年居民", "二级", "9000.00"), ("大学生", "三级", "8500.00"),
])
def test_special_ratios_follow_the_inpatient_table(category, facility, basic):
    # 3.3 rows 14/20: adult 90/80/70, 未成年居民/高校大学生 95/90/85; no deductible: 10000 × ratio
    assert visit("门诊特殊病", facility, "10000", category=category, diseases=["放疗"])[:2] == ("0.00", basic)


@pytest.mark.parametrize("disease,limit", [
    ("血友病", 60000),  # row 16: 6万元/年
    ("再生障碍性贫血", 15000),  # row 20: 1.5万元/年
    ("系统性红斑狼疮", 25000),  # row 18's 2.5万元/年 (SLE's hospitals; see the pack note)
    ("肺结核", 15000),  # row 20's 常州三院… 1.5万元/年
    ("儿童I型糖尿病", 10000),  # row 22: 1万元/年
    ("儿童孤独症", 10000),  # row 24: 1万元/年
    ("儿童生长激素缺乏症", 20000),  # row 26: 2万元/年
])
def test_special_disease_limits_both_sides(disease, limit):
    # 二级 adult 80%: 1000 below the limit counts whole, 1000 across it counts only the part below
    below = visit("门诊特殊病", "二级", "1000", diseases=[disease], ytd={"compliant_cost": str(limit - 1000)})
    assert below[1] == "800.00"  # 1000 × 80%
    across = visit("门诊特殊病", "二级", "1000", diseases=[disease], ytd={"compliant_cost": str(limit - 500)})
    assert across[1] == "400.00"  # 500 × 80%
    assert visit("门诊特殊病", "二级", "1000", diseases=[disease], ytd={"compliant_cost": str(limit)})[1] == "0.00"


@pytest.mark.parametrize("disease", ["恶性肿瘤", "放疗", "慢性肾功能衰竭", "血液透析", "非透析治疗", "严重精神障碍",
                                     "其他严重精神障碍类疾病"])
def test_special_diseases_without_limit(disease):
    # no 指导限额 (“——”): 三级 young 85% on the whole 80000 = 68000; burden 12000 < 2万: no CI
    assert visit("门诊特殊病", "三级", "80000", category="未成年居民", diseases=[disease])[1:3] == ("68000.00", "0.00")


def test_transplant_limit_is_a_hall_setting():
    # the 器官移植 limit was lost in extraction: refused until the hall enters it
    r = refused("outpatient", scheme="resident", category="老年居民", benefit="门诊特殊病", facility="三级",
                compliant_cost="10000", diseases=["器官移植术后抗排斥治疗"])
    assert (r.code, r.field) == ("missing_setting", TRANSPLANT) and "器官移植术后抗排斥治疗" in r.message
    # with 100000 entered: 10000 × 70% = 7000; 95000 used → 5000 × 70% = 3500
    s = {TRANSPLANT: Decimal(100000)}
    assert visit("门诊特殊病", "三级", "10000", diseases=["器官移植术后抗排斥治疗"], settings=s)[1] == "7000.00"
    got = visit("门诊特殊病", "三级", "10000", diseases=["器官移植术后抗排异治疗"], settings=s,
                ytd={"compliant_cost": "95000"})
    assert got[1] == "3500.00"


def test_special_shares_the_350000_cap_and_feeds_ci():
    # 349000 of 35万 used: 1000 left of 10000×70% = 7000; burden 9000 at CI axis 0: below 2万
    got = visit("门诊特殊病", "三级", "10000", diseases=["恶性肿瘤"], ytd={"basic": "349000", "personal_burden": "0"})
    assert got == ("0.00", "1000.00", "0.00", "0.00", "9000.00")
    # 门诊特定病 is in 大病保险: 100000 at 三级 adult: basic 70000, burden 30000 → (30000−20000)×60% = 6000
    assert visit("门诊特殊病", "三级", "100000", diseases=["恶性肿瘤"])[1:3] == ("70000.00", "6000.00")


def test_special_refusals():
    base = dict(scheme="resident", category="老年居民", benefit="门诊特殊病", compliant_cost="1000")
    r = refused("outpatient", facility="定点零售药店", diseases=["肺结核"], **base)
    assert (r.code, r.field) == ("not_applicable", "facility") and "定点零售药店" in r.message
    r = refused("outpatient", facility="二级", diseases=["进行性肌营养不良"], **base)  # added only in 2026
    assert (r.code, r.field) == ("unknown_disease", "diseases") and "进行性肌营养不良" in r.message
    r = refused("outpatient", facility="二级", **base)
    assert (r.code, r.field) == ("missing_field", "diseases") and "病种" in r.message


# ============================================================ §三(二)4 双通道 (60% / 罕见病 80%)

@pytest.mark.parametrize("drug,facility,basic", [
    ("双通道管理及单独支付药品、特定病药品", "国谈药定点医院", "6000.00"),  # 10000 × 60%
    ("特定病药品", "国谈药定点药店", "6000.00"),
    ("单独支付药品", "三级", "6000.00"),  # not by hospital level
    ("罕见病药品", "一级", "8000.00"),  # 10000 × 80%
    ("诺西那生钠注射液", "国谈药定点医院", "8000.00"),
    ("利司扑兰口服溶液用散", "定点零售药店", "8000.00"),
    ("阿加糖酶α注射用浓溶液", "国谈药定点医院", "8000.00"),
])
def test_dual_channel(drug, facility, basic):
    assert visit("双通道", facility, "10000", diseases=[drug])[:2] == ("0.00", basic)


@pytest.mark.parametrize("offsite,ordinary,rare", [
    ("异地长期居住人员", "6000.00", "8000.00"),  # same as home
    ("异地急诊", "6000.00", "8000.00"),
    ("临时外出就医人员", "5500.00", "7500.00"),  # 市外转院(诊): −5 → 55% / 75%
    ("其他临时外出人员", "4000.00", "6000.00"),  # 未经审批: −20 → 40% / 60%
])
def test_dual_channel_offsite(offsite, ordinary, rare):
    assert visit("双通道", "国谈药定点医院", "10000", diseases=["特定病药品"], offsite=offsite)[1] == ordinary
    assert visit("双通道", "国谈药定点医院", "10000", diseases=["罕见病药品"], offsite=offsite)[1] == rare


def test_dual_channel_is_outside_the_350000_cap_and_has_ci_and_ma():
    # the 35万 note names only 住院 and 门诊特殊病: 349000 used still pays 10000 × 60% = 6000
    assert visit("双通道", "国谈药定点医院", "10000", diseases=["特定病药品"], ytd={"basic": "349000"})[1] == "6000.00"
    # 100000: basic 60000, burden 40000 → CI (40000−20000)×60% = 12000
    assert visit("双通道", "国谈药定点医院", "100000", diseases=["特定病药品"])[1:3] == ("60000.00", "12000.00")
    # MA names 双通道: 特困 10000 → basic 6000, CI assisted 4000×60% = 2400, MA 100% of 1600
    got = visit("双通道", "国谈药定点医院", "10000", diseases=["特定病药品"], assistance="特困供养人员")
    assert got == ("0.00", "6000.00", "2400.00", "1600.00", "0.00")


# ============================================================ §三(二)5.4 苯丙酮尿症 (未成年居民, 75%)

@pytest.mark.parametrize("band,cost,basic", [
    ("苯丙酮尿症（0-6岁）", "10000", "7500.00"),  # 10000 × 75%
    ("苯丙酮尿症（0-6岁）", "20000", "15000.00"),  # exactly the 1.5万 limit
    ("苯丙酮尿症（0-6岁）", "20000.04", "15000.00"),  # 15000.03 → capped at 15000
    ("苯丙酮尿症（0-6岁）", "19999.99", "14999.99"),  # 14999.9925 → 14999.99
    ("苯丙酮尿症(7-13岁)", "26000", "19500.00"),  # under 2万: 26000 × 75%
    ("苯丙酮尿症（7-13岁）", "30000", "20000.00"),  # 22500 → the 2万 limit
    ("苯丙酮尿症（14-18岁）", "30000", "22500.00"),  # under 2.5万
    ("苯丙酮尿症（14-18岁）", "40000", "25000.00"),  # 30000 → the 2.5万 limit
])
def test_pku(band, cost, basic):
    got = visit("苯丙酮尿症", "常州市妇幼保健院", cost, category="未成年居民", diseases=[band])
    assert got[:3] == ("0.00", basic, "0.00")


def test_pku_limit_is_on_the_fund_yearly():
    # 14000 already paid this year (0-6): 10000 × 75% = 7500 → only 1000 left
    got = visit("苯丙酮尿症", "定点救治医院", "10000", category="未成年居民", diseases=["苯丙酮尿症（0-6岁）"],
                ytd={"basic": "14000"})
    assert got[1] == "1000.00"


def test_pku_has_no_ci_but_ma():
    # 75% with no 大病保险 on top: 100000 (14-18) → basic 25000, CI 0, personal 75000
    got = visit("苯丙酮尿症", "常州市妇幼保健院", "100000", category="未成年居民", diseases=["苯丙酮尿症（14-18岁）"])
    assert got == ("0.00", "25000.00", "0.00", "0.00", "75000.00")
    # 低保 minor 10000 (0-6): basic 7500, burden 2500 → MA 80% = 2000
    got = visit("苯丙酮尿症", "常州市妇幼保健院", "10000", category="未成年居民", diseases=["苯丙酮尿症（0-6岁）"],
                assistance="低保")
    assert got == ("0.00", "7500.00", "0.00", "2000.00", "500.00")


@pytest.mark.parametrize("category", ["老年居民", "非从业居民", "大学生"])
def test_pku_is_for_minors_only(category):
    r = refused("outpatient", scheme="resident", category=category, benefit="苯丙酮尿症", facility="常州市妇幼保健院",
                compliant_cost="1000", diseases=["苯丙酮尿症（14-18岁）"])
    assert (r.code, r.field) == ("not_applicable", "category") and "未成年居民" in r.message


def test_pku_refusals():
    base = dict(scheme="resident", category="未成年居民", benefit="苯丙酮尿症", compliant_cost="1000")
    r = refused("outpatient", facility="二级", diseases=["苯丙酮尿症（0-6岁）"], **base)
    assert (r.code, r.field) == ("not_applicable", "facility") and "二级" in r.message
    r = refused("outpatient", facility="常州市妇幼保健院", diseases=["苯丙酮尿症（0-6岁）"], offsite="异地长期居住人员",
                **base)
    assert (r.code, r.field) == ("not_applicable", "offsite") and "异地长期居住人员" in r.message


# ============================================================ §六(三)2 异地就医 (2024 reductions)

@pytest.mark.parametrize("offsite,basic", [
    ("异地长期居住人员", "7520.00"),  # same as home: 9400 × 80%
    ("常驻异地工作人员", "7520.00"),
    ("异地急诊", "7520.00"),  # 2024: emergency same as home
    ("临时外出就医人员", "7050.00"),  # referred: 9400 × 75%
    ("异地转诊人员", "7050.00"),
    ("其他临时外出人员", "5640.00"),  # not referred: 9400 × 60%
])
def test_offsite_inpatient(offsite, basic):
    assert stay("老年居民", 2, "10000", offsite=offsite)[1] == basic


@pytest.mark.parametrize("offsite,general,chronic,special", [
    ("异地长期居住人员", "650.00", "400.00", "7000.00"),  # 1300×50%, 800×50%, 10000×70%
    ("异地急诊", "650.00", "400.00", "7000.00"),
    ("临时外出就医人员", "585.00", "360.00", "6500.00"),  # 1300×45%, 800×45%, 10000×65%
])
def test_offsite_outpatient(offsite, general, chronic, special):
    assert visit("普通门诊", "基层医疗机构", "1500", offsite=offsite)[1] == general
    assert visit("门诊慢性病", "基层医疗机构", "1000", diseases=["高血压"], offsite=offsite)[1] == chronic
    assert visit("门诊特殊病", "三级", "10000", diseases=["肺结核"], offsite=offsite)[1] == special


def test_unreferred_pays_only_inpatient_special_and_dual_channel():
    # 限住院、门诊特殊病、双通道: 门诊特殊病 三级 10000 × (70−20)% = 5000
    assert visit("门诊特殊病", "三级", "10000", diseases=["肺结核"], offsite="其他临时外出人员")[1] == "5000.00"
    for benefit, extra in (("普通门诊", {}), ("门诊慢性病", {"diseases": ["高血压"]})):
        r = refused("outpatient", scheme="resident", category="老年居民", benefit=benefit, facility="基层医疗机构",
                    compliant_cost="1000", offsite="其他临时外出就医人员", **extra)
        assert (r.code, r.field) == ("not_applicable", "offsite") and "其他临时外出人员" in r.message


def test_unknown_offsite_type():
    r = refused("inpatient", scheme="resident", category="老年居民", hospital_level=2, compliant_cost="1000",
                offsite="出国就医")
    assert (r.code, r.field) == ("unknown_offsite_type", "offsite") and "出国就医" in r.message


# ============================================================ materials (§二, §三(二), §六)

def checklist(item: str, **extra) -> tuple[list[str], list[str]]:
    a = ask("materials", item=item, **extra)
    return [m["name"] for m in a["materials"]], a["where"]


def test_enrollment_materials_window_and_online():
    names, where = checklist("参保登记", channel="窗口")
    assert names == ["本人身份证件", "户口簿或有效居住凭证", "学生证或在校证明"]
    assert "本人户籍所在地、常住地街道(镇)便民服务中心" in where
    names, where = checklist("参保登记", channel="线上")
    assert names == ["本人身份证件", "户口簿或有效居住凭证", "学生证或在校证明"]
    assert "“江苏医保云”APP" in where and len(where) == 4
    a = ask("materials", item="续保")
    assert a["item"] == "参保登记" and a["hotline"] == "0519-87186108"


def test_student_certification_and_suspension():
    names, where = checklist("在校生身份认证")
    assert names == ["《在校生证明》"] and where == ["学籍所在街道(镇)便民服务中心"]
    assert "集中参保缴费期" in ask("materials", item="在校生身份认证")["time_limit"]
    # §二(二)4 names only the place
    assert checklist("停保退保") == ([], ["原办理参保手续的街道(镇)居民医保经办窗口"])


def test_offsite_filing_by_person_type():
    # 000 §六(二) "本人医保电子凭证、有效身份证件或江苏省社保卡;居住证明或个人承诺书": one of each group,
    # 任选其一 in the note as the spec has it (issue 15.9), not inside the names
    a = ask("materials", item="异地就医备案", person_type="异地长期居住人员", channel="窗口")
    assert [(m["name"], m["note"]) for m in a["materials"]] == [
        ("本人医保电子凭证", "“身份凭证”任选其一"), ("有效身份证件", "“身份凭证”任选其一"),
        ("江苏省社保卡", "“身份凭证”任选其一"), ("居住证明", "“居住证明”任选其一"), ("个人承诺书", "“居住证明”任选其一")]
    _, where = checklist("异地就医备案", person_type="异地长期居住人员", channel="线上")
    assert "“国家异地就医备案”小程序" in where
    assert checklist("异地就医备案", person_type="其他临时外出人员")[0] == ["本人医保电子凭证", "有效身份证件", "社保卡"]
    for referred in ("临时外出就医人员", "异地转诊就医人员"):
        assert checklist("异地就医备案", person_type=referred) == ([], ["具有转诊资质的医疗机构"])
    r = refused("materials", item="异地就医备案")
    assert (r.code, r.field) == ("missing_field", "person_type") and "异地长期居住人员" in r.message
    r = refused("materials", item="异地就医备案", person_type="出国人员")
    assert (r.code, r.field) == ("unknown_person_type", "person_type") and "出国人员" in r.message


@pytest.mark.parametrize("case", ["办理异地就医的三类人员在异地未联网刷卡", "未按规定办理转诊手续直接到市外就医",
                                  "办理市外转院转诊手续人员在异地未联网刷卡"])
def test_manual_claim_cases_share_seven_items(case):
    names, where = checklist("零星报销", person_type=case)
    assert names == ["医保电子凭证或有效身份证件或社保卡", "医疗收费票据", "费用明细清单", "处方病历资料或诊断证明或出院小结",
                     "本人银行借记卡", "代办人身份证", "其它证明材料"]
    assert where == ["参保地医保经办机构或委托机构"]


@pytest.mark.parametrize("item,names,where", [
    ("门诊慢性病", ["省社保卡（或有效身份证、医保电子凭证）", "定点医疗机构开具的有效诊断材料",
                "三级医疗机构明确诊断的病史资料和相关检查化验报告"], "本人户籍、学籍或居住证所在地基层卫生服务机构的家庭医生处"),
    ("门诊特殊病", ["病史资料", "社保卡"], "指定的二级以上定点医疗机构责任医生处"),
    ("双通道", ["省社保卡（或有效身份证、医保电子凭证）", "相关病历材料"], "国谈药定点医院的责任医师处"),
    ("特殊人员用血", ["病历", "身份证复印件"], "确认医师所在医院"),
    ("苯丙酮尿症", ["省社保卡"], "常州市妇幼保健院"),
    ("新生儿追溯报销", ["省社保卡", "费用票据", "其他相关资料"], "本地生育医院"),
])
def test_benefit_applications(item, names, where):
    got_names, got_where = checklist(item)
    assert got_names == names and where in got_where


def test_blood_copy_is_marked():
    a = ask("materials", item="特殊人员用血")
    assert a["materials"][1]["note"] == "复印件"


@pytest.mark.parametrize("item,extra,name", [
    # 000 §二(一): “1. 本人身份证件;2. 户口簿或有效居住凭证;3. 学生证或在校证明” — no 原件/复印件
    ("参保登记", {"channel": "窗口"}, "本人身份证件"),
    ("参保登记", {"channel": "窗口"}, "户口簿或有效居住凭证"),
    ("参保登记", {"channel": "窗口"}, "学生证或在校证明"),
    # 000 §二(二)3: “需携带《在校生证明》” — no 原件
    ("在校生身份认证", {}, "《在校生证明》"),
    # 000 §六(四) 零星报销: “2. 医疗收费票据” — no 原件
    ("零星报销", {"person_type": "办理异地就医的三类人员在异地未联网刷卡"}, "医疗收费票据"),
    # 000 §三(二)5.2: “再持省社保卡、费用票据等相关资料” — no 原件
    ("新生儿追溯报销", {}, "费用票据"),
])
def test_no_original_or_copy_where_the_source_says_neither(item, extra, name):
    # The checklist's 要求 column must not print “原件” the source does not ask for; only the
    # blood item (§三(二)5.3 “身份证复印件”) carries 原件/复印件 in this pack.
    note = {m["name"]: m["note"] for m in ask("materials", item=item, **extra)["materials"]}[name]
    assert note is None or ("原件" not in note and "复印件" not in note)


def test_unknown_item():
    r = refused("materials", item="医保卡挂失")
    assert (r.code, r.field) == ("unknown_item", "item") and "医保卡挂失" in r.message


# ============================================================ the pack itself: offices, channels, notes

def test_offices_channels_and_reading_notes():
    from desktop.policy.loader import bundled

    pack = bundled().find("金坛区", 2024, "resident")
    assert pack.pack.id == "changzhou-resident-2024" and pack.pack.regions == REGIONS
    assert len(pack.offices.items) == 18 and pack.offices.items[0].phone == "0519-87186108"
    assert "溧阳" in pack.offices.note
    assert [c.name for c in pack.payment_channels.items] == ["签约银行卡缴费", "掌上缴费", "窗口缴费", "学校统一缴费"]
    assert pack.critical_illness.cap is None and pack.critical_illness.assisted.cap is None
    assert "罕见病" in pack.medical_assistance.note and pack.medical_assistance.top_up is None
    assert pack.enrollment.special_groups == EXEMPT
    assert "4万" in pack.critical_illness.note


def test_whether_a_material_is_required_is_data_not_read_from_the_note():
    # issue 15.12: "高血压、糖尿病以外的门诊慢性病提供" is conditional (000 §三(二)2.2) though no regular
    # expression over notes catches it; the pack says so and the answer carries it
    from desktop.services.calc import missing_materials

    a = ask("materials", item="门诊慢性病")
    required = {m["name"]: m["required"] for m in a["materials"]}
    assert required["三级医疗机构明确诊断的病史资料和相关检查化验报告"] is False
    assert required["定点医疗机构开具的有效诊断材料"] is True
    have = ["省社保卡（或有效身份证、医保电子凭证）", "定点医疗机构开具的有效诊断材料"]
    assert missing_materials(a["materials"], have) == []
