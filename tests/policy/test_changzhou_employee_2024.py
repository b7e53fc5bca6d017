"""常州市 职工医保 2024 pack (001_b9f6a75f2d1362da.txt), walked table by table through api.answer.

Every expectation carries its working by hand. "在职 L3" = 在职人员 at a 三级 hospital, etc.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from desktop.errors import Refusal
from desktop.policy import api
from desktop.policy.loader import PackSet, bundled_dir, read_pack

DOC = "001_b9f6a75f2d1362da.txt"
PACK_FILE = Path(__file__).resolve().parents[2] / "desktop" / "data" / "policies" / "changzhou-employee-2024.yaml"
PACK = read_pack(PACK_FILE)
PACKS = PackSet([PACK])
REGIONS = ["天宁区", "钟楼区", "新北区", "武进区", "常州经开区", "溧阳市", "金坛区"]
FLOOR = {"employee_base_floor": Decimal("4000")}  # a test value; the real one is the hall's entry


def ask(settings: dict | None = None, **req) -> dict:
    request = {"region": "天宁区", "year": 2024, "scheme": "employee", **req}
    return api.answer(request, PACKS, settings)


def refused(settings: dict | None = None, **req) -> Refusal:
    with pytest.raises(Refusal) as info:
        ask(settings, **req)
    return info.value


def stay(category: str, level: int, cost: str, admission: int = 1, **extra) -> dict:
    return ask(calc="inpatient", category=category, hospital_level=level, admission=admission,
               compliant_cost=cost, **extra)


def general(category: str, facility: str, cost: str, ytd: str = "0", **extra) -> dict:
    return ask(calc="outpatient", benefit="普通门诊", category=category, facility=facility,
               compliant_cost=cost, ytd_compliant_cost=ytd, **extra)


def chronic(category: str, facility: str, cost: str, diseases: list[str], **extra) -> dict:
    return ask(calc="outpatient", benefit="门诊慢性病", category=category, facility=facility,
               compliant_cost=cost, diseases=diseases, **extra)


def special(category: str, disease: str, cost: str, facility: str = "三级", **extra) -> dict:
    return ask(calc="outpatient", benefit="门诊特殊病", category=category, facility=facility,
               compliant_cost=cost, diseases=[disease], **extra)


def money(a: dict) -> tuple[str, str, str, str, str]:
    return a["deductible"], a["basic"], a["critical_illness"], a["medical_assistance"], a["personal"]


# ---------------------------------------------------------------- the pack itself


def test_pack_is_bundled_and_indexed_for_all_seven_regions():
    # the file ships in data/policies (bundled() reads that directory; other packs are checked by their own tests)
    assert PACK_FILE.parent == bundled_dir() and PACK_FILE.exists()
    for region in REGIONS:
        assert PACKS.find(region, 2024, "employee").pack.id == "changzhou-employee-2024"
    assert PACK.pack.scheme == "employee"
    assert sorted(PACK.pack.regions) == sorted(REGIONS)
    # employee packs carry no resident contribution rows and no enrollment block
    assert PACK.contribution == [] and PACK.enrollment is None


def test_every_block_cites_the_2024_employee_outline():
    cited = [PACK.pack, PACK.categories, PACK.employee_contribution, PACK.assistance, PACK.inpatient,
             PACK.offsite, PACK.critical_illness, PACK.medical_assistance, PACK.outpatient.general,
             PACK.outpatient.chronic, PACK.outpatient.special, PACK.outpatient.dual_channel, PACK.offices]
    for block in cited:
        assert block.source.machine.startswith(DOC + " §")
    for item in PACK.materials:
        for v in item.variants:
            assert v.source.machine.startswith(DOC + " §")


def test_decisions_on_unclear_clauses_are_noted():
    assert "合并的单元格" in PACK.inpatient.note and "退休人员" in PACK.inpatient.note  # veteran deductible
    assert "老工人" in PACK.outpatient.chronic.note  # veteran chronic column
    assert "3000" in PACK.outpatient.general.note and "起付标准" in PACK.outpatient.general.note
    assert "特困供养人员" in PACK.assistance.note and "医疗救助对象" in PACK.assistance.note
    assert "合并" in PACK.outpatient.special.note  # ratio column merged over rows 2-8
    assert "双通道" in PACK.offsite.note and "降低5个百分点" in PACK.offsite.note
    assert "70%" in PACK.outpatient.dual_channel.note and "80%" in PACK.outpatient.dual_channel.note


def test_employee_categories_and_aliases():
    # 001 §四(一): 在职人员 / 退休人员 / 建国前老工人; each is a benefit group
    items = {c.code: c for c in PACK.categories.items}
    assert items["in_service"].label == "在职人员" and set(items["in_service"].aliases) == {"在职", "在职职工"}
    assert items["retired"].label == "退休人员" and items["retired"].aliases == ["退休"]
    assert items["veteran_worker"].label == "建国前老工人"
    for label in ("在职人员", "在职", "在职职工"):
        # 001 §四(一): 在职 L2 first, 10000: (10000-600)*0.9 = 8460.00
        assert stay(label, 2, "10000")["basic"] == "8460.00"


# ---------------------------------------------------------------- §二 contributions, §三(四) minimum years


def test_employee_contribution_6000():
    a = ask(calc="employee_contribution", member="employee", monthly_base="6000")
    # 001 §二(三): 6000*8.8% = 528.00 employer; 6000*2% = 120.00 personal; 648.00 (10.8%)
    assert (a["employer"], a["personal"], a["total"]) == ("528.00", "120.00", "648.00")
    assert all(t["source"] == f"{DOC} §二(三)" for t in a["trace"])


@pytest.mark.parametrize("region", REGIONS)
def test_employee_contribution_same_in_every_region(region):
    a = ask(calc="employee_contribution", member="在职职工", monthly_base="5000.25", region=region)
    # 001 §二(三): 5000.25*0.088 = 440.022 -> 440.02; 5000.25*0.02 = 100.005 -> 100.01 (half-up); 540.03
    assert (a["employer"], a["personal"], a["total"]) == ("440.02", "100.01", "540.03")


def test_flexible_refused_until_the_base_floor_is_set():
    r = refused(calc="employee_contribution", member="flexible")
    # 001 §二(二): 灵活就业人员缴费基数为省公布的当年缴费工资基数下限 — not in the source: a hall setting
    assert r.code == "missing_setting" and r.field == "employee_base_floor"
    assert "省公布的当年基本医疗保险缴费工资基数下限" in r.message


def test_flexible_pays_nine_percent_of_the_floor():
    a = ask(FLOOR, calc="employee_contribution", member="灵活就业人员")
    # 001 §二(三): 4000*9% = 360.00, all personal
    assert (a["monthly_base"], a["employer"], a["personal"], a["total"]) == ("4000.00", "0.00", "360.00", "360.00")


def test_flexible_cannot_choose_another_base():
    r = refused(FLOOR, calc="employee_contribution", member="flexible", monthly_base="6000")
    assert r.code == "invalid_amount" and r.field == "monthly_base" and "4000" in r.message


def test_employee_base_checked_against_floor_and_ceiling_when_set():
    settings = {**FLOOR, "employee_base_ceiling": Decimal("20000")}
    r = refused(settings, calc="employee_contribution", member="employee", monthly_base="3999.99")
    assert r.code == "invalid_amount" and r.field == "monthly_base" and "下限" in r.message
    r = refused(settings, calc="employee_contribution", member="employee", monthly_base="20000.01")
    assert r.code == "invalid_amount" and r.field == "monthly_base" and "上限" in r.message
    a = ask(settings, calc="employee_contribution", member="employee", monthly_base="4000")
    # 4000*8.8% = 352.00; 4000*2% = 80.00; 432.00
    assert (a["employer"], a["personal"], a["total"]) == ("352.00", "80.00", "432.00")
    a = ask(settings, calc="employee_contribution", member="employee", monthly_base="20000")
    # 20000*8.8% = 1760.00; 20000*2% = 400.00; 2160.00
    assert (a["employer"], a["personal"], a["total"]) == ("1760.00", "400.00", "2160.00")


def test_employee_without_base_is_refused():
    r = refused(calc="employee_contribution", member="employee")
    assert r.code == "missing_field" and r.field == "monthly_base"


def test_top_up_rate_and_minimum_years():
    ec, t = PACK.employee_contribution, PACK.employee_top_up
    # 001 §三(四): 男满25年、女满20年；一次性补缴费率 8%
    assert t.rate == Decimal("0.08") and t.source.machine == f"{DOC} §三(四)"
    assert t.minimum_years == {"男": 25, "女": 20}
    assert t.base.setting == "employee_top_up_base"
    assert (ec.employer_rate, ec.personal_rate, ec.flexible_rate) == (Decimal("0.088"), Decimal("0.02"), Decimal("0.09"))
    assert ec.base_ceiling.setting == "employee_base_ceiling"


# ---------------------------------------------------------------- §三(四) the one-off top-up (issue 15.10)

TOP_UP_BASE = {"employee_top_up_base": Decimal("6000")}  # a test value; the real one is the hall's entry


def top_up(settings: dict | None = TOP_UP_BASE, **req) -> dict:
    return ask(settings, calc="employee_contribution", member="top_up", **req)


def test_top_up_refused_until_the_base_is_set():
    with pytest.raises(Refusal) as info:
        top_up(None, sex="男", paid_years="22.5")
    # 001 §三(四) gives no amount for 我市公布的最低缴费年限缴费基数: a hall setting
    assert (info.value.code, info.value.field) == ("missing_setting", "employee_top_up_base")
    assert "最低缴费年限缴费基数" in info.value.message


@pytest.mark.parametrize("sex,paid,missing,total", [
    ("男", "22.5", "2.5", "14400.00"),  # 25 − 22.5 = 2.5 years = 30 months; 6000 × 8% = 480 × 30 = 14400.00
    ("女", "19.75", "0.25", "1440.00"),  # 20 − 19.75 = 0.25 years = 3 months; 480 × 3 = 1440.00
    ("男", "0", "25", "144000.00"),  # 300 months × 480 = 144000.00
    ("女", "20", "0", "0.00"),  # met: nothing to pay
    ("男", "31", "0", "0.00"),  # beyond the minimum: nothing to pay
])
def test_top_up(sex, paid, missing, total):
    a = top_up(sex=sex, paid_years=paid)
    assert (a["missing_years"], a["base"], a["rate"], a["total"]) == (missing, "6000.00", "8%", total)
    assert all(t["source"] == f"{DOC} §三(四)" for t in a["trace"])


def test_top_up_base_with_fen():
    # 5432.17 × 8% = 434.5736 a month × 12 (1 year missing) = 5214.8832 → 5214.88 (rounded once)
    a = top_up({"employee_top_up_base": Decimal("5432.17")}, sex="女", paid_years=19)
    assert a["total"] == "5214.88"


@pytest.mark.parametrize("fields,field", [
    ({"paid_years": "20"}, "sex"),
    ({"sex": "男"}, "paid_years"),
    ({"sex": "未知", "paid_years": "20"}, "sex"),
    ({"sex": "男", "paid_years": "-1"}, "paid_years"),
    ({"sex": "男", "paid_years": "二十"}, "paid_years"),
    ({"sex": "男", "paid_years": "101"}, "paid_years"),
])
def test_top_up_refusals_name_the_field(fields, field):
    with pytest.raises(Refusal) as info:
        top_up(**fields)
    assert info.value.field == field and info.value.message


# ---------------------------------------------------------------- §三 benefit start: not a calc kind here


def test_benefit_start_is_not_applicable_to_employees():
    r = refused(calc="benefit_start", paid_on="2024-03-01")
    assert r.code == "not_applicable" and r.field == "calc" and "职工医保" in r.message


# ---------------------------------------------------------------- §四(一) inpatient


# (category, level, admission, deductible, basic) for a 10000 stay; basic = (10000 - deductible) * ratio
INPATIENT_10000 = [
    # 在职 90%: 首次 400/600/1000, 二次及以上 240/360/600
    ("在职人员", 1, 1, "400.00", "8640.00"),   # (10000-400)*0.9 = 8640.00
    ("在职人员", 1, 2, "240.00", "8784.00"),   # (10000-240)*0.9 = 8784.00
    ("在职人员", 2, 1, "600.00", "8460.00"),   # (10000-600)*0.9 = 8460.00
    ("在职人员", 2, 2, "360.00", "8676.00"),   # (10000-360)*0.9 = 8676.00
    ("在职人员", 3, 1, "1000.00", "8100.00"),  # (10000-1000)*0.9 = 8100.00
    ("在职人员", 3, 2, "600.00", "8460.00"),   # (10000-600)*0.9 = 8460.00
    # 退休 95%: 首次 320/480/800, 二次及以上 192/288/480
    ("退休人员", 1, 1, "320.00", "9196.00"),   # (10000-320)*0.95 = 9196.00
    ("退休人员", 1, 2, "192.00", "9317.60"),   # (10000-192)*0.95 = 9317.60
    ("退休人员", 2, 1, "480.00", "9044.00"),   # (10000-480)*0.95 = 9044.00
    ("退休人员", 2, 2, "288.00", "9226.40"),   # (10000-288)*0.95 = 9226.40
    ("退休人员", 3, 1, "800.00", "8740.00"),   # (10000-800)*0.95 = 8740.00
    ("退休人员", 3, 2, "480.00", "9044.00"),   # (10000-480)*0.95 = 9044.00
    # 建国前老工人 96%; deductible cell merged with 退休 (noted): 320/480/800, 192/288/480
    ("建国前老工人", 1, 1, "320.00", "9292.80"),  # (10000-320)*0.96 = 9292.80
    ("建国前老工人", 1, 2, "192.00", "9415.68"),  # (10000-192)*0.96 = 9415.68
    ("建国前老工人", 2, 1, "480.00", "9139.20"),  # (10000-480)*0.96 = 9139.20
    ("建国前老工人", 2, 2, "288.00", "9323.52"),  # (10000-288)*0.96 = 9323.52
    ("建国前老工人", 3, 1, "800.00", "8832.00"),  # (10000-800)*0.96 = 8832.00
    ("建国前老工人", 3, 2, "480.00", "9139.20"),  # (10000-480)*0.96 = 9139.20
]


@pytest.mark.parametrize(("category", "level", "admission", "deductible", "basic"), INPATIENT_10000)
def test_inpatient_deductible_and_first_band(category, level, admission, deductible, basic):
    a = stay(category, level, "10000", admission)
    personal = str(Decimal("10000") - Decimal(basic))  # burden < 20000: no 大病
    assert money(a) == (deductible, basic, "0.00", "0.00", personal)


def test_third_admission_uses_the_subsequent_deductible():
    # 001 §四(一): 二次及以上住院 在职 二级 360: (10000-360)*0.9 = 8676.00
    assert stay("在职", 2, "10000", admission=3)["deductible"] == "360.00"
    assert stay("在职", 2, "10000", admission=3)["basic"] == "8676.00"


def test_stay_below_the_deductible():
    # 在职 L3 first, 800 < 1000: all deductible, fund pays nothing
    assert money(stay("在职", 3, "800")) == ("800.00", "0.00", "0.00", "0.00", "800.00")


def test_in_service_200000_crosses_150000():
    a = stay("在职", 3, "200000")
    # 001 §四(一): 起付 1000; (150000-1000)*0.9 = 134100 + (200000-150000)*0.95 = 47500 -> 181600.00
    # 001 §五: burden 200000-181600 = 18400 < 20000: 大病 0.00; personal 18400.00
    assert money(a) == ("1000.00", "181600.00", "0.00", "0.00", "18400.00")
    steps = [t["step"] for t in a["trace"]]
    assert any("0元至150000元部分按90%" in s for s in steps)
    assert any("150000元至500000元部分按95%" in s for s in steps)


def test_150000_edge_both_sides():
    # just below: (149999.99-1000)*0.9 = 134099.991 -> 134099.99
    assert stay("在职", 3, "149999.99")["basic"] == "134099.99"
    # at: (150000-1000)*0.9 = 134100.00
    assert stay("在职", 3, "150000")["basic"] == "134100.00"
    # just above: 134100 + 0.01*0.95 = 134100.0095 -> 134100.01
    assert stay("在职", 3, "150000.01")["basic"] == "134100.01"


def test_in_service_600000_crosses_into_large_amount_subsidy():
    a = stay("在职", 3, "600000")
    # 001 §四(一): 149000*0.9 = 134100 + 350000*0.95 = 332500 + (600000-500000)*0.95 = 95000 -> 561600.00
    # 001 §五: burden 38400; (38400-20000)*0.6 = 11040.00; personal 38400-11040 = 27360.00
    assert money(a) == ("1000.00", "561600.00", "11040.00", "0.00", "27360.00")
    big = [t for t in a["trace"] if t["step"].startswith("职工大额医疗补助基金")]
    assert len(big) == 1 and big[0]["amount"] == "95000.00"


def test_500000_edge_both_sides():
    # just below: 134100 + (499999.99-150000)*0.95 = 134100 + 332499.9905 = 466599.9905 -> 466599.99
    assert stay("在职", 3, "499999.99")["basic"] == "466599.99"
    # just above: 134100 + 332500 + 0.01*0.95 = 466600.0095 -> 466600.01 (大额 band)
    a = stay("在职", 3, "500000.01")
    assert a["basic"] == "466600.01"
    assert any(t["step"].startswith("职工大额医疗补助基金") for t in a["trace"])


def test_retired_600000():
    a = stay("退休", 2, "600000")
    # 起付 480; (150000-480)*0.95 = 142044 + 350000*0.96 = 336000 + 100000*0.96 = 96000 -> 574044.00
    # burden 25956; 大病 (25956-20000)*0.6 = 3573.60; personal 22382.40
    assert money(a) == ("480.00", "574044.00", "3573.60", "0.00", "22382.40")


def test_veteran_600000():
    a = stay("建国前老工人", 1, "600000")
    # 起付 320; (150000-320)*0.96 = 143692.80 + 350000*1.00 + 100000*1.00 -> 593692.80
    # burden 6307.20 < 20000: no 大病
    assert money(a) == ("320.00", "593692.80", "0.00", "0.00", "6307.20")


def test_second_admission_continues_the_yearly_axis():
    ytd = {"compliant_cost": "450000", "basic": "419100", "personal_burden": "30900", "critical_illness": "6540"}
    # ytd: one 450000 stay at L3: 134100 + 300000*0.95 = 419100; burden 30900; 大病 (30900-20000)*0.6 = 6540
    a = stay("在职", 3, "100000", admission=2, ytd=ytd)
    # 二次 起付 600; axis [450600, 550000): (500000-450600)*0.95 = 46930 + 50000*0.95 = 47500 -> 94430.00
    # burden 5570 on the 大病 axis [30900, 36470) at 60% = 3342.00; personal 5570-3342 = 2228.00
    assert money(a) == ("600.00", "94430.00", "3342.00", "0.00", "2228.00")


def test_no_inpatient_cap():
    a = stay("在职", 3, "2000000")
    # 134100 + 332500 + 1500000*0.95 = 1425000 -> 1891600.00: no 最高支付限额 (none in the table)
    # burden 108400; 大病 80000*0.6 = 48000 + 8400*0.7 = 5880 -> 53880.00 (no cap: “无”)
    # personal 108400-53880 = 54520.00
    assert money(a) == ("1000.00", "1891600.00", "53880.00", "0.00", "54520.00")
    assert PACK.inpatient.cap is None and PACK.critical_illness.cap is None


# ---------------------------------------------------------------- §五 大病保险


def test_critical_illness_threshold_both_sides():
    # burden = 1000 + 14900 + (x-150000)*0.05 = 20000 at x = 232000
    a = stay("在职", 3, "232000")
    # basic 134100 + 82000*0.95 = 77900 -> 212000.00; burden 20000.00: not above 2万, 大病 0
    assert money(a) == ("1000.00", "212000.00", "0.00", "0.00", "20000.00")
    a = stay("在职", 3, "232000.20")
    # basic 212000 + 0.20*0.95 = 212000.19; burden 20000.01; 大病 0.01*0.6 = 0.006 -> 0.01; personal 20000.00
    assert money(a) == ("1000.00", "212000.19", "0.01", "0.00", "20000.00")


def test_critical_illness_100000_band_edge():
    # burden = 1000 + 14900 + 17500 + (x-500000)*0.05 = 100000 at x = 1832000
    a = stay("在职", 3, "1832000")
    # basic 134100 + 332500 + 1332000*0.95 = 1265400 -> 1732000.00; burden 100000
    # 大病 (100000-20000)*0.6 = 48000.00; personal 52000.00
    assert money(a) == ("1000.00", "1732000.00", "48000.00", "0.00", "52000.00")
    a = stay("在职", 3, "1832020")
    # basic +20*0.95 = 19 -> 1732019.00; burden 100001; 大病 48000 + 1*0.7 = 48000.70; personal 52000.30
    assert money(a) == ("1000.00", "1732019.00", "48000.70", "0.00", "52000.30")


def test_assisted_critical_illness_from_zero_and_medical_assistance():
    a = stay("在职", 3, "200000", assistance="医疗救助对象")
    # basic 181600, burden 18400; 困难群众 from 0: 18400*0.6 = 11040.00
    # 医疗救助 80% of (18400-11040) = 7360*0.8 = 5888.00; left 1472 < 1万: no 倾斜救助
    assert money(a) == ("1000.00", "181600.00", "11040.00", "5888.00", "1472.00")


def test_destitute_paid_in_full():
    a = stay("在职", 3, "200000", assistance="特困供养人员")
    # 大病 11040.00 as above; 医疗救助 100% of 7360 = 7360.00; personal 0.00
    assert money(a) == ("1000.00", "181600.00", "11040.00", "7360.00", "0.00")


def test_assisted_critical_illness_all_three_bands():
    a = stay("在职", 3, "2000000", assistance="救助对象")
    # basic 1891600, burden 108400; 20000*0.6 = 12000 + 80000*0.7 = 56000 + 8400*0.8 = 6720 -> 74720.00
    # 医疗救助 (108400-74720)*0.8 = 33680*0.8 = 26944.00; left 6736: no 倾斜救助; personal 6736.00
    assert money(a) == ("1000.00", "1891600.00", "74720.00", "26944.00", "6736.00")


# ---------------------------------------------------------------- §六 医疗救助 and 倾斜救助


def test_tilt_assistance_edge_at_10000():
    a = stay("在职", 3, "3632000", assistance="医疗救助对象")
    # basic 134100+332500+3132000*0.95 = 2975400 -> 3442000.00; burden 190000
    # 大病 12000+56000+90000*0.8 = 72000 -> 140000.00; 救助 50000*0.8 = 40000.00; left exactly 10000: no 倾斜
    assert money(a) == ("1000.00", "3442000.00", "140000.00", "40000.00", "10000.00")
    a = stay("在职", 3, "3632100", assistance="医疗救助对象")
    # basic +100*0.95 -> 3442095.00; burden 190005; 大病 +5*0.8 -> 140004.00; 救助 50001*0.8 = 40000.80
    # left 10000.20 -> 倾斜救助 0.20*0.5 = 0.10; 医疗救助 40000.90; personal 10000.10
    assert money(a) == ("1000.00", "3442095.00", "140004.00", "40000.90", "10000.10")


def test_tilt_assistance_first_band():
    a = stay("在职", 3, "5000000", assistance="医疗救助对象")
    # basic 134100+332500+4500000*0.95 -> 4741600.00; burden 258400
    # 大病 12000+56000+158400*0.8 = 126720 -> 194720.00; 救助 63680*0.8 = 50944.00; left 12736
    # 倾斜救助 (12736-10000)*0.5 = 1368.00; 医疗救助 52312.00; personal 11368.00
    assert money(a) == ("1000.00", "4741600.00", "194720.00", "52312.00", "11368.00")


def test_assistance_cap_200000_and_tilt_above_50000():
    a = stay("在职", 3, "25000000", assistance="医疗救助对象")
    # basic 134100+332500+24500000*0.95 = 23275000 -> 23741600.00; burden 1258400
    # 大病 12000+56000+1158400*0.8 = 926720 -> 994720.00; 救助 263680*0.8 = 210944 > 20万 -> 200000
    # left 63680: 倾斜 40000*0.5 = 20000 + 13680*0.7 = 9576 -> 29576; 医疗救助 229576.00; personal 34104.00
    assert money(a) == ("1000.00", "23741600.00", "994720.00", "229576.00", "34104.00")


def test_general_outpatient_assistance_and_its_10000_cap():
    a = general("在职", "三级", "5000", assistance="医疗救助对象")
    # basic (5000-600)*0.6 = 2640; burden 2360; 普通门诊救助 80% = 1888.00; personal 472.00
    assert money(a)[1:] == ("2640.00", "0.00", "1888.00", "472.00")
    a = general("在职", "三级", "5000", assistance="特困人员")
    # 特困供养人员 100% = 2360.00; personal 0.00
    assert money(a)[1:] == ("2640.00", "0.00", "2360.00", "0.00")
    a = general("在职", "三级", "100000", assistance="医疗救助对象")
    # basic 8400*0.6 = 5040 + 89000*0.6 = 53400 -> 58440; burden 41560 (no 大病 for 普通门诊)
    # 救助 41560*0.8 = 33248 > 1万 -> 10000; left 31560: 倾斜 21560*0.5 = 10780 -> 20780.00; personal 20780.00
    assert money(a)[1:] == ("58440.00", "0.00", "20780.00", "20780.00")


def test_unknown_assistance_group():
    r = refused(calc="inpatient", category="在职", hospital_level=2, compliant_cost="1000", assistance="低保")
    assert r.code == "unknown_assistance" and r.field == "assistance"
    assert "医疗救助对象" in r.message and "特困供养人员" in r.message


# ---------------------------------------------------------------- §四(二)1 普通门诊


# (category, facility, basic) for 5000 in the year so far from 0
GENERAL_5000 = [
    ("在职", "基层医疗机构", "3520.00"),  # (5000-600)*0.8 = 3520.00
    ("在职", "二级", "3080.00"),  # (5000-600)*0.7 = 3080.00
    ("在职", "三级", "2640.00"),  # (5000-600)*0.6 = 2640.00
    ("在职", "定点零售药店", "1680.00"),  # (3000-600)*0.7 = 1680.00: only the part up to 3000
    ("退休", "基层医疗机构", "3910.00"),  # (5000-400)*0.85 = 3910.00
    ("退休", "二级", "3450.00"),  # (5000-400)*0.75 = 3450.00
    ("退休", "三级", "2990.00"),  # (5000-400)*0.65 = 2990.00
    ("退休", "定点零售药店", "1950.00"),  # (3000-400)*0.75 = 1950.00
    ("建国前老工人", "基层医疗机构", "4500.00"),  # 5000*0.9 = 4500.00 (起付 0)
    ("建国前老工人", "二级", "4000.00"),  # 5000*0.8 = 4000.00
    ("建国前老工人", "三级", "3500.00"),  # 5000*0.7 = 3500.00
    ("建国前老工人", "定点零售药店", "2400.00"),  # 3000*0.8 = 2400.00
]


@pytest.mark.parametrize(("category", "facility", "basic"), GENERAL_5000)
def test_general_outpatient_ratio_table(category, facility, basic):
    a = general(category, facility, "5000")
    assert a["basic"] == basic
    assert a["personal"] == str(Decimal("5000") - Decimal(basic))


@pytest.mark.parametrize(("category", "deductible"), [("在职", "600.00"), ("退休", "400.00"), ("建国前老工人", "0.00")])
def test_general_outpatient_yearly_deductible(category, deductible):
    # 001 §四(二)1 表1 起付标准: 600 / 400 / 0
    assert general(category, "二级", "5000")["deductible"] == deductible


def test_general_deductible_both_sides():
    # 在职 三级: 600 of the year is the deductible
    assert money(general("在职", "三级", "600"))[:2] == ("600.00", "0.00")
    # 0.01 above: 0.01*0.6 = 0.006 -> 0.01
    assert general("在职", "三级", "600.01")["basic"] == "0.01"
    # already 400 in the year: 200 more deductible, then (500-200)*0.6 = 180.00
    assert money(general("在职", "三级", "500", ytd="400"))[:2] == ("200.00", "180.00")
    # 退休 400 / 老工人 0
    assert general("退休", "基层医疗机构", "400")["basic"] == "0.00"
    assert general("建国前老工人", "基层医疗机构", "0.01")["basic"] == "0.01"  # 0.009 -> 0.01


def test_general_crossing_9000_ceiling():
    # 在职 三级, year so far 8000: [8000, 8999.99) at 60% = 599.994 -> 599.99
    assert general("在职", "三级", "999.99", ytd="8000")["basic"] == "599.99"
    # [8000, 9000.01): 1000*0.6 = 600; the 0.01 above 9000 is between the tables: 600.00
    assert general("在职", "三级", "1000.01", ytd="8000")["basic"] == "600.00"
    # [8000, 10000): 600 + nothing between 9000 and 11000 -> 600.00
    assert general("在职", "三级", "2000", ytd="8000")["basic"] == "600.00"


def test_general_into_the_11000_large_amount_band():
    # 在职 三级, year so far 8000, 4000 more: 1000*0.6 = 600 + (12000-11000)*0.6 = 600 -> 1200.00
    a = general("在职", "三级", "4000", ytd="8000")
    assert a["basic"] == "1200.00"
    big = [t for t in a["trace"] if t["step"].startswith("职工大额医疗费用补助")]
    assert len(big) == 1 and big[0]["amount"] == "600.00"
    # 11000 edge: [10000, 10999.99) nothing; [10000, 11000.01): 0.01*0.6 = 0.006 -> 0.01
    assert general("在职", "三级", "999.99", ytd="10000")["basic"] == "0.00"
    assert general("在职", "三级", "1000.01", ytd="10000")["basic"] == "0.01"
    # 表2 60% whatever the facility: 基层 [11000, 12000) = 600.00
    assert general("在职", "基层医疗机构", "1000", ytd="11000")["basic"] == "600.00"


def test_general_100000_ceiling():
    # [99000, 101000): only 1000*0.6 = 600.00; the 1000 above 100000 is not paid
    assert general("在职", "二级", "2000", ytd="99000")["basic"] == "600.00"
    # just below / above 100000: [99999.99, 100000) -> 0.006 -> 0.01; [100000, 100001) -> 0
    assert general("在职", "二级", "0.01", ytd="99999.99")["basic"] == "0.01"
    assert general("在职", "二级", "1", ytd="100000")["basic"] == "0.00"


def test_general_retired_10000_and_veteran_11000_ceilings():
    # 退休 三级 [9500, 11500): 500*0.65 = 325 + nothing 10000-11000 + 500*0.6 = 300 -> 625.00
    assert general("退休", "三级", "2000", ytd="9500")["basic"] == "625.00"
    # 老工人 三级 [10500, 11500): 500*0.7 = 350 + 500*0.6 = 300 -> 650.00 (no gap: 最高限额 11000)
    assert general("建国前老工人", "三级", "1000", ytd="10500")["basic"] == "650.00"


def test_pharmacy_3000_both_sides_and_no_large_amount():
    # 在职 药店 [2500, 2999.99): 499.99*0.7 = 349.993 -> 349.99
    assert general("在职", "定点零售药店", "499.99", ytd="2500")["basic"] == "349.99"
    # [2500, 3500): only up to 3000: 500*0.7 = 350.00
    assert general("在职", "定点零售药店", "1000", ytd="2500")["basic"] == "350.00"
    # year past 3000 (or past 11000): nothing at a pharmacy
    assert general("在职", "定点零售药店", "1000", ytd="3000")["basic"] == "0.00"
    assert general("在职", "定点零售药店", "1000", ytd="20000")["basic"] == "0.00"
    # deductible first: [0, 1000) for 在职: (1000-600)*0.7 = 280.00
    assert money(general("在职", "定点零售药店", "1000"))[:2] == ("600.00", "280.00")


def test_general_first_level_hospital_not_in_the_table():
    r = refused(calc="outpatient", benefit="普通门诊", category="在职", facility="一级", compliant_cost="1000")
    assert r.code == "not_applicable" and r.field == "facility" and "一级" in r.message


# ---------------------------------------------------------------- §四(二)2 门诊慢性病

HBP = "高血压（Ⅱ、Ⅲ期）"


def test_chronic_disease_list():
    assert PACK.outpatient.chronic.diseases == [
        HBP, "糖尿病", "脑卒中合并器官功能障碍", "冠状动脉粥样硬化性心脏病", "风湿性心脏病", "肺源性心脏病",
        "类风湿性关节炎", "干燥综合征", "克罗恩病", "慢性肝炎（中、重度）", "慢性肾炎（中、重度）",
        "帕金森氏综合症", "恶性肿瘤",
    ]


@pytest.mark.parametrize(("category", "facility", "basic"), [
    ("在职", "基层医疗机构", "400.00"),  # 500*0.8 = 400.00
    ("在职", "一级", "350.00"),  # 其他定点单位 500*0.7 = 350.00
    ("在职", "二级", "350.00"),
    ("在职", "三级", "350.00"),
    ("在职", "定点零售药店", "350.00"),
    ("退休", "基层医疗机构", "425.00"),  # 500*0.85 = 425.00
    ("退休", "三级", "350.00"),  # 500*0.7 = 350.00
    ("建国前老工人", "基层医疗机构", "425.00"),  # 退休 column (noted): 500*0.85 = 425.00
    ("建国前老工人", "二级", "350.00"),  # 500*0.7 = 350.00
])
def test_chronic_ratios(category, facility, basic):
    a = chronic(category, facility, "500", ["糖尿病"])
    assert (a["deductible"], a["basic"]) == ("0.00", basic)


@pytest.mark.parametrize(("category", "diseases", "limit"), [
    ("在职", ["糖尿病"], "800.00"),
    ("退休", ["糖尿病"], "1000.00"),
    ("建国前老工人", ["糖尿病"], "1000.00"),
    ("在职", [HBP, "糖尿病"], "1200.00"),
    ("退休", [HBP, "糖尿病"], "1500.00"),
    ("建国前老工人", [HBP, "糖尿病", "克罗恩病"], "1500.00"),
    ("在职", ["恶性肿瘤"], "2000.00"),
    ("退休", ["恶性肿瘤"], "2400.00"),
    ("建国前老工人", ["恶性肿瘤"], "2400.00"),
    ("在职", ["恶性肿瘤", "糖尿病"], "2400.00"),
    ("退休", ["恶性肿瘤", "糖尿病"], "2900.00"),
    ("建国前老工人", ["糖尿病", "恶性肿瘤"], "2900.00"),
])
def test_chronic_fund_payment_limits(category, diseases, limit):
    # 001 §四(二)2.3: 20000 at 二级 pays 20000*0.7 = 14000, far above every limit: the fund pays the limit
    a = chronic(category, "二级", "20000", diseases)
    assert a["basic"] == limit
    assert a["personal"] == str(Decimal("20000") - Decimal(limit))


def test_chronic_limit_both_sides():
    # 在职 基层 single, limit 800 on the fund's payment
    assert chronic("在职", "基层医疗机构", "999.99", [HBP])["basic"] == "799.99"  # 799.992 -> 799.99
    assert chronic("在职", "基层医疗机构", "1000", [HBP])["basic"] == "800.00"  # 1000*0.8 = 800 exactly
    assert chronic("在职", "基层医疗机构", "1000.01", [HBP])["basic"] == "800.00"  # 800.008 > 800: 800.00
    # 700 already paid this year: only 100.00 left of 800
    assert chronic("在职", "基层医疗机构", "500", [HBP], ytd_basic="700")["basic"] == "100.00"


def test_chronic_assistance_no_critical_illness():
    a = chronic("在职", "基层医疗机构", "500", ["糖尿病"], assistance="医疗救助对象")
    # basic 400; burden 100; no 大病 for 慢性病; 救助 (住院、门诊慢性病… row) 80% = 80.00; personal 20.00
    assert money(a) == ("0.00", "400.00", "0.00", "80.00", "20.00")


def test_chronic_refusals():
    r = refused(calc="outpatient", benefit="门诊慢性病", category="在职", facility="二级", compliant_cost="500",
                diseases=["哮喘"])
    assert r.code == "unknown_disease" and r.field == "diseases" and "哮喘" in r.message
    r = refused(calc="outpatient", benefit="门诊慢性病", category="在职", facility="二级", compliant_cost="500")
    assert r.code == "missing_field" and r.field == "diseases"


# ---------------------------------------------------------------- §四(二)3 门诊特殊病


def test_special_disease_table():
    s = PACK.outpatient.special
    names = [d.name for d in s.diseases]
    assert names == ["恶性肿瘤", "慢性肾功能衰竭", "严重精神障碍", "血友病", "器官移植术后抗排异治疗（术后第一年）",
                     "器官移植术后抗排异治疗（术后第二年及以后）", "再生障碍性贫血", "系统性红斑狼疮", "肺结核"]
    limits = {d.name: d.limit for d in s.diseases}
    assert limits["血友病"] == 60000 and limits["再生障碍性贫血"] == 15000
    assert limits["系统性红斑狼疮"] == 25000 and limits["肺结核"] == 15000
    assert limits["器官移植术后抗排异治疗（术后第一年）"] == 100000
    assert limits["器官移植术后抗排异治疗（术后第二年及以后）"] == 70000
    assert limits["恶性肿瘤"] is None and limits["慢性肾功能衰竭"] is None and limits["严重精神障碍"] is None
    hospitals = {d.name: d.hospitals for d in s.diseases}
    assert "德安医院" in hospitals["严重精神障碍"] and "金坛二院" in hospitals["严重精神障碍"]
    assert hospitals["肺结核"] == "常州三院、溧阳人民医院、金坛一院、武进中医院"
    assert "溧阳市人民医院" in hospitals["系统性红斑狼疮"]
    assert all(d.ratio is None for d in s.diseases)  # every disease on the inpatient bands (merged column)
    assert s.deductible == "none"


@pytest.mark.parametrize(("category", "basic"), [
    ("在职", "9000.00"),  # 0-15万 在职 90%: 10000*0.9 = 9000.00
    ("退休", "9500.00"),  # 退休 95%: 9500.00
    ("老工人", "9600.00"),  # 老工人 96%: 9600.00
])
def test_special_cancer_first_band(category, basic):
    a = special(category, "恶性肿瘤", "10000")
    assert (a["deductible"], a["basic"]) == ("0.00", basic)  # no 起付标准 for 门诊特殊病


def test_special_treatment_names_resolve():
    # 001 §四(二)3.3: 化疗 is a 恶性肿瘤 treatment; 血液透析 → 慢性肾功能衰竭; 精神分裂症 → 严重精神障碍
    for name in ("化疗", "放疗", "生物靶向药治疗", "血液透析", "非透析治疗", "精神分裂症", "其他严重精神障碍类疾病"):
        assert special("在职", name, "10000")["basic"] == "9000.00"  # 10000*0.9


def test_special_cancer_bands_cross_150000_and_500000():
    ytd = {"compliant_cost": "140000", "basic": "126000", "personal_burden": "14000"}
    a = special("在职", "恶性肿瘤", "20000", ytd=ytd)
    # axis [140000, 160000): 10000*0.9 = 9000 + 10000*0.95 = 9500 -> 18500.00; burden 1500:
    # 大病 axis [14000, 15500) below 2万: 0; personal 1500.00
    assert money(a) == ("0.00", "18500.00", "0.00", "0.00", "1500.00")
    ytd = {"compliant_cost": "490000", "basic": "458000", "personal_burden": "32000", "critical_illness": "7200"}
    # ytd: 150000*0.9 = 135000 + 340000*0.95 = 323000 -> 458000; burden 32000; 大病 12000*0.6 = 7200
    a = special("在职", "恶性肿瘤", "20000", ytd=ytd)
    # [490000, 510000): 10000*0.95 + 10000*0.95 (大额) = 19000.00; burden 1000 on 大病 axis [32000, 33000): 600.00
    assert money(a) == ("0.00", "19000.00", "600.00", "0.00", "400.00")
    a = special("建国前老工人", "恶性肿瘤", "20000", ytd=ytd)
    # 老工人 100% in both: 20000.00
    assert a["basic"] == "20000.00"


def test_special_critical_illness_applies():
    a = special("在职", "血液透析", "300000")
    # 慢性肾功能衰竭 no limit: 150000*0.9 = 135000 + 150000*0.95 = 142500 -> 277500.00; burden 22500
    # 大病 (门诊特定病 covered) (22500-20000)*0.6 = 1500.00; personal 21000.00
    assert money(a) == ("0.00", "277500.00", "1500.00", "0.00", "21000.00")


@pytest.mark.parametrize(("disease", "cost", "basic"), [
    ("血友病", "70000", "54000.00"),  # 限额 6万/年: 60000*0.9 = 54000.00
    ("器官移植术后抗排异治疗（术后第一年）", "120000", "90000.00"),  # 10万*0.9
    ("器官移植术后抗排异治疗（术后第二年及以后）", "120000", "63000.00"),  # 7万*0.9
    ("再生障碍性贫血", "20000", "13500.00"),  # 1.5万*0.9
    ("系统性红斑狼疮", "30000", "22500.00"),  # 2.5万*0.9
    ("肺结核", "20000", "13500.00"),  # 1.5万*0.9
])
def test_special_limits(disease, cost, basic):
    assert special("在职", disease, cost)["basic"] == basic


def test_special_limit_below_critical_illness():
    # 血友病 70000: basic 54000; burden 16000 < 2万: personal 16000.00
    assert money(special("在职", "血友病", "70000")) == ("0.00", "54000.00", "0.00", "0.00", "16000.00")


def test_special_limit_with_critical_illness():
    a = special("在职", "器官移植术后抗排异治疗（术后第二年及以后）", "120000")
    # basic 63000; burden 57000; 大病 (57000-20000)*0.6 = 22200.00; personal 34800.00
    assert money(a) == ("0.00", "63000.00", "22200.00", "0.00", "34800.00")
    a = special("在职", "器官移植术后抗排异治疗（术后第一年）", "120000")
    # basic 90000; burden 30000; 大病 10000*0.6 = 6000.00; personal 24000.00
    assert money(a) == ("0.00", "90000.00", "6000.00", "0.00", "24000.00")


def test_special_limit_both_sides():
    # 血友病 6万: 59000 already counted; 2000 more -> only 1000 counted: [59000, 60000) at 90% = 900.00
    assert special("在职", "血友病", "2000", ytd_compliant_cost="59000")["basic"] == "900.00"
    assert special("在职", "血友病", "60000")["basic"] == "54000.00"  # at the limit
    assert special("在职", "血友病", "60000.01")["basic"] == "54000.00"  # 0.01 over: not counted
    assert special("退休", "血友病", "70000")["basic"] == "57000.00"  # 60000*0.95


def test_special_transplant_must_name_the_year():
    r = refused(calc="outpatient", benefit="门诊特殊病", category="在职", facility="三级", compliant_cost="1000",
                diseases=["器官移植术后抗排异治疗"])
    assert r.code == "unknown_disease" and r.field == "diseases"
    assert "器官移植术后抗排异治疗（术后第一年）" in r.message and "术后第二年及以后" in r.message


def test_special_unknown_disease():
    r = refused(calc="outpatient", benefit="门诊特殊病", category="在职", facility="三级", compliant_cost="1000",
                diseases=["儿童孤独症"])  # a 2026 resident disease, not in the 2024 employee list
    assert r.code == "unknown_disease" and r.field == "diseases"


def test_special_destitute():
    a = special("在职", "恶性肿瘤", "10000", assistance="特困供养人员")
    # basic 9000; burden 1000; 困难群众 大病 from 0: 600.00; 救助 100% of 400 = 400.00; personal 0.00
    assert money(a) == ("0.00", "9000.00", "600.00", "400.00", "0.00")


# ---------------------------------------------------------------- §四(二)4 双通道 and 单独支付药品


def dual(drug: str, cost: str, facility: str = "国谈药定点药店", **extra) -> dict:
    return ask(calc="outpatient", benefit="双通道", category="在职", facility=facility,
               compliant_cost=cost, diseases=[drug], **extra)


@pytest.mark.parametrize(("drug", "basic"), [
    ("双通道管理及单独支付药品、特定病药品", "7000.00"),  # 001 §四(二)4.2: 10000*70% = 7000.00
    ("特定病药品", "7000.00"),
    ("罕见病药品", "8000.00"),  # 10000*80% = 8000.00
])
def test_dual_channel_ratios(drug, basic):
    a = dual(drug, "10000")
    assert (a["deductible"], a["basic"]) == ("0.00", basic)  # no 起付标准
    # the same for every person type and facility
    assert ask(calc="outpatient", benefit="双通道", category="退休", facility="三级", compliant_cost="10000",
               diseases=[drug])["basic"] == basic


def test_dual_channel_offsite_and_layers():
    # 市外转院（诊）−5: 10000*65% = 6500.00; 未经审批 −20: 10000*50% = 5000.00; 罕见病 −20: 60% = 6000.00
    assert dual("双通道药品", "10000", offsite="异地转诊人员")["basic"] == "6500.00"
    assert dual("双通道药品", "10000", offsite="其他临时外出人员")["basic"] == "5000.00"
    assert dual("罕见病药品", "10000", offsite="其他临时外出人员")["basic"] == "6000.00"
    a = dual("双通道药品", "100000")
    # basic 70000; burden 30000; 大病 (30000-20000)*0.6 = 6000.00; personal 24000.00
    assert money(a) == ("0.00", "70000.00", "6000.00", "0.00", "24000.00")
    a = dual("双通道药品", "10000", assistance="医疗救助对象")
    # basic 7000; burden 3000; 困难群众 大病 3000*0.6 = 1800.00; 救助 (20万 row) 1200*0.8 = 960.00; personal 240.00
    assert money(a) == ("0.00", "7000.00", "1800.00", "960.00", "240.00")


# ---------------------------------------------------------------- §七 异地就医


@pytest.mark.parametrize("label", ["异地长期居住人员", "异地安置退休人员", "常驻异地工作人员", "异地急诊", "异地急诊人员"])
def test_offsite_same_as_local(label):
    # 001 §七(三)2: 长期居住 / 急诊: 与市内一致 -> 181600.00 as the local stay
    assert stay("在职", 3, "200000", offsite=label)["basic"] == "181600.00"
    assert general("在职", "三级", "5000", offsite=label)["basic"] == "2640.00"


def test_offsite_referral_minus_5():
    a = stay("在职", 3, "200000", offsite="异地转诊就医人员")
    # 85%/90%: 149000*0.85 = 126650 + 50000*0.9 = 45000 -> 171650.00; burden 28350
    # 大病 8350*0.6 = 5010.00; personal 23340.00
    assert money(a) == ("1000.00", "171650.00", "5010.00", "0.00", "23340.00")
    # 普通门诊 三级 55%: 4400*0.55 = 2420.00; 慢性病 基层 75%: 500*0.75 = 375.00; 特殊病 85%: 8500.00
    assert general("在职", "三级", "5000", offsite="异地转诊人员")["basic"] == "2420.00"
    assert chronic("在职", "基层医疗机构", "500", ["糖尿病"], offsite="异地转诊人员")["basic"] == "375.00"
    assert special("在职", "恶性肿瘤", "10000", offsite="异地转诊人员")["basic"] == "8500.00"


def test_offsite_unreferred_minus_20_inpatient_and_special_only():
    a = stay("在职", 3, "200000", offsite="其他临时外出人员")
    # 70%/75%: 149000*0.7 = 104300 + 50000*0.75 = 37500 -> 141800.00; burden 58200
    # 大病 38200*0.6 = 22920.00; personal 35280.00
    assert money(a) == ("1000.00", "141800.00", "22920.00", "0.00", "35280.00")
    # 老工人 bands 76%/80%/80%: 149680*0.76 = 113756.80 + 350000*0.8 + 100000*0.8 -> 473756.80
    assert stay("建国前老工人", 1, "600000", offsite="其他临时外出就医人员")["basic"] == "473756.80"
    # 肺结核 70%: 10000*0.7 = 7000.00
    assert special("在职", "肺结核", "10000", offsite="其他临时外出就医人员")["basic"] == "7000.00"
    for benefit, extra in (("普通门诊", {}), ("门诊慢性病", {"diseases": ["糖尿病"]})):
        r = refused(calc="outpatient", benefit=benefit, category="在职", facility="二级", compliant_cost="500",
                    offsite="其他临时外出人员", **extra)
        assert r.code == "not_applicable" and r.field == "offsite"


def test_unknown_offsite_type():
    r = refused(calc="inpatient", category="在职", hospital_level=2, compliant_cost="1000", offsite="出国就医")
    assert r.code == "unknown_offsite_type" and r.field == "offsite" and "异地转诊人员" in r.message


# ---------------------------------------------------------------- materials and offices


def _names(a: dict) -> list[str]:
    return [m["name"] for m in a["materials"]]


@pytest.mark.parametrize(("person_type", "window", "online"), [
    ("异地安置退休人员",
     ["本人医保电子凭证", "有效身份证件", "江苏省社保卡", "户口簿首页和本人常住人口登记卡", "个人承诺书"],
     ["户口簿首页和本人常住人口登记卡", "个人承诺书"]),
    ("异地长期居住人员",
     ["本人医保电子凭证", "有效身份证件", "江苏省社保卡", "居住证明", "个人承诺书"],
     ["居住证明", "个人承诺书"]),
    # 001 §七(二): 本人医保电子凭证、参保地工作单位派出证明或个人承诺书 — no ID card or 社保卡 (issue 15.9)
    ("常驻异地工作人员",
     ["本人医保电子凭证", "参保地工作单位派出证明", "个人承诺书"],
     ["参保地工作单位派出证明", "个人承诺书"]),
    ("其他临时外出人员", ["医保电子凭证", "有效身份证件", "社保卡"], []),
])
def test_offsite_filing_materials(person_type, window, online):
    a = ask(calc="materials", item="异地就医备案", person_type=person_type, channel="窗口")
    assert _names(a) == window and a["source"] == f"{DOC} §七(二)"
    posted = person_type == "常驻异地工作人员"  # its 医保电子凭证 is required, not one of three
    assert a["materials"][0]["note"] == (None if posted else "“身份凭证”任选其一")
    assert a["hotline"] == "12393"
    a = ask(calc="materials", item="异地就医备案", person_type=person_type, channel="线上")
    assert _names(a) == online
    assert "“国家异地就医备案”小程序" in a["where"] and "“江苏医保云”APP" in a["where"]
    # no channel: the window list
    assert _names(ask(calc="materials", item="异地就医备案", person_type=person_type)) == window


def test_posted_worker_needs_the_e_voucher_and_one_of_two():
    from desktop.services.calc import missing_materials
    a = ask(calc="materials", item="异地就医备案", person_type="常驻异地工作人员", channel="窗口")
    assert [m["note"] for m in a["materials"]] == [None, "“派驻证明”任选其一", "“派驻证明”任选其一"]
    # an ID card does not stand in for the 医保电子凭证
    assert missing_materials(a["materials"], ["有效身份证件", "个人承诺书"]) == ["本人医保电子凭证"]
    assert missing_materials(a["materials"], ["本人医保电子凭证", "个人承诺书"]) == []


def test_referral_filing_is_done_by_the_hospital():
    for channel in ("窗口", "线上", None):
        a = ask(calc="materials", item="异地就医备案", person_type="异地转诊就医人员", channel=channel)
        assert a["materials"] == [] and a["where"] == ["具有转诊资质的医疗机构的医保办"]


def test_offsite_filing_refusals():
    r = refused(calc="materials", item="异地就医备案")
    assert r.code == "missing_field" and r.field == "person_type" and "异地安置退休人员" in r.message
    r = refused(calc="materials", item="异地就医备案", person_type="异地急诊")  # 急诊 needs no filing
    assert r.code == "unknown_person_type" and r.field == "person_type"
    r = refused(calc="materials", item="异地就医备案", person_type="异地长期居住人员", channel="邮寄")
    assert r.code == "unknown_channel" and r.field == "channel"


def test_manual_claim_materials():
    a = ask(calc="materials", item="零星报销")
    # 001 §七(四)2: 7 items; 1 and 4 are “或” alternatives split into any-of groups
    assert _names(a) == ["医保电子凭证", "有效身份证件", "社保卡", "医疗收费票据", "费用明细清单", "处方病历资料",
                         "诊断证明", "出院小结", "本人银行借记卡", "代办人身份证", "意外伤害相关证明材料", "急诊诊断证明"]
    notes = {m["name"]: m["note"] for m in a["materials"]}
    assert notes["出院小结"] == "“诊疗证明”任选其一"
    assert "交通事故认定书" in notes["意外伤害相关证明材料"] and "个人承诺书" in notes["意外伤害相关证明材料"]
    assert a["where"] == ["参保地医保经办机构或委托机构"]
    variant = PACK.materials[1].variants[0]
    for case in ("办理异地就医的三类人员", "未按规定办理转诊手续", "办理市外转院转诊手续人员"):
        assert case in variant.note
    assert ask(calc="materials", item="手工报销")["item"] == "零星报销"


def test_chronic_special_dual_channel_and_blood_materials():
    a = ask(calc="materials", item="门诊慢性病")
    assert _names(a) == ["有效诊断材料", "明确诊断的病史资料和相关检查化验报告"]
    assert a["where"] == ["本人户籍或居住地所在地基层卫生服务机构的家庭医生处"]
    assert "三级医疗机构" in a["materials"][1]["note"]
    a = ask(calc="materials", item="门诊特殊病认定")
    assert _names(a) == ["病史资料", "医保电子凭证", "社保卡"] and "二级以上" in a["where"][0]
    a = ask(calc="materials", item="双通道")
    assert _names(a) == ["相关病历材料"] and "基因检测结果" in a["materials"][0]["note"]
    assert a["where"] == ["国谈药定点医院的责任医师处"]
    a = ask(calc="materials", item="特殊人员用血")
    assert _names(a) == ["病历", "身份证复印件"] and a["materials"][1]["note"] == "复印件"
    assert a["where"] == ["医师所在医院的医保办"]


def test_unknown_materials_item():
    r = refused(calc="materials", item="参保登记")  # resident business, not in the employee outline
    assert r.code == "unknown_item" and r.field == "item" and "零星报销" in r.message


def test_offices_and_hotline():
    offices = {o.name: o.address for o in PACK.offices.items}
    assert len(offices) == 8 and PACK.offices.hotline == "12393"
    assert offices["市直医保中心经办大厅"] == "常州市锦绣路2号市政务服务中心1-2号楼四楼大厅"
    assert offices["武进区医保中心经办大厅"] == "武进区武南路518号武进人力资源市场2楼大厅"
    assert offices["经开区医保中心经办大厅"] == "常州市东方东路168号政务服务中心一楼大厅"


# ---------------------------------------------------------------- other refusals this pack causes


def test_resident_category_refused():
    r = refused(calc="inpatient", category="老年居民", hospital_level=2, compliant_cost="1000")
    assert r.code == "unknown_category" and r.field == "category" and "在职人员" in r.message


def test_no_employee_pack_for_other_years():
    r = refused(calc="employee_contribution", member="employee", monthly_base="6000", year=2025)
    assert r.code == "no_policy_for_year" and r.field == "year" and "职工医保" in r.message


def test_traces_cite_the_source():
    for a in (stay("在职", 3, "600000", assistance="医疗救助对象"), general("退休", "二级", "12000"),
              chronic("在职", "二级", "5000", ["恶性肿瘤"]), special("在职", "血友病", "70000")):
        assert a["trace"] and all(t["source"].startswith(DOC + " §") for t in a["trace"])
