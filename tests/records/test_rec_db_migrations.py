"""Opening, migrating in place, integrity check."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from rec_helpers import STAMP, add_person, make_id

from desktop.errors import Refusal
from desktop.records import migrations, paths, search
from desktop.records.db import connect, open_db, quick_check


def test_new_file_has_latest_schema_and_settings(db):
    assert migrations.version(db) == migrations.LATEST
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert quick_check(db).ok
    assert quick_check(db).message() == "数据库完整性检查通过"


def test_default_path_comes_from_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.HOME_ENV, str(tmp_path / "home"))
    assert paths.db_path() == tmp_path / "home" / paths.DB_FILE_NAME
    assert paths.db_path(tmp_path / "x" / "other.db") == tmp_path / "x" / "other.db"


def test_older_file_is_copied_aside_and_upgraded_in_place(db_path):
    old = connect(db_path)
    migrations.migrate(old, target=1)  # a file written by the first release
    born = make_id(date(1980, 1, 1), 7)
    old.execute(
        "INSERT INTO persons (id, created_at, hall_code, window_code, operator_id, updated_at, "
        "id_number, name, sex, birth_date) VALUES ('p1', ?, '320412', '03', 'c', ?, ?, '欧阳娜娜', '女', '1980-01-01')",
        [STAMP.created_at, STAMP.created_at, born],
    )
    old.close()

    db = open_db(db_path)
    assert migrations.version(db) == migrations.LATEST
    # v2 backfilled the search columns of the existing row
    assert [r["name"] for r in search.by_id_number(db, born[-6:])] == ["欧阳娜娜"]
    assert [r["name"] for r in search.by_name_contains(db, "娜娜")] == ["欧阳娜娜"]
    copies = list(paths.backup_dir(db_path).glob("*.before-v2*"))
    assert len(copies) == 1
    with sqlite3.connect(copies[0]) as copy:
        assert copy.execute("PRAGMA user_version").fetchone()[0] == 1
    db.close()


def test_a_file_from_a_newer_release_is_refused(db_path):
    db = open_db(db_path)
    db.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
    db.close()
    with pytest.raises(Refusal) as refused:
        open_db(db_path)
    assert refused.value.code == "schema_too_new"
    assert "升级程序" in refused.value.message


def test_failed_migration_leaves_the_old_version(db_path, monkeypatch):
    old = connect(db_path)
    migrations.migrate(old, target=1)
    old.close()

    def broken(db):
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("power cut")

    monkeypatch.setattr(migrations, "MIGRATIONS", (migrations.MIGRATIONS[0], broken))
    with pytest.raises(RuntimeError):
        open_db(db_path)
    check = connect(db_path)
    assert migrations.version(check) == 1
    assert "half_done" not in check.table_names()


def test_quick_check_reports_a_damaged_file(tmp_path):
    path = tmp_path / "damaged.sqlite3"
    db = open_db(path)
    for i in range(300):
        add_person(db, "张三", make_id(date(1980, 1, 1), i))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    data = bytearray(path.read_bytes())
    for offset in range(4096 * 3, 4096 * 6):  # scribble over a few pages past the header
        data[offset] = 0xA5
    path.write_bytes(bytes(data))
    damaged = connect(path)
    try:
        result = quick_check(damaged)
    except sqlite3.DatabaseError:  # some damage is found even before the check runs
        return
    assert not result.ok
    assert "未通过" in result.message()


def test_two_windows_opening_a_new_file_at_once(tmp_path, monkeypatch):
    path = tmp_path / "shared.sqlite3"
    first, second = connect(path), connect(path)
    real = migrations.version
    stale = [0]  # the second window looked before the first one had migrated …

    migrations.migrate(first)
    monkeypatch.setattr(migrations, "version", lambda db: stale.pop() if stale else real(db))
    migrations.migrate(second)  # … and must not run the steps again once it holds the lock
    assert real(second) == migrations.LATEST


def test_v5_stores_each_trace_once_and_reads_it_back(tmp_path):
    """Enrollments written before v5 carry their trace text; after the upgrade the text is in
    `traces` once, the rows keep its SHA-256, and every read returns the same `trace`."""
    import hashlib

    from desktop.records import enrollments

    path = tmp_path / "v4.sqlite3"
    db = connect(path)
    migrations.migrate(db, target=4)
    db.execute("PRAGMA foreign_keys=OFF")  # bare rows, without the persons and receipts
    traces = ['{"a":"一"}', '{"b":"二"}']
    for i in range(6):
        meta = (f"e{i}", "2025-11-15T10:00:00+08:00", "320412", "03", "clerk")
        db.execute(
            "INSERT INTO enrollments (id, created_at, hall_code, window_code, operator_id, person_id,"
            " year, region, kind, category, proposed_category, standard_fen, ltc_fen, assisted_fen,"
            " personal_fen, paid_on, benefit_start, benefit_end, waiting_months, retroactive, trace,"
            " receipt_serial) VALUES (?, ?, ?, ?, ?, ?, 2026, '武进区', 'enroll', '老年居民',"
            " '老年居民', 0, 0, 0, 0, '2025-11-15', '2026-01-01', '2026-12-31', 0, 0, ?, ?)",
            [*meta, f"p{i}", traces[i % 2], f"s{i}"],
        )
        db.execute(
            "INSERT INTO enrollment_status VALUES (?, ?, 2026, 'active', '2025-11-15', ?)",
            [f"e{i}", f"p{i}", f"e{i}"],
        )
    db.conn.close()

    db = connect(path)  # to v5 only: v6 copies enrollment_status with its foreign keys on
    migrations.migrate(db, target=5)
    assert migrations.version(db) == 5
    assert db.execute("SELECT count(*) FROM traces").fetchone()[0] == 2
    columns = {r[1] for r in db.execute("PRAGMA table_info(enrollments)")}
    assert "trace" not in columns and "trace_sha256" in columns
    for i in range(6):
        assert enrollments.get(db, f"e{i}")["trace"] == traces[i % 2]
        assert enrollments.row(db, f"e{i}")["trace"] == traces[i % 2]
        key = db.execute("SELECT trace_sha256 FROM enrollments WHERE id = ?", [f"e{i}"]).fetchone()[0]
        assert key == hashlib.sha256(traces[i % 2].encode()).hexdigest()
    with pytest.raises(sqlite3.IntegrityError):  # still append-only
        db.execute("UPDATE enrollments SET year = 2027 WHERE id = 'e0'")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE traces SET text = '{}'")
    db.close()


def test_deferred_checkpoints_keep_commits_in_the_wal_until_checkpoint(tmp_path):
    """The window defers WAL checkpoints to an idle timer; nothing committed is lost meanwhile."""
    import sqlite3

    from desktop.records import db as dbmod

    db = dbmod.open_db(tmp_path / "h.sqlite3")
    dbmod.defer_checkpoints(db)
    db.execute("CREATE TABLE t (x)")
    for i in range(2000):  # well past the default autocheckpoint of 1000 pages' worth of commits
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO t VALUES (?)", [i])
        db.execute("COMMIT")
    wal = tmp_path / "h.sqlite3-wal"
    assert wal.stat().st_size > 0
    # a second reader sees every commit before any checkpoint
    other = sqlite3.connect(tmp_path / "h.sqlite3")
    assert other.execute("SELECT count(*) FROM t").fetchone()[0] == 2000
    other.close()
    busy, log_frames, done = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert busy == 0 and done == log_frames


def _v5_hall_with_audit(path, *, break_at: int | None = None) -> list[dict]:
    """A v5 file whose audit entries were written the v5 way (entry UUID, prev_hash, hex hash;
    an enrollment's entry holding its row's SHA-256); `break_at` edits that entry afterwards."""
    import json

    from desktop.records.rows import to_json

    db = connect(path)
    migrations.migrate(db, target=5)
    entries = [
        {"entity": "persons", "entity_id": "p1", "payload": to_json({"name": "王𠇹"})},
        {"entity": "enrollments", "entity_id": "e1",
         "payload": to_json({"row_sha256": "ab" * 32})},
        {"entity": "changes", "entity_id": "c1", "payload": to_json({"after": "138"})},
    ]
    prev = "0" * 64
    for seq, entry in enumerate(entries, start=1):
        row = {"id": f"a{seq}", "created_at": "2026-01-05T09:00:00+08:00", "hall_code": "320412",
               "window_code": "03", "operator_id": "clerk", "operator_role": "clerk",
               "action": "x", "business": "x", "person_id": "p1", "amount_fen": None, **entry}
        row["prev_hash"] = prev
        row["hash"] = prev = migrations._legacy_hash(prev, row)
        cols = ", ".join(row)
        db.execute(f"INSERT INTO audit ({cols}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
    if break_at is not None:
        db.execute("DROP TRIGGER audit_no_update")
        db.execute("UPDATE audit SET operator_id = 'mallory' WHERE seq = ?", [break_at])
    db.conn.commit()
    db.conn.close()
    return [json.loads(e["payload"]) for e in entries]


def test_v6_rechains_a_verified_v5_audit_trail(tmp_path):
    from desktop.records import audit

    path = tmp_path / "v5.sqlite3"
    _v5_hall_with_audit(path)
    db = open_db(path)
    assert migrations.version(db) == migrations.LATEST
    rows = list(db.query("SELECT * FROM audit ORDER BY seq"))
    assert [r["seq"] for r in rows] == [1, 2, 3]
    assert "prev_hash" not in rows[0] and "id" not in rows[0]
    assert rows[1]["payload"] is None  # the enrollment's recorded row hash moved into the chain
    assert rows[2]["payload"] == '{"after":"138"}'
    prev = audit.GENESIS
    for row, row_sha in zip(rows, [None, "ab" * 32, None], strict=True):
        assert row["hash"] == audit.entry_hash(prev, row, row_sha)
        prev = row["hash"]
    # The recorded hash is kept, not recomputed: that enrollment row does not exist here, and
    # the full walk says so instead of trusting the migration.
    broken = audit.verify_audit_chain(db)
    assert broken is not None and broken.seq == 2 and "业务记录被删除" in broken.reason


def test_v6_refuses_to_rechain_a_broken_v5_audit_trail(tmp_path):
    path = tmp_path / "v5.sqlite3"
    _v5_hall_with_audit(path, break_at=3)
    with pytest.raises(Refusal) as caught:
        open_db(path)
    assert caught.value.code == "audit_broken" and "第 3 条" in caught.value.message
    db = connect(path)
    assert migrations.version(db) == 5  # nothing of the upgrade was kept


def _v6_file(path):
    """A v6 file with one person, two receipts and two enrollments of 2026, the first one
    suspended (as a v6 release wrote them: a receipt with its own id, a status row for each)."""
    db = connect(path)
    migrations.migrate(db, target=6)
    meta = ("2025-11-15T10:00:00+08:00", "320412", "03", "clerk")
    db.execute(
        "INSERT INTO persons (id, created_at, hall_code, window_code, operator_id, updated_at, id_number,"
        " name, sex, birth_date) VALUES ('p1', ?, ?, ?, ?, ?, '320412195503010011', '张三', '男', '1955-03-01')",
        [*meta, meta[0]],
    )
    for i, status in ((1, "suspended"), (2, "active")):
        serial = f"320412-03-2025-{i:06d}"
        db.execute(
            "INSERT INTO receipts (serial, id, created_at, hall_code, window_code, operator_id, year, seq,"
            " business, record_id, person_id, amount_fen) VALUES (?, ?, ?, ?, ?, ?, 2025, ?, 'enroll', ?, 'p1', 73000)",
            [serial, f"r{i}", *meta, i, f"e{i}"],
        )
        db.execute(
            "INSERT INTO enrollments (id, created_at, hall_code, window_code, operator_id, person_id, year,"
            " region, kind, category, proposed_category, standard_fen, ltc_fen, assisted_fen, personal_fen,"
            " paid_on, benefit_start, benefit_end, waiting_months, retroactive, receipt_serial)"
            " VALUES (?, ?, ?, ?, ?, 'p1', 2026, '武进区', 'enroll', '老年居民', '老年居民', 73000, 0, 0, 73000,"
            " '2025-11-15', '2026-01-01', '2026-12-31', 0, 0, ?)",
            [f"e{i}", *meta, serial],
        )
        db.execute(
            "INSERT INTO enrollment_status VALUES (?, 'p1', 2026, ?, '2025-11-16T09:00:00+08:00', ?)",
            [f"e{i}", status, f"t{i}" if status != "active" else f"e{i}"],
        )
    return db


def test_v7_keeps_every_receipt_and_status(tmp_path):
    """v7 keys receipts by serial (hall, window, year and sequence read from it) and keeps a status
    row only for an enrollment no longer active; every read gives what v6 gave."""
    from desktop.records import enrollments, receipts
    from desktop.records.tx import write

    path = tmp_path / "v6.sqlite3"
    db = _v6_file(path)
    columns = "serial, created_at, hall_code, window_code, operator_id, year, seq, business, record_id, person_id, amount_fen"
    before = db.execute(f"SELECT {columns} FROM receipts ORDER BY serial").fetchall()
    db.conn.close()

    db = open_db(path)
    assert migrations.version(db) == migrations.LATEST
    assert db.execute(f"SELECT {columns} FROM receipts ORDER BY serial").fetchall() == before
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1  # back on after the rebuild
    assert quick_check(db, full=True).ok
    assert db.execute("SELECT enrollment_id, status FROM enrollment_status").fetchall() == [("e1", "suspended")]
    assert enrollments.get(db, "e1")["status"] == "suspended"
    assert enrollments.get(db, "e2")["status"] == "active"
    assert enrollments.get(db, "e2")["status_changed_at"] == "2025-11-15T10:00:00+08:00"  # since written
    assert enrollments.active(db, "p1", 2026)["id"] == "e2"
    assert receipts.of_record(db, "e1")["serial"] == "320412-03-2025-000001"
    with write(db):  # the next serial continues the window's sequence (STAMP: 320412, 03, 2025)
        assert receipts.issue(db, STAMP, business="enroll", record_id="e3", person_id="p1") == "320412-03-2025-000003"
    with pytest.raises(sqlite3.IntegrityError, match="one active enrollment"):
        db.execute(
            "INSERT INTO enrollments SELECT 'e3', created_at, hall_code, window_code, operator_id, person_id,"
            " year, region, kind, category, proposed_category, category_reason, assistance, tier, special_group,"
            " student_proof, standard_fen, ltc_fen, assisted_fen, personal_fen, paid_on, benefit_start,"
            " benefit_end, waiting_months, retroactive, '320412-03-2025-000003', NULL, trace_sha256"
            " FROM enrollments WHERE id = 'e2'"
        )
    db.conn.close()


def test_serials_run_out_with_a_clear_refusal(db):
    from desktop.records import receipts
    from desktop.records.tx import write

    db.execute("INSERT INTO receipts (serial, created_at, operator_id, business, record_id) "
               "VALUES ('320412-03-2025-999999', 'x', 'clerk', 'enroll', 'e0')")
    with pytest.raises(Refusal) as refused, write(db):
        receipts.issue(db, STAMP, business="enroll", record_id="e1", person_id=None)
    assert refused.value.code == "serials_exhausted" and "999999" in refused.value.message
    with pytest.raises(sqlite3.IntegrityError):  # and the table itself takes no seventh digit
        db.execute("INSERT INTO receipts (serial, created_at, operator_id, business, record_id) "
                   "VALUES ('320412-03-2025-1000000', 'x', 'clerk', 'enroll', 'e1')")


def test_v8_keeps_every_person_and_one_person_per_number(tmp_path):
    """v8 (the hub): persons rebuilt with `alias_of`; the ID number stays unique among persons
    who are nobody's alias, and an alias may share it; search still finds the person by name."""
    path = tmp_path / "v7.sqlite3"
    db = _v6_file(path)
    migrations.migrate(db, target=7)
    search.index_name(db, 1, "张三")
    before = db.execute("SELECT * FROM persons").fetchall()
    db.conn.close()

    db = open_db(path)
    assert migrations.version(db) == migrations.LATEST
    assert [row[:-1] for row in db.execute("SELECT * FROM persons").fetchall()] == before
    assert quick_check(db, full=True).ok
    assert [p["id"] for p in search.by_name_contains(db, "张三")] == ["p1"]
    copy = (
        "INSERT INTO persons (id, created_at, hall_code, window_code, operator_id, updated_at, id_number,"
        " name, sex, birth_date, alias_of) SELECT ?, created_at, hall_code, '07', operator_id, updated_at,"
        " id_number, name, sex, birth_date, ? FROM persons WHERE id = 'p1'"
    )
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        db.execute(copy, ["p2", None])  # a second person under the number
    db.execute(copy, ["p2", "p1"])  # the same number registered elsewhere: p1's alias
    assert db.execute("SELECT count(*) FROM persons WHERE id_number = '320412195503010011'").fetchone()[0] == 2
    db.conn.close()
