"""Receipt serials: hall code + window + year + a gapless sequence, e.g. 320402-03-2026-000123.

The next number is the highest serial of the hall, window and year plus one, read inside the
business's write transaction (which holds the write lock), so a rolled-back or killed business
never consumes a number: no gaps, and the serial being the table's key makes a duplicate
impossible. The serial is the receipt's identity: hall, window, year and sequence are read from
it (schema v7). A void keeps the serial.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlite_utils import Database

from desktop.errors import Refusal
from desktop.records.rows import Stamp, insert, one

_INSERT = (
    "INSERT INTO receipts (serial, created_at, operator_id, business, record_id, person_id, "
    "amount_fen) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
LAST_SEQ = 999_999  # six digits: the printed serial's width
# Every table whose rows carry the serial of their receipt (a receipt's `record_id` is one of them).
BUSINESS_TABLES = ("enrollments", "changes", "terminations", "refunds", "offsite_filings", "manual_claims",
                   "certificates", "chronic_applications")


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
    prefix = f"{stamp.hall_code}-{stamp.window_code}-{year}-"
    # The serial's key range of this hall, window and year (':' sorts right after '9').
    last = db.conn.execute(
        "SELECT max(serial) FROM receipts WHERE serial > ? AND serial < ?", [prefix, prefix + ":"]
    ).fetchone()[0]
    first = int(last[len(prefix):]) + 1 if last else 1
    if first + len(items) - 1 > LAST_SEQ:
        raise Refusal(
            "serials_exhausted",
            f"窗口 {stamp.window_code} 的 {year} 年度收据号已用到 {LAST_SEQ:06d}，不能再开具；"
            "请管理员为本窗口另设窗口号",
            "serial",
        )
    serials = []
    rows = []
    for seq, item in enumerate(items, start=first):
        serial = format_serial(stamp.hall_code, stamp.window_code, year, seq)
        serials.append(serial)
        rows.append(
            (
                serial,
                stamp.created_at,
                stamp.operator_id,
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


def of_record(db: Database, record_id: str) -> dict | None:
    """The receipt of a business record (by the record's id), as `get`; None when it has none."""
    union = " UNION ALL ".join(f"SELECT receipt_serial FROM {t} WHERE id = :id" for t in BUSINESS_TABLES)
    found = db.execute(f"{union} LIMIT 1", {"id": record_id}).fetchone()
    return get(db, found[0]) if found else None


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
