"""The audit trail: one entry per business, chained by SHA-256 so that an edited, removed or
reordered entry is detected.

hash(entry) = SHA-256(prev_hash + canonical JSON of the entry's content). The first entry's
prev_hash is 64 zeros. Entries are appended inside the business's own transaction (which holds
the write lock), so the chain cannot fork between two windows writing to one file.

An entry about a row of an append-only table listed in ROW_HASHED (an enrollment) does not copy
the row: its payload is `{"row_sha256": ...}`, the SHA-256 of the stored row's canonical JSON,
and `verify_audit_chain` recomputes it, so an edited (or removed) business row is detected too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from desktop.records.rows import Stamp, insert, one, to_json

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


# Append-only tables whose audit entries carry the row's hash instead of a copy of the row.
ROW_HASHED = frozenset({"enrollments"})


def row_sha256(row: dict[str, Any]) -> str:
    """SHA-256 of a stored row's canonical JSON (every column, as SELECT * returns it)."""
    return hashlib.sha256(to_json(dict(row)).encode("utf-8")).hexdigest()


def row_payload(db: Database, table: str, row_id: str) -> dict[str, str]:
    """The audit payload of a row just written to an append-only table: its hash."""
    if table not in ROW_HASHED:
        raise ValueError(f"{table} rows are audited by copy, not by hash")
    stored = one(db, f"SELECT * FROM {table} WHERE id = ?", [row_id])
    if stored is None:
        raise ValueError(f"no {table} row {row_id}")
    return {"row_sha256": row_sha256(stored)}


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


def verify_audit_chain(db: Database, *, rows: bool = True) -> BrokenEntry | None:
    """Walk the chain in order; the first entry that fails, or None when all verify.

    With `rows` (the default, and what `audit verify` does) the business rows audited by hash
    (ROW_HASHED) are re-read and re-hashed too: about 20 µs per such entry, so a quick check on
    the GUI thread may pass rows=False and leave them to the full walk.

    Removing the newest entries cannot be seen from the chain alone; compare the last hash with a
    backup's or a printed day-end report for that.
    """
    expected_prev = GENESIS
    traces_ok: set[str] = set()  # trace keys whose text was checked (a handful per hall)
    for row in db.query(
        f"SELECT seq, prev_hash, hash, {', '.join(_CONTENT)} FROM audit ORDER BY seq"
    ):
        if row["prev_hash"] != expected_prev:
            return BrokenEntry(
                row["seq"], row["id"], "与上一条记录的链接不符（记录被删除、插入或改动）"
            )
        if entry_hash(row["prev_hash"], row) != row["hash"]:
            return BrokenEntry(row["seq"], row["id"], "记录内容与其哈希不符（记录被改动）")
        if rows and row["entity"] in ROW_HASHED and '"row_sha256"' in row["payload"]:
            problem = _row_problem(db, row, traces_ok)
            if problem is not None:
                return BrokenEntry(row["seq"], row["id"], problem)
        expected_prev = row["hash"]
    return None


def _row_problem(db: Database, entry: dict[str, Any], traces_ok: set[str]) -> str | None:
    """Why the business row an entry hashes (or the trace text it points at) no longer
    matches, or None."""
    expected = json.loads(entry["payload"]).get("row_sha256")
    stored = one(db, f"SELECT * FROM {entry['entity']} WHERE id = ?", [entry["entity_id"]])
    if stored is None:
        return "审计记录所指的业务记录不存在（业务记录被删除）"
    if row_sha256(stored) != expected:
        return "业务记录与审计记录中的哈希不符（业务记录被改动）"
    key = stored.get("trace_sha256")
    if key and key not in traces_ok:
        text = db.execute("SELECT text FROM traces WHERE sha256 = ?", [key]).fetchone()
        if text is None or hashlib.sha256(text[0].encode("utf-8")).hexdigest() != key:
            return "业务记录的计算过程与其哈希不符（计算过程记录被改动或删除）"
        traces_ok.add(key)
    return None
