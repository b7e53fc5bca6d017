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

The few mutable tables that decide who may do what (STATE_HASHED: accounts with their roles,
password hashes and disabled flag; the hall's settings; its configuration) are checked the other
way round: every entry about such a row records, in its payload, the SHA-256 of the row as it
stands after the change (`state_sha256`, null when the row is gone), and `verify_audit_chain`
compares each current row with what its last entry recorded. A row edited, planted or removed by
SQL is named. Anyone holding the file can recompute a whole chain, so the chain's head (`head`,
printed on every 日结 and kept by the hub) anchors it: `verify_audit_chain(anchor=...)` proves
that no entry up to the anchor was removed or changed, which the chain alone cannot show for its
newest entries.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from desktop.errors import Refusal
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
# Mutable tables whose current rows must match the state their last entry recorded: table -> key.
STATE_HASHED = {"accounts": "id", "settings": "key", "hall_config": "hall_code"}
STATE_KEY = "state_sha256"
# How each state-hashed row is named to the person reading `audit verify`: table -> (word, column)
_STATE_NAMES = {"accounts": ("账户", "username"), "settings": ("设置", "key"), "hall_config": ("大厅配置", "hall_code")}
MIN_ANCHOR_HEX = 16  # a printed head may be copied by hand as its first 16 hex digits


