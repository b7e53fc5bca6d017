"""退费 (refund) of a resident contribution: eligibility and amount by the year's rules, then review.

The refund cases, who takes the application and when, and the next step offered when a refund is
refused are the pack's (`refunds`: 天津 004 §七; 常州 names only 停保/退保, so no case).
A payment is refunded at most once: refund_payouts has UNIQUE(enrollment_id).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop.errors import Refusal
from desktop.policy import procedures
from desktop.policy.citation import shown
from desktop.policy.money import fen_text
from desktop.policy.pack import RefundRules
from desktop.records import audit, enrollments, receipts, reviews
from desktop.records.rows import Stamp, content, insert, one, to_json
from desktop.records.tx import write
from desktop.services import fields
from desktop.services.context import Context
from desktop.services.permissions import require
from desktop.services.persons import require_person
from desktop.services.termination import REASONS, check_no_open_request


@dataclass(frozen=True)
class RefundCase:
    case_no: int  # the case's number in the source (天津 §七(一)N)
    rule: str  # "<source>：<text>"
    amount_fen: int

    @property
    def number(self) -> int:
        return self.case_no


@dataclass(frozen=True)
class RefundResult:
    refund_id: str
    receipt_serial: str
    review_request_id: str
    case: RefundCase


@dataclass(frozen=True)
class RefundPlan:
    """What the counter can do about a refund request today (nothing written)."""

    case: RefundCase | None  # None: no case of the source applies
    at_counter: bool  # the application is taken at this counter today
    where: str | None  # who takes it (the source's words)
    next_step: str | None  # 停保 / 退保: what the counter offers instead
    message: str  # the verdict in words, with the clauses

    def require_counter(self) -> RefundCase:
        """The case, when this counter may take the application; else the refusal that says why."""
        if self.case is None:
            raise Refusal("not_applicable", self.message, "reason")
        if not self.at_counter:
            raise Refusal("elsewhere", self.message, "kind")
        return self.case


def _case(rules: RefundRules, kind: str, amount: int) -> RefundCase | None:
    c = next((c for c in rules.cases if c.kind == kind), None)
    return None if c is None else RefundCase(c.number, f"{shown(c.source)}：{c.text}", amount)


def _source_of(rules: RefundRules, kind: str) -> str:
    c = next((c for c in rules.cases if c.kind == kind), None)
    return c.source if c is not None else rules.source


def tianjin_case(
    rules: RefundRules,
    enrollment: dict[str, Any],
    today: date,
    reason: str,
    *,
    employee_insurance_whole_year: bool = False,
    switch_to_higher_tier: bool = False,
    duplicate_other_province: bool = False,
) -> RefundCase:
    """Which of the year's cases applies (the most specific first), or a refusal citing the rule.

    The amount is the personal contribution; in the assisted-switch case the subsidy goes back to
    the funding department through its own channel, not to the person.
    """
    amount = enrollment["personal_fen"]
    # The enrollment window for year Y ends on 31 December of Y-1, so "today is in the window of
    # a paid next-year enrollment" is simply: today is before the policy year.
    in_window_for_next_year = today.year < enrollment["year"]
    found = None
    if duplicate_other_province:
        found = _case(rules, "duplicate_other_province", amount)
    elif switch_to_higher_tier:
        where = _source_of(rules, "assisted_switch_to_higher_tier")
        if not enrollment["assisted_fen"]:
            raise Refusal("not_applicable", f"该参保登记未享受政府资助参保，不适用{where}", "switch_to_higher_tier")
        if not in_window_for_next_year:
            raise Refusal("not_applicable", f"资助参保退费后变更缴费档次须在集中缴费期内申请（{where}）",
                          "switch_to_higher_tier")
        found = _case(rules, "assisted_switch_to_higher_tier", amount)
    elif in_window_for_next_year:
        found = _case(rules, "next_year_in_window", amount)
    elif today.isoformat() < enrollment["benefit_start"]:
        found = _case(rules, "before_benefit_start", amount)
    elif reason == "参加职工医保" and employee_insurance_whole_year:
        found = _case(rules, "employee_insurance_whole_year", amount)
    if found is not None:
        return found
    if not rules.cases:
        raise Refusal("not_applicable", f"政策文件只规定了停保、退保手续（{shown(rules.source)}），没有居民医保退费的规定，"
                                        "不能办理退费", "reason")
    source = _source_of(rules, "before_benefit_start")
    after = rules.refused_after_benefit_start or "待遇享受期开始后个人缴费不予退回"
    raise Refusal(
        "not_applicable",
        f"待遇享受期已于{enrollment['benefit_start']}开始，{after}（{shown(source)}）；"
        "当年持续享受职工医保待遇或外省市整年度重复参保的除外",
        "reason",
    )


def _next_step(rules: RefundRules, reason: str) -> str | None:
    if rules.next_step is None:
        return None
    return "退保" if reason == "死亡" else rules.next_step


def plan(ctx: Context, id_number: Any, year: Any, reason: Any, **facts: bool) -> RefundPlan:
    """The verdict on a refund request without writing anything: the case, who takes it, the next step."""
    person = require_person(ctx, id_number)
    why = fields.choice(reason, {r: r for r in REASONS}, "reason", "退费原因")
    target = fields.year(year, ctx.today())
    enrollment = enrollments.latest_for_year(ctx.db, person["id"], target)
    if enrollment is None:
        raise Refusal("not_found", f"{person['name']}没有{target}年度可退费的参保缴费记录", "year")
    return plan_for(ctx, enrollment, why, **facts)


def plan_for(ctx: Context, enrollment: dict[str, Any], reason: str, **facts: bool) -> RefundPlan:
    pack = ctx.pack(enrollment["year"])
    rules = procedures.refund_rules(pack)
    step = _next_step(rules, reason)
    offer = f"；如需停止参保，可在本窗口办理{step}" if step else ""
    if not rules.cases:
        return RefundPlan(None, False, None, step, f"{pack.pack.region_group}政策文件只规定了停保、退保手续"
                                                   f"（{shown(rules.source)}），没有居民医保退费的规定，不能办理退费{offer}")
    try:
        case = tianjin_case(rules, enrollment, ctx.today(), reason, **facts)
    except Refusal as refusal:
        if refusal.field != "reason":
            raise
        return RefundPlan(None, False, None, step, refusal.message + offer)
    handling = procedures.refund_handling(rules, ctx.today())
    if handling is None:
        return RefundPlan(case, False, None, step,
                          f"符合退费情形（{case.rule}），但政策文件未写明{ctx.today()}由谁受理（{shown(rules.source)}）{offer}")
    if handling.at_counter:
        bring = f"，需提供{handling.material}" if handling.material else ""
        return RefundPlan(case, True, handling.where, step,
                          f"符合退费情形（{case.rule}），由{handling.where}受理{bring}（{shown(handling.source)}）")
    since = f"自{handling.start.year}年{handling.start.month}月{handling.start.day}日起，" if handling.start else ""
    return RefundPlan(case, False, handling.where, step,
                      f"符合退费情形（{case.rule}），可退{fen_text(case.amount_fen)}元；{since}退费由{handling.where}"
                      f"办理，本窗口不受理（{shown(handling.source)}）{offer}")


def eligibility(ctx: Context, enrollment: dict[str, Any], reason: str, **facts: bool) -> RefundCase:
    """The case when this counter may take the application today; else the refusal saying why."""
    return plan_for(ctx, enrollment, reason, **facts).require_counter()


def request_refund(
    ctx: Context,
    id_number: Any,
    year: Any,
    reason: Any,
    *,
    reason_note: Any = None,
    employee_insurance_whole_year: bool = False,
    switch_to_higher_tier: bool = False,
    duplicate_other_province: bool = False,
    enrollment_id: str | None = None,
) -> RefundResult:
    """Ask for the refund of the person's contribution for `year`; a reviewer decides."""
    require(ctx, "handle", "refund")
    person = require_person(ctx, id_number)
    why = fields.choice(reason, {r: r for r in REASONS}, "reason", "退费原因")
    note = fields.text(reason_note, "reason_note", "原因说明", required=(why == "其他"))
    target = fields.year(year, ctx.today())
    enrollment = enrollments.latest_for_year(ctx.db, person["id"], target)
    if enrollment_id is not None:  # one of a double enrollment (the 冲突 page names it)
        enrollment = next((e for e in enrollments.of_person(ctx.db, person["id"])
                           if e["id"] == enrollment_id and e["year"] == target), None)
    if enrollment is None:
        # a refunded year has no refundable payment left: say it was refunded, and when
        _refused_if_paid(one(ctx.db, _PAID + "JOIN enrollments e ON e.id = p.enrollment_id "
                             "WHERE e.person_id = ? AND e.year = ? ORDER BY p.created_at DESC LIMIT 1",
                             [person["id"], target]))
        raise Refusal("not_found", f"{person['name']}没有{target}年度可退费的参保缴费记录", "year")
    facts = {
        "employee_insurance_whole_year": bool(employee_insurance_whole_year),
        "switch_to_higher_tier": bool(switch_to_higher_tier),
        "duplicate_other_province": bool(duplicate_other_province),
    }
    case = eligibility(ctx, enrollment, why, **facts)
    stamp = ctx.stamp()
    with write(ctx.db):
        _check_not_refunded(ctx, enrollment["id"])
        check_no_open_request(ctx, enrollment)
        row = {
            **stamp.meta(),
            "enrollment_id": enrollment["id"],
            "person_id": person["id"],
            "reason": why if note is None else f"{why}：{note}",
            "case_no": case.case_no,
            "rule": case.rule,
            "amount_fen": case.amount_fen,
            "facts": to_json({**facts, "assisted_fen": enrollment["assisted_fen"]}),
        }
        row["receipt_serial"] = receipts.issue(
            ctx.db,
            stamp,
            business="refund",
            record_id=row["id"],
            person_id=person["id"],
            amount_fen=case.amount_fen,
        )
        insert(ctx.db, "refunds", row)
        request = reviews.open_request(
            ctx.db,
            stamp,
            business="refund",
            subject_id=row["id"],
            person_id=person["id"],
            levels=1,
            summary=f"{person['name']} {target}年度退费 {fen_text(case.amount_fen)}元（§七(一){case.case_no}）",
        )
        audit.append(
            ctx.db,
            stamp,
            action="request",
            business="refund",
            entity="refunds",
            entity_id=row["id"],
            person_id=person["id"],
            amount_fen=case.amount_fen,
            payload=content(row),
        )
    return RefundResult(row["id"], row["receipt_serial"], request["id"], case)


