"""Where a window keeps its hub connection URL (it holds the node role's password).

Never in the SQLite file: the file records only a reference. With the `keyring` package and a
working platform keyring (Windows Credential Manager, the Secret Service on Linux, macOS
Keychain) the URL goes there; otherwise into `<database>.hub` beside the database file,
created with mode 0600 (on Windows in the account's own data folder, whose ACL admits only the
account). Whoever can read that file can act as this window towards the hub, exactly as whoever
can read the database can read the county's persons: both stay in the account's folder.
"""

from __future__ import annotations

import os
from pathlib import Path

SERVICE = "yibao-desk-hub"


def _keyring():
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    backend = keyring.get_keyring()
    return None if isinstance(backend, fail.Keyring) else keyring


def store(db_file: str | os.PathLike[str], url: str) -> str:
    """Keep `url` for the database `db_file`; the reference to record in the file."""
    path = Path(db_file).resolve()
    kr = _keyring()
    if kr is not None:
        try:
            kr.set_password(SERVICE, str(path), url)
            return f"keyring:{path}"
        except Exception:  # a locked or absent keyring: fall back to the private file
            pass
    secret = path.with_name(path.name + ".hub")
    fd = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(url)
    os.chmod(secret, 0o600)  # an older file may have been created wider
    return f"file:{secret.name}"


def load(db_file: str | os.PathLike[str], ref: str) -> str | None:
    """The URL `store` kept under `ref`, or None when it is gone."""
    path = Path(db_file).resolve()
    kind, _, where = ref.partition(":")
    if kind == "keyring":
        kr = _keyring()
        return kr.get_password(SERVICE, where) if kr is not None else None
    if kind == "file":
        secret = path.with_name(where)
        return secret.read_text(encoding="utf-8").strip() if secret.exists() else None
    return None
