"""Opt-in encryption at rest (SQLCipher): unreadable without the key, the key never on disk,
a wrong or missing key a clear refusal, businesses and backups work as on a plain file."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

import pytest

from desktop.errors import Refusal
from desktop.records import backup, crypt
from desktop.records.audit import verify_audit_chain
from desktop.services import enrollment, persons
from desktop.services.context import CHINA
from tests.support.services import make_ctx, make_id

KEY = "柜台-密钥-2026-lang-enough"
NOW = datetime(2025, 11, 15, 10, 0, tzinfo=CHINA)

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
    copy = backup.backup(db, tmp_path / "backups" / "secret-copy.sqlite3")  # the one backup, keyed
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


# ------------------------------------------------------------------ the whole hall encrypted
# Finding 4 of the hall's attack: with YIBAO_DESK_DB_KEY set, `audit verify` and `export` crashed
# (file is not a database), `admin check` called the healthy file damaged and advised a restore,
# `backup` raised TypeError, and an encrypted backup could not be restored.


@pytest.fixture
def encrypted_hall(tmp_path, monkeypatch):
    from desktop.records.db import open_db
    from tests.support.safety import clerk_ctx, configured, visit

    monkeypatch.setenv(crypt.KEY_ENV, KEY)
    monkeypatch.setattr("desktop.services.hall.china_now", lambda: NOW)
    path = tmp_path / "hall" / "desk.sqlite3"
    db = open_db(path)  # with the key in the environment the file is made encrypted
    configured(db)
    ctx = clerk_ctx(db)
    numbers = [visit(ctx, i) for i in range(8)]
    db.close()
    return path, numbers


def _cli(capsys, monkeypatch, *argv, password=None):
    import json

    from desktop.cli import main

    if password:
        monkeypatch.setenv("YIBAO_DESK_PASSWORD", password)
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def _plain_sees_nothing(path):
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(str(path)).execute("SELECT count(*) FROM sqlite_master").fetchall()


@needs_sqlcipher
def test_every_command_works_on_an_encrypted_hall(encrypted_hall, tmp_path, capsys, monkeypatch):
    from desktop.records import backup, paths, startup
    from desktop.records.db import open_db
    from tests.support.safety import PASSWORD

    path, numbers = encrypted_hall
    _plain_sees_nothing(path)
    db = ["--db", str(path)]
    code, out = _cli(capsys, monkeypatch, *db, "audit", "verify")
    assert (code, out["audit"]) == (0, "intact") and ":" in out["head"]  # the head to keep as an anchor
    code, out = _cli(capsys, monkeypatch, *db, "admin", "check", "--user", "admin", password="Guard2026zz")
    assert code == 0 and out["ok"] is True, out  # healthy: no talk of damage or restore
    code, out = _cli(capsys, monkeypatch, *db, "export", "persons", str(tmp_path / "p.csv"), "--user", "clerk-03",
                     password=PASSWORD)
    assert code == 0 and out["rows"] == 8, out
    assert numbers[0] in (tmp_path / "p.csv").read_text(encoding="utf-8-sig")  # exports are plaintext by design
    code, out = _cli(capsys, monkeypatch, *db, "backup", "--user", "admin", password="Guard2026zz")
    assert code == 0 and out["verified"], out
    copy = out["backup"]
    _plain_sees_nothing(copy)  # the backup is encrypted with the same key
    assert numbers[0].encode() not in open(copy, "rb").read()
    # the window's start-up checks: integrity, the day's backup (encrypted), the audit chain
    checked = startup.checks(path)
    assert checked.integrity.ok and checked.audit_broken is None
    daily = list(paths.backup_dir(path).glob("daily-*.sqlite3"))  # (taken by `admin check` already)
    assert len(daily) == 1 and backup.check_file(daily[0]).ok
    _plain_sees_nothing(daily[0])
    # a business after the backup, then the backup restored
    code, out = _cli(capsys, monkeypatch, *db, "restore", copy, "--user", "admin", password="Guard2026zz")
    assert code == 0, out
    _plain_sees_nothing(path)
    _plain_sees_nothing(out["previous_copy"])
    again = open_db(path)
    assert again.execute("SELECT count(*) FROM persons").fetchone()[0] == 8
    assert verify_audit_chain(again) is None
    again.close()
    for file in [p for p in path.parent.rglob("*") if p.is_file() and "archive" not in p.parts]:
        data = file.read_bytes()
        for secret in (numbers[0], KEY):
            assert secret.encode("utf-8") not in data, (file, secret)
    assert not list(paths.backup_dir(path).glob("*.partial"))


@needs_sqlcipher
def test_an_encrypted_hall_without_the_key_is_said_so_not_called_damaged(encrypted_hall, capsys, monkeypatch):
    from desktop.services import safety

    path, _ = encrypted_hall
    monkeypatch.delenv(crypt.KEY_ENV)
    code, out = _cli(capsys, monkeypatch, "--db", str(path), "audit", "verify")
    assert code == 2 and out["error"]["code"] == "no_key" and crypt.KEY_ENV in out["error"]["message"]
    report = safety.startup_check(path)
    assert not report.ok and crypt.KEY_ENV in report.message
    monkeypatch.setenv(crypt.KEY_ENV, "not-the-right-key!")
    code, out = _cli(capsys, monkeypatch, "--db", str(path), "audit", "verify")
    assert code == 2 and out["error"]["code"] == "wrong_key"
