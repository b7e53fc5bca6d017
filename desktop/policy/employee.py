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
        raise Refusal("invalid_member", f"参保人员类型“{member}”无效（employee 单位职工 / flexible 灵活就业人员）", "member")
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
