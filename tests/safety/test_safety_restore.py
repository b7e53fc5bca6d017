"""`yibao-desk restore` attacked (finding 1 of the hall's attack): run while a window writes,
without an account, with a backup whose triggers were dropped or whose chain is broken, and with
an old backup that silently lacks the newest audit entries."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.records import backup, paths
from desktop.records.audit import payload_of, verify_audit_chain
from desktop.records.db import open_db
from desktop.services import accounts
from tests.support.safety import PASSWORD, all_counts, clerk_ctx, configured, visit

WRITER = Path(__file__).with_name("hall_writer.py")
ADMIN_PASSWORD = "Guard2026zz"


def _cli(capsys, *argv: str) -> tuple[int, dict]:
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out.strip().splitlines()[-1])


@pytest.fixture
def hall(tmp_path):
    """A configured 武进区 hall with 30 visits and a backup taken after 20 of them."""
    path = tmp_path / "desk.sqlite3"
    db = open_db(path)
    admin = configured(db)
    accounts.create_account(admin, "clerk-rev", PASSWORD, "钱兼任", ["clerk"])
    ctx = clerk_ctx(db)
    for i in range(20):
        visit(ctx, i)
    saved = backup.backup(db, tmp_path / "saved" / "old.sqlite3")
    for i in range(20, 30):
        visit(ctx, i)
    db.close()
    return path, saved


def _as_admin(monkeypatch, password=ADMIN_PASSWORD):
    monkeypatch.setenv("YIBAO_DESK_PASSWORD", password)


def test_restore_is_refused_while_a_window_writes_and_nothing_is_lost(hall, capsys, monkeypatch):
    path, saved = hall
    proc = subprocess.Popen([sys.executable, str(WRITER), str(path), "1000"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    done: list[str] = []
    try:
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        for line in proc.stdout:
            done.append(line.strip())
            if len(done) >= 5:
                break
        _as_admin(monkeypatch)
        code, out = _cli(capsys, "--db", str(path), "restore", str(saved), "--user", "admin")
        for line in proc.stdout:  # the window goes on writing after the refusal
            done.append(line.strip())
            if len(done) >= 10:
                break
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert code == 2 and out["error"]["code"] == "in_use"
    assert "关闭所有医保窗口" in out["error"]["message"]
    assert not list(paths.backup_dir(path).glob("before-restore-*"))
    db = open_db(path)
    found = {r[0] for r in db.execute("SELECT id_number FROM persons")}
    assert set(done) <= found  # every visit the writer finished is in the file
    assert verify_audit_chain(db) is None
    db.close()


def test_restore_is_refused_while_an_idle_window_has_the_file_open(hall, capsys, monkeypatch):
    path, saved = hall
    window = open_db(path)  # a window, logged in and idle
    window.execute("SELECT count(*) FROM persons").fetchone()
    _as_admin(monkeypatch)
    code, out = _cli(capsys, "--db", str(path), "restore", str(saved), "--user", "admin")
    assert code == 2 and out["error"]["code"] == "in_use"
    assert window.execute("SELECT count(*) FROM persons").fetchone()[0] == 30
    window.close()
    code, out = _cli(capsys, "--db", str(path), "restore", str(saved), "--user", "admin")
    assert code == 0, out


def test_restore_needs_an_administrator(hall, capsys, monkeypatch):
    path, saved = hall
    before = Path(path).read_bytes()
    monkeypatch.delenv("YIBAO_DESK_PASSWORD", raising=False)
    code, out = _cli(capsys, "--db", str(path), "restore", str(saved))
    assert code == 2 and out["error"]["code"] == "missing_user" and "--user" in out["error"]["message"]
    assert Path(path).read_bytes() == before  # nothing written, not even a login entry
    _as_admin(monkeypatch, "Wrong2026xx")
    code, out = _cli(capsys, "--db", str(path), "restore", str(saved), "--user", "admin")
    assert code == 2 and out["error"]["code"] == "login_failed"
    monkeypatch.setenv("YIBAO_DESK_PASSWORD", PASSWORD)
    code, out = _cli(capsys, "--db", str(path), "restore", str(saved), "--user", "clerk-03")
    assert code == 2 and out["error"]["code"] == "forbidden" and "管理员" in out["error"]["message"]
    db = open_db(path)
    assert db.execute("SELECT count(*) FROM persons").fetchone()[0] == 30  # not replaced
    actions = [r[0] for r in db.execute("SELECT action FROM audit ORDER BY seq DESC LIMIT 3")]
    assert actions == ["refused", "login", "login_failed"]  # each attempt audited, newest first
    db.close()
    assert not list(paths.backup_dir(path).glob("before-restore-*"))


def _tampered(saved: Path, tmp_path: Path, sql: str) -> Path:
    bad = tmp_path / "tampered.sqlite3"
    bad.write_bytes(saved.read_bytes())
    with sqlite3.connect(bad) as conn:
        conn.executescript(sql)
    return bad


def test_a_backup_with_its_triggers_dropped_is_refused(hall, tmp_path, capsys, monkeypatch):
    path, saved = hall
    bad = _tampered(saved, tmp_path, "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
    _as_admin(monkeypatch)
    code, out = _cli(capsys, "--db", str(path), "restore", str(bad), "--user", "admin")
    assert code == 2 and out["error"]["code"] == "invalid_backup"
    assert "audit_no_delete" in out["error"]["message"] and "audit_no_update" in out["error"]["message"]
    db = open_db(path)
    assert db.execute("SELECT count(*) FROM persons").fetchone()[0] == 30
    db.close()


def test_a_backup_with_a_broken_chain_is_refused(hall, tmp_path, capsys, monkeypatch):
    path, saved = hall
    bad = _tampered(saved, tmp_path, "DROP TRIGGER audit_no_update; UPDATE audit SET operator_id = 'x' "
                    "WHERE seq = 5; CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN "
                    "SELECT RAISE(ABORT, 'audit 只增不改'); END;")
    _as_admin(monkeypatch)
    code, out = _cli(capsys, "--db", str(path), "restore", str(bad), "--user", "admin")
    assert code == 2 and out["error"]["code"] == "invalid_backup"
    assert "第5条" in out["error"]["message"] or "触发器" in out["error"]["message"]


def test_an_old_backup_restored_names_the_entries_it_lacks(hall, capsys, monkeypatch):
    path, saved = hall
    db = open_db(path)
    live_counts = all_counts(db)
    live_top = db.execute("SELECT max(seq), hash FROM audit").fetchone()
    old_top = sqlite3.connect(saved).execute("SELECT max(seq) FROM audit").fetchone()[0]
    db.close()
    _as_admin(monkeypatch)
    code, out = _cli(capsys, "--db", str(path), "restore", str(saved), "--user", "admin")
    assert code == 0, out
    # the live file's own login entry comes after its old head: that one is lacking too
    assert out["lacking"]["first"] == old_top + 1 and out["lacking"]["last"] >= live_top[0]
    kept = Path(out["previous_copy"])
    assert kept.name.startswith("before-restore-") and backup.check_file(kept).ok
    copy = open_db(kept)
    assert all_counts(copy)["persons"] == live_counts["persons"] == 30  # the live data, kept aside
    copy.close()
    db = open_db(path)
    assert db.execute("SELECT count(*) FROM persons").fetchone()[0] == 20
    assert verify_audit_chain(db) is None
    entry = next(iter(db.query("SELECT * FROM audit ORDER BY seq DESC LIMIT 1")))
    assert (entry["action"], entry["operator_id"]) == ("restore", "admin") and entry["seq"] == out["audit_seq"]
    said = payload_of(entry)
    assert said["file"] == str(saved.resolve()) and said["head"]["seq"] == old_top
    assert said["lacking"] == out["lacking"] and said["lacking"]["count"] == out["lacking"]["last"] - old_top
    assert said["live_head"]["seq"] == out["lacking"]["last"]
    # the restored file keeps its protections: the triggers the code creates
    assert not backup.trigger_problems(db.conn)
    db.close()


def test_before_restore_copies_are_rotated(hall, capsys, monkeypatch):
    path, saved = hall
    _as_admin(monkeypatch)
    db = open_db(path)
    admin = accounts.login(db, "admin", ADMIN_PASSWORD)
    from desktop.services import hall as hall_service

    hall_service.set_setting(hall_service.context_for(db, admin), "backup_keep", "2")
    saved = backup.backup(db, saved.with_name("keep-two.sqlite3"))  # the setting in both files
    db.close()
    for _ in range(3):
        code, out = _cli(capsys, "--db", str(path), "restore", str(saved), "--user", "admin")
        assert code == 0, out
        time.sleep(0.01)
    kept = sorted(paths.backup_dir(path).glob("before-restore-*.sqlite3"))
    assert len(kept) == 2 and out["previous_copy"] == str(kept[-1])
