"""Opt-in encryption at rest with SQLCipher (the `sqlcipher3-wheels` package, not installed by
default: `pip install 'yibao-desk[encrypt]'`).

The key comes from the environment variable YIBAO_DESK_DB_KEY (or the caller); it is never written
to disk, neither beside the database nor in the settings. With the key set, every connection the
application opens (`db.raw_connect`: the window, its workers, every command, the start-up check)
is a SQLCipher one keyed with it, so a new hall file is made encrypted, and backups, the daily
copy, the restore's staging and before-restore copies are encrypted with the same key (the backup
API between two keyed connections). Without the package, or without a key, opening an encrypted
database is a clear refusal. Exports (xlsx/csv) and archived PDFs are plaintext by design.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

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


def configured_key() -> str | None:
    """The key in the environment (checked for length), or None: the hall is not encrypted."""
    return _key(None) if os.environ.get(KEY_ENV) else None


def raw_connect(path: str | os.PathLike[str], key: str | None = None, *, readonly: bool = False,
                timeout: float = BUSY_TIMEOUT_MS / 1000) -> Any:
    """A DB-API connection to the encrypted file at `path` (created when missing unless
    `readonly`), keyed; a wrong key (or a plain file) is refused (`wrong_key`)."""
    driver = _driver()
    secret = _key(key)
    if readonly:
        conn = driver.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, isolation_level=None, timeout=timeout)
    else:
        conn = driver.connect(str(path), isolation_level=None, timeout=timeout)
    conn.execute(f"PRAGMA key = {_quoted(secret)}")
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except driver.DatabaseError as exc:
        conn.close()
        if "locked" in str(exc) or "busy" in str(exc):
            raise
        raise Refusal("wrong_key", "数据库密钥不正确，或该文件不是加密数据库", "key") from None
    return conn


def errors() -> tuple[type[BaseException], ...]:
    """SQLCipher's DatabaseError when the package is there (it is not sqlite3's)."""
    try:
        import sqlcipher3
    except ImportError:
        return ()
    return (sqlcipher3.DatabaseError,)


def open_encrypted(path: str | os.PathLike[str], key: str | None = None) -> Database:
    """Open (creating or upgrading) an encrypted database with `key` (default: the environment's)."""
    from desktop.records import db as dbmod

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = dbmod.configure(Database(raw_connect(path, key), execute_plugins=False))
    migrations.migrate(db)
    return db
