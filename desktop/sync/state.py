"""What a window knows about its hub: its node identity, cursors, last sync (schema v8 tables)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from desktop.records.rows import one


@dataclass(frozen=True)
class SyncStatus:
    """For the status bar: 已同步 / 待上传 N 笔 / 离线（自 …）."""

    configured: bool  # a hub was ever reached from this file
    node: str | None  # 320412-03
    last_sync_at: str | None  # the last sync that completed
    last_attempt_at: str | None
    last_error: str | None  # why the last attempt failed (Chinese), None after a success
    pending: int  # own businesses (audit entries) not yet on the hub


def node(db: Database) -> dict | None:
    return one(db, "SELECT * FROM sync_node WHERE one = 1")


def cursor(db: Database, table: str) -> tuple[str | None, int]:
    """(push watermark, pull cursor) of a table."""
    row = db.conn.execute("SELECT pushed, pulled FROM sync_cursor WHERE tbl = ?", [table]).fetchone()
    return (row[0], row[1]) if row else (None, 0)


def set_pushed(db: Database, table: str, watermark: str) -> None:
    db.conn.execute(
        "INSERT INTO sync_cursor (tbl, pushed) VALUES (?, ?) "
        "ON CONFLICT (tbl) DO UPDATE SET pushed = excluded.pushed",
        [table, watermark],
    )


def set_pulled(db: Database, table: str, hub_seq: int) -> None:
    db.conn.execute(
        "INSERT INTO sync_cursor (tbl, pulled) VALUES (?, ?) "
        "ON CONFLICT (tbl) DO UPDATE SET pulled = excluded.pulled",
        [table, hub_seq],
    )


def pending_count(db: Database) -> int:
    """Own businesses not yet on the hub: audit entries past the audit push watermark (every
    business writes one entry)."""
    pushed, _ = cursor(db, "audit")
    return db.conn.execute("SELECT count(*) FROM audit WHERE seq > ?", [int(pushed or 0)]).fetchone()[0]


def last_sync(db: Database) -> SyncStatus:
    found = node(db)
    pending = pending_count(db)
    if found is None:
        return SyncStatus(False, None, None, None, None, pending)
    return SyncStatus(
        True,
        f"{found['hall_code']}-{found['window_code']}",
        found["last_sync_at"],
        found["last_attempt_at"],
        found["last_error"],
        pending,
    )
