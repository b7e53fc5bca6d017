"""Accounts, the hall configuration and the hall settings: the rows, no rules (see
services/accounts.py, services/hall.py and services/permissions.py for who may do what)."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from desktop.records.audit import check_state
from desktop.records.rows import insert, one

ROLE_SEPARATOR = ","


def encode_roles(roles: set[str] | frozenset[str] | tuple[str, ...] | list[str]) -> str:
    return ROLE_SEPARATOR.join(sorted(set(roles)))


def decode_roles(text: str | None) -> frozenset[str]:
    return frozenset(r for r in (text or "").split(ROLE_SEPARATOR) if r)


def has_table(db: Database, name: str) -> bool:
    return (
        db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]
        ).fetchone()
        is not None
    )


def hall(db: Database) -> dict[str, Any] | None:
    if not has_table(db, "hall_config"):
        return None
    return one(db, "SELECT * FROM hall_config WHERE one = 1")


def add_hall(db: Database, row: dict[str, Any]) -> None:
    insert(db, "hall_config", {"one": 1, **row})


def settings(db: Database) -> dict[str, str]:
    if not has_table(db, "settings"):
        return {}
    return {r["key"]: r["value"] for r in db.query("SELECT key, value FROM settings")}


def _checked_setting(db: Database, key: str) -> None:
    stored = one(db, "SELECT * FROM settings WHERE key = ?", [key])
    if stored is not None:
        check_state(db, "settings", stored)


def put_setting(db: Database, key: str, value: str, at: str, by: str) -> None:
    _checked_setting(db, key)
    db.execute(
        "INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, "
        "updated_by = excluded.updated_by",
        [key, value, at, by],
    )


def delete_setting(db: Database, key: str) -> None:
    _checked_setting(db, key)
    db.execute("DELETE FROM settings WHERE key = ?", [key])


def get(db: Database, username: str, *, checked: bool = True) -> dict[str, Any] | None:
    """The account, refused (`tampered`) when the row is not what the audit chain last recorded
    (unless `checked` is False: only to print a name, never to decide what the account may do)."""
    row = one(db, "SELECT * FROM accounts WHERE username = ?", [username])
    if row is not None and checked:
        check_state(db, "accounts", row)
    return row


def add(db: Database, row: dict[str, Any]) -> None:
    insert(db, "accounts", row)


def update(db: Database, username: str, values: dict[str, Any]) -> None:
    get(db, username)  # never carry an edited row into the chain
    cols = ", ".join(f"{k} = ?" for k in values)
    db.execute(f"UPDATE accounts SET {cols} WHERE username = ?", [*values.values(), username])


def all_accounts(db: Database) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM accounts ORDER BY created_at, username"))


def count(db: Database) -> int:
    if not has_table(db, "accounts"):
        return 0
    return db.execute("SELECT count(*) FROM accounts").fetchone()[0]


def enabled_admins(db: Database) -> list[str]:
    return [
        r["username"]
        for r in db.query("SELECT username, roles FROM accounts WHERE disabled_at IS NULL")
        if "admin" in decode_roles(r["roles"])
    ]
