"""Resolving a request's labels against a pack: categories, tiers, groups, settings, table rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TypeVar

from desktop.errors import Refusal
from desktop.policy import memo
from desktop.policy.pack import AssistanceGroup, Category, OffsiteType, Pack, Setting

Settings = Mapping[str, Decimal]

T = TypeVar("T")


def _names(labels: Iterable[str]) -> str:
    return "、".join(labels)


def category(pack: Pack, label: str) -> Category:
    found = memo.of(pack).get(("category", label))
    if found is not None:
        return found
    for c in pack.categories.items:
        if label in (c.label, c.code, *c.aliases):
            memo.of(pack)[("category", label)] = c
            return c
    known = _names(c.label for c in pack.categories.items)
    raise Refusal(
        "unknown_category",
        f"{pack.pack.region_group}{pack.pack.year}年度没有参保类别“{label}”（可选：{known}）",
        "category",
    )


def tier(pack: Pack, cat: Category, label: str | None) -> str | None:
    """The tier code a category pays on; refuses a tier the category cannot choose."""
    tiers = pack.categories.tiers
    given = label not in (None, "")
    code = tiers.get(label, label) if given else None
    if cat.tiers:
        if not given:
            raise Refusal("missing_field", f"请选择缴费档次（{_names(tiers)}）", "tier")
        if code not in cat.tiers:
            raise Refusal("unknown_category", f"{cat.label}不能选择缴费档次“{label}”（可选：{_names(tiers)}）", "tier")
        return code
    if given and code != cat.fixed_tier:
        if not tiers:
            raise Refusal("not_applicable", f"{pack.pack.region_group}不分缴费档次，请勿填写档次", "tier")
        raise Refusal("not_applicable", f"{cat.label}按固定标准缴费，不能选择“{label}”", "tier")
    return cat.fixed_tier


def benefit_group(cat: Category, tier_code: str | None) -> str:
    if cat.benefit_group:
        return cat.benefit_group
    assert cat.benefit_group_by_tier is not None
    return cat.benefit_group_by_tier[tier_code or ""]


def assistance(pack: Pack, label: str | None) -> AssistanceGroup | None:
    if label in (None, ""):
        return None
    found = memo.of(pack).get(("assistance", label))
    if found is not None:
        return found
    groups = pack.assistance.groups if pack.assistance else []
    for g in groups:
        if label in (g.label, *g.aliases):
            memo.of(pack)[("assistance", label)] = g
            return g
    raise Refusal(
        "unknown_assistance",
        f"“{label}”不是{pack.pack.region_group}{pack.pack.year}年度的救助或资助参保类别（可选：{_names(g.label for g in groups) or '无'}）",
        "assistance",
    )


def offsite(pack: Pack, label: str | None) -> OffsiteType | None:
    if label in (None, ""):
        return None
    if pack.offsite is None:
        raise Refusal(
            "not_applicable",
            f"{pack.shown_document()} 未规定{pack.pack.year}年度异地就医支付比例，无法测算异地就医",
            "offsite",
        )
    for t in pack.offsite.types:
        if label in (t.label, *t.aliases):
            return t
    known = _names(t.label for t in pack.offsite.types)
    raise Refusal("unknown_offsite_type", f"异地就医人员类别“{label}”无效（可选：{known}）", "offsite")


def setting(value: Decimal | Setting, settings: Settings) -> Decimal:
    """A pack figure, or the hall's entry for a figure the sources lack (refused while unset)."""
    if not isinstance(value, Setting):
        return value
    entered = settings.get(value.setting)
    if entered is None:
        raise Refusal(
            "missing_setting",
            f"政策来源未给出“{value.label}”，请管理员在“设置—大厅参数”中填写后再测算",
            value.setting,
        )
    return Decimal(entered) * value.factor


def keyed(rows: Iterable[T], group: str, level: int | None, what: str) -> T:
    """The row for (group, level), a '*' in the row matching anything."""
    table = memo.of(rows) if isinstance(rows, list) else {}  # a pack's table: the same list each time
    found = table.get((group, level))
    if found is not None:
        return found
    for row in rows:
        g, lv = getattr(row, "group", "*"), getattr(row, "level", "*")
        if g in ("*", group) and (lv == "*" or level is None or lv == level):
            table[(group, level)] = row
            return row
    raise Refusal("not_applicable", f"政策包没有{what}（待遇组 {group}，级别 {level}）", None)
