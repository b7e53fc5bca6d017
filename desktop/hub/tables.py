"""The rows that travel between the windows and the hub: the append-only business tables.

Their columns are read from the window's own schema (a fresh file at the current version), so
the hub's mirror tables follow every migration. State that is derived (persons' current details,
household membership, enrollment status) does not travel: each side derives it from these rows
(desktop/sync/derive.py). The audit trail travels too: each node's chain is verified on the hub.
Calculation traces travel with the enrollments that point at them (content-addressed).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from sqlite_utils import Database

# Parents before children: a pulled batch satisfies the window's foreign keys as it lands.
# The audit trail comes before the business rows because persons are derived from its
# registrations (a receipt or an enrollment points at its person).
ORDER = (
    "households",
    "audit",
    "receipts",
    "enrollments",
    "changes",
    "terminations",
    "refunds",
    "certificates",  # 参保证明: a receipt serial of its own
    "chronic_applications",  # 门诊慢特病: before the review requests that name them
    "review_requests",
    "reviews",  # after the subjects they approve: the final approval applies its subject
    "refund_payouts",
    "offsite_filings",
    "manual_claims",
    "claim_bills",
    "claim_steps",
    "claim_supplements",
    "receipt_voids",
)
# Where a window keeps other windows' audit entries: its own `audit` is its own chain only.
FOREIGN_AUDIT = "foreign_audit"


def key(table: str) -> tuple[str, ...]:
    """The columns identifying a row across every node."""
    if table == "audit":
        return ("hall_code", "window_code", "seq")
    if table == "receipts":
        return ("serial",)
    return ("id",)


@functools.cache
def _schema() -> dict[str, tuple[tuple[str, str], ...]]:
    import sqlite3

    from desktop.records import migrations

    db = Database(sqlite3.connect(":memory:", isolation_level=None))
    migrations.migrate(db)
    out = {}
    for table in (*ORDER, "traces"):
        # table_info leaves out generated columns (a receipt's hall, window, year, sequence)
        out[table] = tuple(
            (name, decl.upper()) for _, name, decl, *_ in db.conn.execute(f"PRAGMA table_info({table})")
        )
    db.conn.close()
    return out


def columns(table: str) -> tuple[str, ...]:
    """The stored columns of a replicated table, in the window's order."""
    return tuple(name for name, _ in _schema()[table])


def declared(table: str) -> tuple[tuple[str, str], ...]:
    """(column, SQLite declared type) of a replicated table."""
    return _schema()[table]


def origin(table: str, row: Mapping[str, Any]) -> tuple[str, str]:
    """(hall code, window code) of the node that made the row."""
    if table == "receipts":
        serial = row["serial"]
        return serial[:6], serial[7:9]
    return row["hall_code"], row["window_code"]
