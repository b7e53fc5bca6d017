"""连续参保年数 and 中断月数 of a late enrollment, derived from the enrollments on file.

天津 004 §八(三)(四) starts a late payer's benefits by how many years they were insured without a
break (不含补缴) and how long the break before this payment was. The file holds the years enrolled
here; years it does not hold (employee insurance, another city) the clerk enters with the date
that cover ended and a reason, which the enrollment's trace (hashed into its audit entry) keeps.

Readings (docs/interpretations.md): a year counts when it was paid before it began (a year paid
during itself is a 补缴 and breaks the run); the break runs from the day after the last cover
ended, and a started month counts whole (“三个月内”: cover ending 31 December, paid by 31 March).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from desktop.errors import Refusal
from desktop.policy.dates import add_months
from desktop.records import enrollments
from desktop.services import fields


@dataclass(frozen=True)
class Continuity:
    continuous_years: int
    gap_months: int | None  # None: no cover known to have ended (nothing on file or entered)
    basis: tuple[str, ...]  # what the figures were derived from, in words for the screen and trace

    def text(self) -> str:
        gap = "无法计算" if self.gap_months is None else f"{self.gap_months}个月"
        return f"连续参保{self.continuous_years}年，中断{gap}（" + "；".join(self.basis) + "）"


def months_between(first_uncovered: date, paid: date) -> int:
    """Months of a break from its first day to the payment day, a started month counted whole."""
    months = 0
    while add_months(first_uncovered, months) <= paid:
        months += 1
    return months


def derive(
    ctx: Any,
    person: dict[str, Any],
    year: int,
    paid: date,
    *,
    earlier_years: Any = None,
    earlier_until: Any = None,
    earlier_reason: Any = None,
) -> Continuity:
    """The run of years insured before `year` (on file, then those entered) and the break."""
    extra = _earlier_years(earlier_years)
    until = fields.day(earlier_until, "earlier_until", "档案外参保截止日期", required=False)
    reason = fields.text(earlier_reason, "earlier_reason", "档案外参保年数的依据", required=False)
    if (extra or until) and reason is None:
        raise Refusal(
            "missing_field",
            "录入档案外的参保年数或截止日期，请填写依据（如：职工医保参保证明、外地参保凭证）",
            "earlier_reason",
        )
    if until is not None and until >= paid:
        raise Refusal("invalid_date", f"档案外参保截止日期{until}不早于缴费日期{paid}", "earlier_until")
    held = _years_on_file(ctx, person, year)
    run: list[int] = []
    for y in range(year - 1, year - 100, -1):
        row = held.get(y)
        if row is None or date.fromisoformat(row["paid_on"]) >= date(y, 1, 1):
            break
        run.append(y)
    basis: list[str] = []
    if run:
        basis.append(f"档案记录{min(run)}至{max(run)}年度按期参保{len(run)}年")
    elif held:
        basis.append(f"档案记录{year - 1}年度无按期参保（有记录年度：{'、'.join(map(str, sorted(held)))}）")
    else:
        basis.append("档案中无以往年度参保记录")
    broke = year - 1 - len(run)
    if broke in held:  # held but not counted: paid during that year
        basis.append(f"{broke}年度为当年补缴，不计入连续参保年数")
    if extra:
        basis.append(f"窗口录入档案外参保{extra}年（依据：{reason}）")
    ends = [date.fromisoformat(r["benefit_end"]) for r in held.values()]
    if until is not None:
        ends.append(until)
        basis.append(f"档案外参保截止{until}")
    ended = max((d for d in ends if d < paid), default=None)
    gap = months_between(ended + timedelta(days=1), paid) if ended is not None else None
    return Continuity(len(run) + extra, gap, tuple(basis))


def _earlier_years(value: Any) -> int:
    if value is None or value == "":
        return 0
    try:
        number = int(str(value).strip())
    except ValueError:
        raise Refusal("invalid_amount", f"档案外参保年数“{value}”不是整数", "earlier_years") from None
    if not 0 <= number <= 80:
        raise Refusal("invalid_amount", f"档案外参保年数“{value}”不合理（0至80）", "earlier_years")
    return number


def _years_on_file(ctx: Any, person: dict[str, Any], year: int) -> dict[int, dict[str, Any]]:
    """Each earlier year's enrollment that was not refunded (the newest of a year)."""
    if not person.get("id") or ctx.db is None:
        return {}
    held: dict[int, dict[str, Any]] = {}
    for row in enrollments.of_person(ctx.db, person["id"]):
        if row["year"] < year and row["status"] != "refunded":
            held.setdefault(row["year"], row)
    return held
