"""Data safety at start-up and around backups: the integrity check with a way back to the last
good backup, backups checked after writing, and a guided restore."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlite_utils import Database

from desktop.errors import Refusal
from desktop.records import backup, paths, startup
from desktop.records.db import IntegrityResult
from desktop.records.tx import storage_refusal

# The window's start-up checks (integrity, the day's backup, the audit chain) on a worker once it
# is up; checking a backup file and restoring one (the current data copied aside first).
startup_checks = startup.checks
check_backup = backup.check_file
restore_backup = backup.restore
backup_dir = paths.backup_dir


@dataclass(frozen=True)
class StartupReport:
    """What the window shows before the login dialog."""

    ok: bool
    path: Path
    message: str
    integrity: IntegrityResult
    last_good_backup: Path | None  # offered for restore when not ok
    started: startup.Started | None  # the open database when ok


def backups_newest_first(db_path: str | os.PathLike[str]) -> list[Path]:
    folder = Path(db_path).parent / "backups"
    if not folder.is_dir():
        return []
    found = [p for p in folder.glob("*.sqlite3") if p.is_file()]
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name), reverse=True)


def last_good_backup(db_path: str | os.PathLike[str]) -> Path | None:
    """The newest backup beside `db_path` that passes `backup.check_file`, or None."""
    for candidate in backups_newest_first(db_path):
        if backup.check_file(candidate).ok:
            return candidate
    return None


def startup_check(path: str | os.PathLike[str] | None = None, *, today: date | None = None) -> StartupReport:
    """Open (upgrading), check and take the day's backup; when the file is damaged, say so and
    name the last good backup. Never raises for a damaged file."""
    target = paths.db_path(path)
    try:
        started = startup.start(target, today=today)
    except (sqlite3.DatabaseError, Refusal) as exc:
        refusal = exc if isinstance(exc, Refusal) else storage_refusal(exc)
        problem = refusal.message if refusal else f"无法打开数据库：{exc}"
        integrity = IntegrityResult(False, (problem,))
        return _damaged(target, integrity, None)
    if started.integrity.ok:
        return StartupReport(True, target, started.integrity.message(), started.integrity, None, started)
    with contextlib.suppress(Exception):
        started.db.close()
    return _damaged(target, started.integrity, None)


def _damaged(target: Path, integrity: IntegrityResult, started: startup.Started | None) -> StartupReport:
    good = last_good_backup(target)
    if good is not None:
        taken = datetime.fromtimestamp(good.stat().st_mtime)
        advice = f"最近一次通过校验的备份：{good}（{taken:%Y-%m-%d %H:%M}）。请由管理员执行恢复：yibao-desk restore \"{good}\""
    else:
        advice = "没有找到可用的备份，请停止办理并联系技术支持，不要删除该文件"
    return StartupReport(False, target, f"{integrity.message()}。{advice}", integrity, good, started)


def verified_backup(db: Database | str | os.PathLike[str], dest: str | os.PathLike[str]) -> Path:
    """Back up to `dest` and check the copy; a copy that fails the check is removed and refused."""
    try:
        made = backup.backup(db, dest)
    except OSError as exc:
        Path(str(dest) + ".partial").unlink(missing_ok=True)
        code = "disk_full" if exc.errno == 28 else "backup_failed"
        raise Refusal(code, f"备份未能写入：{exc.strerror or exc}", "dest") from None
    except sqlite3.DatabaseError as exc:
        Path(str(dest) + ".partial").unlink(missing_ok=True)
        refusal = storage_refusal(exc)
        raise Refusal(refusal.code if refusal else "backup_failed", f"备份未能写入：{exc}", "dest") from None
    checked = backup.check_file(made)
    if not checked.ok:
        made.unlink(missing_ok=True)
        raise Refusal("backup_failed", f"备份写入后校验失败，已删除该副本：{checked.message()}", "dest")
    return made


def restore_last_good(db_path: str | os.PathLike[str]) -> Path:
    """Restore the newest good backup over a damaged file; returns the backup used."""
    good = last_good_backup(db_path)
    if good is None:
        raise Refusal("no_backup", "没有找到通过校验的备份，无法恢复", "db")
    target = Path(db_path)
    # The damaged file cannot be copied through SQLite; keep it aside as it is, then restore.
    if target.exists():
        aside = target.with_name(target.name + ".damaged")
        n = 1
        while aside.exists():
            aside = target.with_name(f"{target.name}.damaged.{n}")
            n += 1
        os.replace(target, aside)
        for extra in ("-wal", "-shm"):
            side = target.with_name(target.name + extra)
            if side.exists():
                os.replace(side, aside.with_name(aside.name + extra))
    backup.restore(good, target)
    return good
