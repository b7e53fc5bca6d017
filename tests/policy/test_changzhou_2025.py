"""常州 2025 resident pack against every figure of 003_cc822a5554eeeeca.txt, through `answer`;
and the year changes 2024 → 2025 → 2026 across the three 常州 resident packs.

003 is an enrollment notice: fees (§三 totals, §变化二 medical parts), window (§二), benefit period and
late enrollment (§七2), payment and query channels (§五, §六), the 普通门诊/门诊慢性病 tables (§(二)),
大病保险 (§(四)) and 医疗救助 (§(五)). It has no inpatient, special-disease or off-site table: those
estimates are refused by 003 alone: the pack adopts 2024's (see test_pack_inherits.py), and a hall
that switches 沿用 off gets the refusals tested here (BARE). Shorthand in the comments: CI = 大病保险, MA = 医疗救助, burden = compliant cost
minus the basic fund. The estimate helper returns (deductible, basic, critical_illness, medical_assistance,
personal).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from desktop.errors import Refusal
from desktop.policy import layers as layer_calc
from desktop.policy.api import answer, category_rules
from desktop.policy.layers import YearToDate
from desktop.policy.loader import bundled
from desktop.policy.trace import Trace

DOC = "003_cc822a5554eeeeca.txt"
DOC_2024 = "000_62dcf2fad95857e3.txt"  # the eleven assistance groups are cited from 2024 (see the pack note)
REGIONS = ["天宁区", "钟楼区", "新北区", "武进区", "常州经开区", "溧阳市", "金坛区"]
CITY = ["武进区", "新北区", "天宁区", "钟楼区", "常州经开区"]  # §三's 市区 list for 非从业居民
WAIT = "late_waiting_months_2025"


BARE = bundled().without_adoption()  # the hall's setting 沿用 off: 003 alone


def ask(calc: str, settings: dict | None = None, packs=None, **fields) -> dict:
    request = {"calc": calc, "region": "武进区", "year": 2025, **fields}
    a = answer(request, packs, settings=settings)
    for step in a["trace"]:
        assert step["source"].startswith((DOC + " §", DOC_2024 + " §")), step
    return a


def refused(calc: str, settings: dict | None = None, packs=None, **fields) -> Refusal:
    with pytest.raises(Refusal) as info:
        ask(calc, settings, packs, **fields)
    return info.value


def visit(benefit: str, facility: str, cost: str, category: str = "老年居民", **extra) -> tuple:
    a = ask("outpatient", scheme="resident", category=category, benefit=benefit, facility=facility,
            compliant_cost=cost, **extra)
    total = sum(Decimal(a[k]) for k in ("basic", "critical_illness", "medical_assistance", "personal"))
    assert total == Decimal(a["compliant_cost"])
    return a["deductible"], a["basic"], a["critical_illness"], a["medical_assistance"], a["personal"]


# ============================================================ §三 个人缴费标准 + §变化二 (medical part, LTC 30)

FEES = {
    # category: {region: (medical from §变化二, ltc)}; §三's total = medical + 30
    "老年居民": {r: ("700", "30") for r in REGIONS},  # 700 + 30 = 730
    "非从业居民": {**{r: ("850", "30") for r in CITY}, "溧阳市": ("700", "30"), "金坛区": ("700", "30")},  # 880 / 730
    "高校大学生": {r: ("230", "30") for r in REGIONS},  # 230 + 30 = 260
    "未成年居民": {r: ("360", "30") for r in REGIONS},  # 360 + 30 = 390 (LTC still paid in 2025)
}
TOTALS = {"老年居民": "730", "高校大学生": "260", "未成年居民": "390"}


@pytest.mark.parametrize("category,region", [(c, r) for c in FEES for r in REGIONS])
def test_fee_of_every_category_in_every_region(category, region):
    medical, ltc = FEES[category][region]
    a = ask("contribution", region=region, category=category)
    total = Decimal(medical) + Decimal(ltc)
    assert (a["standard"], a["ltc"], a["assisted"], a["personal"]) == (f"{total}.00", "30.00", "0.00", f"{total}.00")
    assert a["trace"][0]["amount"] == f"{medical}.00"
    printed = TOTALS.get(category) or ("880" if region in CITY else "730")  # §三 as printed
    assert a["standard"] == f"{printed}.00"


def test_fee_cites_both_sections():
    a = ask("contribution", category="非从业居民")
    assert "§三" in a["trace"][0]["source"] and "§变化二" in a["trace"][0]["source"]


def test_university_student_label_and_alias():
    # 2025 calls it 高校大学生; 大学生 (the 2024/2026 label) is accepted too
    for label in ("高校大学生", "大学生"):
        a = ask("contribution", category=label)
        assert (a["category"], a["standard"]) == ("高校大学生", "260.00")
    assert category_rules("武进区", 2025)["categories"] == ["老年居民", "非从业居民", "高校大学生", "未成年居民"]
    assert category_rules("武进区", 2025)["minor_below_age"] == 18  # §一: 18周岁以下


ASSISTED = [
    "符合免缴条件的困难群众", "困难群众",  # §三's own words
    # the eleven groups of 000 §一(三) / 002 §一(三), read as 2025's 免缴 list (pack note)
    "最低生活保障家庭成员", "特困供养人员", "临时救助对象中的重特大疾病患者",
    "享受民政部门定期定量生活补助费的20世纪60年代精减退职职工", "重点优抚对象", "困境儿童", "特困职工家庭成员",
    "无固定收入重残人员", "低保边缘家庭成员", "支出型困难家庭中的重特大疾病患者", "市政府规定的其他特殊人员",
    "孤儿", "事实无人抚养儿童",  # §(五)'s 100 % row
]


@pytest.mark.parametrize("group", ASSISTED)
def test_exempt_groups_pay_nothing(group):
    # §三: 个人缴费部分由政府全额承担 — 880 (武进区 非从业居民, incl. LTC) taken over
    a = ask("contribution", category="非从业居民", assistance=group)
    assert (a["standard"], a["assisted"], a["personal"]) == ("880.00", "880.00", "0.00")


def test_contribution_refusals():
    r = refused("contribution", category="在校学生")  # not a 2025 label
    assert (r.code, r.field) == ("unknown_category", "category") and "在校学生" in r.message
    r = refused("contribution", category="老年居民", assistance="残疾人")
    assert (r.code, r.field) == ("unknown_assistance", "assistance") and "残疾人" in r.message


# ============================================================ §二 window, §七2 period and waiting

def start(paid_on: str, settings=None, **facts) -> tuple:
    a = ask("benefit_start", settings, paid_on=paid_on, **facts)
    assert a["benefit_end"] == "2025-12-31"
    return a["benefit_start"], a["waiting_months"], a["retroactive"]


@pytest.mark.parametrize("paid_on", ["2024-10-01", "2024-11-15", "2024-12-31"])
def test_window_payment_covers_2025(paid_on):
    # §二 2024-10-01—2024-12-31; §七2 待遇享受期 2025-01-01—2025-12-31 (no setting needed)
    assert start(paid_on) == ("2025-01-01", 0, False)


def test_before_the_window_is_refused():
    r = refused("benefit_start", paid_on="2024-09-30")
    assert (r.code, r.field) == ("invalid_date", "paid_on") and "缴费日期" in r.message


def test_late_payment_needs_the_hall_setting():
    # §七2 “需执行规定的待遇等待期” without a figure → refused naming the setting
    r = refused("benefit_start", paid_on="2025-01-01")
    assert (r.code, r.field) == ("missing_setting", WAIT) and "2025年度非集中参保期待遇等待期（月）" in r.message
    # a birth date alone does not make a newborn in 2025 (only the ticked group does)
    r = refused("benefit_start", paid_on="2025-03-15", birth_date="2025-02-01")
    assert (r.code, r.field) == ("missing_setting", WAIT)


@pytest.mark.parametrize("months,paid_on,expected", [
    (2, "2025-01-01", "2025-03-01"),  # Jan, Feb
    (2, "2025-03-15", "2025-05-01"),  # Mar, Apr (counted from the payment month, as 2024/2026)
    (3, "2025-03-15", "2025-06-01"),  # Mar, Apr, May
    (2, "2025-10-31", "2025-12-01"),  # the last month still reached
    (0, "2025-03-15", "2025-03-15"),  # no waiting: from the payment date
])
def test_late_payment_with_the_setting(months, paid_on, expected):
    assert start(paid_on, {WAIT: Decimal(months)}) == (expected, months, False)


def test_late_payment_beyond_the_year_is_refused():
    r = refused("benefit_start", {WAIT: Decimal(2)}, paid_on="2025-11-01")  # Nov, Dec → 2026
    assert (r.code, r.field) == ("not_applicable", "paid_on")


def test_newborn_has_no_waiting_and_no_retroactivity():
    # §变化三: 除新生儿等特殊群体外 → no waiting; 003 has no retroactive rule → from the payment date
    assert start("2025-04-10", special_group="新生儿", birth_date="2025-03-01") == ("2025-04-10", 0, False)
    # paid in the window: 1 January like everyone
    assert start("2024-12-20", special_group="新生儿", birth_date="2024-12-01") == ("2025-01-01", 0, False)
    r = refused("benefit_start", paid_on="2025-04-10", special_group="新生儿")
    assert (r.code, r.field) == ("missing_field", "birth_date")


def test_2024_exempt_groups_are_not_2025_labels():
    r = refused("benefit_start", paid_on="2025-04-10", special_group="退役军人")
    assert (r.code, r.field) == ("unknown_special_group", "special_group") and "退役军人" in r.message


# ============================================================ what 003 does not give: refused without 沿用

def test_no_inpatient_table():
    r = refused("inpatient", scheme="resident", category="老年居民", hospital_level=2, compliant_cost="10000", packs=BARE)
    assert (r.code, r.field) == ("not_applicable", "year") and "住院" in r.message


@pytest.mark.parametrize("benefit,diseases", [
    ("门诊特殊病", ["恶性肿瘤"]), ("双通道", ["罕见病药品"]), ("苯丙酮尿症", ["苯丙酮尿症（0-6岁）"]),
])
def test_named_but_unpriced_benefits_are_refused(benefit, diseases):
    # §(三) only names these benefits and refers to the hotline
    r = refused("outpatient", scheme="resident", category="未成年居民", benefit=benefit, facility="三级",
                compliant_cost="1000", diseases=diseases, packs=BARE)
    assert (r.code, r.field) == ("not_applicable", "benefit") and benefit in r.message


def test_no_offsite_ratios():
    r = refused("outpatient", scheme="resident", category="老年居民", benefit="普通门诊", facility="基层医疗机构",
                compliant_cost="1000", offsite="异地长期居住人员", packs=BARE)
    assert (r.code, r.field) == ("not_applicable", "offsite") and "异地就医" in r.message


# ============================================================ §(二)1 普通门诊统筹

@pytest.mark.parametrize("facility,ytd,cost,basic", [
    ("基层医疗机构", "0", "1500", "650.00"),  # (1500−200)×50%
    ("二级", "0", "1500", "520.00"),  # (1500−200)×40%
    ("三级", "0", "1500", "520.00"),
    ("基层医疗机构", "0", "200", "0.00"),  # the 200 threshold
    ("二级", "0", "200.02", "0.01"),  # 0.02×40% = 0.008 → 0.01
    ("基层医疗机构", "1500", "4500", "0.00"),  # 1500..6000: no ratio
    ("二级", "5900", "200", "40.00"),  # 5900..6000 nothing, 6000..6100 ×40%
    ("基层医疗机构", "99500", "1000", "200.00"),  # 99500..100000 ×40%, above 10万 nothing
])
def test_general_outpatient(facility, ytd, cost, basic):
    assert visit("普通门诊", facility, cost, ytd={"compliant_cost": ytd})[1] == basic


def test_general_outpatient_refuses_unlisted_facilities():
    r = refused("outpatient", scheme="resident", category="老年居民", benefit="普通门诊", facility="一级",
                compliant_cost="1000")
    assert (r.code, r.field) == ("not_applicable", "facility") and "一级" in r.message


# ============================================================ §(二)2 门诊慢性病

CHRONIC = ["高血压", "糖尿病", "脑卒中合并器官功能障碍", "冠状动脉粥样硬化性心脏病", "风湿性心脏病", "肺源性心脏病",
           "类风湿性关节炎", "干燥综合征", "克罗恩病", "慢性肝炎(中、重度)", "慢性肾炎(中、重度)", "帕金森氏综合征", "恶性肿瘤"]


@pytest.mark.parametrize("disease", CHRONIC)
def test_every_chronic_disease(disease):
    # one disease at a 社区 (基层) facility: 800 limit × 50% = 400
    assert visit("门诊慢性病", "基层医疗机构", "1000", diseases=[disease])[1] == "400.00"


@pytest.mark.parametrize("facility,diseases,cost,ytd,basic", [
    ("二级", ["高血压"], "1000", "0", "320.00"),  # 800 × 40% (其他定点医疗机构单位)
    ("基层医疗机构", ["高血压", "糖尿病"], "2000", "0", "600.00"),  # two or more: 1200 × 50%
    ("三级", ["高血压", "糖尿病"], "2000", "0", "480.00"),  # 1200 × 40%
    ("基层医疗机构", ["高血压"], "100", "700", "50.00"),  # 700..800 × 50%
    ("基层医疗机构", ["高血压"], "100", "800", "0.00"),  # limit used up
    ("基层医疗机构", ["高血压", "糖尿病"], "500", "800", "200.00"),  # 800..1200 of the two-disease limit: 400 × 50%
])
def test_chronic_limits(facility, diseases, cost, ytd, basic):
    assert visit("门诊慢性病", facility, cost, diseases=diseases, ytd={"compliant_cost": ytd})[1] == basic


def test_chronic_spelling_of_2025():
    r = refused("outpatient", scheme="resident", category="老年居民", benefit="门诊慢性病", facility="二级",
                compliant_cost="100", diseases=["帕金森氏综合症"])  # the 2024/2026 spelling
    assert (r.code, r.field) == ("unknown_disease", "diseases") and "帕金森氏综合征" in r.message


# ============================================================ §(五) 医疗救助 (via the outpatient estimates)

@pytest.mark.parametrize("group,ma,personal", [
    ("特困供养人员", "850.00", "0.00"),  # 100% of 1500 − 650
    ("孤儿", "850.00", "0.00"),
    ("事实无人抚养儿童", "850.00", "0.00"),
    ("最低生活保障家庭成员", "680.00", "170.00"),  # 其他救助对象 80% of 850
    ("符合免缴条件的困难群众", "680.00", "170.00"),  # unspecified: the 80% row (pack note)
])
def test_ma_general_outpatient(group, ma, personal):
    # 普通门诊 基层 1500: basic 650, burden 850, no CI on 普通门诊
    assert visit("普通门诊", "基层医疗机构", "1500", assistance=group) == ("200.00", "650.00", "0.00", ma, personal)


def test_ma_caps():
    # 普通门诊 1万: 9900 used → 100
    got = visit("普通门诊", "基层医疗机构", "1500", assistance="特困供养人员", ytd={"medical_assistance": "9900"})
    assert got[3] == "100.00"
    # 门诊慢性病 is in the 住院… row (20万): 高血压 基层 1000 → basic 400, burden 600; 199900 used → 100
    got = visit("门诊慢性病", "基层医疗机构", "1000", diseases=["高血压"], assistance="特困供养人员",
                ytd={"medical_assistance": "199900"})
    assert got == ("0.00", "400.00", "0.00", "100.00", "500.00")
    # 其他救助对象 80% of 600 = 480
    got = visit("门诊慢性病", "基层医疗机构", "1000", diseases=["高血压"], assistance="低保")
    assert got == ("0.00", "400.00", "0.00", "480.00", "120.00")


# ============================================================ §(四) 大病保险 (no estimate reaches it in 2025)

def ci(burden: str, before: str = "0", ci_before: str = "0", group: str | None = None) -> Decimal:
    pack = bundled().find("武进区", 2025, "resident")
    g = next((x for x in pack.assistance.groups if x.label == group), None)
    ytd = YearToDate(personal_burden=Decimal(before), critical_illness=Decimal(ci_before))
    return layer_calc.critical_illness(pack, Decimal(burden), ytd, g, {}, Trace())


@pytest.mark.parametrize("burden,before,expected", [
    ("20000", "0", "0.00"),  # up to the 2万 threshold: nothing
    ("20000.01", "0", "0.01"),  # 0.01 × 60% = 0.006 → 0.01
    ("30000", "0", "6000.00"),  # (30000−20000)×60%
    ("4000", "98000", "2600.00"),  # 98000..102000: 2000×60% + 2000×70% = 1200 + 1400
    ("4000", "100000", "2800.00"),  # above 10万: 4000×70%
])
def test_ci_ordinary(burden, before, expected):
    assert ci(burden, before) == Decimal(expected)


def test_ci_has_no_cap():
    # 最高限额 “无”: 100万 of CI already this year, 10000 more burden above 10万 → 7000
    assert ci("10000", before="2000000", ci_before="1000000") == Decimal("7000.00")


@pytest.mark.parametrize("burden,before,expected", [
    ("2480", "0", "1488.00"),  # 2万以内 60%
    ("2480", "19000", "1636.00"),  # 1000×60% + 1480×70%
    ("2480", "99000", "1884.00"),  # 1000×70% + 1480×80%
    ("10000", "100000", "8000.00"),  # 10万以上 80%
])
def test_ci_for_the_assisted(burden, before, expected):
    assert ci(burden, before, group="特困供养人员") == Decimal(expected)


# ============================================================ §四, §五, §六, §就医的便捷性: materials and channels

def checklist(item: str, **extra) -> tuple[list[str], list[str]]:
    a = ask("materials", item=item, **extra)
    assert a["hotline"] == "12393"
    return [m["name"] for m in a["materials"]], a["where"]


def test_enrollment_names_only_places():
    names, where = checklist("参保登记", channel="窗口")
    assert names == [] and "本人户籍所在地、学籍地或者常住地街道(镇)便民服务中心" in where
    names, where = checklist("参保登记", channel="线上")
    assert names == [] and len(where) == 4 and "“江苏医保云”App“我要保”" in where


def test_bank_deduction_signing():
    assert checklist("社保卡扣缴签约", person_type="参保人本人")[0] == ["参保人身份证", "省保卡"]
    names, where = checklist("委托扣款协议", person_type="未成年人")
    assert names == ["法定监护人身份证", "未成年人身份证或户口簿", "出生证等其他证明", "省保卡"]
    assert "江南银行" in where[0]
    r = refused("materials", item="社保卡扣缴签约")
    assert (r.code, r.field) == ("missing_field", "person_type") and "未成年人" in r.message


def test_payment_receipt_query():
    names, where = checklist("缴费凭证查询", channel="线上")
    assert names == [] and len(where) == 4 and any("电子税务局" in w for w in where)
    assert checklist("缴费查询", channel="窗口") == (["身份证"], ["各合作银行网点"])
    # 003 §六5: “可持身份证前往各合作银行网点开具缴费凭证” — no 原件 (unlike §五(一)1 “身份证原件”)
    assert ask("materials", item="缴费查询", channel="窗口")["materials"][0]["note"] is None
    # §五(一)1 does say 原件: “参保人身份证原件…由法定监护人携带身份证原件”
    signing = ask("materials", item="社保卡扣缴签约", person_type="未成年人")["materials"]
    assert signing[0]["note"] == "原件"


def test_offsite_filing_home_town():
    names, where = checklist("异地就医备案", person_type="异地长期居住人员", channel="线上")
    assert names == ["居民身份证"] and where == ["“常州医保”微信小程序“我要办”—“异地就医”"]
    r = refused("materials", item="异地就医备案", person_type="异地长期居住人员", channel="窗口")
    assert (r.code, r.field) == ("unknown_channel", "channel")


def test_items_003_does_not_describe():
    r = refused("materials", item="零星报销", packs=BARE)
    assert (r.code, r.field) == ("unknown_item", "item") and "零星报销" in r.message


def test_pack_blocks():
    pack = BARE.find("溧阳市", 2025, "resident")
    assert (pack.inpatient, pack.offsite, pack.outpatient.special, pack.outpatient.dual_channel) == (None,) * 4
    assert pack.offices.hotline == "12393" and pack.offices.items == []
    assert [c.name for c in pack.payment_channels.items] == [
        "省社会保障卡扣缴", "线上缴费", "线下缴费", "职工医保个人账户代缴", "学校统一收取代缴"]
    assert "11月15日" in pack.payment_channels.note
    assert pack.enrollment.window.start.isoformat() == "2024-10-01"
    assert "国办发〔2024〕38号" in pack.enrollment.note and "大病保险最高支付限额" in pack.critical_illness.note
    assert pack.critical_illness.cap is None and pack.medical_assistance.top_up is None


# ============================================================ the year changes 2024 → 2025 → 2026

def fee(year: int, region: str, category: str) -> tuple[str, str]:
    a = answer({"calc": "contribution", "region": region, "year": year, "category": category})
    return a["standard"], a["ltc"]


@pytest.mark.parametrize("region,category,expected", [
    # 000 §一(三) / 003 §三 / 002 §一(三)
    ("天宁区", "非从业居民", ["930.00", "880.00", "830.00"]),  # medical 900 → 850 → 800
    ("常州经开区", "非从业居民", ["930.00", "880.00", "830.00"]),
    ("溧阳市", "非从业居民", ["730.00", "730.00", "730.00"]),  # 700 each year
    ("金坛区", "老年居民", ["730.00", "730.00", "730.00"]),
    ("钟楼区", "大学生", ["230.00", "260.00", "270.00"]),  # medical 200 → 230 → 240
    ("钟楼区", "高校大学生", ["230.00", "260.00", "270.00"]),
    ("新北区", "未成年居民", ["390.00", "390.00", "380.00"]),  # 360+30 → 360+30 → 380 (LTC 免缴)
])
def test_fee_changes_across_years(region, category, expected):
    assert [fee(y, region, category)[0] for y in (2024, 2025, 2026)] == expected


def test_minor_ltc_across_years():
    assert [fee(y, "新北区", "未成年居民")[1] for y in (2024, 2025, 2026)] == ["30.00", "30.00", "0.00"]


def test_late_enrollment_across_years():
    # paid 15 March: 2024 and 2026 wait 2 months (Mar, Apr → 1 May); 2025 waits what the hall sets
    def late(year: int, settings=None) -> str:
        a = answer({"calc": "benefit_start", "region": "武进区", "year": year, "paid_on": f"{year}-03-15"},
                   settings=settings)
        return a["benefit_start"]
    assert late(2024) == "2024-05-01" and late(2026) == "2026-05-01"
    assert late(2025, {WAIT: Decimal(2)}) == "2025-05-01"


def test_benefits_across_years():
    # the same 普通门诊 table in all three years: 基层 1500 → (1500−200)×50% = 650
    for year in (2024, 2025, 2026):
        a = answer({"calc": "outpatient", "region": "金坛区", "year": year, "category": "老年居民",
                    "benefit": "普通门诊", "facility": "基层医疗机构", "compliant_cost": "1500"})
        assert a["basic"] == "650.00"
    # inpatient L2 adult 10000 → 7520 in 2024 and 2026; 2025 has no table: 2024's adopted, or refused
    base = {"calc": "inpatient", "region": "金坛区", "category": "老年居民", "hospital_level": 2, "compliant_cost": "10000"}
    assert answer({**base, "year": 2024})["basic"] == answer({**base, "year": 2026})["basic"] == "7520.00"
    assert answer({**base, "year": 2025})["basic"] == "7520.00"
    with pytest.raises(Refusal):
        answer({**base, "year": 2025}, BARE)
    # 异地急诊: 2024 same as home (7520), 2026 −10 points: 9400 × 70% = 6580
    assert answer({**base, "year": 2024, "offsite": "异地急诊"})["basic"] == "7520.00"
    assert answer({**base, "year": 2026, "offsite": "异地急诊"})["basic"] == "6580.00"
