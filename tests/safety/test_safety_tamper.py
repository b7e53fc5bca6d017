"""Tamper-evident audit: every kind of event writes a chained entry, and an attacker who drops
the trigger and edits or deletes a row in the file is named by `yibao-desk audit verify`."""

from __future__ import annotations

import contextlib
import json
import sqlite3

import pytest

from desktop.cli import main
from desktop.errors import Refusal
from desktop.policy import loader
from desktop.records.audit import verify_audit_chain
from desktop.records.db import open_db
from desktop.services import accounts, hall, privacy, refund, review
from tests.support.safety import NOW, clerk_ctx, configured, visit


@pytest.fixture
def filled(tmp_path):
    path = tmp_path / "desk.sqlite3"
    db = open_db(path)
    admin = configured(db)
    clerk = clerk_ctx(db)
    for i in range(3):
        visit(clerk, i)
    with contextlib.suppress(Refusal):
        accounts.login(db, "clerk-03", "wrong-pass1", NOW)
    hall.set_setting(admin, "idle_lock_minutes", "5")
    db.close()
    return path


def _actions(db) -> set[str]:
    return {r[0] for r in db.execute("SELECT DISTINCT action FROM audit")}


def test_every_kind_of_event_is_a_chained_entry(tmp_path):
    db = open_db(tmp_path / "all.sqlite3")
    admin = configured(db)
    clerk = clerk_ctx(db)
    number = visit(clerk, 0)  # register, enroll, change, void
    with contextlib.suppress(Refusal):
        accounts.login(db, "clerk-03", "wrong-pass1", NOW)
    hall.set_setting(admin, "resident_disposable_income_last_year", "21000")
    source = loader.bundled_dir() / "changzhou-resident-2026.yaml"
    incoming = tmp_path / "changzhou-resident-2027.yaml"
    incoming.write_text(source.read_text(encoding="utf-8").replace("year: 2026", "year: 2027", 1)
                        .replace("id: changzhou-resident-2026", "id: changzhou-resident-2027", 1), encoding="utf-8")
    hall.import_pack(admin, incoming)
    privacy.export_list(clerk, "persons", tmp_path / "p.csv")
    from desktop.services import termination

    r = termination.request_termination(clerk, number, 2026, "停保", "参军")
    rev = hall.context_for(db, accounts.login(db, "rev", "Check2026ww", NOW), lambda: NOW)
    review.decide(rev, r.review_request_id, True)
    with contextlib.suppress(Refusal):
        refund.request_refund(admin, number, 2026, "死亡")  # refused: audited as such
    expected = {
        "configure_hall", "create_account", "login", "login_failed", "register", "enroll",
        "change", "void", "set_setting", "import_pack", "export", "request", "approve", "refused",
    }
    assert expected <= _actions(db), expected - _actions(db)
    seqs = [r[0] for r in db.execute("SELECT seq FROM audit ORDER BY seq")]
    assert seqs == list(range(1, len(seqs) + 1))
    assert verify_audit_chain(db) is None
    db.close()


def _attack(path, sql: str, trigger: str) -> None:
    """What an attacker with the file does: drop the guard, edit, leave."""
    conn = sqlite3.connect(str(path))
    conn.execute(f"DROP TRIGGER {trigger}")
    conn.execute(sql)
    conn.commit()
    conn.close()


def _verify(path, capsys) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["--db", str(path), "audit", "verify"])
    return code, json.loads(capsys.readouterr().out)


def test_untouched_chain_verifies(filled, capsys):
    code, out = _verify(filled, capsys)
    assert code == 0 and out["audit"] == "intact"


def test_an_edited_amount_is_named_by_seq_and_reason(filled, capsys):
    db = open_db(filled)
    seq = db.execute("SELECT seq FROM audit WHERE action = 'enroll' ORDER BY seq LIMIT 1").fetchone()[0]
    db.close()
    _attack(filled, f"UPDATE audit SET amount_fen = 1 WHERE seq = {seq}", "audit_no_update")
    code, out = _verify(filled, capsys)
    assert code == 1 and out["audit"] == "broken"
    assert out["first_broken"]["seq"] == seq
    assert "内容与其哈希不符" in out["first_broken"]["reason"]


