"""What the application does with its database when it starts: open (upgrading in place), check,
and take the day's first automatic backup."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlite_utils import Database

from desktop.records import audit, backup, paths
from desktop.records.db import IntegrityResult, connect, open_db, quick_check


@dataclass(frozen=True)
class Started:
    db: Database
    path: Path
    integrity: IntegrityResult
    daily_backup: Path | None  # None: not taken (already done today, or the check failed)


def start(
    path: str | os.PathLike[str] | None = None,
    *,
    today: date | None = None,
    keep: int = backup.DEFAULT_KEEP,
) -> Started:
    """Open the database (default location unless `path`, the CLI's --db), run quick_check and,
    when it passes, make the day's backup. A damaged file is never backed up: rotating it in
    would push out the good copies the hall needs to restore from."""
    target = paths.db_path(path)
    db = open_db(target)
    backup.remove_partials(target)  # what a backup killed last time left behind
    integrity = quick_check(db)
    made = (
        backup.auto_backup(db, target, today=today or date.today(), keep=keep)
        if integrity.ok
        else None
    )
    return Started(db, target, integrity, made)


@dataclass(frozen=True)
class Checked:
    """What the start-up checks found, run after the window is up (see `checks`)."""

    integrity: IntegrityResult
    daily_backup: Path | None
    audit_broken: audit.BrokenEntry | None


def checks(
    path: str | os.PathLike[str] | None = None,
    *,
    today: date | None = None,
    keep: int = backup.DEFAULT_KEEP,
) -> Checked:
    """quick_check, the day's backup and the whole audit chain, on a connection of their own.

    On a hall of a million persons these take tens of seconds (they read the whole file), so the
    window opens first and runs them on a worker thread; the CLI's `audit verify` and
    `start` remain for scripts. A damaged file is never backed up.
    """
    target = paths.db_path(path)
    db = connect(target)
    try:
        backup.remove_partials(target)  # what a backup killed last time left behind
        integrity = quick_check(db)
        made = (
            backup.auto_backup(db, target, today=today or date.today(), keep=keep)
            if integrity.ok
            else None
        )
        broken = audit.verify_audit_chain(db) if integrity.ok else None
        return Checked(integrity, made, broken)
    finally:
        db.close()
