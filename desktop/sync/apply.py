"""Other nodes' rows into this window's file, and the state derived from them.

Replicated rows are inserted as they are (same ids, same serials). What the window shows as
current state is then derived here from those rows, the same way the window's own business
wrote it, never copied from another node:

    audit 'register'            the person (persons row; a second person under a registered ID
                                number becomes the alias of the earlier registration)
    audit 'student' / 'death'   the person's school / 死亡 status
    audit 'add_member' / 'remove_member'   household membership
    an enrollment               the person's registered category (the newest enrollment's)
    a change (no review, or on its final approval)   the field, in time order: a change older
                                than the newest applied change of the same field is kept but not
                                applied (the later value stays)
    a termination's final approval   the enrollment's status (and a death on the person)
    a refund payout             the enrollment is refunded
    audit account / setting changes of the same hall   the account's disabled state and roles,
                                the hall setting; a new account and a password reset (with the hash)
    audit 'import_pack' (any node)   the pack's file in this hall's packs/ (desktop/sync/packs.py)

Every function runs inside the caller's write transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlite_utils import Database

from desktop.errors import Refusal
from desktop.hub import canonical, tables
from desktop.records import accounts as account_rows
from desktop.records import households, persons, search
from desktop.records.rows import one
from desktop.sync import packs


def insert_rows(db: Database, table: str, rows: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Insert the rows this file lacks; the rows that were new. A row whose key is here already
    must be the same row (same canonical hash)."""
    if not rows:
        return []
    target = tables.FOREIGN_AUDIT if table == "audit" else table
    cols = tables.columns(table)
    keys = tables.key(table)
    existing = _existing(db, target, cols, keys, rows)
    new = []
    for row in rows:
        here = existing.get(tuple(row[k] for k in keys))
        if here is None:
            new.append(row)
        elif canonical.row_sha256(here) != canonical.row_sha256({c: row[c] for c in cols}):
            raise Refusal(
                "local_row_differs",
                f"本机已有编号为 {'/'.join(str(row[k]) for k in keys)} 的记录，但与中心库的内容不同，"
                "本批没有写入，请联系管理员核查",
                "hub",
            )
    if new:
        db.conn.executemany(
            f"INSERT INTO {target} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [tuple(row[c] for c in cols) for row in new],
        )
    return new


def _existing(
    db: Database, target: str, cols: Sequence[str], keys: Sequence[str], rows: Sequence[Mapping[str, Any]]
) -> dict[tuple, dict[str, Any]]:
    """The rows of `target` already holding one of the batch's keys (one query per 300 keys)."""
    found: dict[tuple, dict[str, Any]] = {}
    select = ", ".join(cols)
    for start in range(0, len(rows), 300):
        part = rows[start : start + 300]
        if len(keys) == 1:
            params = [r[keys[0]] for r in part]
            where = f"{keys[0]} IN ({', '.join('?' * len(params))})"
        else:
            params = [r[k] for r in part for k in keys]
            one_key = "(" + " AND ".join(f"{k} = ?" for k in keys) + ")"
            where = " OR ".join([one_key] * len(part))
        for values in db.conn.execute(f"SELECT {select} FROM {target} WHERE {where}", params):
            row = dict(zip(cols, values, strict=True))
            found[tuple(row[k] for k in keys)] = row
    return found


def insert_traces(db: Database, traces: Mapping[str, str]) -> None:
    db.conn.executemany(
        "INSERT OR IGNORE INTO traces (sha256, text) VALUES (?, ?)", list(traces.items())
    )


