"""复核: a reviewer approves or rejects a waiting request; the final approval applies it.

Four eyes: the reviewer is never the clerk who made the request, and the second level of a
two-level review (天津 ID-number change) is never the first level's reviewer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desktop.errors import Refusal
from desktop.records import audit, reviews
from desktop.records.rows import Stamp
from desktop.records.tx import write
from desktop.services import change, chronic_application, fields, refund, termination
from desktop.services.context import Context
from desktop.services.permissions import allowed, record_refusal, require

REVIEWER_ROLES = ("reviewer", "head")

# business -> (get the subject row, apply it on approval)
_SUBJECTS: dict[
    str, tuple[Callable[[Context, str], dict | None], Callable[[Context, Stamp, dict], None]]
] = {
    "change": (change.get, change.apply),
    "termination": (termination.get, termination.apply),
    "refund": (refund.get, refund.apply),
    "chronic_application": (chronic_application.get, chronic_application.apply),
}


def pending_reviews(ctx: Context) -> list[dict[str, Any]]:
    """The queue: waiting requests, oldest first, with whether this operator may decide them."""
    queue = reviews.pending(ctx.db)
    may_approve = allowed(ctx, "approve")
    for request in queue:
        done_by = {d["operator_id"] for d in reviews.decisions(ctx.db, request["id"])}
        request["may_decide"] = (
            may_approve
            and ctx.operator_id != request["operator_id"]
            and ctx.operator_id not in done_by
        )
    return queue


def decide(ctx: Context, request_id: str, approve: bool, note: Any = None) -> dict[str, Any]:
    """Record one level's decision; on the last approval the business takes effect.

    Returns the request with its new `state` (pending / approved / rejected).
    """
    require(ctx, "approve", "review", subject=request_id if isinstance(request_id, str) else None)
    remark = fields.text(
        note, "note", "驳回理由" if not approve else "复核意见", required=not approve
    )
    stamp = ctx.stamp()
    try:
        return _decide(ctx, stamp, request_id, approve, remark)
    except Refusal as refusal:
        if refusal.code == "four_eyes":  # rolled back above; the attempt itself is recorded
            record_refusal(ctx, refusal, business="review", action="approve", subject=request_id)
        raise


def _decide(ctx: Context, stamp: Stamp, request_id: str, approve: bool, remark: str | None) -> dict[str, Any]:
    with write(ctx.db):
        request = reviews.get(ctx.db, request_id)
        if request is None:
            raise Refusal("not_found", "找不到该复核申请", "request_id")
        if request["state"] != reviews.PENDING:
            state = "已通过" if request["state"] == reviews.APPROVED else "已驳回"
            raise Refusal("not_pending", f"该申请{state}，不能再次审核", "request_id")
        four_eyes = None
        earlier = reviews.decisions(ctx.db, request_id)
        if request["operator_id"] == ctx.operator_id:
            four_eyes = Refusal(
                "four_eyes", "不能复核自己经办的业务，请由另一位复核人审核", "operator_id"
            )
        elif any(d["operator_id"] == ctx.operator_id for d in earlier):
            four_eyes = Refusal("four_eyes", "二级复核须由另一位复核人办理", "operator_id")
        if four_eyes is not None:
            raise four_eyes
        level = len(earlier) + 1
        decision = "approve" if approve else "reject"
        row = reviews.decide(ctx.db, stamp, request_id, level, decision, remark)
        get_subject, apply = _SUBJECTS[request["business"]]
        subject = get_subject(ctx, request["subject_id"])
        assert subject is not None, "a review request points at its subject"
        final = approve and level == request["levels"]
        if final:
            apply(ctx, stamp, subject)
        audit.append(
            ctx.db,
            stamp,
            action=decision if final or not approve else "approve_partial",
            business=request["business"],
            entity="reviews",
            entity_id=row["id"],
            person_id=request["person_id"],
            amount_fen=subject.get("amount_fen") if final else None,
            payload={
                "request_id": request_id,
                "subject_id": request["subject_id"],
                "level": level,
                "decision": decision,
                "note": remark,
            },
        )
        result = reviews.get(ctx.db, request_id)
    assert result is not None
    return result
