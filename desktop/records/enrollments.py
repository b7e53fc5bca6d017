"""Enrollments (append-only) and their current status (the one mutable projection).

The calculation trace of an enrollment is stored once per distinct text in `traces`, keyed by
its SHA-256 (`trace_sha256`); every read here returns it as the row's `trace` again.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlite_utils import Database

from desktop.records.rows import Stamp, insert, one

_WITH_STATUS = (
    "SELECT e.*, t.text AS trace, s.status, s.changed_at AS status_changed_at FROM enrollments e "
    "JOIN enrollment_status s ON s.enrollment_id = e.id "
    "LEFT JOIN traces t ON t.sha256 = e.trace_sha256"
)
# One enrollment row with its trace text, without the status (what a receipt's record is).
WITH_TRACE = (
    "SELECT e.*, t.text AS trace FROM enrollments e LEFT JOIN traces t ON t.sha256 = e.trace_sha256"
)


def row(db: Database, enrollment_id: str) -> dict[str, Any] | None:
    """The stored enrollment row (with its `trace` text), or None."""
    return one(db, f"{WITH_TRACE} WHERE e.id = ?", [enrollment_id])


def stored(db: Database, enrollment_id: str) -> dict[str, Any]:
    """The row exactly as stored (SELECT *, the trace by its key): what its audit entry hashes."""
    found = one(db, "SELECT * FROM enrollments WHERE id = ?", [enrollment_id])
    if found is None:
        raise LookupError(f"no enrollment {enrollment_id}")
    return found


def store_trace(db: Database, text: str) -> str:
    """Keep a trace text once; returns its key (hex SHA-256)."""
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()
    db.execute("INSERT OR IGNORE INTO traces (sha256, text) VALUES (?, ?)", [key, text])
    return key


def get(db: Database, enrollment_id: str) -> dict[str, Any] | None:
    return one(db, f"{_WITH_STATUS} WHERE e.id = ?", [enrollment_id])


def active(db: Database, person_id: str, year: int) -> dict[str, Any] | None:
    return one(
        db,
        f"{_WITH_STATUS} WHERE s.person_id = ? AND s.year = ? AND s.status = 'active'",
        [person_id, year],
    )


def of_person(db: Database, person_id: str) -> list[dict[str, Any]]:
    """All enrollments of a person, newest year first."""
    return list(
        db.query(
            f"{_WITH_STATUS} WHERE e.person_id = ? ORDER BY e.year DESC, e.created_at DESC",
            [person_id],
        )
    )


def latest_for_year(db: Database, person_id: str, year: int) -> dict[str, Any] | None:
    """The newest enrollment of that year that was not refunded (the basis of a renewal/claim)."""
    return one(
        db,
        f"{_WITH_STATUS} WHERE e.person_id = ? AND e.year = ? AND s.status <> 'refunded' "
        "ORDER BY e.created_at DESC LIMIT 1",
        [person_id, year],
    )


def add(db: Database, stamp: Stamp, row: dict[str, Any]) -> None:
    """Insert the enrollment and mark it active. `row` holds every column, the calculation
    trace as text under `trace` (stored once in `traces`, the row keeps the key)."""
    stored = {k: v for k, v in row.items() if k != "trace"}
    if "trace" in row:
        stored["trace_sha256"] = store_trace(db, row["trace"])
    insert(db, "enrollments", stored)
    insert(
        db,
        "enrollment_status",
        {
            "enrollment_id": row["id"],
            "person_id": row["person_id"],
            "year": row["year"],
            "status": "active",
            "changed_at": stamp.created_at,
            "changed_by_record": row["id"],
        },
    )


def set_status(db: Database, stamp: Stamp, enrollment_id: str, status: str, record_id: str) -> None:
    db.execute(
        "UPDATE enrollment_status SET status = ?, changed_at = ?, changed_by_record = ? "
        "WHERE enrollment_id = ?",
        [status, stamp.created_at, record_id, enrollment_id],
    )
