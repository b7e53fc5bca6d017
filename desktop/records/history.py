"""A person's records across the business tables, oldest first within each kind: what the
person's page (services/person_history.py) lists. Read-only queries; each business row comes
with its receipt's void mark and, where the business is reviewed, its review request's state."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

# The receipt's void beside a business row `x` (every business row carries its receipt serial).
_VOID = ("LEFT JOIN receipt_voids v ON v.serial = x.receipt_serial")
_VOID_COLUMNS = "v.reason AS void_reason, v.created_at AS voided_at"
# The review request's state beside a reviewed row `x` (records/reviews.py derives it the same way).
_REVIEW_COLUMNS = (
    "(SELECT CASE WHEN EXISTS (SELECT 1 FROM reviews d WHERE d.request_id = q.id AND d.decision = 'reject') "
    "THEN 'rejected' WHEN (SELECT count(*) FROM reviews d WHERE d.request_id = q.id AND d.decision = 'approve') "
    ">= q.levels THEN 'approved' ELSE 'pending' END FROM review_requests q WHERE q.subject_id = x.id) AS review_state"
)


def _rows(db: Database, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cur = db.conn.execute(sql, params)
    keys = [d[0] for d in cur.description]
    return [dict(zip(keys, row, strict=True)) for row in cur]


def enrollments(db: Database, person_id: str) -> list[dict[str, Any]]:
    """Every enrollment, by year then time, with its status and its receipt's void mark."""
    return _rows(
        db,
        "SELECT x.*, coalesce(s.status, 'active') AS status, s.changed_at AS status_changed_at, "
        f"{_VOID_COLUMNS} FROM enrollments x LEFT JOIN enrollment_status s ON s.enrollment_id = x.id "
        f"{_VOID} WHERE x.person_id = ? ORDER BY x.year, x.created_at",
        [person_id],
    )


def changes(db: Database, person_id: str) -> list[dict[str, Any]]:
    return _rows(
        db,
        f"SELECT x.*, {_VOID_COLUMNS}, {_REVIEW_COLUMNS} FROM changes x {_VOID} "
        "WHERE x.person_id = ? ORDER BY x.created_at",
        [person_id],
    )


def terminations(db: Database, person_id: str) -> list[dict[str, Any]]:
    """停保 and 退保, with the year of the enrollment they stop."""
    return _rows(
        db,
        f"SELECT x.*, e.year, {_VOID_COLUMNS}, {_REVIEW_COLUMNS} FROM terminations x "
        f"JOIN enrollments e ON e.id = x.enrollment_id {_VOID} WHERE x.person_id = ? ORDER BY x.created_at",
        [person_id],
    )


def refunds(db: Database, person_id: str) -> list[dict[str, Any]]:
    """退费 requests, with the year, the review state and the payout when it was paid."""
    return _rows(
        db,
        f"SELECT x.*, e.year, p.amount_fen AS paid_fen, p.created_at AS paid_at, {_VOID_COLUMNS}, "
        f"{_REVIEW_COLUMNS} FROM refunds x JOIN enrollments e ON e.id = x.enrollment_id "
        f"LEFT JOIN refund_payouts p ON p.refund_id = x.id {_VOID} WHERE x.person_id = ? ORDER BY x.created_at",
        [person_id],
    )


def offsite_filings(db: Database, person_id: str) -> list[dict[str, Any]]:
    return _rows(
        db,
        f"SELECT x.*, {_VOID_COLUMNS} FROM offsite_filings x {_VOID} WHERE x.person_id = ? ORDER BY x.created_at",
        [person_id],
    )


def claims(db: Database, person_id: str) -> list[dict[str, Any]]:
    """零星报销 with the furthest step reached (受理 → 审核 → 结算) and the amount settled."""
    return _rows(
        db,
        f"SELECT x.*, {_VOID_COLUMNS}, "
        "(SELECT step FROM claim_steps c WHERE c.claim_id = x.id ORDER BY "
        "CASE step WHEN '结算' THEN 3 WHEN '审核' THEN 2 ELSE 1 END DESC LIMIT 1) AS step, "
        "(SELECT settled_fen FROM claim_steps c WHERE c.claim_id = x.id AND step = '结算') AS settled_fen "
        f"FROM manual_claims x {_VOID} WHERE x.person_id = ? ORDER BY x.created_at",
        [person_id],
    )


def receipts(db: Database, person_id: str) -> list[dict[str, Any]]:
    """Every receipt issued to the person, by serial, with its void."""
    return _rows(
        db,
        "SELECT r.serial, r.created_at, r.business, r.amount_fen, r.operator_id, "
        "v.reason AS void_reason, v.created_at AS voided_at FROM receipts r "
        "LEFT JOIN receipt_voids v ON v.serial = r.serial WHERE r.person_id = ? ORDER BY r.created_at, r.serial",
        [person_id],
    )


def chronic_applications(db: Database, person_id: str) -> list[dict[str, Any]]:
    """门诊慢特病待遇申请 with their review state."""
    return _rows(
        db,
        f"SELECT x.*, {_VOID_COLUMNS}, {_REVIEW_COLUMNS} FROM chronic_applications x {_VOID} "
        "WHERE x.person_id = ? ORDER BY x.created_at",
        [person_id],
    )


def certificates(db: Database, person_id: str) -> list[dict[str, Any]]:
    """参保证明 issued to the person."""
    return _rows(
        db,
        f"SELECT x.*, {_VOID_COLUMNS} FROM certificates x {_VOID} WHERE x.person_id = ? ORDER BY x.created_at",
        [person_id],
    )
