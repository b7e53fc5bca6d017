"""Four-eyes review: a request waits for one or two approvals by someone other than the clerk.

Requests and decisions are append-only; a request's state is derived from its decisions.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from desktop.records.rows import Stamp, insert, one

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"

_STATE = """
SELECT r.*,
  (SELECT count(*) FROM reviews v WHERE v.request_id = r.id AND v.decision = 'approve') AS approvals,
  EXISTS (SELECT 1 FROM reviews v WHERE v.request_id = r.id AND v.decision = 'reject') AS rejected
FROM review_requests r
"""


def _with_state(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    if row["rejected"]:
        row["state"] = REJECTED
    elif row["approvals"] >= row["levels"]:
        row["state"] = APPROVED
    else:
        row["state"] = PENDING
    return row


def open_request(
    db: Database,
    stamp: Stamp,
    *,
    business: str,
    subject_id: str,
    person_id: str,
    levels: int,
    summary: str,
) -> dict[str, Any]:
    row = {
        **stamp.meta(),
        "business": business,
        "subject_id": subject_id,
        "person_id": person_id,
        "levels": levels,
        "summary": summary,
    }
    insert(db, "review_requests", row)
    return row


def get(db: Database, request_id: str) -> dict[str, Any] | None:
    return _with_state(one(db, f"{_STATE} WHERE r.id = ?", [request_id]))


def for_subject(db: Database, subject_id: str) -> dict[str, Any] | None:
    return _with_state(one(db, f"{_STATE} WHERE r.subject_id = ?", [subject_id]))


def decisions(db: Database, request_id: str) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM reviews WHERE request_id = ? ORDER BY level", [request_id]))


def decide(
    db: Database, stamp: Stamp, request_id: str, level: int, decision: str, note: str | None
) -> dict[str, Any]:
    row = {
        **stamp.meta(),
        "request_id": request_id,
        "level": level,
        "decision": decision,
        "note": note,
    }
    insert(db, "reviews", row)
    return row


def pending(
    db: Database, *, person_id: str | None = None, business: str | None = None
) -> list[dict[str, Any]]:
    """Requests still waiting for a decision, oldest first (the reviewer's queue)."""
    where, params = ["1"], []
    if person_id:
        where.append("r.person_id = ?")
        params.append(person_id)
    if business:
        where.append("r.business = ?")
        params.append(business)
    rows = db.query(f"{_STATE} WHERE {' AND '.join(where)} ORDER BY r.created_at", params)
    return [r for r in map(_with_state, rows) if r and r["state"] == PENDING]
