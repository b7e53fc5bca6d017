"""One inpatient stay: deductible, the basic fund's bands and cap, then the shared layers."""

from __future__ import annotations

from decimal import Decimal

from desktop.errors import Refusal
from desktop.policy import layers, levels, lookup
from desktop.policy.bands import pay
from desktop.policy.estimate import Claim, Estimate, reduction
from desktop.policy.layers import bands_of, describe
from desktop.policy.money import ZERO, fen
from desktop.policy.pack import Pack
from desktop.policy.trace import Trace


def inpatient(pack: Pack, claim: Claim, hospital_level: int, admission: int) -> Estimate:
    if hospital_level not in (1, 2, 3):
        raise Refusal("invalid_amount", f"医院级别应为 1、2 或 3，而不是“{hospital_level}”", "hospital_level")
    if not 1 <= admission <= 366:
        raise Refusal("invalid_amount", f"住院次数应为 1 以上的整数，而不是“{admission}”", "admission")
    ip = pack.inpatient
    if ip is None:
        raise Refusal("not_applicable", f"{pack.shown_document()} 未给出{pack.pack.year}年度住院待遇标准，无法测算住院费用", "year")
    person, cost, ytd = claim.person, claim.compliant_cost, claim.ytd
    trace = Trace()
    trace.add(f"{person.category}在{levels.NAMES[hospital_level]}医疗机构第{admission}次住院，合规费用", cost, ip.source)

    row = lookup.keyed(ip.deductible, person.group, hospital_level, "住院起付标准")
    standard = row.first if admission == 1 or row.subsequent is None else row.subsequent
    deductible = min(standard, cost)
    which = "首次住院" if admission == 1 or row.subsequent is None else "二次及以上住院"
    trace.add(f"起付标准（{which}）", fen(deductible), ip.source)

    cut = reduction(person, "inpatient", trace)
    bands = bands_of(lookup.keyed(ip.ratio, person.group, hospital_level, "住院支付比例").bands, cut)
    basic, shares = pay(bands, ytd.compliant_cost + deductible, cost - deductible)
    for s in shares:
        fund = s.band.label or "统筹基金"
        trace.add(f"{fund}：起付标准以上{describe(s.band)}，计 {fen(s.base):f} 元", fen(s.paid), ip.source)
    if ip.cap is not None and basic > ip.cap - ytd.basic:
        basic = max(ZERO, ip.cap - ytd.basic)
        trace.add(f"基本医保年度最高支付限额 {ip.cap:f} 元，本次最多支付", fen(basic), ip.source)
    basic = fen(basic)
    trace.add("基本医保支付合计", basic, ip.source)
    return finish(pack, claim, deductible, basic, "inpatient", trace, critical=True, source=ip.source)


def finish(
    pack: Pack, claim: Claim, deductible: Decimal, basic: Decimal, kind: str, trace: Trace,
    critical: bool, source: str,
) -> Estimate:
    """Apply 大病保险 (where it covers this kind of cost) and 医疗救助, and close the estimate."""
    cost, person = claim.compliant_cost, claim.person
    burden = cost - basic
    ci = ZERO
    if critical:
        ci = layers.critical_illness(pack, burden, claim.ytd, person.assistance, claim.settings, trace, claim.incentives)
    ma = layers.medical_assistance(
        pack, burden - ci, claim.ytd, person.assistance,
        "inpatient" if kind != "general" else "outpatient", claim.settings, trace,
    )
    est = Estimate(cost, fen(deductible), basic, ci, ma, trace)
    trace.add("个人负担（合规费用减去各项基金支付）", est.personal, source)
    return est
