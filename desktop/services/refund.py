"""退费 (refund) of a resident contribution: eligibility and amount by region, then review.

天津 (004_72f39dcdf4d6177b.txt §七(一)) refunds in four cases; after the benefit period has
begun a contribution is, in principle, not returned (§七(一)2). The 常州 sources name 停保/退保
(002_791f68398226ecd0.txt §二(二)4) but give no refund rule, so a 常州 refund is refused.
A payment is refunded at most once: refund_payouts has UNIQUE(enrollment_id).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop.errors import Refusal
from desktop.records import audit, enrollments, receipts, reviews
from desktop.records.rows import Stamp, content, insert, one, to_json
from desktop.records.tx import write
from desktop.services import fields
from desktop.services.context import Context
from desktop.services.permissions import require
from desktop.services.persons import require_person
from desktop.services.regions import CHANGZHOU, region_group
from desktop.services.termination import REASONS, check_no_open_request

TJ = "004_72f39dcdf4d6177b.txt"
CZ = "002_791f68398226ecd0.txt"
RULES = {
    1: f"{TJ} §七(一)1：已缴纳次年度居民医保费，在集中缴费期期间因死亡或个人原因主动申请办理下年度退费",
    2: f"{TJ} §七(一)2：缴费后、待遇享受期未开始前，可依申请退费",
    -2: f"{TJ} §七(一)2：因当年持续享受职工医保待遇而未享受居民医保，可依申请退费",
    3: f"{TJ} §七(一)3：政府资助参保的救助对象在集中缴费期内申请资助参保退费后，变更为更高缴费档次自主缴费",
    4: f"{TJ} §七(一)4：已在外省市参加基本医疗保险，造成本市整年度重复参保",
}


@dataclass(frozen=True)
class RefundCase:
    case_no: int  # 1-4 of §七(一)
    rule: str
    amount_fen: int


@dataclass(frozen=True)
class RefundResult:
    refund_id: str
    receipt_serial: str
    review_request_id: str
    case: RefundCase


def tianjin_case(
    enrollment: dict[str, Any],
    today: date,
    reason: str,
    *,
    employee_insurance_whole_year: bool = False,
    switch_to_higher_tier: bool = False,
    duplicate_other_province: bool = False,
) -> RefundCase:
    """Which case of 004 §七(一) applies (the most specific first), or a refusal citing §七(一)2.

    The amount is the personal contribution; in case 3 the subsidy goes back to the funding
    department through its own channel (§七(一)3 “按渠道向主管部门提出”), not to the person.
    """
    amount = enrollment["personal_fen"]
    # The enrollment window for year Y ends on 31 December of Y-1 (§三), so "today is in the
    # window of a paid next-year enrollment" is simply: today is before the policy year.
    in_window_for_next_year = today.year < enrollment["year"]
    if duplicate_other_province:
        return RefundCase(4, RULES[4], amount)
    if switch_to_higher_tier:
        if not enrollment["assisted_fen"]:
            raise Refusal(
                "not_applicable",
                f"该参保登记未享受政府资助参保，不适用{TJ} §七(一)3",
                "switch_to_higher_tier",
            )
        if not in_window_for_next_year:
            raise Refusal(
                "not_applicable",
                f"资助参保退费后变更缴费档次须在集中缴费期内申请（{TJ} §七(一)3）",
                "switch_to_higher_tier",
            )
        return RefundCase(3, RULES[3], amount)
    if in_window_for_next_year:
        return RefundCase(1, RULES[1], amount)
    if today.isoformat() < enrollment["benefit_start"]:
        return RefundCase(2, RULES[2], amount)
    if reason == "参加职工医保" and employee_insurance_whole_year:
        return RefundCase(2, RULES[-2], amount)
    raise Refusal(
        "not_applicable",
        f"待遇享受期已于{enrollment['benefit_start']}开始，原则上个人缴费不再退回（{TJ} §七(一)2）；"
        "当年持续享受职工医保待遇或外省市整年度重复参保的除外",
        "reason",
    )


def eligibility(ctx: Context, enrollment: dict[str, Any], reason: str, **facts: bool) -> RefundCase:
    if region_group(ctx.region) == CHANGZHOU:
        raise Refusal(
            "not_applicable",
            f"常州政策文件只规定了停保、退保手续（{CZ} §二(二)4），没有居民医保退费的规定，"
            "不能办理退费；请办理停保或退保",
            "reason",
        )
    return tianjin_case(enrollment, ctx.today(), reason, **facts)


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
            summary=f"{person['name']} {target}年度退费 {case.amount_fen / 100:.2f}元（§七(一){case.case_no}）",
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
