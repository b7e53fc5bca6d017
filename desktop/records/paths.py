"""Every file location the application uses, resolved in one place.

The default is platformdirs' per-user data directory; `YIBAO_DESK_HOME` (or an explicit
argument, e.g. the CLI's `--db PATH`) overrides it, so tests and a portable install never touch
the user's real files.

Personal data stays the operating-system user's own: on POSIX the database, its backups and the
archived PDFs are made 0600 and the folders the application makes for them 0700 (`private_dir`,
`private_file`); a folder the person chose (`--db` in an existing folder, the archive setting) is
left as it is. On Windows the files inherit the user profile's ACL (only that user and the
administrators), where the default data directory lives.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "yibao-desk"
HOME_ENV = "YIBAO_DESK_HOME"
DB_FILE_NAME = "yibao-desk.sqlite3"
DEMO_FILE_NAME = "yibao-desk-demo.sqlite3"


PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
_POSIX = os.name == "posix"


def _ours(path: Path) -> bool:
    return not _POSIX or path.stat().st_uid == os.getuid()


def private_dir(path: Path) -> Path:
    """`path` created if missing, and on POSIX only its owner may enter it (0700)."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    if _POSIX and _ours(path) and path.stat().st_mode & 0o777 != PRIVATE_DIR:
        with contextlib.suppress(OSError):
            os.chmod(path, PRIVATE_DIR)
    return path


def private_file(path: str | os.PathLike[str]) -> None:
    """Before SQLite opens `path`: made empty with 0600 when missing (SQLite gives its -wal and
    -shm the database file's mode); an existing one loses any group and other rights (an older
    release's 0644 becomes 0600, a file made read-only stays read-only)."""
    path = Path(path)
    if not _POSIX:
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
        return
    except FileExistsError:
        pass
    except OSError:
        return  # (a read-only folder: SQLite says why)
    with contextlib.suppress(OSError):
        mode = path.stat().st_mode & 0o777
        if mode & 0o077 and _ours(path):  # group and others lose their rights; the owner keeps hers
            os.chmod(path, mode & 0o700)


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The directory holding the database and its backups (created if missing)."""
    chosen = override or os.environ.get(HOME_ENV)
    path = Path(chosen) if chosen else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return private_dir(path)


def db_path(override: str | os.PathLike[str] | None = None) -> Path:
    """The database file: `override` when given (the CLI's --db), else the data dir's default."""
    if override:
        path = Path(override)
        if not path.parent.exists():
            private_dir(path.parent)
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
    except Exception:  # noqa: BLE001 - a closed connection of either driver (sqlite3, SQLCipher)
        return None
    return Path(row[2]) if row and row[2] else None


def log_dir() -> Path:
    """Crash reports (no personal data in them): `logs/` in `YIBAO_DESK_HOME` when set, else
    platformdirs' per-user log directory (created if missing)."""
    chosen = os.environ.get(HOME_ENV)
    path = Path(chosen) / "logs" if chosen else Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def backup_dir(db: str | os.PathLike[str]) -> Path:
    """Automatic daily backups live next to the database they copy, in `backups/` (0700)."""
    return private_dir(Path(db).parent / "backups")


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
    services/printing/archive.py), and are never overwritten."""
    if override:  # the hall's chosen folder: made if missing, its rights left to the hall
        path = Path(override)
        path.mkdir(parents=True, exist_ok=True)
        return path
    return private_dir(Path(db).parent / "archive" if db else data_dir() / "archive")
