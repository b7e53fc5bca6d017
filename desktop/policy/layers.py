"""The layers after the basic fund: 大病保险, then 医疗救助 with 倾斜救助. Shared by every estimate.

Each layer pays on a yearly cumulative axis (see bands.py) and is rounded to the fen once.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from desktop.policy import lookup, memo
from desktop.policy.bands import Band, pay
from desktop.policy.money import ZERO, fen, percent_text
from desktop.policy.pack import AssistanceGroup, BandSpec, CriticalIllness, Pack
from desktop.policy.trace import Trace


@dataclass(frozen=True)
class YearToDate:
    """What earlier claims of the same year already used (all optional, zero when unknown)."""

    compliant_cost: Decimal = ZERO
    basic: Decimal = ZERO
    personal_burden: Decimal = ZERO  # compliant cost − basic
    critical_illness: Decimal = ZERO
    medical_assistance: Decimal = ZERO
    personal: Decimal = ZERO  # what was left after all layers


@dataclass(frozen=True)
class Incentives:
    continuous_years: int | None = None
    zero_claim_last_year: bool = False


def bands_of(specs: list[BandSpec], reduction: Decimal = ZERO) -> list[Band]:
    table = memo.of(specs) if isinstance(specs, list) else {}  # a pack's bands: the same list each time
    key = str(reduction)  # the text: equal reductions of another exponent are kept apart
    bands = table.get(key)
    if bands is None:
        bands = table[key] = [Band(b.lower, b.upper, max(ZERO, b.ratio - reduction), b.label) for b in specs]
    return list(bands)  # the caller's own list: some replace a band


_DESCRIBED: dict[tuple, str] = {}


def describe(band: Band) -> str:
    # only the values count (everything is normalized), so equal bands share the text
    key = (band.lower, band.upper, band.ratio)
    text = _DESCRIBED.get(key)
    if text is None:
        text = _describe(band)
        if len(_DESCRIBED) < 4096:
            _DESCRIBED[key] = text
    return text


def _describe(band: Band) -> str:
    if band.lower == 0 and band.upper is None:
        return f"按{percent_text(band.ratio)}"
    hi = "以上" if band.upper is None else f"至{band.upper.normalize():f}元"
    return f"{band.lower.normalize():f}元{hi}部分按{percent_text(band.ratio)}"


def critical_illness(
    pack: Pack,
    burden: Decimal,
    ytd: YearToDate,
    group: AssistanceGroup | None,
    settings: lookup.Settings,
    trace: Trace,
    incentives: Incentives = Incentives(),
) -> Decimal:
    ci = pack.critical_illness
    if ci is None or burden <= 0:
        return ZERO
    assisted = group is not None and group.critical_illness_assisted
    bands, cap = _schedule(ci, assisted, settings)
    cap = _with_incentives(ci, cap, incentives, trace) if not assisted else cap
    paid, shares = pay(bands, ytd.personal_burden, burden)
    if not shares:
        who = f"{group.label}（困难群众）" if assisted else "普通参保人员"
        trace.add(f"大病保险：{who}年度个人负担合规费用未超过起付标准 {bands[0].lower:f} 元", ZERO, ci.source)
        return ZERO
    for s in shares:
        trace.add(f"大病保险：{describe(s.band)}，计 {fen(s.base):f} 元", fen(s.paid), ci.source)
    if cap is not None and paid > cap - ytd.critical_illness:
        paid = max(ZERO, cap - ytd.critical_illness)
        trace.add(f"大病保险年度最高支付限额 {cap:f} 元", paid, ci.source)
    amount = fen(paid)
    trace.add("大病保险支付合计", amount, ci.source)
    return amount


def _schedule(ci: CriticalIllness, assisted: bool, settings: lookup.Settings) -> tuple[list[Band], Decimal | None]:
    threshold = lookup.setting(ci.threshold, settings)
    table = memo.of(ci)
    key = (assisted, str(threshold))  # the threshold's text shows in the trace
    found = table.get(key)
    if found is None:
        found = table[key] = _build_schedule(ci, assisted, threshold)
    return list(found[0]), found[1]


def _build_schedule(ci: CriticalIllness, assisted: bool, threshold: Decimal) -> tuple[list[Band], Decimal | None]:
    ordinary = bands_of(ci.bands)
    ordinary[0] = Band(threshold, ordinary[0].upper, ordinary[0].ratio)
    if not assisted:
        return ordinary, ci.cap
    a = ci.assisted
    if a.bands is not None:
        return bands_of(a.bands), a.cap
    # derived schedule (天津): lower threshold, higher ratios, and no upper limit
    lowered = threshold * (a.threshold_factor if a.threshold_factor is not None else Decimal(1))
    bands = [Band(b.lower, b.upper, min(Decimal(1), b.ratio + a.ratio_bonus)) for b in ordinary]
    bands[0] = Band(lowered, bands[0].upper, bands[0].ratio)
    if a.open_ended:
        bands[-1] = Band(bands[-1].lower, None, bands[-1].ratio)
    return bands, a.cap


def _with_incentives(ci: CriticalIllness, cap: Decimal | None, inc: Incentives, trace: Trace) -> Decimal | None:
    if cap is None:
        return None
    if ci.continuity_step and ci.continuity_after_years is not None and inc.continuous_years:
        extra_years = max(0, inc.continuous_years - ci.continuity_after_years)
        if extra_years:
            cap += ci.continuity_step * extra_years
            trace.add(f"连续参保 {inc.continuous_years} 年，满{ci.continuity_after_years}年后每年提高封顶线", ci.continuity_step * extra_years, ci.source)
    if ci.zero_claim_step and inc.zero_claim_last_year:
        cap += ci.zero_claim_step
        trace.add("上年度基金零报销，提高封顶线", ci.zero_claim_step, ci.source)
    return cap


def medical_assistance(
    pack: Pack,
    base: Decimal,
    ytd: YearToDate,
    group: AssistanceGroup | None,
    kind: Literal["inpatient", "outpatient"],
    settings: lookup.Settings,
    trace: Trace,
) -> Decimal:
    """医疗救助 on what is left after basic and 大病保险, then the top-up (倾斜救助 …)."""
    ma = pack.medical_assistance
    if ma is None or group is None or group.assistance_class is None or base <= 0:
        if group is not None and (ma is None or group.assistance_class is None):
            trace.add(f"{group.label}不属于医疗救助对象，不计医疗救助", ZERO, group.source)
        return ZERO
    cls = next(c for c in ma.classes if c.name == group.assistance_class)
    rule = cls.inpatient if kind == "inpatient" else cls.outpatient
    total = ZERO
    if rule is not None:
        deductible = lookup.setting(rule.deductible, settings)
        before = ytd.personal_burden - ytd.critical_illness
        paid, shares = pay([Band(deductible, None, rule.ratio)], max(ZERO, before), base)
        what = "住院及门诊慢特病" if kind == "inpatient" else "门诊"
        start = f"超过起付标准 {deductible:f} 元的部分" if deductible else "个人自付合规费用"
        counted = fen(sum((s.base for s in shares), ZERO))  # the base the ratio is applied to
        trace.add(f"医疗救助（{group.label}，{what}）：{start}按{percent_text(rule.ratio)}，计 {counted:f} 元",
                  fen(paid), ma.source)
        if rule.cap is not None and paid > rule.cap - ytd.medical_assistance:
            paid = max(ZERO, rule.cap - ytd.medical_assistance)
            trace.add(f"医疗救助年度最高限额 {rule.cap:f} 元", fen(paid), ma.source)
        total = fen(paid)
    if ma.top_up is not None and (ma.top_up.applies_to is None or kind in ma.top_up.applies_to):
        left = base - total
        extra, shares = pay(bands_of(ma.top_up.bands), ytd.personal, left)
        for s in shares:
            trace.add(f"{ma.top_up.name}：个人年度实际自付{describe(s.band)}", fen(s.paid), ma.source)
        if ma.top_up.cap is not None and extra > ma.top_up.cap:
            extra = ma.top_up.cap
            trace.add(f"{ma.top_up.name}最高限额 {ma.top_up.cap:f} 元", extra, ma.source)
        total += fen(extra)
    trace.add("医疗救助合计", total, ma.source)
    return total
