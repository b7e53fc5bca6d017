"""冲突 for reviewers: what the hub found that no merge may settle (desktop/hub/conflicts.py),
listed with both sides, and settled by a business of the window's own services.

    review_list(ctx)          the open conflicts as last pulled, each with its two sides (for a
                              double enrollment the two receipts); a reviewer's read, audited
    settle_double(ctx, …)     退保 (or, in 天津, 退费) of one of the two enrollments, and the
                              conflict marked resolved by it: one transaction
    settle_by_change(ctx, …)  a correcting 变更登记 of the person, and the conflict resolved by it

Nothing is merged or edited: the business is recorded (with its receipt, review request and
audit entry) exactly as at the counter, and `services.conflict_resolution.resolve_conflict` points at it.
"""

from __future__ import annotations

from typing import Any

from desktop.errors import Refusal
from desktop.identity import mask_id
from desktop.records import audit
from desktop.records.rows import one
from desktop.records.tx import write
from desktop.services import change, refund, termination
from desktop.services.context import Context
from desktop.services.permissions import require

KIND_LABELS = {
    "double_enrollment": "重复参保",
    "same_id_number": "同一身份证号两处登记",
    "same_field": "同一信息两处变更",
}
SETTLE_BUSINESSES = ("退保", "退费")


def _open(db) -> list[dict[str, Any]]:
    from desktop.sync import open_conflicts

    return open_conflicts(db)


def _person(ctx: Context, conflict: dict[str, Any]) -> dict[str, Any] | None:
    """The person a conflict is about (the registered one, not an alias)."""
    if conflict["kind"] == "same_field":
        found = one(ctx.db, "SELECT * FROM persons WHERE id = ?", [conflict["subject"]])
        if found is not None and found["alias_of"]:
            found = one(ctx.db, "SELECT * FROM persons WHERE id = ?", [found["alias_of"]])
        return found
    return one(ctx.db, "SELECT * FROM persons WHERE id_number = ? AND alias_of IS NULL", [conflict["subject"]])


def _side(ctx: Context, kind: str, record_id: str, origin: str) -> dict[str, Any]:
    """One side as the reviewer compares it: the record's receipt (serial, amount, window, clerk,
    time) and, for a change, what it changed."""
    receipt = one(
        ctx.db,
        "SELECT serial, amount_fen, hall_code, window_code, operator_id, created_at FROM receipts WHERE record_id = ?",
        [record_id],
    )
    side: dict[str, Any] = {"id": record_id, "node": origin, "pulled": receipt is not None}
    if receipt is not None:
        # the hall's accounts travel between its windows: the clerk by name where known here
        account = one(ctx.db, "SELECT display_name FROM accounts WHERE username = ?", [receipt["operator_id"]])
        side.update(
            serial=receipt["serial"],
            window=f"{receipt['hall_code']}-{receipt['window_code']}",
            operator_id=receipt["operator_id"],
            operator=f"{account['display_name']}（{receipt['operator_id']}）" if account else receipt["operator_id"],
            at=receipt["created_at"],
            amount_fen=receipt["amount_fen"],
        )
    if kind == "double_enrollment":
        row = one(ctx.db, "SELECT personal_fen, category FROM enrollments WHERE id = ?", [record_id])
        if row is not None:
            side.update(amount_fen=row["personal_fen"], category=row["category"])
    elif kind == "same_field":
        row = one(ctx.db, "SELECT field, before, after FROM changes WHERE id = ?", [record_id])
        if row is not None:
            side.update(field=change.LABELS.get(row["field"], row["field"]), before=row["before"], after=row["after"])
    elif kind == "same_id_number":
        row = one(ctx.db, "SELECT name, created_at, hall_code, window_code FROM persons WHERE id = ?", [record_id])
        if row is not None:
            side.update(name=row["name"], at=side.get("at") or row["created_at"])
    return side


