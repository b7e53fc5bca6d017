"""The audit trail: one entry per business, chained by SHA-256 so that an edited, removed or
reordered entry is detected.

hash(entry) = SHA-256(previous entry's hash + canonical JSON of the entry's content), stored as
32 bytes; the first entry chains to 32 zero bytes. The previous hash is not stored again in the
next entry (schema v6): the walk carries it, and `seq` runs without gaps, so a removed entry
shows as a gap and an edited one as a hash that no longer matches. Entries are appended inside
the business's own transaction (which holds the write lock), so the chain cannot fork between
two windows writing to one file.

An entry about a row of an append-only table listed in ROW_HASHED (an enrollment) does not copy
the row, nor store its hash: the SHA-256 of the stored row's canonical JSON is part of the hashed
content, and `verify_audit_chain` recomputes it from the row, so an edited (or removed) business
row breaks its entry's hash exactly as an edited entry does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from desktop.records.rows import Stamp, one, to_json

GENESIS = bytes(32)
_CONTENT = (
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
COLUMNS = (*_CONTENT, "hash")
_INSERT = f"INSERT INTO audit ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})"

# Append-only tables whose audit entries hash the row instead of copying it.
ROW_HASHED = frozenset({"enrollments"})


def row_sha256(row: Mapping[str, Any]) -> str:
    """SHA-256 of a stored row's canonical JSON (every column, as SELECT * returns it)."""
    return hashlib.sha256(to_json(dict(row)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class BrokenEntry:
    """The first entry whose link or content does not verify."""

    seq: int
    entity_id: str  # the record the entry is about
    reason: str


def entry_hash(prev_hash: bytes, row: Mapping[str, Any], row_sha: str | None = None) -> bytes:
    """The hash of an entry: its content (and, for a row-hashed entity, the row's SHA-256)
    chained to the previous entry's hash."""
    content = {k: row[k] for k in _CONTENT}
    if row_sha is not None:
        content["row_sha256"] = row_sha
    return hashlib.sha256(prev_hash + to_json(content).encode("utf-8")).digest()


def _last_hash(db: Database) -> bytes:
    last = db.execute("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    return last[0] if last else GENESIS


def _row_sha(entity: str, row: Mapping[str, Any] | None, payload: Any) -> str | None:
    if entity in ROW_HASHED:
        if row is None or payload is not None:
            raise ValueError(f"{entity} entries hash the stored row: pass row=, not payload=")
        return row_sha256(row)
    if row is not None:
        raise ValueError(f"{entity} rows are audited by a payload, not by hash")
    return None


def append(
    db: Database,
    stamp: Stamp,
    *,
    action: str,
    business: str,
    entity: str,
    entity_id: str,
    payload: dict[str, Any] | None = None,
    row: Mapping[str, Any] | None = None,
    person_id: str | None = None,
    amount_fen: int | None = None,
) -> dict[str, Any]:
    """Append one entry; must run inside the business's write transaction.

    For an entity in ROW_HASHED pass `row`: the row exactly as stored (SELECT *)."""
    return append_many(
        db,
        stamp,
        [
            {
                "action": action,
                "business": business,
                "entity": entity,
                "entity_id": entity_id,
                "payload": payload,
                "row": row,
                "person_id": person_id,
                "amount_fen": amount_fen,
            }
        ],
    )[-1]


def append_many(
    db: Database, stamp: Stamp, entries: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Append several entries (each with the keyword arguments of `append`) in order, in one
    executemany: what a bulk business (a roster import) writes. Inside the caller's transaction."""
    prev = _last_hash(db)
    fixed = {
        "created_at": stamp.created_at,
        "hall_code": stamp.hall_code,
        "window_code": stamp.window_code,
        "operator_id": stamp.operator_id,
        "operator_role": stamp.operator_role,
    }
    rows = []
    for spec in entries:
        payload = spec.get("payload")
        row = {
            **fixed,
            "action": spec["action"],
            "business": spec["business"],
            "entity": spec["entity"],
            "entity_id": spec["entity_id"],
            "person_id": spec.get("person_id"),
            "amount_fen": spec.get("amount_fen"),
            "payload": None if payload is None else to_json(payload),
        }
        row["hash"] = prev = entry_hash(prev, row, _row_sha(row["entity"], spec.get("row"), payload))
        rows.append(row)
    db.conn.executemany(_INSERT, [tuple(r.values()) for r in rows])
    return rows


def verify_audit_chain(db: Database, *, rows: bool = True) -> BrokenEntry | None:
    """Walk the chain in order; the first entry that fails, or None when all verify.

    With `rows` (the default, and what `audit verify` does) the business rows audited by hash
    (ROW_HASHED) are re-read and re-hashed too: about 20 µs per such entry. Without it such an
    entry cannot be checked alone, so the walk only follows the chain's sequence past it.

    Removing the newest entries cannot be seen from the chain alone; compare the last hash with a
    backup's or a printed day-end report for that.
    """
    prev = GENESIS
    expected_seq = None
    traces_ok: set[str] = set()  # trace keys whose text was checked (a handful per hall)
    for row in db.query(f"SELECT seq, {', '.join(COLUMNS)} FROM audit ORDER BY seq"):
        seq = row["seq"]
        if expected_seq is not None and seq != expected_seq:
            return BrokenEntry(
                seq, row["entity_id"], "与上一条记录的链接不符（前面的记录被删除或插入）"
            )
        expected_seq = seq + 1
        if row["entity"] in ROW_HASHED and row["payload"] is None:
            if not rows:
                prev = row["hash"]
                continue
            stored = one(db, f"SELECT * FROM {row['entity']} WHERE id = ?", [row["entity_id"]])
            if stored is None:
                return BrokenEntry(
                    seq, row["entity_id"], "审计记录所指的业务记录不存在（业务记录被删除）"
                )
            if entry_hash(prev, row, row_sha256(stored)) != row["hash"]:
                return BrokenEntry(
                    seq,
                    row["entity_id"],
                    "记录内容与其哈希不符（业务记录被改动，或本条审计记录被改动，"
                    "或与上一条记录的链接不符）",
                )
            problem = _trace_problem(db, stored, traces_ok)
            if problem is not None:
                return BrokenEntry(seq, row["entity_id"], problem)
        elif entry_hash(prev, row) != row["hash"]:
            return BrokenEntry(
                seq,
                row["entity_id"],
                "记录内容与其哈希不符（本条记录被改动，或与上一条记录的链接不符：上一条被改动）",
            )
        prev = row["hash"]
    return None


def _trace_problem(db: Database, stored: Mapping[str, Any], traces_ok: set[str]) -> str | None:
    """Why the trace text a business row points at no longer matches its key, or None."""
    key = stored.get("trace_sha256")
    if key and key not in traces_ok:
        text = db.execute("SELECT text FROM traces WHERE sha256 = ?", [key]).fetchone()
        if text is None or hashlib.sha256(text[0].encode("utf-8")).hexdigest() != key:
            return "业务记录的计算过程与其哈希不符（计算过程记录被改动或删除）"
        traces_ok.add(key)
    return None


def payload_of(entry: Mapping[str, Any]) -> dict[str, Any]:
    """An entry's payload as a dict ({} for a row-hashed entry, which copies nothing)."""
    return json.loads(entry["payload"]) if entry.get("payload") else {}


def payloads(db: Database, action: str) -> list[dict[str, Any]]:
    """The payloads of every entry of one action, oldest first."""
    return [payload_of(dict(zip(("payload",), row, strict=True)))
            for row in db.execute("SELECT payload FROM audit WHERE action = ? ORDER BY seq", [action])]
