"""Where a business waiting for review stands, in the words of the 受理回执 and the 处理单."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.records import reviews
from desktop.services.context import Context
from desktop.services.printing.furniture import clerk_name
from desktop.services.printing.text import cn_day


@dataclass(frozen=True)
class ReviewState:
    state: str | None  # None: no review; pending / approved / rejected
    levels: int
    decided_on: str | None  # the last decision's moment
    note: str | None
    reviewers: tuple[str, ...]


def review_state(ctx: Context, record_id: str) -> ReviewState:
    request = reviews.for_subject(ctx.db, record_id)
    if request is None:
        return ReviewState(None, 0, None, None, ())
    decisions = reviews.decisions(ctx.db, request["id"])
    last = decisions[-1] if decisions else None
    return ReviewState(request["state"], request["levels"], last["created_at"] if last else None,
                       last["note"] if last else None,
                       tuple(clerk_name(ctx, d["operator_id"]) for d in decisions))


def review_steps(state: ReviewState, *, what: str, done: str) -> list[str]:
    """后续办理 lines of a business that waits for review."""
    if state.state == reviews.PENDING:
        levels = "二级复核（两位复核人先后审核）" if state.levels == 2 else "复核人审核"
        return [f"本业务须经{levels}，审核通过后{what}；审核结果可凭本回执编号查询"]
    if state.state == reviews.APPROVED:
        return [f"已于{cn_day(state.decided_on)}审核通过，{done}"]
    if state.state == reviews.REJECTED:
        return [f"已于{cn_day(state.decided_on)}审核驳回" + (f"：{state.note}" if state.note else ""),
                "如有疑问请凭本回执到窗口咨询"]
    return []


def review_result(state: ReviewState, done: str) -> str:
    """The 办理结果 of a 处理单 for a reviewed business."""
    if state.state == reviews.APPROVED:
        return f"{cn_day(state.decided_on)}复核通过，{done}"
    if state.state == reviews.REJECTED:
        return f"{cn_day(state.decided_on)}复核驳回" + (f"：{state.note}" if state.note else "")
    return "已受理，等待复核" + ("（二级复核）" if state.levels == 2 else "")