def review_list(ctx: Context) -> list[dict[str, Any]]:
    """The open conflicts, oldest first, each with `kind_label`, the person (name and masked ID
    number), the year, the two nodes and the two sides. Reviewers only; the read is audited."""
    require(ctx, "approve", "conflict")
    out = []
    for conflict in _open(ctx.db):
        person = _person(ctx, conflict)
        out.append(
            {
                **conflict,
                "kind_label": KIND_LABELS.get(conflict["kind"], conflict["kind"]),
                "person_id": person["id"] if person else None,
                "name": person["name"] if person else "",
                "id_masked": mask_id(person["id_number"]) if person else "",
                "sides": [
                    _side(ctx, conflict["kind"], conflict["a_id"], conflict["a_origin"]),
                    _side(ctx, conflict["kind"], conflict["b_id"], conflict["b_origin"]),
                ],
            }
        )
    stamp = ctx.stamp()
    with write(ctx.db):
        audit.append(
            ctx.db,
            stamp,
            action="view",
            business="conflict",
            entity="sync_conflicts",
            entity_id="open",
            payload={"conflicts": [c["id"] for c in out]},
        )
    return out


def _conflict(ctx: Context, conflict_id: Any, kinds: tuple[str, ...]) -> dict[str, Any]:
    found = next((c for c in _open(ctx.db) if c["id"] == conflict_id), None)
    if found is None:
        raise Refusal("not_found", f"没有待处理的编号为 {conflict_id} 的冲突（可能已处理）", "conflict_id")
    if found["kind"] not in kinds:
        raise Refusal("not_a_resolution", f"“{KIND_LABELS[found['kind']]}”不能用这项业务处理", "conflict_id")
    return found


def settle_double(
    ctx: Context, conflict_id: int, enrollment_id: Any, business: Any = "退保", *, reason_note: Any = "重复参保"
) -> dict[str, Any]:
    """退保/退费 of one of the two enrollments of a double enrollment, and the conflict resolved
    by it, in one transaction (the request then waits in 复核 like any other)."""
    require(ctx, "approve", "conflict")
    require(ctx, "handle", "termination" if business == "退保" else "refund")
    conflict = _conflict(ctx, conflict_id, ("double_enrollment",))
    if enrollment_id not in (conflict["a_id"], conflict["b_id"]):
        raise Refusal("invalid_field", "请选择该冲突中的一笔参保登记", "enrollment_id")
    if business not in SETTLE_BUSINESSES:
        raise Refusal("invalid_field", "请选择“退保”或“退费”", "business")
    from desktop.services.conflict_resolution import resolve_conflict

    with write(ctx.db):
        if business == "退保":
            done = termination.request_termination(
                ctx, conflict["subject"], conflict["year"], "退保", "其他",
                reason_note=reason_note, enrollment_id=enrollment_id,
            )
            record_id, serial = done.termination_id, done.receipt_serial
        else:
            paid = refund.request_refund(
                ctx, conflict["subject"], conflict["year"], "其他",
                reason_note=reason_note, enrollment_id=enrollment_id,
            )
            record_id, serial = paid.refund_id, paid.receipt_serial
        resolve_conflict(ctx, conflict_id, record_id)
    return {"conflict_id": conflict_id, "record_id": record_id, "receipt_serial": serial, "business": business}


def settle_by_change(ctx: Context, conflict_id: int, field: Any, value: Any, *, reason: Any = "冲突更正") -> dict[str, Any]:
    """A correcting 变更登记 of the conflict's person, and the conflict resolved by it."""
    require(ctx, "approve", "conflict")
    require(ctx, "handle", "change")
    conflict = _conflict(ctx, conflict_id, ("same_field", "same_id_number"))
    person = _person(ctx, conflict)
    if person is None:
        raise Refusal("not_found", "本窗口还没有该参保人的记录，请同步后再处理", "conflict_id")
    from desktop.services.conflict_resolution import resolve_conflict

    with write(ctx.db):
        done = change.change(ctx, person["id_number"], field, value, reason=reason)
        resolve_conflict(ctx, conflict_id, done.change_id)
    return {"conflict_id": conflict_id, "record_id": done.change_id, "receipt_serial": done.receipt_serial, "business": "变更"}
