"""Backups through SQLite's online backup API (consistent while the window has the file open),
a daily automatic copy with rotation, and a restore that checks the file before replacing anything.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from datetime import date, datetime
from pathlib import Path

from sqlite_utils import Database

from desktop.errors import Refusal
from desktop.records import db as dbmod
from desktop.records import migrations, paths

DAILY_PREFIX = "daily-"
DEFAULT_KEEP = 14


def _connection(db: Database | str | os.PathLike[str]) -> tuple[sqlite3.Connection, bool]:
    """(connection, opened_here) for a Database or a path."""
    if isinstance(db, Database):
        return db.conn, False
    return sqlite3.connect(str(db)), True


def backup(db: Database | str | os.PathLike[str], dest: str | os.PathLike[str]) -> Path:
    """Copy the database to `dest` (written to a temporary name, then renamed into place)."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    source, opened = _connection(db)
    try:
        with contextlib.closing(sqlite3.connect(str(partial))) as out:
            source.backup(out)
            # A single self-contained file: no -wal beside the copy.
            out.execute("PRAGMA journal_mode=DELETE")
    finally:
        if opened:
            source.close()
    os.replace(partial, dest)
    return dest


def auto_backup(
    db: Database, db_path: str | os.PathLike[str], *, today: date, keep: int = DEFAULT_KEEP
) -> Path | None:
    """On the first start of a day, copy the database to backups/daily-YYYYMMDD.sqlite3 and keep
    the newest `keep` daily copies. Returns the new copy, or None when today's exists."""
    folder = paths.backup_dir(db_path)
    target = folder / f"{DAILY_PREFIX}{today:%Y%m%d}.sqlite3"
    if target.exists():
        return None
    backup(db, target)
    daily = sorted(folder.glob(f"{DAILY_PREFIX}[0-9]*.sqlite3"))
    for old in daily[:-keep] if keep > 0 else []:
        old.unlink()
    return target


def check_file(path: str | os.PathLike[str]) -> dbmod.IntegrityResult:
    """Is this a yibao-desk database we can open: integrity, schema version, the tables."""
    path = Path(path)
    if not path.is_file():
        return dbmod.IntegrityResult(False, (f"文件不存在：{path}",))
    try:
        with contextlib.closing(
            sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        ) as conn:
            problems = [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
            if problems:
                return dbmod.IntegrityResult(False, tuple(problems))
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
    except sqlite3.DatabaseError as exc:
        return dbmod.IntegrityResult(False, (f"不是有效的数据库文件：{exc}",))
    if not 1 <= version <= migrations.LATEST:
        return dbmod.IntegrityResult(
            False, (f"数据库结构版本为{version}，本程序支持1至{migrations.LATEST}",)
        )
    missing = {"persons", *migrations.V1_APPEND_ONLY} - tables  # (later versions add theirs on upgrade)
    if missing:
        return dbmod.IntegrityResult(False, (f"缺少数据表：{'、'.join(sorted(missing))}",))
    return dbmod.IntegrityResult(True)


def restore(
    src: str | os.PathLike[str],
    db: Database | str | os.PathLike[str],
    *,
    now: datetime | None = None,
) -> Path | None:
    """Replace the database's content with the backup `src`, after checking `src`.

    The current content is first copied to backups/before-restore-<time>.sqlite3 (returned;
    None when there was no database yet). The copy goes through the backup API into the open
    file, so a window holding a connection sees the restored data, and an older schema is
    upgraded in place afterwards.
    """
    checked = check_file(src)
    if not checked.ok:
        raise Refusal("invalid_backup", f"备份文件不能用于恢复：{checked.message()}", "src")
    target_path = paths.db_file(db) if isinstance(db, Database) else Path(db)
    safety: Path | None = None
    if isinstance(db, Database) or target_path.exists():
        stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
        safety = backup(db, paths.backup_dir(target_path) / f"before-restore-{stamp}.sqlite3")
    target = db if isinstance(db, Database) else dbmod.connect(target_path)
    try:
        with contextlib.closing(
            sqlite3.connect(f"{Path(src).resolve().as_uri()}?mode=ro", uri=True)
        ) as source:
            source.backup(target.conn)
        target.execute("PRAGMA journal_mode=WAL")
        migrations.migrate(target)
    finally:
        if not isinstance(db, Database):
            target.close()
    return safety
