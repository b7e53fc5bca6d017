"""Opt-in encryption at rest with SQLCipher (the `sqlcipher3-wheels` package, not installed by
default: `pip install 'yibao-desk[encrypt]'`).

The key comes from the environment variable YIBAO_DESK_DB_KEY or from the caller (the window's
prompt); it is never written to disk, neither beside the database nor in the settings. Without
the package, or without a key, opening an encrypted database is a clear refusal.

Backups of an encrypted database go through `encrypted_backup` (SQLCipher's `sqlcipher_export`
into a copy encrypted with the same key): the plain `backup.backup` cannot read the file.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlite_utils import Database

from desktop.errors import Refusal
from desktop.records import migrations

KEY_ENV = "YIBAO_DESK_DB_KEY"
MIN_KEY = 12
BUSY_TIMEOUT_MS = 5000


def available() -> bool:
    try:
        import sqlcipher3  # noqa: F401
    except ImportError:
        return False
    return True


def _driver():
    try:
        import sqlcipher3
    except ImportError:
        raise Refusal(
            "encryption_unavailable",
            "本机未安装数据库加密组件（sqlcipher3-wheels），无法打开或创建加密数据库；"
            "请安装 yibao-desk[encrypt] 或使用未加密的数据库",
            "db",
        ) from None
    return sqlcipher3


def _key(key: str | None) -> str:
    chosen = key if key is not None else os.environ.get(KEY_ENV)
    if not chosen:
        raise Refusal("no_key", f"加密数据库需要密钥：请输入密钥或设置环境变量 {KEY_ENV}", "key")
    if len(chosen) < MIN_KEY:
        raise Refusal("weak_key", f"数据库密钥至少{MIN_KEY}个字符", "key")
    return chosen


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def connect_encrypted(path: str | os.PathLike[str], key: str | None = None) -> Database:
    """A connection to the encrypted file at `path` (created when missing), with the same
    settings as `db.connect`; a wrong key is refused (`wrong_key`)."""
    driver = _driver()
    secret = _key(key)
    conn = driver.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA key = {_quoted(secret)}")
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except driver.DatabaseError:
        conn.close()
        raise Refusal("wrong_key", "数据库密钥不正确，或该文件不是加密数据库", "key") from None
    db = Database(conn, execute_plugins=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return db


def open_encrypted(path: str | os.PathLike[str], key: str | None = None) -> Database:
    """Open (creating or upgrading) an encrypted database."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = connect_encrypted(path, key)
    migrations.migrate(db)
    return db


def encrypted_backup(db: Database, dest: str | os.PathLike[str], key: str | None = None) -> Path:
    """Copy an encrypted database to `dest`, encrypted with the same key (or `key`)."""
    secret = _key(key)
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    version = migrations.version(db)
    db.execute(f"ATTACH DATABASE {_quoted(str(partial))} AS bk KEY {_quoted(secret)}")
    try:
        db.execute("SELECT sqlcipher_export('bk')")
        db.execute(f"PRAGMA bk.user_version = {int(version)}")
    finally:
        db.execute("DETACH DATABASE bk")
    os.replace(partial, dest)
    return dest
