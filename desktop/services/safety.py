"""Data safety at start-up and around backups: the integrity check with a way back to the last
good backup, backups checked after writing, and a guided restore."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from desktop.errors import Refusal
from desktop.records import backup, paths, startup
from desktop.records.db import IntegrityResult, database_errors
from desktop.records.rows import Stamp
from desktop.records.tx import storage_refusal

# The window's start-up checks (integrity, the day's backup, the audit chain) on a worker once it
# is up; checking a backup file and restoring one (the current data copied aside first).
startup_checks = startup.checks
check_backup = backup.check_file
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
    except (*database_errors(), Refusal) as exc:
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
        advice = f"最近一次通过校验的备份：{good}（{taken:%Y-%m-%d %H:%M}）。请关闭所有医保窗口后由管理员执行恢复：yibao-desk restore \"{good}\" --user 管理员用户名"
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
    except database_errors() as exc:
        Path(str(dest) + ".partial").unlink(missing_ok=True)
        refusal = storage_refusal(exc)
        raise Refusal(refusal.code if refusal else "backup_failed", f"备份未能写入：{exc}", "dest") from None
    checked = backup.check_file(made)
    if not checked.ok:
        made.unlink(missing_ok=True)
        raise Refusal("backup_failed", f"备份写入后校验失败，已删除该副本：{checked.message()}", "dest")
    return made


def backup_as(ctx: Any, dest: str | os.PathLike[str]) -> Path:
    """备份 by an administrator: a verified copy (`verified_backup`) and its audit entry."""
    from desktop.records import audit
    from desktop.records.tx import write
    from desktop.services.permissions import require

    require(ctx, "backup", "backup")
    made = verified_backup(ctx.db, dest)
    with write(ctx.db):
        audit.append(ctx.db, ctx.stamp(), action="backup", business="backup", entity="database",
                     entity_id=made.name, payload={"file": str(made.resolve())})
    return made


def restore_backup(
    db_path: str | os.PathLike[str], src: str | os.PathLike[str], username: Any, password: Any,
    *, now: datetime | None = None,
) -> backup.Restored:
    """从备份恢复 by an administrator: the login and the role are checked against the live file
    (against the backup's accounts when the live file is missing or damaged), then
    `backup.restore` replaces the file, refusing while anyone else has it open. Every refusal
    of the account is audited where it was checked; the restore itself is the restored file's
    newest audit entry. The caller must hold no connection to `db_path`."""
    from desktop.services import accounts, hall
    from desktop.services.permissions import require

    def authorize(db: Database) -> Stamp:
        account = accounts.login(db, username, password, now)
        ctx = hall.context_for(db, account, (lambda: now) if now else None,
                               role="admin" if account.has("admin") else None)
        require(ctx, "restore", "backup")
        return ctx.stamp()

    return backup.restore(src, paths.db_path(db_path), authorize)


def restore_last_good(db_path: str | os.PathLike[str], username: Any, password: Any) -> Path:
    """Restore the newest good backup over a damaged file (by an administrator, as
    `restore_backup`); returns the backup used."""
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
    restore_backup(target, good, username, password)
    return good
