"""backup (while the file is open), daily automatic backup with rotation, checked restore."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta

import pytest

from desktop.errors import Refusal
from desktop.records import backup, paths, startup
from desktop.records.db import open_db
from desktop.records.rows import Stamp
from desktop.services.context import CHINA
from tests.support.records import add_person, make_id


def _count(db):
    return db.execute("SELECT count(*) FROM persons").fetchone()[0]


def test_backup_while_open_is_a_complete_standalone_copy(db, db_path, tmp_path):
    add_person(db, "张三", make_id(date(1980, 1, 1), 1))
    db.conn.execute("BEGIN IMMEDIATE")  # the window is in the middle of writing
    add_person(db, "李四", make_id(date(1980, 1, 1), 2))
    dest = backup.backup(db_path, tmp_path / "out" / "copy.sqlite3")  # by path, another connection
    db.conn.execute("COMMIT")
    assert backup.check_file(dest).ok
    assert not (tmp_path / "out" / "copy.sqlite3-wal").exists()
    copy = open_db(dest)
    assert [r["name"] for r in copy.query("SELECT name FROM persons")] == [
        "张三"
    ]  # committed data only
    copy.close()


def test_auto_backup_once_a_day_keeping_n(db, db_path):
    first = date(2025, 11, 1)
    made = [
        backup.auto_backup(db, db_path, today=first + timedelta(days=i), keep=3) for i in range(5)
    ]
    assert all(made)
    assert backup.auto_backup(db, db_path, today=first + timedelta(days=4), keep=3) is None
    kept = sorted(p.name for p in paths.backup_dir(db_path).glob("daily-*.sqlite3"))
    assert kept == ["daily-20251103.sqlite3", "daily-20251104.sqlite3", "daily-20251105.sqlite3"]


STAMP = Stamp("320412", "03", "admin", "admin", datetime(2025, 11, 15, 10, 0, tzinfo=CHINA))


def _authorized(db):
    return STAMP


def test_restore_refuses_a_bad_file_and_changes_nothing(db, db_path, tmp_path):
    add_person(db, "张三", make_id(date(1980, 1, 1), 1))
    db.close()
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(Refusal) as refused:
        backup.restore(junk, db_path, _authorized)
    assert refused.value.code == "invalid_backup" and refused.value.field == "src"
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(Refusal, match="结构版本"):
        backup.restore(other, db_path, _authorized)
    again = open_db(db_path)
    assert _count(again) == 1
    again.close()
    assert not list(paths.backup_dir(db_path).glob("before-restore-*"))
    assert not list(paths.backup_dir(db_path).glob("*.partial"))


def test_restore_waits_for_the_file_to_be_closed(db, db_path, tmp_path):
    add_person(db, "张三", make_id(date(1980, 1, 1), 1))
    saved = backup.backup(db, tmp_path / "saved.sqlite3")
    add_person(db, "李四", make_id(date(1980, 1, 1), 2))
    with pytest.raises(Refusal) as busy:
        backup.restore(saved, db_path, _authorized)
    assert busy.value.code == "in_use" and _count(db) == 2  # an open connection: refused
    db.close()
    done = backup.restore(saved, db_path, _authorized)
    assert done.previous_copy is not None and backup.check_file(done.previous_copy).ok
    assert done.entry["action"] == "restore" and done.lacking is None  # (no audit entries here)
    reopened = open_db(db_path)
    assert _count(reopened) == 1
    reopened.close()


def test_start_checks_and_backs_up_once_a_day(tmp_path):
    path = tmp_path / "hall" / "desk.sqlite3"
    first = startup.start(path, today=date(2025, 11, 15))
    assert first.integrity.ok and first.daily_backup is not None
    first.db.close()
    again = startup.start(path, today=date(2025, 11, 15))
    assert again.daily_backup is None
    again.db.close()