def row_sha256(row: Mapping[str, Any]) -> str:
    """SHA-256 of a stored row's canonical JSON (every column, as SELECT * returns it)."""
    return hashlib.sha256(to_json(dict(row)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class BrokenEntry:
    """The first entry whose link or content does not verify."""

    seq: int
    entity_id: str  # the record the entry is about
    reason: str


@dataclass(frozen=True)
class ChainHead:
    """The newest entry: its seq and hash. Printed on the 日结 as `text` ("SEQ:HASH")."""

    seq: int
    hash: bytes

    @property
    def text(self) -> str:
        return f"{self.seq}:{self.hash.hex()}"


def head(db: Database) -> ChainHead | None:
    """The chain's newest entry (None for an empty chain)."""
    last = db.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    return ChainHead(last[0], last[1]) if last else None


def parse_anchor(text: str) -> tuple[int, str]:
    """"SEQ:HASH" (the hash in hex, all 64 digits or at least its first 16, spaces ignored) ->
    (seq, hex), or ValueError with the Chinese reason."""
    seq, sep, digest = (text or "").strip().partition(":")
    digest = "".join(digest.split()).lower()  # copied from the page in groups of 8
    if (
        not sep
        or not seq.strip().isdigit()
        or not MIN_ANCHOR_HEX <= len(digest) <= 64
        or any(c not in "0123456789abcdef" for c in digest)
    ):
        raise ValueError(
            f"锚点格式应为“序号:哈希”（哈希为日结报表上印的十六进制串，至少前{MIN_ANCHOR_HEX}位）"
        )
    return int(seq), digest


_LAST_STATE = (
    "SELECT payload FROM audit WHERE entity IN ('accounts', 'settings', 'hall_config') "
    "AND entity = ? AND entity_id = ? ORDER BY seq DESC LIMIT 1"
)  # the partial index audit_state (schema v8) answers this


def check_state(db: Database, entity: str, stored: Mapping[str, Any]) -> None:
    """Refuse to act on a state-hashed row that differs from what its last entry recorded (or
    has none): a row edited or planted by SQL must not be carried into the chain by the next
    business (a login would otherwise record the planted state as if the program wrote it)."""
    key = str(stored[STATE_HASHED[entity]])
    last = db.execute(_LAST_STATE, [entity, key]).fetchone()
    recorded = json.loads(last[0]) if last and last[0] else {}
    if STATE_KEY in recorded and recorded[STATE_KEY] == row_sha256(stored):
        return
    word, label = _STATE_NAMES[entity]
    raise Refusal(
        "tampered",
        f"{word}“{stored[label]}”的记录与审计记录不符（可能被绕过程序直接改动），已拒绝办理；"
        "请管理员运行 yibao-desk audit verify 核查",
        label,
    )


def state_sha256(db: Database, entity: str, key: Any) -> str | None:
    """SHA-256 of a state-hashed row as it stands now (None when there is no such row)."""
    stored = one(db, f"SELECT * FROM {entity} WHERE {STATE_HASHED[entity]} = ?", [key])
    return None if stored is None else row_sha256(stored)


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
        if spec["entity"] in STATE_HASHED:  # the row after the change, read back as stored
            payload = {**(payload or {}), STATE_KEY: state_sha256(db, spec["entity"], spec["entity_id"])}
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


def verify_audit_chain(
    db: Database, *, rows: bool = True, anchor: tuple[int, str] | None = None
) -> BrokenEntry | None:
    """Walk the chain in order; the first entry that fails, or None when all verify.

    With `rows` (the default, and what `audit verify` does) the business rows audited by hash
    (ROW_HASHED) are re-read and re-hashed too: about 20 µs per such entry. Without it such an
    entry cannot be checked alone, so the walk only follows the chain's sequence past it.

    Removing the newest entries cannot be seen from the chain alone: `anchor` (seq, hash in hex
    or its prefix), as printed on a 日结 or kept by the hub, must be an entry of the chain.
    After the walk, each state-hashed row (accounts, settings, the hall) is compared with the
    state its last entry recorded.
    """
    prev = GENESIS
    expected_seq = None
    traces_ok: set[str] = set()  # trace keys whose text was checked (a handful per hall)
    states: dict[tuple[str, str], tuple[int, str | None]] = {}  # (table, key) -> (seq, sha)
    anchored = anchor is None
    for row in db.query(f"SELECT seq, {', '.join(COLUMNS)} FROM audit ORDER BY seq"):
        seq = row["seq"]
        if anchor is not None and seq == anchor[0]:
            if not row["hash"].hex().startswith(anchor[1]):
                return BrokenEntry(
                    seq,
                    row["entity_id"],
                    "与日结或同步时记下的末条哈希不符（该条或它之前的审计记录被改动、删除或整链重写）",
                )
            anchored = True
        if row["entity"] in STATE_HASHED and row["payload"]:
            recorded = json.loads(row["payload"])
            if STATE_KEY in recorded:  # entries older than schema v8 recorded no state
                states[(row["entity"], row["entity_id"])] = (seq, recorded[STATE_KEY])
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
    if not anchored:
        assert anchor is not None
        last = "没有任何审计记录" if expected_seq is None else f"现有审计记录只到第 {expected_seq - 1} 条"
        return BrokenEntry(
            anchor[0], "", f"日结或同步时记下的第 {anchor[0]} 条审计记录不存在（{last}，末尾的记录被删除）"
        )
    return _state_problem(db, states)


def _state_problem(
    db: Database, states: Mapping[tuple[str, str], tuple[int, str | None]]
) -> BrokenEntry | None:
    """The first state-hashed row that differs from what its last entry recorded, or None."""
    for table, key in STATE_HASHED.items():
        word, label = _STATE_NAMES[table]
        current = {}
        for stored in db.query(f"SELECT * FROM {table}") if _has_table(db, table) else ():
            current[str(stored[key])] = stored
        for name, stored in current.items():
            seq, recorded = states.get((table, name), (0, None))
            shown = f"{word}“{stored[label]}”"
            if (table, name) not in states:
                return BrokenEntry(0, name, f"{shown}没有任何审计记录（绕过程序直接写入数据库）")
            if recorded != row_sha256(stored):
                return BrokenEntry(
                    seq,
                    name,
                    f"{shown}与审计链中最后一次变更记录不符（身份、密码、停用状态或数值被绕过程序直接改动）",
                )
        for (kind, name), (seq, recorded) in states.items():
            if kind == table and recorded is not None and name not in current:
                return BrokenEntry(seq, name, f"{word}（编号 {name}）被绕过程序直接删除")
    return None


def _has_table(db: Database, name: str) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]).fetchone() is not None


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
