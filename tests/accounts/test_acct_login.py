"""Logging in: argon2 hashes (rehashed when the parameters change), lockout after five wrong
passwords, every attempt audited, passwords changed with the old one, the idle lock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher

from desktop.errors import Refusal
from desktop.records import accounts as account_rows
from desktop.records.audit import verify_audit_chain
from desktop.services import accounts, hall
from tests.support.accounts import NOW, PASSWORDS


def _audit(db, action):
    return list(db.query("SELECT * FROM audit WHERE action = ? ORDER BY seq", [action]))


def test_login_before_the_hall_is_configured_is_refused(db):
    with pytest.raises(Refusal) as r:
        accounts.login(db, "admin", "whatever1", NOW)
    assert r.value.code == "not_configured"


def test_password_is_stored_as_argon2_and_login_is_audited(db, admin):
    row = account_rows.get(db, "admin")
    assert row["password_hash"].startswith("$argon2id$")
    assert PASSWORDS["admin"] not in row["password_hash"]
    assert [a["operator_id"] for a in _audit(db, "login")] == ["admin"]
    assert verify_audit_chain(db) is None


def test_five_wrong_passwords_lock_for_fifteen_minutes(db, admin):
    for attempt in range(1, 5):
        with pytest.raises(Refusal) as r:
            accounts.login(db, "admin", "wrong-pass1", NOW)
        assert r.value.code == "login_failed"
        assert f"再错{5 - attempt}次" in r.value.message
    with pytest.raises(Refusal) as locked:
        accounts.login(db, "admin", "wrong-pass1", NOW)
    assert locked.value.code == "locked"
    assert "2023-11-20 09:15" in locked.value.message and "15分钟" in locked.value.message
    # even the right password is refused while locked, with the time it unlocks
    with pytest.raises(Refusal) as still:
        accounts.login(db, "admin", PASSWORDS["admin"], NOW + timedelta(minutes=14))
    assert still.value.code == "locked" and "09:15" in still.value.message
    # after the 15 minutes the right password works and the counter is cleared
    account = accounts.login(db, "admin", PASSWORDS["admin"], NOW + timedelta(minutes=15))
    assert account.username == "admin"
    assert account_rows.get(db, "admin")["failed_attempts"] == 0
    failed = _audit(db, "login_failed")
    assert len(failed) == 6
    assert [a["operator_id"] for a in failed] == ["admin"] * 6
    assert verify_audit_chain(db) is None


def test_unknown_user_gets_the_same_message_and_is_audited(db, admin):
    with pytest.raises(Refusal) as r:
        accounts.login(db, "nobody", "Secret123x", NOW)
    assert (r.value.code, r.value.message) == ("login_failed", "用户名或密码错误")
    entry = _audit(db, "login_failed")[-1]
    assert entry["operator_id"] == "unknown" and '"username":"nobody"' in entry["payload"]


def test_rehash_when_the_parameters_change(db, admin, monkeypatch):
    old = account_rows.get(db, "admin")["password_hash"]
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    monkeypatch.setattr(accounts, "HASHER", stronger)
    accounts.login(db, "admin", PASSWORDS["admin"], NOW)
    new = account_rows.get(db, "admin")["password_hash"]
    assert new != old and "t=2" in new and "m=2048" in new
    assert '"rehashed":true' in _audit(db, "login")[-1]["payload"]


def test_change_password_needs_the_old_one_and_a_strong_new_one(db, staff):
    clerk = accounts.login(db, "clerk", PASSWORDS["clerk"], NOW)
    with pytest.raises(Refusal) as wrong_old:
        accounts.change_password(db, clerk, "not-the-old1", "NewSecret99", NOW)
    assert wrong_old.value.field == "old_password"
    for weak, why in (("short1", "至少8位"), ("onlyletters", "字母和数字"), ("clerk2026abc", "用户名"), ("12345678", "字母和数字")):
        with pytest.raises(Refusal) as r:
            accounts.change_password(db, clerk, PASSWORDS["clerk"], weak, NOW)
        assert r.value.code == "weak_password" and why in r.value.message
    accounts.change_password(db, clerk, PASSWORDS["clerk"], "NewSecret99", NOW)
    with pytest.raises(Refusal):
        accounts.login(db, "clerk", PASSWORDS["clerk"], NOW)
    assert accounts.login(db, "clerk", "NewSecret99", NOW).username == "clerk"
    assert len(_audit(db, "change_password")) == 1
    assert len(_audit(db, "change_password_failed")) == 1


def test_disabled_account_cannot_log_in(db, staff):
    accounts.disable_account(staff["admin"], "clerk", "调离")
    with pytest.raises(Refusal) as r:
        accounts.login(db, "clerk", PASSWORDS["clerk"], NOW)
    assert r.value.code == "account_disabled"
    accounts.enable_account(staff["admin"], "clerk")
    assert accounts.login(db, "clerk", PASSWORDS["clerk"], NOW).roles == {"clerk"}


def test_admin_guards(db, staff):
    admin = staff["admin"]
    with pytest.raises(Refusal) as own:
        accounts.disable_account(admin, "admin")
    assert "自己" in own.value.message
    accounts.disable_account(admin, "boss")
    with pytest.raises(Refusal) as last:
        accounts.set_roles(admin, "admin", ["clerk"])
    assert last.value.code == "last_admin"
    with pytest.raises(Refusal) as dup:
        accounts.create_account(admin, "clerk", "Another123", "重名", ["clerk"])
    assert dup.value.code == "already_exists"
    with pytest.raises(Refusal) as role:
        accounts.create_account(admin, "newbie", "Another123", "新人", ["head"])
    assert role.value.field == "roles"
    names = [a.username for a in accounts.list_accounts(admin)]
    assert names[0] == "admin" and set(names) == {"admin", "clerk", "rev", "both", "boss"}


def test_reset_password_lifts_a_lockout(db, staff):
    for _ in range(5):
        with pytest.raises(Refusal):
            accounts.login(db, "clerk", "wrong-pass1", NOW)
    accounts.reset_password(staff["admin"], "clerk", "Fresh2026pw")
    assert accounts.login(db, "clerk", "Fresh2026pw", NOW).username == "clerk"


def test_idle_lock_setting_and_unlock(db, staff):
    assert accounts.idle_lock_minutes(db) == 10
    hall.set_setting(staff["admin"], "idle_lock_minutes", "3")
    assert accounts.idle_lock_minutes(db) == 3
    clerk = accounts.login(db, "clerk", PASSWORDS["clerk"], NOW)
    with pytest.raises(Refusal):
        accounts.unlock(db, clerk, "wrong-pass1", NOW)
    assert accounts.unlock(db, clerk, PASSWORDS["clerk"], NOW) == clerk
    assert len(_audit(db, "unlock")) == 1 and len(_audit(db, "unlock_failed")) == 1
