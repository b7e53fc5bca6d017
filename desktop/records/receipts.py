"""Receipt serials: hall code + window + year + a gapless sequence, e.g. 320402-03-2026-000123.

The next number is MAX(seq)+1 read inside the business's write transaction (which holds the
write lock), so a rolled-back or killed business never consumes a number: no gaps, and the
UNIQUE(hall, window, year, seq) constraint makes a duplicate impossible. A void keeps the serial.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlite_utils import Database

from desktop.errors import Refusal
from desktop.records.rows import Stamp, insert, new_id, one

_INSERT = (
    "INSERT INTO receipts (serial, id, created_at, hall_code, window_code, operator_id, year, seq, "
    "business, record_id, person_id, amount_fen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def format_serial(hall_code: str, window_code: str, year: int, seq: int) -> str:
    return f"{hall_code}-{window_code}-{year}-{seq:06d}"


def issue(
    db: Database,
    stamp: Stamp,
    *,
    business: str,
    record_id: str,
    person_id: str | None,
    amount_fen: int | None = None,
) -> str:
    """Allocate the next serial for the stamp's hall, window and calendar year; returns it."""
    return issue_many(
        db,
        stamp,
        [
            {
                "business": business,
                "record_id": record_id,
                "person_id": person_id,
                "amount_fen": amount_fen,
            }
        ],
    )[0]


def issue_many(db: Database, stamp: Stamp, items: Sequence[Mapping[str, Any]]) -> list[str]:
    """Allocate consecutive serials, in order, for several receipts (each item: `business`,
    `record_id`, `person_id`, `amount_fen`) and insert them in one executemany; the serials.

    The same rule as one receipt: MAX(seq)+1 read under the caller's write transaction."""
    if not items:
        return []
    year = stamp.at.year
    last = db.conn.execute(
        "SELECT max(seq) FROM receipts WHERE hall_code = ? AND window_code = ? AND year = ?",
        [stamp.hall_code, stamp.window_code, year],
    ).fetchone()[0]
    first = (last or 0) + 1
    serials = []
    rows = []
    for seq, item in enumerate(items, start=first):
        serial = format_serial(stamp.hall_code, stamp.window_code, year, seq)
        serials.append(serial)
        rows.append(
            (
                serial,
                new_id(),
                stamp.created_at,
                stamp.hall_code,
                stamp.window_code,
                stamp.operator_id,
                year,
                seq,
                item["business"],
                item["record_id"],
                item["person_id"],
                item.get("amount_fen"),
            )
        )
    db.conn.executemany(_INSERT, rows)
    return serials


def get(db: Database, serial: str) -> dict | None:
    return one(
        db,
        "SELECT r.*, v.reason AS void_reason, v.operator_id AS voided_by, v.created_at AS voided_at "
        "FROM receipts r LEFT JOIN receipt_voids v ON v.serial = r.serial WHERE r.serial = ?",
        [serial],
    )


def void(db: Database, stamp: Stamp, serial: str, reason: str) -> dict:
    """Mark a receipt void (the serial stays used). Refuses an unknown or already void serial."""
    receipt = get(db, serial)
    if receipt is None:
        raise Refusal("not_found", f"收据号「{serial}」不存在", "serial")
    if receipt["void_reason"] is not None:
        raise Refusal(
            "already_void",
            f"收据号「{serial}」已于{receipt['voided_at'][:10]}由{receipt['voided_by']}作废",
            "serial",
        )
    row = {**stamp.meta(), "serial": serial, "reason": reason}
    insert(db, "receipt_voids", row)
    return row
