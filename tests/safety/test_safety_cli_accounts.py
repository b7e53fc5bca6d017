"""Finding 3 of the hall's attack: the command line acted without credentials (`backup`,
`render`, `export` needed no account; `export` was audited as `cli:root`). Each command that reads
personal data or changes the hall's data: without `--user`, with a wrong password, and as an
account lacking the role → refused with a Chinese message (exit 2, JSON), no data written; with
the right account → done and audited under its name."""

from __future__ import annotations

import json
from datetime import date

import pytest

from desktop.cli import main
from desktop.records import paths, tabular
from desktop.records.audit import payload_of, verify_audit_chain
from desktop.records.db import open_db
from tests.support.safety import NOW, PASSWORD, all_counts, clerk_ctx, configured, visit
from tests.support.services import make_id

ADMIN = ("admin", "Guard2026zz")
CLERK = ("clerk-03", PASSWORD)
REVIEWER = ("rev", "Check2026ww")


@pytest.fixture(autouse=True)
def hall_day(monkeypatch):
    """The command line's clock on the day of the fixture's visits (inside the 2026 集中参保缴费期)."""
    monkeypatch.setattr("desktop.services.hall.china_now", lambda: NOW)


@pytest.fixture
def hall(tmp_path):
    path = tmp_path / "desk.sqlite3"
    db = open_db(path)
    configured(db)
    ctx = clerk_ctx(db)
    for i in range(5):
        visit(ctx, i)
    db.close()
    return path


def _roster(tmp_path):
    header = ["姓名", "身份证号", "参保类别"]
    rows = [["王秀英", make_id(date(1950, 3, 1), 41), "老年居民"], ["李建国", make_id(date(1985, 6, 1), 42), "非从业居民"],
            ["张 三", make_id(date(1985, 6, 1), 43), "非从业居民"]]  # a blank inside a name: rejected
    path = tmp_path / "花名册.csv"
    tabular.write_rows(path, [(h, h) for h in header], [dict(zip(header, r, strict=True)) for r in rows])
    return path


def _commands(path, tmp_path):
    """(argv without --user, the account that may, one that may not, the audit action)."""
    roster = _roster(tmp_path)
    return [
        (["backup", str(tmp_path / "copy.sqlite3")], ADMIN, CLERK, "backup"),
        (["export", "persons", str(tmp_path / "p.xlsx")], CLERK, None, "export"),
        (["import", str(roster), "--year", "2026"], CLERK, ADMIN, "enroll"),
        (["render", "receipt", "--record", "{serial}", "--out", str(tmp_path / "r.pdf")], CLERK, ADMIN, "print"),
        (["admin", "set", "idle_lock_minutes", "7"], ADMIN, REVIEWER, "set_setting"),
        (["admin", "accounts"], ADMIN, CLERK, None),
        (["admin", "settings"], ADMIN, CLERK, None),
    ]


def _run(capsys, monkeypatch, path, argv, who=None, password=None):
    if password is None:
        monkeypatch.delenv("YIBAO_DESK_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("YIBAO_DESK_PASSWORD", password)
    code = main(["--db", str(path), *argv, *(["--user", who] if who else [])])
    return code, json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def _data(path):
    db = open_db(path)
    try:
        counts = all_counts(db)
        counts.pop("audit")
        return counts, db.execute("SELECT max(seq) FROM audit").fetchone()[0]
    finally:
        db.close()


def test_each_command_needs_an_account_with_the_role(hall, tmp_path, capsys, monkeypatch):
    db = open_db(hall)
    serial = db.execute("SELECT serial FROM receipts ORDER BY serial LIMIT 1").fetchone()[0]
    db.close()
    monkeypatch.setattr("getpass.getpass", lambda prompt="": (_ for _ in ()).throw(EOFError()))
    for argv, right, wrong, action in _commands(hall, tmp_path):
        argv = [a.replace("{serial}", serial) for a in argv]
        before, top = _data(hall)
        code, out = _run(capsys, monkeypatch, hall, argv)
        assert code == 2 and out["error"]["code"] == "missing_user", (argv, out)
        assert "--user" in out["error"]["message"]
        code, out = _run(capsys, monkeypatch, hall, argv, right[0])  # no password given, none typed
        assert code == 2 and out["error"]["code"] == "missing_password", (argv, out)
        code, out = _run(capsys, monkeypatch, hall, argv, right[0], "Wrong2026xx")
        assert code == 2 and out["error"]["code"] == "login_failed" and "密码错误" in out["error"]["message"], argv
        if wrong is not None:
            code, out = _run(capsys, monkeypatch, hall, argv, *wrong)
            assert code == 2 and out["error"]["code"] == "forbidden", (argv, out)
            assert any(w in out["error"]["message"] for w in ("没有", "不能")), out
        assert _data(hall)[0] == before, argv  # refused: no data written (only the attempts' audit entries)
        for leftover in ("copy.sqlite3", "p.xlsx", "r.pdf"):
            assert not (str(tmp_path / leftover) in argv and (tmp_path / leftover).exists()), argv
        code, out = _run(capsys, monkeypatch, hall, argv, *right)
        assert code == 0, (argv, out)
        if action is not None:
            db = open_db(hall)
            entries = list(db.query("SELECT * FROM audit WHERE seq > ? AND action = ?", [top, action]))
            assert entries and all(e["operator_id"] == right[0] for e in entries), argv
            assert verify_audit_chain(db) is None
            db.close()
    assert not any(paths.backup_dir(hall).glob("*.partial"))


def test_import_reports_as_json(hall, tmp_path, capsys, monkeypatch):
    code, out = _run(capsys, monkeypatch, hall, ["import", str(_roster(tmp_path)), "--year", "2026"], *CLERK)
    assert code == 0, out
    assert (out["total"], out["enrolled"], len(out["rejected"])) == (3, 2, 1), out
    assert out["rejected"][0]["row"] == 4 and out["rejected"][0]["field"] == "姓名"
    code, out = _run(capsys, monkeypatch, hall, ["import", str(tmp_path / "none.csv"), "--year", "2026"], *CLERK)
    assert code == 2 and "error" in out


def test_export_names_the_account_not_the_os_user(hall, tmp_path, capsys, monkeypatch):
    code, out = _run(capsys, monkeypatch, hall, ["export", "persons", str(tmp_path / "p.csv")], *CLERK)
    assert code == 0, out
    db = open_db(hall)
    entry = next(iter(db.query("SELECT * FROM audit WHERE action = 'export'")))
    db.close()
    assert entry["operator_id"] == "clerk-03" and payload_of(entry)["rows"] == 5
    assert "clerk-03" in (tmp_path / "p.csv").read_text(encoding="utf-8-sig").splitlines()[0]
