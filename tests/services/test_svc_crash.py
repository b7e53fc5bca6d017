"""visits.md #14: the power cuts out mid-visit. A writer is SIGKILLed in the middle of its
batch, three times; the file must be intact, with no half business and no gap or duplicate
in the receipt serials."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.records.audit import verify_audit_chain
from desktop.records.db import open_db, quick_check

WRITER = Path(__file__).with_name("crash_writer.py")
RECORD_TABLE = {"enroll": "enrollments", "change": "changes"}


def _run_and_kill(path: Path, start: int, rnd: random.Random) -> None:
    """Start the writer, let it finish a few businesses, kill it at a random moment."""
    proc = subprocess.Popen(
        [sys.executable, str(WRITER), str(path), str(start)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        target = rnd.randrange(5, 15)
        for done, _line in enumerate(proc.stdout, start=1):
            if done >= target:
                break
        time.sleep(rnd.uniform(0, 0.03))  # somewhere inside the next batch
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read()


def _check(db) -> None:
    full = quick_check(db, full=True)
    assert full.ok, full.problems
    assert verify_audit_chain(db) is None
    # receipts: per window and year exactly 1..n, each pointing at an existing record
    for row in db.query(
        "SELECT hall_code, window_code, year, count(*) AS n, min(seq) AS lo, max(seq) AS hi, "
        "count(DISTINCT seq) AS distinct_seq FROM receipts GROUP BY 1, 2, 3"
    ):
        assert (row["lo"], row["hi"], row["distinct_seq"]) == (1, row["n"], row["n"]), row
    for business, table in RECORD_TABLE.items():
        orphans = db.execute(
            f"SELECT count(*) FROM receipts r WHERE business = ? AND NOT EXISTS "
            f"(SELECT 1 FROM {table} t WHERE t.id = r.record_id AND t.receipt_serial = r.serial)",
            [business],
        ).fetchone()[0]
        assert orphans == 0, business
    # every business record has its receipt (FK) and its one audit entry
    for table, action in (
        ("enrollments", "enroll"),
        ("changes", "change"),
        ("receipt_voids", "void"),
    ):
        n, audited = db.execute(
            f"SELECT count(*), sum((SELECT count(*) FROM audit a WHERE a.entity_id = t.id AND a.action = ?)) "
            f"FROM {table} t",
            [action],
        ).fetchone()
        assert audited in (n, None) and (n == 0 or audited == n), table
    # at most one active enrollment (no status row: schema v7) per person and year
    assert (
        db.execute(
            "SELECT count(*) FROM (SELECT 1 FROM enrollments e WHERE NOT EXISTS "
            "(SELECT 1 FROM enrollment_status s WHERE s.enrollment_id = e.id) "
            "GROUP BY e.person_id, e.year HAVING count(*) > 1)"
        ).fetchone()[0]
        == 0
    )
    assert (
        db.execute("SELECT count(*) FROM persons").fetchone()[0]
        == db.execute("SELECT count(*) FROM audit WHERE action = 'register'").fetchone()[0]
    )
    # a change applied means the person carries the new phone
    assert (
        db.execute(
            "SELECT count(*) FROM changes c JOIN persons p ON p.id = c.person_id WHERE p.phone <> c.after"
        ).fetchone()[0]
        == 0
    )


def _kill_inside_a_transaction(path: Path, start: int, after: int) -> str:
    """Kill the writer while it holds an open transaction; returns the serial it had taken."""
    proc = subprocess.Popen(
        [sys.executable, str(WRITER), str(path), str(start), str(after)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for line in proc.stdout:
            if line.startswith("in-transaction"):
                os.kill(proc.pid, signal.SIGKILL)
                serial = line.split()[1]
                break
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read()
    return serial


def test_sigkill_mid_batch_leaves_no_half_business(tmp_path):
    path = tmp_path / "crash.sqlite3"
    open_db(path).close()
    rnd = random.Random(1)
    for round_ in range(4):  # kills at random moments
        _run_and_kill(path, 3_000 * round_, rnd)  # each round its own persons
        db = open_db(path)
        try:
            _check(db)
        finally:
            db.close()
    for round_, after in enumerate((1, 2, 4), start=4):  # kills certainly inside a transaction
        lost = _kill_inside_a_transaction(path, 3_000 * round_, after)
        db = open_db(path)
        try:
            _check(db)
            assert (
                db.execute("SELECT count(*) FROM receipts WHERE serial = ?", [lost]).fetchone()[0]
                == 0
            )
            last = db.execute("SELECT max(serial) FROM receipts").fetchone()[0]
            assert last < lost  # the number taken inside the killed transaction is free again
        finally:
            db.close()


def test_two_windows_writing_at_once_then_killed(tmp_path):
    """Two windows on one file: the write lock serialises them, so each window's serials stay
    gapless and the audit chain stays one chain."""
    path = tmp_path / "shared.sqlite3"
    open_db(path).close()
    procs = [
        subprocess.Popen(
            [sys.executable, str(WRITER), str(path), str(start), "0", window],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for start, window in ((0, "01"), (5_000, "02"))
    ]
    try:
        for proc in procs:
            for done, _line in enumerate(proc.stdout, start=1):
                if done >= 15:
                    break
    finally:
        for proc in procs:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
    for proc in procs:
        assert proc.returncode == -signal.SIGKILL, proc.stderr.read()
    db = open_db(path)
    try:
        _check(db)
        windows = {r[0] for r in db.execute("SELECT DISTINCT window_code FROM receipts")}
        assert windows == {"01", "02"}
    finally:
        db.close()


def test_checks_would_catch_a_gap(tmp_path):
    """The checker itself: a hole in the serials (made by hand) is caught."""
    path = tmp_path / "gap.sqlite3"
    db = open_db(path)
    db.execute(
        "INSERT INTO receipts (serial, created_at, operator_id, business, record_id) "
        "VALUES ('320412-03-2025-000002', 'x', 'c', 'x', 'x')"
    )
    with pytest.raises(AssertionError):
        _check(db)
    db.close()
