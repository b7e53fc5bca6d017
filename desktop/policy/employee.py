"""Employee-scheme monthly contributions: employer and personal shares, or a flexible worker's own."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from desktop.errors import Refusal
from desktop.policy import lookup
from desktop.policy.money import ZERO, fen, percent_text
from desktop.policy.pack import Pack
from desktop.policy.trace import Trace

MEMBERS = {"employee": "employee", "职工": "employee", "在职职工": "employee",
           "flexible": "flexible", "灵活就业人员": "flexible", "灵活就业": "flexible"}


# slots, not frozen: one per request, never shared (a frozen __init__ costs ~2 µs here)
@dataclass(slots=True)
class EmployeeContribution:
    member: str
    base: Decimal
    employer: Decimal
    personal: Decimal
    total: Decimal
    trace: Trace


def employee_contribution(
    pack: Pack, member: str, monthly_base: Decimal | None, settings: lookup.Settings
) -> EmployeeContribution:
    ec = pack.employee_contribution
    if ec is None:
        raise Refusal("not_applicable", "城乡居民医保请用 contribution 计算个人缴费", "calc")
    kind = MEMBERS.get(member)
    if kind is None:
        raise Refusal("invalid_member", f"参保人员类型“{member}”无效（employee 单位职工 / flexible 灵活就业人员 / top_up 一次性补足最低缴费年限）", "member")
    trace = Trace()
    if kind == "flexible":
        base = lookup.setting(ec.flexible_base, settings)
        if monthly_base is not None and monthly_base != base:
            raise Refusal(
                "invalid_amount",
                f"灵活就业人员的缴费基数为省公布的当年缴费工资基数下限 {base:f} 元，不能按 {monthly_base:f} 元缴费",
                "monthly_base",
            )
        trace.add("灵活就业人员缴费基数（省公布的当年基本医疗保险缴费工资基数下限）", base, ec.source)
        personal = fen(base * ec.flexible_rate)
        trace.add(f"个人按缴费基数的{percent_text(ec.flexible_rate)}缴纳", personal, ec.source)
        return EmployeeContribution(kind, base, ZERO, personal, personal, trace)

    if monthly_base is None:
        raise Refusal("missing_field", "请填写月缴费基数（monthly_base）", "monthly_base")
    base = monthly_base
    for bound, cmp, word in ((ec.base_floor, lambda b, x: b < x, "下限"), (ec.base_ceiling, lambda b, x: b > x, "上限")):
        if bound is not None and bound.setting in settings:
            limit = lookup.setting(bound, settings)
            if cmp(base, limit):
                raise Refusal("invalid_amount", f"缴费基数 {base:f} 元超出省定{word} {limit:f} 元", "monthly_base")
    trace.add("本人上年月平均工资收入作为缴费基数", base, ec.source)
    employer = fen(base * ec.employer_rate)
    personal = fen(base * ec.personal_rate)
    trace.add(f"用人单位按{percent_text(ec.employer_rate)}缴纳", employer, ec.source)
    trace.add(f"职工个人按{percent_text(ec.personal_rate)}缴纳", personal, ec.source)
    total = employer + personal
    trace.add(f"合计（{percent_text(ec.employer_rate + ec.personal_rate)}）", total, ec.source)
    return EmployeeContribution(kind, base, employer, personal, total, trace)


SEXES = {"男": "男", "女": "女", "M": "男", "F": "女", "male": "男", "female": "女"}


# slots, not frozen: one per request, never shared
@dataclass(slots=True)
class TopUp:
    sex: str
    paid_years: Decimal
    minimum_years: int
    missing_years: Decimal
    base: Decimal
    rate: Decimal
    total: Decimal
    trace: Trace


def top_up(pack: Pack, sex: str | None, paid_years: Decimal | None, settings: lookup.Settings) -> TopUp:
    """一次性补足最低缴费年限: what a retiring employee pays once for the years short of the minimum."""
    t = pack.employee_top_up
    if t is None:
        raise Refusal("not_applicable", f"{pack.pack.document} 未规定一次性补足最低缴费年限", "member")
    if sex in (None, ""):
        raise Refusal("missing_field", "请填写性别（sex：男/女），最低缴费年限按性别不同", "sex")
    label = SEXES.get(sex)
    if label is None or label not in t.minimum_years:
        raise Refusal("invalid_field", f"性别“{sex}”无效（男/女）", "sex")
    if paid_years is None:
        raise Refusal("missing_field", "请填写已缴费年限（paid_years，如 22.5）", "paid_years")
    if not 0 <= paid_years <= 100:
        raise Refusal("invalid_amount", f"已缴费年限“{paid_years}”不合理", "paid_years")
    base = lookup.setting(t.base, settings)
    minimum = t.minimum_years[label]
    trace = Trace()
    trace.add(f"职工医保最低缴费年限：{label}满{minimum}年；已缴费 {paid_years.normalize():f} 年", None, t.source)
    missing = max(ZERO, Decimal(minimum) - paid_years)
    if missing == 0:
        trace.add("已达到最低缴费年限，无需一次性补足", ZERO, t.source)
        return TopUp(label, paid_years, minimum, missing, base, t.rate, fen(ZERO), trace)
    months = missing * 12
    trace.add(f"不足 {missing.normalize():f} 年，计 {months.normalize():f} 个月", None, t.source)
    trace.add("补缴基数（我市公布的最低缴费年限缴费基数，元/月）", base, t.source)
    total = fen(base * t.rate * months)
    trace.add(f"一次性补缴：基数 × {percent_text(t.rate)} × {months.normalize():f} 个月（不划拨个人账户）", total, t.source)
    return TopUp(label, paid_years, minimum, missing, base, t.rate, total, trace)
