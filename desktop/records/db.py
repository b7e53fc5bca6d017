"""Opening the database: connection settings, migrations on open, integrity check, transactions."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from desktop.errors import Refusal
from desktop.records import crypt, migrations, paths

BUSY_TIMEOUT_MS = 5000
CACHE_KIB = 65536


@dataclass(frozen=True)
class IntegrityResult:
    """Outcome of `PRAGMA quick_check`/`integrity_check`: ok, or the problems SQLite lists."""

    ok: bool
    problems: tuple[str, ...] = ()

    def message(self) -> str:
        if self.ok:
            return "数据库完整性检查通过"
        return "数据库完整性检查未通过：" + "；".join(self.problems[:5])


SQLITE_HEADER = b"SQLite format 3\x00"


def raw_connect(path: str | os.PathLike[str], *, readonly: bool = False,
                timeout: float = BUSY_TIMEOUT_MS / 1000) -> Any:
    """The DB-API connection every part of the application opens a hall file with: SQLCipher
    keyed with YIBAO_DESK_DB_KEY when it is set (records/crypt.py), else sqlite3. A file that
    is not plain SQLite opened without a key is refused (`no_key`) rather than called damaged."""
    key = crypt.configured_key()
    if not readonly:
        paths.private_file(path)  # 0600 on POSIX: the file, and so its -wal and -shm
    if key is not None:
        return crypt.raw_connect(path, key, readonly=readonly, timeout=timeout)
    _plain_or_refuse(Path(path))
    # isolation_level=None: we issue BEGIN IMMEDIATE ourselves (see `write`), so the driver never
    # opens a deferred transaction that would fail to upgrade to a write lock under contention.
    if readonly:
        return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, isolation_level=None,
                               timeout=timeout)
    return sqlite3.connect(str(path), isolation_level=None, timeout=timeout)


def _plain_or_refuse(path: Path) -> None:
    try:
        with open(path, "rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except OSError:
        return  # missing (made now) or unreadable (SQLite says why)
    if len(head) == len(SQLITE_HEADER) and head != SQLITE_HEADER:
        raise Refusal(
            "no_key",
            f"数据库文件不是明文格式：如果本大厅的数据库已加密，请设置环境变量 {crypt.KEY_ENV} 为数据库密钥后重新打开；"
            "如果没有加密，则文件头已损坏",
            "db",
        )


def database_errors() -> tuple[type[BaseException], ...]:
    """What a damaged, missing or locked file raises, from either driver."""
    return (sqlite3.DatabaseError, *crypt.errors())


def connect(path: str | os.PathLike[str]) -> Database:
    """A connection with the settings every writer needs, without migrating."""
    return configure(Database(raw_connect(path), execute_plugins=False))


def configure(db: Database) -> Database:
    """The connection settings every writer needs (either driver)."""
    db.execute("PRAGMA journal_mode=WAL")
    # FULL: a receipt handed over must survive a power cut; WAL+NORMAL could lose the last commits.
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # 64 MB page cache (SQLite's default is 2 MB): a big hall's indexes stay in memory.
    db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    return db


def defer_checkpoints(db: Database) -> None:
    """Keep WAL checkpoints out of a business's COMMIT, where they are the slow tail of a
    registration; whoever calls this must call `checkpoint` when idle (the window: a timer)."""
    db.execute("PRAGMA wal_autocheckpoint=0")


def checkpoint(db: Database) -> None:
    """Copy committed pages from the WAL into the database without waiting for readers."""
    db.execute("PRAGMA wal_checkpoint(PASSIVE)")


def open_db(path: str | os.PathLike[str] | None = None) -> Database:
    """Open (creating or upgrading in place) the database at `path`, default `paths.db_path()`.

    An existing file older than this release is first copied aside (see `paths.migration_copy_path`).
    """
    target = paths.db_path(path)
    db = connect(target)
    migrations.migrate(db, copy_aside=lambda v: _copy_aside(db, target, v))
    return db


def _copy_aside(db: Database, path: Path, from_version: int) -> None:
    dest = paths.migration_copy_path(path, from_version)
    with contextlib.closing(raw_connect(dest)) as out:
        db.conn.backup(out)


def quick_check(db: Database, *, full: bool = False) -> IntegrityResult:
    """`PRAGMA quick_check` (or the slower `integrity_check`), plus foreign-key violations."""
    pragma = "integrity_check" if full else "quick_check"
    rows = [r[0] for r in db.execute(f"PRAGMA {pragma}").fetchall()]
    problems = [r for r in rows if r != "ok"]
    fk = db.execute("PRAGMA foreign_key_check").fetchall()
    problems += [f"外键不一致：表 {r[0]} 第 {r[1]} 行引用 {r[2]}" for r in fk]
    return IntegrityResult(ok=not problems, problems=tuple(problems))
