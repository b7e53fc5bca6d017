"""When a resident's benefits begin: the first of the pack's rules whose conditions all hold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from desktop.errors import Refusal
from desktop.policy import lookup
from desktop.policy.dates import add_months, first_of_month, first_of_next_month
from desktop.policy.pack import BenefitRule, Enrollment, Pack
from desktop.policy.trace import Trace


# slots, not frozen: one per request, never shared (a frozen __init__ costs ~2 µs here)
@dataclass(slots=True)
class BenefitStart:
    benefit_start: date
    benefit_end: date
    waiting_months: int
    retroactive: bool
    rule: str
    trace: Trace


# slots, not frozen: one per request, never shared (a frozen __init__ costs ~2 µs here)
@dataclass(slots=True)
class Facts:
    paid_on: date
    birth_date: date | None = None
    special_group: str | None = None
    continuous_years: int | None = None
    gap_months: int | None = None


def benefit_start(pack: Pack, facts: Facts, settings: lookup.Settings | None = None) -> BenefitStart:
    e = pack.enrollment
    if e is None:
        raise Refusal("not_applicable", "职工医保待遇起始不在本计算范围内", "calc")
    _check_dates(pack, e, facts)
    if facts.special_group and facts.special_group not in e.special_groups:
        known = "、".join(e.special_groups) or "无"
        raise Refusal(
            "unknown_special_group",
            f"“{facts.special_group}”不是{pack.pack.year}年度可免除等待期的人群（可选：{known}）",
            "special_group",
        )
    if facts.special_group == "新生儿" and facts.birth_date is None:
        raise Refusal("missing_field", "新生儿参保请填写出生日期", "birth_date")
    rule = next(r for r in e.rules if _holds(r, e, facts))
    trace = Trace()
    if _in_window(e, facts.paid_on):
        trace.add(f"缴费日期 {facts.paid_on} 在集中参保缴费期（{e.window.start}至{e.window.end}）内", None, e.window.source)
    else:
        trace.add(f"缴费日期 {facts.paid_on} 不在集中参保缴费期（{e.window.start}至{e.window.end}）内", None, e.window.source)
    waiting = lookup.setting(rule.waiting_months, settings or {}) if not isinstance(rule.waiting_months, int) else rule.waiting_months
    waiting = int(waiting)
    start = _start(rule, e, facts, waiting)
    trace.add(f"适用规则：{rule.name}", None, rule.source)
    if waiting:
        trace.add(f"待遇等待期 {waiting} 个月", None, rule.source)
    if start > e.benefit_period.end:
        raise Refusal(
            "not_applicable",
            f"按“{rule.name}”，待遇应自 {start} 起，已超出{pack.pack.year}年度待遇期（至 {e.benefit_period.end}），本年度无法享受待遇",
            "paid_on",
        )
    if rule.start == "birth_date" and facts.birth_date is not None and facts.birth_date < e.benefit_period.start:
        # a newborn of last year enrolled for this year: the rule reaches back to the birth, the
        # year's benefit period does not; said, so nobody reads "追溯至出生之日" as covering it
        trace.add(f"出生日期 {facts.birth_date} 早于{pack.pack.year}年度待遇期：本年度参保自 {e.benefit_period.start} 起享受，"
                  f"出生之日至 {e.benefit_period.start - timedelta(days=1)} 不在本年度待遇期内", None, e.benefit_period.source)
    trace.add(f"待遇享受期 {start} 至 {e.benefit_period.end}", None, e.benefit_period.source)
    return BenefitStart(start, e.benefit_period.end, waiting, start < facts.paid_on, rule.name, trace)


def _check_dates(pack: Pack, e: Enrollment, f: Facts) -> None:
    if f.paid_on < e.window.start or f.paid_on > e.benefit_period.end:
        raise Refusal(
            "invalid_date",
            f"缴费日期 {f.paid_on} 不在{pack.pack.year}年度可参保缴费的期间（{e.window.start}至{e.benefit_period.end}）内",
            "paid_on",
        )
    if f.birth_date is not None:
        if f.birth_date > f.paid_on:
            raise Refusal("invalid_date", f"出生日期 {f.birth_date} 晚于缴费日期 {f.paid_on}", "birth_date")
    for name, value in (("continuous_years", f.continuous_years), ("gap_months", f.gap_months)):
        if value is not None and not 0 <= value <= 100 * (12 if name == "gap_months" else 1):
            raise Refusal("invalid_amount", f"{_LABELS[name]}“{value}”不合理", name)


_LABELS = {"continuous_years": "连续参保年数", "gap_months": "中断缴费月数", "birth_date": "出生日期"}


def _in_window(e: Enrollment, day: date) -> bool:
    return e.window.start <= day <= e.window.end


def _need(value, name: str, rule: BenefitRule):
    if value is None:
        raise Refusal("missing_field", f"判断“{rule.name}”需要填写{_LABELS[name]}", name)
    return value


def _holds(r: BenefitRule, e: Enrollment, f: Facts) -> bool:
    if r.special_groups is not None and f.special_group not in r.special_groups:
        return False
    if r.paid_in_window is not None and _in_window(e, f.paid_on) != r.paid_in_window:
        return False
    if r.newborn is not None and (f.birth_date is not None) != r.newborn:
        return False
    # 民法典第二百零一条: the period starts the day after the birth, so day N is birth + N days.
    if r.newborn_within_days is not None and (
        f.birth_date is None or f.paid_on > f.birth_date + timedelta(days=r.newborn_within_days)
    ):
        return False
    if r.newborn_within_months is not None and (
        f.birth_date is None or f.paid_on > add_months(f.birth_date, r.newborn_within_months)
    ):
        return False
    if r.min_continuous_years is not None and _need(f.continuous_years, "continuous_years", r) < r.min_continuous_years:
        return False
    if r.max_gap_months is not None and _need(f.gap_months, "gap_months", r) > r.max_gap_months:
        return False
    return True


def _start(r: BenefitRule, e: Enrollment, f: Facts, waiting: int) -> date:
    if waiting and r.waiting_from == "month":
        # 自缴费到账当月起计算满N个月后: the payment month counts as the first month
        return add_months(first_of_month(f.paid_on), waiting)
    base = _BASES[r.start](e, f)
    return max(add_months(base, waiting), e.benefit_period.start)


# Where a rule's benefits start from, before the waiting months; only the rule's own is computed.
_BASES = {
    "period_start": lambda e, f: e.benefit_period.start,
    "birth_date": lambda e, f: max(f.birth_date or e.benefit_period.start, e.benefit_period.start),
    "payment_date": lambda e, f: f.paid_on,
    "day_after_payment": lambda e, f: f.paid_on + timedelta(days=1),
    "month_after_payment": lambda e, f: first_of_next_month(f.paid_on),
}
