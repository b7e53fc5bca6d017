"""日结 (day-end) report data: per clerk and day, or for the whole hall.

Businesses and amounts come from the audit trail (one entry per business, with the amount it
assessed); receipts from the receipt tables. Amounts are fen: enroll/renewal = personal
contribution assessed, refund request/approval = refund amount, manual_claim accept = bills
claimed, settle = amount settled, void = the voided receipt's amount.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database


@dataclass(frozen=True)
class DayEnd:
    day: date
    hall_code: str | None
    operator_id: str | None
    businesses: list[dict[str, Any]] = field(
        default_factory=list
    )  # operator, business, action, count, amount_fen
    receipts: list[dict[str, Any]] = field(
        default_factory=list
    )  # operator, window, issued, voided, first, last

    def total(self, business: str, action: str | None = None) -> tuple[int, int]:
        """(count, amount_fen) of one business (and action) over the rows."""
        rows = [
            r
            for r in self.businesses
            if r["business"] == business and (action is None or r["action"] == action)
        ]
        return sum(r["count"] for r in rows), sum(r["amount_fen"] or 0 for r in rows)


# Receipts whose amount is not money of the day: a 参保证明's serial carries the contributions it
# certifies (its QR check value covers them), but nothing is paid or refunded at the window.
NOT_MONEY = frozenset({"certificate"})
_NOT_MONEY_SQL = ", ".join(f"'{b}'" for b in sorted(NOT_MONEY))  # constants of the code, not input

# This window's entries and those pulled from the hall's other windows (foreign_audit, schema
# v10): once pulled, a hall's 日结 covers every window of the hall.
_ENTRIES = (
    "(SELECT created_at, hall_code, window_code, operator_id, business, action, amount_fen FROM audit "
    "UNION ALL SELECT created_at, hall_code, window_code, operator_id, business, action, amount_fen "
    "FROM foreign_audit)"
)


def day_end(
    db: Database,
    day: date,
    *,
    hall_code: str | None = None,
    operator_id: str | None = None,
    window_code: str | None = None,
) -> DayEnd:
    """The day's work of one clerk (`operator_id`), of one window (`window_code`), or of
    everyone in the hall, at whichever window of the hall it was done (as far as pulled)."""
    lo, hi = day.isoformat(), (day + timedelta(days=1)).isoformat()
    where = ["created_at >= :lo", "created_at < :hi"]
    params: dict[str, Any] = {"lo": lo, "hi": hi}
    if hall_code:
        where.append("hall_code = :hall")
        params["hall"] = hall_code
    if operator_id:
        where.append("operator_id = :op")
        params["op"] = operator_id
    if window_code:
        where.append("window_code = :window")
        params["window"] = window_code
    cond = " AND ".join(where)
    businesses = list(
        db.query(
            f"SELECT operator_id, business, action, count(*) AS count, sum(amount_fen) AS amount_fen "
            f"FROM {_ENTRIES} WHERE {cond} GROUP BY operator_id, business, action ORDER BY operator_id, business, action",
            params,
        )
    )
    issued = {
        (r["operator_id"], r["window_code"]): r
        for r in db.query(
            f"SELECT operator_id, window_code, count(*) AS issued, min(serial) AS first, max(serial) AS last, "
            f"sum(CASE WHEN business IN ({_NOT_MONEY_SQL}) THEN 0 ELSE amount_fen END) AS amount_fen "
            f"FROM receipts WHERE {cond} GROUP BY operator_id, window_code",
            params,
        )
    }
    voided = {
        (r["operator_id"], r["window_code"]): r["voided"]
        for r in db.query(
            f"SELECT operator_id, window_code, count(*) AS voided FROM receipt_voids WHERE {cond} "
            "GROUP BY operator_id, window_code",
            params,
        )
    }
    receipts = []
    for key in sorted(set(issued) | set(voided)):
        row = issued.get(key, {"issued": 0, "first": None, "last": None, "amount_fen": 0})
        receipts.append(
            {
                "operator_id": key[0],
                "window_code": key[1],
                "issued": row["issued"],
                "voided": voided.get(key, 0),
                "first": row["first"],
                "last": row["last"],
                "amount_fen": row["amount_fen"] or 0,
            }
        )
    return DayEnd(day, hall_code, operator_id, businesses, receipts)
