"""Finding 9 of the hall's attack: the database, backups and archived PDFs were 0644 in 0755
folders, a killed backup left a `.partial` copy of personal data behind, `before-restore-*`
copies were never pruned (tests/safety/test_safety_restore.py), the print-spool PDF stayed."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.records import backup, paths, startup
from desktop.records.db import open_db
from desktop.services import printing, safety
from tests.support.safety import clerk_ctx, configured, visit

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX modes (Windows: the user profile's ACL)")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask():
    """A machine's usual umask (022): what made every file 0644 before."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@posix_only
def test_the_hall_files_are_the_users_own(tmp_path, monkeypatch, usual_umask):
    monkeypatch.setenv(paths.HOME_ENV, str(tmp_path / "home"))
    started = startup.start(None)  # the default location, as the window opens it
    db = started.db
    configured(db)
    ctx = clerk_ctx(db)
    visit(ctx, 1)
    serial = db.execute("SELECT serial FROM receipts LIMIT 1").fetchone()[0]
    printed = printing.print_document(ctx, printing.acceptance_receipt(ctx, serial))
    manual = safety.verified_backup(db, paths.backup_dir(started.path) / "manual.sqlite3")
    home = tmp_path / "home"
    files = [started.path, Path(f"{started.path}-wal"), Path(f"{started.path}-shm"), started.daily_backup, manual,
             printed.archived]
    for file in files:
        assert _mode(file) == 0o600, (file, oct(_mode(file)))
    folders = [home, home / "backups", home / "archive", printed.archived.parent, printed.archived.parent.parent]
    for folder in folders:
        assert _mode(folder) == 0o700, (folder, oct(_mode(folder)))
    db.close()


@posix_only
def test_an_older_releases_0644_file_is_tightened_and_a_read_only_one_stays_read_only(tmp_path, usual_umask):
    path = tmp_path / "old.sqlite3"
    open_db(path).close()
    os.chmod(path, 0o644)
    open_db(path).close()
    assert _mode(path) == 0o600
    os.chmod(path, 0o444)
    db = open_db(path)  # (root may still write; the mode is what matters here)
    db.close()
    assert _mode(path) == 0o400


BACKUP_FOREVER = """
import sys
from desktop.records import backup
while True:
    backup.backup(sys.argv[1], sys.argv[2])
"""


def _big_hall(path: Path) -> None:
    """~40 MB of personal-looking rows: a backup takes long enough to be killed in the middle."""
    db = open_db(path)
    db.execute("CREATE TABLE filler (x BLOB)")
    db.conn.execute("BEGIN")
    db.conn.executemany("INSERT INTO filler VALUES (randomblob(4096))", [()] * 10_000)
    db.conn.execute("COMMIT")
    db.close()


def test_a_killed_backups_partial_copy_is_removed_at_the_next_start(tmp_path):
    path = tmp_path / "desk.sqlite3"
    _big_hall(path)
    dest = paths.backup_dir(path) / "manual.sqlite3"
    partial = dest.with_name(dest.name + ".partial")
    proc = subprocess.Popen([sys.executable, "-c", BACKUP_FOREVER, str(path), str(dest)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not (partial.exists() and partial.stat().st_size > 1_000_000):  # in the middle of a copy
            assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read()
            time.sleep(0.001)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert partial.exists()  # the attack's finding: a copy of personal data left behind
    started = startup.start(path)
    started.db.close()
    assert not list(paths.backup_dir(path).glob("*.partial*"))
    assert started.daily_backup is not None and backup.check_file(started.daily_backup).ok


def test_a_backup_being_written_by_another_window_is_left_alone(tmp_path):
    path = tmp_path / "desk.sqlite3"
    open_db(path).close()
    partial = paths.backup_dir(path) / "daily-20251115.sqlite3.partial"
    writer = sqlite3.connect(str(partial), isolation_level=None)
    writer.execute("CREATE TABLE t (x)")
    writer.execute("BEGIN IMMEDIATE")  # another window's backup, mid-copy
    writer.execute("INSERT INTO t VALUES (1)")
    assert backup.remove_partials(path) == []
    assert partial.exists()
    writer.execute("COMMIT")
    writer.close()
    assert backup.remove_partials(path) == [partial]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the lp spooler path")
def test_the_spool_file_is_removed_after_printing(tmp_path, monkeypatch):
    """A real `lp` stand-in on PATH (a program that copies what it is given, as CUPS' lp does
    before returning): the PDF reaches it, and no spool file remains."""
    from desktop.ui.printing import SystemPrinter

    monkeypatch.setenv(paths.HOME_ENV, str(tmp_path / "home"))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    received = tmp_path / "received.pdf"
    lp = bin_dir / "lp"
    lp.write_text(f"#!/bin/sh\nfor last; do :; done\ncp \"$last\" {received}\n")
    lp.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    pdf = "%PDF-1.4 personal data of 王秀英".encode()
    SystemPrinter._spool(pdf, "柜台打印机", "A4")
    assert received.read_bytes() == pdf
    assert not list((tmp_path / "home" / "spool").iterdir())
