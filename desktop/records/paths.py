"""Every file location the application uses, resolved in one place.

The default is platformdirs' per-user data directory; `YIBAO_DESK_HOME` (or an explicit
argument, e.g. the CLI's `--db PATH`) overrides it, so tests and a portable install never touch
the user's real files.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "yibao-desk"
HOME_ENV = "YIBAO_DESK_HOME"
DB_FILE_NAME = "yibao-desk.sqlite3"
DEMO_FILE_NAME = "yibao-desk-demo.sqlite3"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The directory holding the database and its backups (created if missing)."""
    chosen = override or os.environ.get(HOME_ENV)
    path = Path(chosen) if chosen else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def db_path(override: str | os.PathLike[str] | None = None) -> Path:
    """The database file: `override` when given (the CLI's --db), else the data dir's default."""
    if override:
        path = Path(override)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path
    return data_dir() / DB_FILE_NAME


def demo_db_path() -> Path:
    """The demo hall's own database (演示数据), apart from the hall's real one."""
    return data_dir() / "demo" / DEMO_FILE_NAME


def db_file(db: Any) -> Path | None:
    """The file an open connection (sqlite_utils Database or sqlite3) reads: None for an
    in-memory or temporary one, or a connection that can no longer answer."""
    try:
        row = db.execute("PRAGMA database_list").fetchone()
    except sqlite3.Error:
        return None
    return Path(row[2]) if row and row[2] else None


def backup_dir(db: str | os.PathLike[str]) -> Path:
    """Automatic daily backups live next to the database they copy, in `backups/`."""
    path = Path(db).parent / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def migration_copy_path(db: str | os.PathLike[str], from_version: int) -> Path:
    """Where the file is copied before migrating from `from_version` (kept, never overwritten)."""
    db = Path(db)
    base = backup_dir(db) / f"{db.stem}.before-v{from_version + 1}{db.suffix}"
    candidate, n = base, 1
    while candidate.exists():
        candidate = base.with_name(f"{base.stem}.{n}{base.suffix}")
        n += 1
    return candidate


def archive_dir(
    override: str | os.PathLike[str] | None = None, *, db: str | os.PathLike[str] | None = None
) -> Path:
    """The hall's archive of printed PDFs (created if missing): `override` (the hall's setting)
    when given; else `archive/` beside the database file `db` (so `--db PATH` keeps its archive
    with it); else `<data dir>/archive`. Documents go under `YYYY/MM/` inside (see
    services/printing.py), and are never overwritten."""
    if override:
        path = Path(override)
    elif db:
        path = Path(db).parent / "archive"
    else:
        path = data_dir() / "archive"
    path.mkdir(parents=True, exist_ok=True)
    return path
