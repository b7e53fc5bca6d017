"""Outpatient estimates: 普通门诊 (yearly bands), 门诊慢性病 (limits by disease count), 门诊特殊病."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.errors import Refusal
from desktop.policy import lookup
from desktop.policy.bands import Band, pay
from desktop.policy.estimate import Claim, Estimate, reduction
from desktop.policy.inpatient import finish
from desktop.policy.layers import bands_of, describe
from desktop.policy.money import ZERO, fen, percent_text
from desktop.policy.pack import ChronicOutpatient, Pack, SpecialDisease, SpecialOutpatient
from desktop.policy.trace import Trace

BENEFITS = {
    "普通门诊": "general", "门诊慢性病": "chronic", "门诊特殊病": "special",
    "双通道": "dual_channel", "苯丙酮尿症": "pku",  # 常州 2024 (000 §三(二)4、5.4)
}


# slots, not frozen: one per request, never shared (a frozen __init__ costs ~2 µs here)
@dataclass(slots=True)
class Visit:
    benefit: str  # 普通门诊 / 门诊慢性病 / 门诊特殊病
    facility: str
    diseases: tuple[str, ...] = ()
    continuous_years: int | None = None  # 天津: the outpatient cap rises after 2 years


def outpatient(pack: Pack, claim: Claim, visit: Visit) -> Estimate:
    kind = BENEFITS.get(visit.benefit)
    if kind is None:
        raise Refusal("not_applicable", f"门诊待遇“{visit.benefit}”无效（可选：{'、'.join(BENEFITS)}）", "benefit")
    block = getattr(pack.outpatient, kind)
    if block is None:
        raise Refusal("not_applicable", f"{pack.shown_document()} 未规定{visit.benefit}待遇，无法测算", "benefit")
    return {"general": _general, "chronic": _chronic}.get(kind, _special)(pack, block, claim, visit)


def _facility(mapping: dict, facility: str, what: str):
    if facility not in mapping:
        raise Refusal(
            "not_applicable",
            f"{what}没有“{facility}”的支付比例（政策所列：{'、'.join(mapping)}）",
            "facility",
        )
    return mapping[facility]


def _general(pack: Pack, g, claim: Claim, visit: Visit) -> Estimate:
    person, cost, ytd = claim.person, claim.compliant_cost, claim.ytd
    trace = Trace()
    column = _facility(g.facilities, visit.facility, "普通门诊")
    row = lookup.keyed(g.rows, person.group, None, "普通门诊待遇")
    trace.add(f"{person.category}在{visit.facility}普通门诊，合规费用（年度已累计 {ytd.compliant_cost:f} 元）", cost, g.source)
    cut = reduction(person, "general", trace)
    bands = bands_of(row.columns[column], cut)
    limit = person.offsite.general_cost_limit if person.offsite else None
    if limit is not None:
        bands = [Band(b.lower, limit if b.upper is None else min(b.upper, limit), b.ratio, b.label)
                 for b in bands if b.lower < limit]
        trace.add(f"{person.offsite.label}普通门诊年度可支付合规费用不超过 {limit:f} 元", None, person.offsite.source)
    basic, shares = pay(bands, ytd.compliant_cost, cost)
    if not shares:
        trace.add("年度累计合规费用未进入支付区间（起付标准以下或区间之间）", ZERO, g.source)
    for s in shares:
        trace.add(f"{s.band.label or '统筹基金'}：年度累计{describe(s.band)}，计 {fen(s.base):f} 元", fen(s.paid), g.source)
    cap = row.payment_cap
    if row.payment_cap_continuous is not None and (visit.continuous_years or 0) >= (row.continuous_years or 0):
        cap = row.payment_cap_continuous
        trace.add(f"连续参保 {visit.continuous_years} 年，门诊最高支付限额提高为 {cap:f} 元", None, g.source)
    if cap is not None and basic > cap - ytd.basic:
        basic = max(ZERO, cap - ytd.basic)
        trace.add(f"普通门诊年度最高支付限额 {cap:f} 元", fen(basic), g.source)
    basic = fen(basic)
    trace.add("基本医保支付合计", basic, g.source)
    first_lower = row.columns[column][0].lower if row.columns[column] else ZERO
    deductible = max(ZERO, min(cost, first_lower - ytd.compliant_cost))
    return finish(pack, claim, deductible, basic, "general", trace, critical=False, source=g.source)


def _diseases(names: tuple[str, ...], known: list[str], what: str) -> None:
    if not names:
        raise Refusal("missing_field", f"请填写{what}病种（diseases）", "diseases")
    for n in names:
        if n not in known:
            raise Refusal("unknown_disease", f"“{n}”不在{what}病种范围内（{'、'.join(known)}）", "diseases")


def _chronic(pack: Pack, c: ChronicOutpatient, claim: Claim, visit: Visit) -> Estimate:
    person, cost, ytd = claim.person, claim.compliant_cost, claim.ytd
    _diseases(visit.diseases, c.diseases, "门诊慢性病")
    trace = Trace()
    column = _facility(c.facilities, visit.facility, "门诊慢性病")
    ratios = c.ratios.get(person.group) or c.ratios["*"]
    ratio = ratios[column] - reduction(person, "chronic", trace)
    case = _chronic_case(c, visit.diseases)
    limit_row = next(x for x in c.limits if x.case == case)
    limit = limit_row.amounts.get(person.group) or limit_row.amounts["*"]
    names = "、".join(visit.diseases)
    trace.add(f"{person.category}门诊慢性病（{names}）在{visit.facility}，合规费用", cost, c.source)
    if c.limit_on == "cost":
        counted = max(ZERO, min(cost, limit - ytd.compliant_cost))
        trace.add(f"年度合规费用支付限额 {limit:f} 元，本次计入", fen(counted), c.source)
        basic = counted * max(ZERO, ratio)
    else:
        basic = cost * max(ZERO, ratio)
        if basic > limit - ytd.basic:
            basic = max(ZERO, limit - ytd.basic)
            trace.add(f"统筹基金年度支付限额 {limit:f} 元", fen(basic), c.source)
    trace.add(f"按{percent_text(max(ZERO, ratio))}支付", fen(basic), c.source)
    basic = fen(basic)
    trace.add("基本医保支付合计", basic, c.source)
    return finish(pack, claim, ZERO, basic, "chronic", trace, critical=False, source=c.source)


def _chronic_case(c: ChronicOutpatient, diseases: tuple[str, ...]) -> str:
    cases = {x.case for x in c.limits}
    if c.cancer and c.cancer in diseases and "cancer" in cases:
        return "cancer" if len(diseases) == 1 else "cancer_plus"
    return "single" if len(diseases) == 1 else "multiple"


def _special_disease(s: SpecialOutpatient, names: tuple[str, ...], what: str = "门诊特殊病") -> SpecialDisease:
    known = [d.name for d in s.diseases]
    if not names:
        raise Refusal("missing_field", f"请填写{what}病种（diseases）", "diseases")
    if len(names) != 1:
        raise Refusal("invalid_amount", f"{what}每次测算一个病种（每个病种限额分别计算）", "diseases")
    if not s.diseases:  # the source lists no diseases (天津 2024): the person's 门特登记 decides
        return SpecialDisease(name=names[0])
    for d in s.diseases:
        if names[0] in (d.name, *d.treatments):
            return d
    raise Refusal("unknown_disease", f"“{names[0]}”不在{what}范围内（{'、'.join(known)}）", "diseases")


def _special(pack: Pack, s: SpecialOutpatient, claim: Claim, visit: Visit) -> Estimate:
    """门诊特殊病, and the blocks that share its shape (常州 2024 双通道药品, 苯丙酮尿症)."""
    person, cost, ytd = claim.person, claim.compliant_cost, claim.ytd
    kind, what = BENEFITS[visit.benefit], visit.benefit
    if s.categories is not None and lookup.category(pack, person.category).code not in s.categories:
        allowed = "、".join(c.label for c in pack.categories.items if c.code in s.categories)
        raise Refusal("not_applicable", f"{what}待遇限{allowed}，{person.category}不能享受", "category")
    disease = _special_disease(s, visit.diseases, what)
    level = _facility(s.facilities, visit.facility, what)
    trace = Trace()
    trace.add(f"{person.category}{what}（{visit.diseases[0]}）在{visit.facility}，合规费用", cost, s.source)
    limit = None if disease.limit is None else lookup.setting(disease.limit, claim.settings)
    extra = f"（{disease.limit_note}）" if disease.limit_note else ""
    counted = cost
    if limit is not None and s.limit_on == "cost":
        counted = max(ZERO, min(cost, limit - ytd.compliant_cost))
        trace.add(f"{disease.name}年度限额 {limit:f} 元{extra}，本次计入", fen(counted), s.source)
    deductible = ZERO
    if s.deductible == "shared_inpatient":
        row = lookup.keyed(pack.inpatient.deductible, person.group, level, "起付标准")
        deductible = max(ZERO, min(counted, row.first - ytd.compliant_cost))
        trace.add("起付标准（与住院合并执行一个年度起付线）", fen(deductible), s.source)
    cut = reduction(person, kind, trace)
    if disease.ratio is not None:
        bands = [Band(ZERO, None, max(ZERO, disease.ratio - cut))]
    else:
        table = s.ratio if s.ratio is not None else (pack.inpatient.ratio if pack.inpatient else None)
        if table is None:
            raise Refusal("not_applicable", f"{pack.shown_document()} 未给出{what}支付比例，无法测算", "benefit")
        bands = bands_of(lookup.keyed(table, person.group, level, f"{what}支付比例").bands, cut)
    basic, shares = pay(bands, ytd.compliant_cost + deductible, counted - deductible)
    for sh in shares:
        trace.add(f"统筹基金：{describe(sh.band)}，计 {fen(sh.base):f} 元", fen(sh.paid), s.source)
    if limit is not None and s.limit_on == "payment" and basic > limit - ytd.basic:
        basic = max(ZERO, limit - ytd.basic)
        trace.add(f"{disease.name}年度基金最高支付限额 {limit:f} 元{extra}，本次最多支付", fen(basic), s.source)
    inpatient_cap = pack.inpatient.cap if pack.inpatient and s.cap_shared_with_inpatient else None
    cap = s.cap if s.cap is not None else inpatient_cap
    if cap is not None and basic > cap - ytd.basic:
        basic = max(ZERO, cap - ytd.basic)
        trace.add(f"年度最高支付限额 {cap:f} 元（与住院合并计算）", fen(basic), s.source)
    basic = fen(basic)
    trace.add("基本医保支付合计", basic, s.source)
    return finish(pack, claim, deductible, basic, kind, trace, critical=s.critical_illness, source=s.source)
