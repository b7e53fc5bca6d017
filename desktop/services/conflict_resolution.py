"""Resolving a conflict: by a business already done (a termination or refund of one of the two
enrollments, a correcting change), never by editing either side. The resolution is a row of its
own (conflict_resolutions, pushed to the hub at the next sync) with its audit entry."""

from __future__ import annotations

from typing import Any

from desktop.errors import Refusal
from desktop.records import audit
from desktop.records.rows import one
from desktop.records.tx import write
from desktop.services.context import Context
from desktop.services.permissions import require

# What may resolve each kind: (table, column naming the conflict's side)
_RESOLVERS = {
    "double_enrollment": (("terminations", "enrollment_id"), ("refunds", "enrollment_id")),
    "same_field": (("changes", "person_id"),),
    "same_id_number": (("changes", "person_id"),),
}


def resolve_conflict(ctx: Context, conflict_id: int, record_id: str) -> dict[str, Any]:
    """Mark the conflict resolved by the business `record_id` (a reviewer's act, audited)."""
    require(ctx, "approve", "conflict")
    stamp = ctx.stamp()
    with write(ctx.db):
        conflict = one(ctx.db, "SELECT * FROM sync_conflicts WHERE id = ?", [conflict_id])
        if conflict is None:
            raise Refusal("not_found", f"没有编号为 {conflict_id} 的冲突", "conflict_id")
        done = one(ctx.db, "SELECT * FROM conflict_resolutions WHERE conflict_id = ?", [conflict_id])
        if done is not None:
            raise Refusal(
                "already_resolved",
                f"该冲突已于{done['created_at'][:10]}由{done['operator_id']}处理（业务 {done['record_id']}）",
                "conflict_id",
            )
        sides = _sides(ctx, conflict)
        for table, column in _RESOLVERS[conflict["kind"]]:
            record = one(ctx.db, f"SELECT id, {column} AS side FROM {table} WHERE id = ?", [record_id])
            if record is not None and record["side"] in sides:
                break
        else:
            raise Refusal(
                "not_a_resolution",
                "所选业务不能处理这个冲突：重复参保须对其中一笔办理停保或退费，其他冲突须办理一笔更正变更",
                "record_id",
            )
        row = {
            "conflict_id": conflict_id,
            "record_id": record_id,
            "hall_code": stamp.hall_code,
            "window_code": stamp.window_code,
            "operator_id": stamp.operator_id,
            "created_at": stamp.created_at,
        }
        ctx.db.conn.execute(
            f"INSERT INTO conflict_resolutions ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        )
        audit.append(
            ctx.db,
            stamp,
            action="resolve",
            business="conflict",
            entity="conflicts",
            entity_id=str(conflict_id),
            payload={"kind": conflict["kind"], "record_id": record_id, "a_id": conflict["a_id"], "b_id": conflict["b_id"]},
        )
    return row


def _sides(ctx: Context, conflict: dict[str, Any]) -> set[str]:
    """The ids a resolving business may point at: the two enrollments, or the person(s)."""
    if conflict["kind"] == "double_enrollment":
        return {conflict["a_id"], conflict["b_id"]}
    if conflict["kind"] == "same_id_number":
        return {conflict["a_id"], conflict["b_id"]}
    found = ctx.db.conn.execute(
        "SELECT person_id FROM changes WHERE id IN (?, ?)", [conflict["a_id"], conflict["b_id"]]
    ).fetchall()
    return {r[0] for r in found}
