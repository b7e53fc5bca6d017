"""What the application does with its database when it starts: open (upgrading in place), check,
and take the day's first automatic backup."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlite_utils import Database

from desktop.records import backup, paths
from desktop.records.db import IntegrityResult, open_db, quick_check


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
    integrity = quick_check(db)
    made = (
        backup.auto_backup(db, target, today=today or date.today(), keep=keep)
        if integrity.ok
        else None
    )
    return Started(db, target, integrity, made)
