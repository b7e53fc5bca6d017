"""Write transactions: BEGIN IMMEDIATE at the outside, savepoints inside.

A full disk, a read-only file, a damaged file or another writer holding the file past the busy
timeout surfaces from here as a `Refusal` with a Chinese message (codes `disk_full`, `read_only`,
`corrupt`, `busy`), after the transaction has been rolled back: the business is either wholly
written or not at all.
"""

from __future__ import annotations

import contextlib
import secrets
import sqlite3
from collections.abc import Iterator

from sqlite_utils import Database

from desktop.errors import Refusal

DISK_FULL_MESSAGE = (
    "磁盘空间已满，本次业务没有保存（已全部撤销，没有写入一半的记录）。"
    "请清理磁盘或把数据文件移到有空间的磁盘后重新办理"
)
READ_ONLY_MESSAGE = (
    "数据库文件是只读的（文件属性、共享文件夹权限或U盘写保护），本次业务没有保存。"
    "请让管理员恢复写入权限后重新办理"
)
BUSY_MESSAGE = (
    "数据库正被另一个窗口或导入任务占用（等待超时），请稍后重试，本次业务没有保存"
    "（已全部撤销，没有写入一半的记录）"
)
CORRUPT_MESSAGE = (
    "数据库文件已损坏，本次业务没有保存。请停止办理，由管理员从最近一次通过校验的备份恢复"
    "（yibao-desk restore 备份文件）"
)


def storage_refusal(exc: BaseException) -> Refusal | None:
    """The Refusal for a storage failure SQLite reports (any DB-API driver), else None."""
    if not isinstance(exc, Exception) or type(exc).__name__ not in (
        "OperationalError",
        "DatabaseError",
    ):
        return None
    text = str(exc).lower()
    if "database or disk is full" in text or "disk i/o error" in text and "full" in text:
        return Refusal("disk_full", DISK_FULL_MESSAGE, "db")
    if "readonly database" in text or "read-only" in text or "query_only" in text:
        return Refusal("read_only", READ_ONLY_MESSAGE, "db")
    if "database is locked" in text or "database table is locked" in text or "database schema is locked" in text:
        return Refusal("busy", BUSY_MESSAGE, "db")
    if "malformed" in text or "not a database" in text:
        return Refusal("corrupt", CORRUPT_MESSAGE, "db")
    return None


def _translated(exc: BaseException) -> BaseException:
    return storage_refusal(exc) or exc


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error, Exception):
            conn.execute("ROLLBACK")


@contextlib.contextmanager
def write(db: Database) -> Iterator[Database]:
    """One write transaction (BEGIN IMMEDIATE), or a savepoint when already inside one.

    An exception rolls back everything done inside the block, so a refused business writes
    nothing; nesting lets a batch import run each row's business in a savepoint of one
    transaction. IMMEDIATE takes the write lock up front: a deferred transaction that reads
    first could not upgrade to a writer under WAL contention and would fail without waiting.
    """
    conn = db.conn
    if conn.in_transaction:
        name = f"sp_{secrets.token_hex(6)}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield db
        except BaseException as exc:
            if conn.in_transaction:
                try:
                    conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    conn.execute(f"RELEASE SAVEPOINT {name}")
                except Exception:  # the outer transaction is gone too: roll everything back
                    _rollback(conn)
            translated = _translated(exc)
            if translated is exc:
                raise
            raise translated from exc
        conn.execute(f"RELEASE SAVEPOINT {name}")
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
    except Exception as exc:
        translated = _translated(exc)
        if translated is exc:
            raise
        raise translated from exc
    try:
        yield db
        conn.execute("COMMIT")
    except BaseException as exc:
        _rollback(conn)
        translated = _translated(exc)
        if translated is exc:
            raise
        raise translated from exc
