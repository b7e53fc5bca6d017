"""Opt-in encryption at rest (SQLCipher): unreadable without the key, the key never on disk,
a wrong or missing key a clear refusal, businesses and backups work as on a plain file."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from desktop.errors import Refusal
from desktop.records import crypt
from desktop.records.audit import verify_audit_chain
from desktop.services import enrollment, persons
from tests.support.services import make_ctx, make_id

KEY = "柜台-密钥-2026-lang-enough"

needs_sqlcipher = pytest.mark.skipif(not crypt.available(), reason="sqlcipher3-wheels not installed")


@needs_sqlcipher
def test_encrypted_database_end_to_end(tmp_path, monkeypatch):
    monkeypatch.setenv(crypt.KEY_ENV, KEY)
    path = tmp_path / "secret.sqlite3"
    db = crypt.open_encrypted(path)
    ctx = make_ctx(db)
    number = make_id(date(1950, 3, 1), 1)
    persons.register_person(ctx, number, "王秀英")
    enrollment.enroll(ctx, number, 2026)
    copy = crypt.encrypted_backup(db, tmp_path / "backups" / "secret-copy.sqlite3")
    db.close()
    # plain SQLite sees noise; neither the name, the number nor the key is anywhere on disk
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(str(path)).execute("SELECT * FROM persons").fetchall()
    for file in [p for p in tmp_path.rglob("*") if p.is_file()]:
        data = file.read_bytes()
        for secret in (number, "王秀英", KEY):
            assert secret.encode("utf-8") not in data, (file, secret)
    monkeypatch.delenv(crypt.KEY_ENV)
    with pytest.raises(Refusal) as no_key:
        crypt.open_encrypted(path)
    assert no_key.value.code == "no_key"
    with pytest.raises(Refusal) as wrong:
        crypt.open_encrypted(path, "not-the-right-key!")
    assert wrong.value.code == "wrong_key"
    for source in (path, copy):
        again = crypt.open_encrypted(source, KEY)
        assert again.execute("SELECT name FROM persons").fetchone()[0] == "王秀英"
        assert verify_audit_chain(again) is None
        again.close()


def test_without_sqlcipher_the_refusal_is_clear(monkeypatch, tmp_path):
    import builtins

    real = builtins.__import__

    def no_sqlcipher(name, *args, **kwargs):
        if name == "sqlcipher3":
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sqlcipher)
    assert not crypt.available()
    with pytest.raises(Refusal) as r:
        crypt.open_encrypted(tmp_path / "x.sqlite3", KEY)
    assert r.value.code == "encryption_unavailable" and "sqlcipher3" in r.value.message