def derive(db: Database, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Bring the derived state up to date with newly inserted rows of `table` (in their order)."""
    handler = _DERIVE.get(table)
    if handler is not None:
        for row in rows:
            handler(db, row)


def _audit(db: Database, entry: Mapping[str, Any]) -> None:
    action, entity = entry["action"], entry["entity"]
    payload = json.loads(entry["payload"]) if entry["payload"] else {}
    if entity == "persons" and action == "register":
        _register(db, entry, payload)
    elif entity == "persons" and action == "student":
        school, kind = payload["after"]
        _set_person(db, entry["entity_id"], entry["created_at"], {"school": school, "school_kind": kind})
    elif entity == "persons" and action == "death":
        _set_person(
            db,
            entry["entity_id"],
            entry["created_at"],
            {"status": "死亡", "death_date": payload["death_date"], "death_reason": payload.get("reason")},
        )
    elif entity == "household_members" and action == "add_member":
        _add_member(db, entry, payload)
    elif entity == "accounts" and action in _ACCOUNT_CHANGES and _same_hall(db, entry):
        _account(db, entry, payload)
    elif entity == "settings" and action == "set_setting" and _same_hall(db, entry):
        _setting(db, entry, payload)
    elif entity == "packs" and action == "import_pack":  # the county's packs: every node
        packs.apply_import(db, entry, payload, _sync_stamp(db))
    elif entity == "household_members" and action == "remove_member":
        db.conn.execute(
            "DELETE FROM household_members WHERE person_id = ? AND household_id = ?",
            [entry["person_id"], payload["household_id"]],
        )


# What a hall shares between its windows: a clerk may sit at any window of the hall, so an
# account disabled (or re-enabled, or given other roles) at one window is so at every window at
# the next pull, and a hall setting changed at one is changed at all. The change is audited where
# it was made (its entry, pulled, is in foreign_audit); a newer change made here stands.
# A new account and a new password (reset, or changed by the clerk) carry the argon2 hash (never the password), so the clerk
# logs in with the same password at any window; an account of that name made here stands.
_ACCOUNT_CHANGES = frozenset({"create_account", "reset_password", "change_password", "disable_account", "enable_account", "set_roles"})


def _same_hall(db: Database, entry: Mapping[str, Any]) -> bool:
    mine = db.conn.execute("SELECT hall_code FROM sync_node WHERE one = 1").fetchone()
    return mine is not None and mine[0] == entry["hall_code"]


def _account(db: Database, entry: Mapping[str, Any], payload: dict[str, Any]) -> None:
    at = entry["created_at"]
    row = one(db, "SELECT updated_at FROM accounts WHERE username = ?", [payload["username"]])
    if entry["action"] == "create_account":
        if row is None and isinstance(payload.get("password_hash"), str):  # older entries carry none
            _create_account(db, entry, payload)
        return
    if row is None or row["updated_at"] > at:
        return
    values: dict[str, Any] = {"updated_at": at}
    if entry["action"] in ("reset_password", "change_password"):
        if not isinstance(payload.get("password_hash"), str):
            return
        values.update(password_hash=payload["password_hash"], password_changed_at=at, failed_attempts=0, locked_until=None)
    elif entry["action"] == "disable_account":
        values.update(disabled_at=at, disabled_by=entry["operator_id"])
    elif entry["action"] == "enable_account":
        values.update(disabled_at=None, disabled_by=None, failed_attempts=0, locked_until=None)
    else:
        values["roles"] = ",".join(sorted(payload["after"]))
    assignments = ", ".join(f"{k} = ?" for k in values)
    db.conn.execute(f"UPDATE accounts SET {assignments} WHERE username = ?", [*values.values(), payload["username"]])
    account_id = db.conn.execute("SELECT id FROM accounts WHERE username = ?", [payload["username"]]).fetchone()[0]
    _chain_applied(db, entry, "accounts", account_id)


def _create_account(db: Database, entry: Mapping[str, Any], payload: dict[str, Any]) -> None:
    at = entry["created_at"]
    row = {
        "id": entry["entity_id"], "created_at": at, "created_by": entry["operator_id"],
        "username": payload["username"], "display_name": payload["display_name"],
        "roles": account_rows.encode_roles(payload["roles"]), "password_hash": payload["password_hash"],
        "password_changed_at": at, "failed_attempts": 0, "locked_until": None, "last_login_at": None,
        "disabled_at": None, "disabled_by": None, "updated_at": at,
    }
    db.conn.execute(f"INSERT INTO accounts ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
    _chain_applied(db, entry, "accounts", row["id"])


def _sync_stamp(db: Database) -> Any:
    """What this window's own entries for a change applied from the hub are stamped with."""
    from datetime import datetime, timedelta, timezone

    from desktop.records.rows import Stamp

    hall_code, window_code = db.conn.execute("SELECT hall_code, window_code FROM sync_node WHERE one = 1").fetchone()
    return Stamp(hall_code, window_code, "sync", "-", datetime.now(timezone(timedelta(hours=8))))


def _chain_applied(db: Database, entry: Mapping[str, Any], entity: str, entity_id: str) -> None:
    """An account or setting changed here by another window's business goes into this window's
    own chain too, with the row as it now stands (audit.STATE_HASHED): `audit verify` and the
    login's tamper check then tell this change from an edit by SQL."""
    from desktop.records import audit

    stamp = _sync_stamp(db)
    audit.append(db, stamp, action="apply_shared", business="sync", entity=entity, entity_id=str(entity_id),
                 payload={"from": f"{entry['hall_code']}-{entry['window_code']}", "seq": entry["seq"],
                          "action": entry["action"], "by": entry["operator_id"]})


def _setting(db: Database, entry: Mapping[str, Any], payload: dict[str, Any]) -> None:
    at = entry["created_at"]
    local = db.conn.execute("SELECT updated_at FROM settings WHERE key = ?", [payload["key"]]).fetchone()
    if local is not None and local[0] > at:
        return
    if payload["after"] is None:
        db.conn.execute("DELETE FROM settings WHERE key = ?", [payload["key"]])
    else:
        db.conn.execute(
            "INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, "
            "updated_by = excluded.updated_by",
            [payload["key"], payload["after"], at, entry["operator_id"]],
        )
    _chain_applied(db, entry, "settings", payload["key"])


def _register(db: Database, entry: Mapping[str, Any], values: dict[str, Any]) -> None:
    if persons.get(db, entry["entity_id"]) is not None:
        return
    fields = {k: v for k, v in values.items() if k in persons.FIELDS}
    row = {
        "id": entry["entity_id"],
        "created_at": entry["created_at"],
        "hall_code": entry["hall_code"],
        "window_code": entry["window_code"],
        "operator_id": entry["operator_id"],
        "updated_at": entry["created_at"],
        **fields,
        "id_number_rev": fields["id_number"][::-1],
        "alias_of": None,
    }
    holder = persons.get_by_id_number(db, fields["id_number"])
    if holder is not None:
        # One person per ID number: the earlier registration is the person on every node.
        if (holder["created_at"], holder["id"]) < (row["created_at"], row["id"]):
            row["alias_of"] = holder["id"]
        else:
            db.conn.execute("UPDATE persons SET alias_of = ? WHERE id = ? OR alias_of = ?", [row["id"], holder["id"], holder["id"]])
    cur = db.conn.execute(
        f"INSERT INTO persons ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values())
    )
    search.index_name(db, cur.lastrowid, row["name"])


def _set_person(db: Database, person_id: str, at: str, values: dict[str, Any]) -> None:
    assignments = ", ".join(f"{k} = ?" for k in values)
    db.conn.execute(
        f"UPDATE persons SET {assignments}, updated_at = max(updated_at, ?) WHERE id = ?",
        [*values.values(), at, person_id],
    )


def _add_member(db: Database, entry: Mapping[str, Any], payload: dict[str, Any]) -> None:
    household_id, head = payload["household_id"], payload.get("head")
    meta = {k: entry[k] for k in ("created_at", "hall_code", "window_code", "operator_id")}
    if head and households.membership(db, head) is None:
        # The head's membership is written with the household, without an entry of its own.
        db.conn.execute(
            "INSERT OR IGNORE INTO household_members (id, created_at, hall_code, window_code, operator_id, "
            "household_id, person_id, relationship) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [f"{household_id}:head", *meta.values(), household_id, head, households.HEAD],
        )
    if households.membership(db, entry["person_id"]) is None:
        db.conn.execute(
            "INSERT OR IGNORE INTO household_members (id, created_at, hall_code, window_code, operator_id, "
            "household_id, person_id, relationship) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [entry["entity_id"], *meta.values(), household_id, entry["person_id"], payload["relationship"]],
        )


def _enrollment(db: Database, row: Mapping[str, Any]) -> None:
    newest = db.conn.execute(
        "SELECT id FROM enrollments WHERE person_id = ? ORDER BY created_at DESC, id DESC LIMIT 1",
        [row["person_id"]],
    ).fetchone()
    if newest and newest[0] == row["id"]:
        db.conn.execute("UPDATE persons SET category = ? WHERE id = ?", [row["category"], row["person_id"]])


def _change(db: Database, row: Mapping[str, Any]) -> None:
    if row["review_levels"] == 0:
        apply_change(db, row)


def apply_change(db: Database, row: Mapping[str, Any]) -> None:
    """A change takes effect unless a later change of the same field already did."""
    later = db.conn.execute(
        "SELECT 1 FROM changes c WHERE c.person_id = ? AND c.field = ? AND c.id <> ? "
        "AND (c.created_at, c.id) > (?, ?) AND (c.review_levels = 0 OR EXISTS ("
        " SELECT 1 FROM review_requests r WHERE r.subject_id = c.id AND r.levels <= "
        " (SELECT count(*) FROM reviews v WHERE v.request_id = r.id AND v.decision = 'approve')))",
        [row["person_id"], row["field"], row["id"], row["created_at"], row["id"]],
    ).fetchone()
    if later:
        return
    values: dict[str, Any] = {row["field"]: row["after"]}
    if row["field"] == "id_number":
        from desktop.identity import parse_id_number

        number = parse_id_number(row["after"])
        values.update(sex=number.sex, birth_date=number.birth_date.isoformat(), id_number_rev=row["after"][::-1])
    if row["field"] == "name":
        num = db.conn.execute("SELECT num FROM persons WHERE id = ?", [row["person_id"]]).fetchone()
        if num:
            search.index_name(db, num[0], row["after"])
    _set_person(db, row["person_id"], row["created_at"], values)


def _review(db: Database, row: Mapping[str, Any]) -> None:
    if row["decision"] != "approve":
        return
    request = one(db, "SELECT * FROM review_requests WHERE id = ?", [row["request_id"]])
    if request is None or row["level"] != request["levels"]:
        return
    subject = one(
        db,
        {"change": "SELECT * FROM changes WHERE id = ?", "termination": "SELECT * FROM terminations WHERE id = ?"}.get(
            request["business"], "SELECT NULL WHERE ? IS NULL"
        ),
        [request["subject_id"]],
    )
    if request["business"] == "change" and subject:
        apply_change(db, subject)
    elif request["business"] == "termination" and subject:
        status = "suspended" if subject["kind"] == "suspension" else "terminated"
        _set_status(db, subject["enrollment_id"], status, row["created_at"], subject["id"])
        if subject["reason"] == "死亡":
            _set_person(
                db,
                subject["person_id"],
                row["created_at"],
                {"status": "死亡", "death_date": subject["death_date"], "death_reason": subject["reason_note"]},
            )


def _payout(db: Database, row: Mapping[str, Any]) -> None:
    _set_status(db, row["enrollment_id"], "refunded", row["created_at"], row["refund_id"])


def _set_status(db: Database, enrollment_id: str, status: str, at: str, record_id: str) -> None:
    db.conn.execute(
        "INSERT INTO enrollment_status (enrollment_id, status, changed_at, changed_by_record) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (enrollment_id) DO UPDATE SET status = excluded.status, "
        "changed_at = excluded.changed_at, changed_by_record = excluded.changed_by_record",
        [enrollment_id, status, at, record_id],
    )


_DERIVE = {
    "audit": _audit,
    "enrollments": _enrollment,
    "changes": _change,
    "reviews": _review,
    "refund_payouts": _payout,
}
