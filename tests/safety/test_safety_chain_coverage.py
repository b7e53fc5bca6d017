"""Issue 13, finding 2: the audit chain covers accounts, roles and settings, and its tail is
anchored. An attacker with the file (plain sqlite3, triggers dropped where needed) plants an
account, re-enables a disabled one, grants a role, edits a setting, or cuts the newest entries;
`yibao-desk audit verify` names each (exit 1)."""

from __future__ import annotations

import json
import sqlite3

import pytest

from desktop.cli import main
from desktop.errors import Refusal
from desktop.records import audit, migrations
from desktop.records.db import connect, open_db
from desktop.services import accounts, hall
from tests.support.safety import FAST, NOW, PASSWORD, clerk_ctx, configured, visit


@pytest.fixture
def hall_file(tmp_path):
    path = tmp_path / "desk.sqlite3"
    db = open_db(path)
    admin = configured(db, clerks=("clerk-03", "clerk-04"))
    visit(clerk_ctx(db), 0)
    accounts.disable_account(admin, "clerk-04", "离职")
    db.close()
    return path


def _sql(path, *statements: str, params=()) -> None:
    conn = sqlite3.connect(str(path))
    for statement in statements:
        conn.execute(statement, params if "?" in statement else ())
    conn.commit()
    conn.close()


def _verify(path, capsys, *extra: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["--db", str(path), "audit", "verify", *extra])
    return code, json.loads(capsys.readouterr().out)


def test_untouched_file_verifies_and_reports_its_head(hall_file, capsys):
    code, out = _verify(hall_file, capsys)
    db = open_db(hall_file)
    head = audit.head(db)
    assert code == 0 and out == {"audit": "intact", "head": head.text}
    seq, digest = head.text.split(":")
    assert int(seq) == db.execute("SELECT max(seq) FROM audit").fetchone()[0] and len(digest) == 64


def test_a_planted_admin_account_cannot_log_in_and_is_named(hall_file, capsys):
    _sql(
        hall_file,
        "INSERT INTO accounts (id, created_at, created_by, username, display_name, roles, password_hash,"
        " password_changed_at, updated_at) VALUES ('X', ?, 'admin', 'mallory', '马某', 'admin', ?, ?, ?)",
        params=(NOW.isoformat(), FAST.hash("Evil2026xx"), NOW.isoformat(), NOW.isoformat()),
    )
    db = open_db(hall_file)
    before = audit.head(db)
    with pytest.raises(Refusal) as refused:  # a login would carry the planted row into the chain
        accounts.login(db, "mallory", "Evil2026xx", NOW)
    assert refused.value.code == "tampered" and "账户“mallory”" in refused.value.message
    assert audit.head(db) == before
    db.close()
    code, out = _verify(hall_file, capsys)
    assert code == 1 and out["audit"] == "broken"
    assert "账户“mallory”" in out["first_broken"]["reason"] and "直接写入" in out["first_broken"]["reason"]


def test_a_disabled_account_re_enabled_by_sql_is_named(hall_file, capsys):
    _sql(hall_file, "UPDATE accounts SET disabled_at = NULL, disabled_by = NULL WHERE username = 'clerk-04'")
    db = open_db(hall_file)
    with pytest.raises(Refusal, match="记录与审计记录不符"):
        accounts.login(db, "clerk-04", PASSWORD, NOW)
    db.close()
    code, out = _verify(hall_file, capsys)
    assert code == 1 and "账户“clerk-04”" in out["first_broken"]["reason"]
    db = open_db(hall_file)
    last = db.execute(
        "SELECT max(seq) FROM audit WHERE entity = 'accounts' AND payload LIKE '%clerk-04%'"
    ).fetchone()[0]
    assert out["first_broken"]["seq"] == last  # the entry the row no longer matches


def test_a_granted_role_and_a_planted_password_hash_are_named(hall_file, capsys):
    _sql(hall_file, "UPDATE accounts SET roles = 'admin,clerk' WHERE username = 'clerk-03'")
    code, out = _verify(hall_file, capsys)
    assert code == 1 and "账户“clerk-03”" in out["first_broken"]["reason"]
    _sql(hall_file, "UPDATE accounts SET roles = 'clerk', password_hash = ? WHERE username = 'clerk-03'",
         params=(FAST.hash("Evil2026xx"),))
    code, out = _verify(hall_file, capsys)
    assert code == 1 and "账户“clerk-03”" in out["first_broken"]["reason"]


def test_a_deleted_account_and_an_edited_setting_are_named(hall_file, capsys):
    _sql(hall_file, "UPDATE settings SET value = '99' WHERE key = 'elderly_from_age'")
    code, out = _verify(hall_file, capsys)
    assert code == 1 and "设置“elderly_from_age”" in out["first_broken"]["reason"]
    db = open_db(hall_file)
    admin = hall.context_for(db, accounts.login(db, "admin", "Guard2026zz", NOW), lambda: NOW)
    with pytest.raises(Refusal, match="tampered|记录与审计记录不符"):
        hall.set_setting(admin, "elderly_from_age", "65")  # not laundered by the next change
    db.close()
    _sql(hall_file, "UPDATE settings SET value = '60' WHERE key = 'elderly_from_age'")
    assert _verify(hall_file, capsys)[0] == 0  # put back exactly: intact again
    _sql(hall_file, "DELETE FROM accounts WHERE username = 'rev'")
    code, out = _verify(hall_file, capsys)
    assert code == 1 and "被绕过程序直接删除" in out["first_broken"]["reason"]


