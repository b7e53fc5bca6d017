"""A resident's personal contribution for a year: standard, long-term-care part, subsidy, what is left."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from desktop.errors import Refusal
from desktop.policy import lookup, memo
from desktop.policy.money import ZERO, fen, percent_text
from desktop.policy.pack import ContributionRow, Pack
from desktop.policy.trace import Trace


# slots, not frozen: one per request, never shared (a frozen __init__ costs ~2 µs here)
@dataclass(slots=True)
class Contribution:
    category: str  # the category's label
    tier: str | None
    standard: Decimal
    ltc: Decimal
    assisted: Decimal
    personal: Decimal
    trace: Trace


def standard_row(pack: Pack, region: str, category_code: str, tier: str | None) -> ContributionRow:
    table = memo.of(pack)
    key = ("standard_row", region, category_code, tier)
    found = table.get(key)
    if found is not None:
        return found
    for row in pack.contribution:
        if row.category == category_code and row.tier == tier and (row.regions is None or region in row.regions):
            table[key] = row
            return row
    raise Refusal("not_applicable", f"政策包没有 {region} 该类别的缴费标准", "category")


def contribution(
    pack: Pack, region: str, category: str, tier: str | None = None, assistance: str | None = None
) -> Contribution:
    if pack.pack.scheme != "resident":
        raise Refusal("not_applicable", "职工医保请用 employee_contribution 计算缴费", "calc")
    cat = lookup.category(pack, category)
    tier_code = lookup.tier(pack, cat, tier)
    group = lookup.assistance(pack, assistance)
    row = standard_row(pack, region, cat.code, tier_code)
    trace = Trace()
    standard = row.medical + row.ltc
    tier_cn = f"（{_tier_label(pack, tier_code)}）" if tier_code else ""
    trace.add(f"{cat.label}{tier_cn}基本医疗保险个人缴费标准", row.medical, row.source)
    if row.ltc or _any_ltc(pack):
        trace.add("长期护理保险个人缴费标准" + ("" if row.ltc else "（免缴）"), row.ltc, row.source)
    trace.add("个人缴费标准合计", standard, row.source)

    assisted = ZERO
    if group is not None:
        assisted, why = _subsidy(pack, tier_code, standard, group)
        trace.add(why, assisted, group.source)
    personal = fen(standard - assisted)
    trace.add("个人应缴", personal, row.source if group is None else group.source)
    return Contribution(cat.label, tier_code, fen(standard), fen(row.ltc), assisted, personal, trace)


def _any_ltc(pack: Pack) -> bool:
    table = memo.of(pack)
    found = table.get("any_ltc")
    if found is None:
        found = table["any_ltc"] = any(r.ltc for r in pack.contribution)
    return found


def _tier_label(pack: Pack, code: str | None) -> str:
    table = memo.of(pack)
    key = ("tier_label", code)
    found = table.get(key)
    if found is None:
        found = table[key] = next((label for label, c in pack.categories.tiers.items() if c == code), code or "")
    return found


def _subsidy(pack: Pack, tier_code: str | None, standard: Decimal, group) -> tuple[Decimal, str]:
    s = group.subsidy
    if s is None:
        return ZERO, f"{group.label}：个人缴费部分不享受资助"
    if s.tiers is not None and tier_code not in s.tiers:
        return ZERO, f"{group.label}选择{_tier_label(pack, tier_code)}缴费，个人缴费部分不再享受定额资助"
    amount = fen(standard * s.share)
    if s.share == 1:
        return amount, f"{group.label}：个人缴费部分由政府全额承担"
    return amount, f"{group.label}：按个人缴费标准的{percent_text(s.share)}定额资助"
