"""The audit trail: one entry per business, chained by SHA-256 so that an edited, removed or
reordered entry is detected.

hash(entry) = SHA-256(prev_hash + canonical JSON of the entry's content). The first entry's
prev_hash is 64 zeros. Entries are appended inside the business's own transaction (which holds
the write lock), so the chain cannot fork between two windows writing to one file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from desktop.records.rows import Stamp, insert, to_json

GENESIS = "0" * 64
_CONTENT = (
    "id",
    "created_at",
    "hall_code",
    "window_code",
    "operator_id",
    "operator_role",
    "action",
    "business",
    "entity",
    "entity_id",
    "person_id",
    "amount_fen",
    "payload",
)


@dataclass(frozen=True)
class BrokenEntry:
    """The first entry whose link or content does not verify."""

    seq: int
    id: str
    reason: str


def entry_hash(prev_hash: str, row: dict[str, Any]) -> str:
    content = to_json({k: row[k] for k in _CONTENT})
    return hashlib.sha256((prev_hash + content).encode("utf-8")).hexdigest()


def append(
    db: Database,
    stamp: Stamp,
    *,
    action: str,
    business: str,
    entity: str,
    entity_id: str,
    payload: dict[str, Any],
    person_id: str | None = None,
    amount_fen: int | None = None,
) -> dict[str, Any]:
    """Append one entry; must run inside the business's write transaction."""
    last = db.execute("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    row: dict[str, Any] = {
        **stamp.meta(),
        "operator_role": stamp.operator_role,
        "action": action,
        "business": business,
        "entity": entity,
        "entity_id": entity_id,
        "person_id": person_id,
        "amount_fen": amount_fen,
        "payload": to_json(payload),
        "prev_hash": last[0] if last else GENESIS,
    }
    row["hash"] = entry_hash(row["prev_hash"], row)
    insert(db, "audit", row)
    return row


def verify_audit_chain(db: Database) -> BrokenEntry | None:
    """Walk the chain in order; the first entry that fails, or None when all verify.

    Removing the newest entries cannot be seen from the chain alone; compare the last hash with a
    backup's or a printed day-end report for that.
    """
    expected_prev = GENESIS
    for row in db.query(
        f"SELECT seq, prev_hash, hash, {', '.join(_CONTENT)} FROM audit ORDER BY seq"
    ):
        if row["prev_hash"] != expected_prev:
            return BrokenEntry(
                row["seq"], row["id"], "与上一条记录的链接不符（记录被删除、插入或改动）"
            )
        if entry_hash(row["prev_hash"], row) != row["hash"]:
            return BrokenEntry(row["seq"], row["id"], "记录内容与其哈希不符（记录被改动）")
        expected_prev = row["hash"]
    return None
