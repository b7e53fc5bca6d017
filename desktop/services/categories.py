"""Proposing a person's category (参保缴费身份) from age, school and region.

Pure: the ages come from the policy pack (`category_rules`), the facts from the person. The
clerk may choose another category, with a reason (see enrollment).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop.policy.citation import shown

# Labels as the source documents write them (the packs accept them, with their aliases).
CZ_ELDERLY, CZ_NON_EMPLOYED, CZ_UNIVERSITY, CZ_MINOR = (
    "老年居民",
    "非从业居民",
    "大学生",
    "未成年居民",
)


@dataclass(frozen=True)
class Proposal:
    """`category` None means the rules cannot decide (an age limit is not set): the clerk picks."""

    category: str | None
    note: str | None = None
    needs_student_proof: bool = False


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def propose(
    region: str,
    birth_date: date,
    on: date,
    *,
    school_kind: str | None,
    rules: Mapping[str, Any],
) -> Proposal:
    """The category the rules give on `on` (the day of enrollment).

    `school_kind` is 'university', 'school' (中小学、职业院校、技工院校、托育) or None. `rules` are
    the year's `api.category_rules`: the ages and the 常州 student rules, as the year's source
    says them, cited from it.
    """
    age = age_on(birth_date, on)
    minor = rules.get("minor_below_age")
    minor_age = minor if minor is not None else 18
    if rules.get("proposals"):
        return _by_rules(age, school_kind, rules["proposals"])
    return _changzhou(age, school_kind, minor_age, rules.get("elderly_from_age"),
                      rules.get("school_students_over_age"), rules.get("universities_enroll_students"))


def _changzhou(
    age: int,
    school_kind: str | None,
    minor_age: int,
    elderly_age: int | None,
    school_rule: Mapping[str, str] | None,
    universities: str | None,
) -> Proposal:
    if school_kind == "university":
        return Proposal(CZ_UNIVERSITY, f"高等院校在校学生由学校统一办理参保登记和缴费（{shown(universities)}）"
                        if universities else None)
    if age < minor_age:
        return Proposal(CZ_MINOR)
    if school_kind == "school":
        if school_rule is None:
            return Proposal(
                None,
                f"本年度政策文件未写年满{minor_age}周岁仍在校学生的参保缴费身份：请按实际选择参保类别",
            )
        return Proposal(
            school_rule["category"],
            f"年满{minor_age}周岁仍在校的学生（大学生除外）凭{school_rule['proof']}按“{school_rule['category']}”"
            f"标准继续缴费（{shown(school_rule['source'])}）",
            needs_student_proof=True,
        )
    if elderly_age is None:
        return Proposal(
            None,
            f"政策文件未规定“老年居民”的年龄界限，大厅设置中也未填写（elderly_from_age）："
            f"请在“{CZ_ELDERLY}”与“{CZ_NON_EMPLOYED}”中选择",
        )
    if age >= elderly_age:
        return Proposal(CZ_ELDERLY, f"年满{elderly_age}周岁（大厅设置的老年居民起始年龄）")
    return Proposal(CZ_NON_EMPLOYED)


def _by_rules(age: int, school_kind: str | None, rules: list[Mapping[str, Any]]) -> Proposal:
    """The first of the year's proposal rules whose conditions hold (the pack ends with a fallback)."""
    for r in rules:
        if r["under_age"] is not None and age >= r["under_age"]:
            continue
        if r["at_school"] is not None and r["at_school"] != (school_kind is not None):
            continue
        return Proposal(r["category"], f"{r['text']}（{shown(r['source'])}）")
    return Proposal(None, "本年度政策包没有适用的参保类别推荐规则：请按实际选择参保类别")