_PAID = "SELECT p.created_at, r.receipt_serial FROM refund_payouts p JOIN refunds r ON r.id = p.refund_id "


def _check_not_refunded(ctx: Context, enrollment_id: str) -> None:
    _refused_if_paid(one(ctx.db, _PAID + "WHERE p.enrollment_id = ?", [enrollment_id]))


def _refused_if_paid(paid: dict[str, Any] | None) -> None:
    if paid is not None:
        raise Refusal(
            "already_refunded",
            f"该笔缴费已于{paid['created_at'][:10]}退费（收据号{paid['receipt_serial']}），不能重复退费",
            "year",
        )


def get(ctx: Context, refund_id: str) -> dict[str, Any] | None:
    return one(ctx.db, "SELECT * FROM refunds WHERE id = ?", [refund_id])


def apply(ctx: Context, stamp: Stamp, row: dict[str, Any]) -> None:
    """On approval: the payout (at most one per payment, by constraint) and the enrollment ends."""
    _check_not_refunded(ctx, row["enrollment_id"])
    insert(
        ctx.db,
        "refund_payouts",
        {
            **stamp.meta(),
            "refund_id": row["id"],
            "enrollment_id": row["enrollment_id"],
            "amount_fen": row["amount_fen"],
        },
    )
    enrollments.set_status(ctx.db, stamp, row["enrollment_id"], "refunded", row["id"])