def test_cutting_the_newest_entries_is_caught_by_the_anchor(hall_file, capsys):
    db = open_db(hall_file)
    visit(clerk_ctx(db), 1)  # the last visit of the day: its entries are the ones cut
    anchor = audit.head(db).text  # what the 日结 printed
    db.close()
    _sql(hall_file, "DROP TRIGGER audit_no_delete", f"DELETE FROM audit WHERE seq > {int(anchor.split(':')[0]) - 2}")
    assert _verify(hall_file, capsys)[0] == 0  # the cut chain alone verifies
    code, out = _verify(hall_file, capsys, "--anchor", anchor)
    assert code == 1 and out["audit"] == "broken"
    assert out["first_broken"]["seq"] == int(anchor.split(":")[0])
    assert "不存在" in out["first_broken"]["reason"] and "末尾的记录被删除" in out["first_broken"]["reason"]


def test_a_rewritten_chain_is_caught_by_the_anchor_hash(hall_file, capsys):
    """An attacker who recomputes every hash after an edit passes the walk, not the anchor."""
    db = open_db(hall_file)
    head = audit.head(db)
    rows = list(db.query(f"SELECT seq, {', '.join(audit.COLUMNS)} FROM audit ORDER BY seq"))
    db.close()
    rows[1]["operator_id"] = "mallory"
    prev, fixed = audit.GENESIS, []
    for row in rows:
        sha = None
        if row["entity"] in audit.ROW_HASHED and row["payload"] is None:
            db = open_db(hall_file)
            sha = audit.row_sha256(next(iter(db.query(f"SELECT * FROM {row['entity']} WHERE id = ?", [row["entity_id"]]))))
            db.close()
        row["hash"] = prev = audit.entry_hash(prev, row, sha)
        fixed.append((row["operator_id"], row["hash"], row["seq"]))
    conn = sqlite3.connect(str(hall_file))
    conn.execute("DROP TRIGGER audit_no_update")
    conn.executemany("UPDATE audit SET operator_id = ?, hash = ? WHERE seq = ?", fixed)
    conn.commit()
    conn.close()
    assert _verify(hall_file, capsys)[0] == 0  # the chain alone cannot tell
    code, out = _verify(hall_file, capsys, "--anchor", head.text)
    assert code == 1 and out["first_broken"]["seq"] == head.seq and "整链重写" in out["first_broken"]["reason"]
    # a hand-copied prefix of 16 hex digits is enough
    code, out = _verify(hall_file, capsys, "--anchor", head.text[: head.text.index(":") + 17])
    assert code == 1


def test_a_good_anchor_passes_and_a_malformed_one_is_refused(hall_file, capsys):
    db = open_db(hall_file)
    head = audit.head(db)
    db.close()
    code, out = _verify(hall_file, capsys, "--anchor", head.text)
    assert code == 0 and out["anchor"] == head.text
    digest = head.hash.hex()  # as copied from the 日结 page, in groups of 8
    grouped = f"{head.seq}: " + " ".join(digest[i : i + 8] for i in range(0, 64, 8))
    assert _verify(hall_file, capsys, "--anchor", grouped)[0] == 0
    capsys.readouterr()
    assert main(["--db", str(hall_file), "audit", "verify", "--anchor", "12:zz"]) != 0
    assert "锚点格式" in capsys.readouterr().out


def test_v9_upgrade_records_the_state_of_a_v7_file(tmp_path, capsys):
    """A v7 file (accounts, a setting, the hall, written as v7 did: entries without a state)
    upgrades through v8 to v9 with one baseline entry per row; an edit after the upgrade is named."""
    path = tmp_path / "v7.sqlite3"
    db = connect(path)
    migrations.migrate(db, target=7)
    at = NOW.isoformat()
    db.execute("INSERT INTO hall_config VALUES (1, '武进区', '湖塘', '320412', '03', ?, 'admin')", [at])
    db.execute(
        "INSERT INTO accounts (id, created_at, created_by, username, display_name, roles, password_hash,"
        " password_changed_at, updated_at) VALUES ('A1', ?, 'admin', 'admin', '王', 'admin', 'h', ?, ?)",
        [at, at, at],
    )
    db.execute("INSERT INTO settings VALUES ('idle_lock_minutes', '5', ?, 'admin')", [at])
    db.conn.close()
    db = open_db(path)
    assert migrations.version(db) == migrations.LATEST
    baseline = [tuple(r) for r in db.execute("SELECT entity, entity_id FROM audit WHERE action = 'baseline' ORDER BY seq")]
    assert baseline == [("accounts", "A1"), ("settings", "idle_lock_minutes"), ("hall_config", "320412")]
    assert audit.verify_audit_chain(db) is None
    db.conn.close()
    _sql(path, "UPDATE accounts SET roles = 'admin,clerk'")
    code, out = _verify(path, capsys)
    assert code == 1 and "账户“admin”" in out["first_broken"]["reason"]


def test_every_account_change_through_the_services_keeps_the_chain_intact(tmp_path):
    db = open_db(tmp_path / "d.sqlite3")
    admin = configured(db)
    accounts.set_roles(admin, "clerk-03", ["clerk", "reviewer"])
    accounts.reset_password(admin, "clerk-03", "Fresh2026pp")
    for _ in range(6):  # failed logins and the lockout change the row; each is audited
        try:
            accounts.login(db, "rev", "wrong-pass9", NOW)
        except Exception:  # noqa: BLE001 - Refusal expected
            pass
    accounts.disable_account(admin, "rev")
    accounts.enable_account(admin, "rev")
    hall.set_setting(admin, "elderly_from_age", None)
    assert audit.verify_audit_chain(db) is None
