"""Finding 3 of the hall's attack: six wrong passwords locked the only administrator out with no
way back. The hall's recovery code (made at set-up, shown once, kept as an argon2 hash) unlocks
an administrator offline, can reset the password, is used up and replaced, and every attempt is
audited."""

from __future__ import annotations

import json

import pytest

from desktop.cli import main
from desktop.errors import Refusal
from desktop.records import accounts as account_rows
from desktop.records.audit import verify_audit_chain
from desktop.records.db import open_db
from desktop.services import accounts, hall
from tests.support.accounts import NOW, PASSWORDS


def _locked_out(db):
    for _ in range(6):  # the attack: six wrong passwords
        with pytest.raises(Refusal):
            accounts.login(db, "admin", "wrong-pass1", NOW)
    with pytest.raises(Refusal) as r:
        accounts.login(db, "admin", PASSWORDS["admin"], NOW)
    assert r.value.code == "locked"
    return r.value


def test_the_code_is_made_at_setup_and_kept_only_as_a_hash(db):
    made = hall.configure_hall(db, "天津市", "和平区便民服务中心", "120101", "01", "admin", PASSWORDS["admin"], "王管理", now=NOW)
    code = made.recovery_code
    assert code and len(code.replace("-", "")) == 20  # 100 random bits, Crockford base32
    stored = account_rows.settings(db)[accounts.RECOVERY_KEY]
    assert stored.startswith("$argon2id$") and code not in stored and code.replace("-", "") not in stored
    assert accounts.RECOVERY_KEY not in hall.settings(db)  # never shown among the hall's settings
    assert db.execute("SELECT count(*) FROM audit WHERE action = 'recovery_code'").fetchone()[0] == 1
    # logging in never hands the code out again
    assert accounts.login(db, "admin", PASSWORDS["admin"], NOW).recovery_code is None


def test_the_only_administrator_locked_out_is_unlocked_with_the_code(db):
    code = hall.configure_hall(db, "天津市", "和平区便民服务中心", "120101", "01", "admin", PASSWORDS["admin"], "王管理", now=NOW).recovery_code
    refusal = _locked_out(db)
    assert "恢复码" in refusal.message and "admin unlock" in refusal.message  # the way back is told
    with pytest.raises(Refusal) as wrong:
        accounts.recover(db, "admin", "AAAA-BBBB-CCCC-DDDD-EEEE", now=NOW)
    assert wrong.value.code == "wrong_code" and "恢复码不正确" in wrong.value.message
    fresh = accounts.recover(db, "admin", code.lower().replace("-", " "), now=NOW)  # as typed by hand
    assert fresh != code
    assert accounts.login(db, "admin", PASSWORDS["admin"], NOW).username == "admin"
    with pytest.raises(Refusal) as used:  # used up: the old code no longer works
        accounts.recover(db, "admin", code, now=NOW)
    assert used.value.code == "wrong_code"
    actions = [r[0] for r in db.execute("SELECT action FROM audit WHERE action IN ('recover', 'recover_failed') ORDER BY seq")]
    assert actions == ["recover_failed", "recover", "recover_failed"]
    assert verify_audit_chain(db) is None


def test_the_code_unlocks_administrators_only(db, staff):
    code = "unknown"
    with pytest.raises(Refusal) as clerk:
        accounts.recover(db, "clerk", code, now=NOW)
    assert clerk.value.code == "not_found" and "管理员" in clerk.value.message


def test_admin_unlock_from_the_command_line(tmp_path, monkeypatch, capsys):
    path = str(tmp_path / "hall.sqlite3")
    monkeypatch.setenv("YIBAO_DESK_NEW_PASSWORD", PASSWORDS["admin"])
    assert main(["--db", path, "admin", "configure", "--region", "武进区", "--hall-name", "湖塘", "--hall-code", "320412",
                 "--window", "02", "--admin-user", "admin", "--admin-name", "王管理"]) == 0
    made = json.loads(capsys.readouterr().out)
    code = made["recovery_code"]
    assert code and "只显示这一次" in made["note"]
    db = open_db(path)
    _locked_out(db)
    db.close()
    monkeypatch.setenv("YIBAO_DESK_RECOVERY_CODE", "0000-0000-0000-0000-0000")
    assert main(["--db", path, "admin", "unlock", "--user", "admin"]) == 2
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "wrong_code"
    monkeypatch.setenv("YIBAO_DESK_RECOVERY_CODE", code)
    monkeypatch.setenv("YIBAO_DESK_NEW_PASSWORD", "Fresh2026pp")
    assert main(["--db", path, "admin", "unlock", "--user", "admin", "--reset-password"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["unlocked"] == "admin" and out["password_reset"] is True and out["recovery_code"] != code
    db = open_db(path)
    assert accounts.login(db, "admin", "Fresh2026pp", NOW).username == "admin"
    entry = next(iter(db.query("SELECT * FROM audit WHERE action = 'recover'")))
    payload = json.loads(entry["payload"])
    assert {k: payload[k] for k in ("username", "password_reset")} == {"username": "admin", "password_reset": True}
    assert "state_sha256" in payload  # the account row after the unlock, hashed into the chain
    assert verify_audit_chain(db) is None
    db.close()
