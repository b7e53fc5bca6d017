"""Where the files are: one derivation each (records/paths.py), under the test's own
YIBAO_DESK_HOME (tests/conftest.py)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from desktop.records import paths


def test_db_file_is_the_file_the_connection_reads(db, db_path):
    assert paths.db_file(db) == db_path
    assert paths.db_file(db.conn) == db_path  # a bare sqlite3 connection too


def test_db_file_of_memory_or_closed_connections_is_none(tmp_path):
    assert paths.db_file(Database(memory=True)) is None
    closed = sqlite3.connect(tmp_path / "x.sqlite3")
    closed.close()
    assert paths.db_file(closed) is None


def test_default_and_demo_files_live_in_the_data_home():
    home = Path(os.environ["YIBAO_DESK_HOME"])
    assert paths.db_path(None) == home / "yibao-desk.sqlite3"
    assert paths.demo_db_path() == home / "demo" / "yibao-desk-demo.sqlite3"
    assert paths.demo_db_path() != paths.db_path(None)