def test_a_recomputed_hash_breaks_the_next_link(filled, capsys):
    """A cleverer attacker also rewrites the edited row's hash: the next entry's link breaks."""
    from desktop.records.audit import entry_hash

    db = open_db(filled)
    row = next(iter(db.query("SELECT * FROM audit WHERE action = 'login_failed'")))
    row["payload"] = row["payload"].replace("wrong_password", "nothing")
    prev = db.execute("SELECT hash FROM audit WHERE seq = ?", [row["seq"] - 1]).fetchone()[0]
    new_hash = entry_hash(prev, row)
    db.close()
    _attack(filled, f"UPDATE audit SET payload = '{row['payload']}', hash = X'{new_hash.hex()}' WHERE seq = {row['seq']}", "audit_no_update")
    code, out = _verify(filled, capsys)
    assert code == 1 and out["first_broken"]["seq"] == row["seq"] + 1
    assert "链接不符" in out["first_broken"]["reason"]


def test_a_deleted_entry_is_named(filled, capsys):
    _attack(filled, "DELETE FROM audit WHERE seq = 4", "audit_no_delete")
    code, out = _verify(filled, capsys)
    assert code == 1 and out["first_broken"]["seq"] == 5
    assert "删除" in out["first_broken"]["reason"]


def test_an_edited_enrollment_row_is_caught_by_its_hash(filled, capsys):
    """An enrollment's audit entry holds the row's SHA-256, not a copy: verify recomputes it."""
    db = open_db(filled)
    seq, enrollment_id, payload = db.execute(
        "SELECT seq, entity_id, payload FROM audit WHERE action = 'enroll' ORDER BY seq LIMIT 1"
    ).fetchone()
    db.close()
    assert payload is None  # the row's hash is part of the entry's hash, not a copy
    _attack(filled, f"UPDATE enrollments SET personal_fen = 1 WHERE id = '{enrollment_id}'",
            "enrollments_no_update")
    code, out = _verify(filled, capsys)
    assert code == 1 and out["first_broken"]["seq"] == seq
    assert "业务记录被改动" in out["first_broken"]["reason"]


def test_a_deleted_enrollment_row_is_caught(filled, capsys):
    db = open_db(filled)
    seq, enrollment_id = db.execute(
        "SELECT seq, entity_id FROM audit WHERE action = 'enroll' ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    db.close()
    conn = sqlite3.connect(str(filled))
    conn.execute("DROP TRIGGER enrollments_no_delete")
    conn.execute("DELETE FROM enrollment_status WHERE enrollment_id = ?", [enrollment_id])
    conn.execute("DELETE FROM enrollments WHERE id = ?", [enrollment_id])
    conn.commit()
    conn.close()
    code, out = _verify(filled, capsys)
    assert code == 1 and out["first_broken"]["seq"] == seq
    assert "业务记录被删除" in out["first_broken"]["reason"]


def test_an_edited_trace_is_caught(filled, capsys):
    """The trace is stored once by its SHA-256; pointing a row at another trace edits the row."""
    db = open_db(filled)
    enrollment_id = db.execute("SELECT entity_id FROM audit WHERE action = 'enroll' LIMIT 1").fetchone()[0]
    db.close()
    conn = sqlite3.connect(str(filled))
    conn.execute("INSERT INTO traces VALUES (?, '{}')", ["f" * 64])
    conn.commit()
    conn.close()
    _attack(filled, f"UPDATE enrollments SET trace_sha256 = '{'f' * 64}' WHERE id = '{enrollment_id}'",
            "enrollments_no_update")
    code, out = _verify(filled, capsys)
    assert code == 1 and "业务记录被改动" in out["first_broken"]["reason"]


def test_an_edited_trace_text_is_caught(filled, capsys):
    db = open_db(filled)
    key = db.execute("SELECT trace_sha256 FROM enrollments LIMIT 1").fetchone()[0]
    db.close()
    _attack(filled, f"UPDATE traces SET text = '{{}}' WHERE sha256 = '{key}'", "traces_no_update")
    code, out = _verify(filled, capsys)
    assert code == 1 and "计算过程" in out["first_broken"]["reason"]
