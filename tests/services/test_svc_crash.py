"""visits.md #14: the power cuts out mid-visit. A writer is SIGKILLed in the middle of its
batch, three times; the file must be intact, with no half business and no gap or duplicate
in the receipt serials."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.records.db import open_db
from tests.support.services import ROOT_DIR, WRITER, check_no_half_business, run_and_kill


def _kill_inside_a_transaction(path: Path, start: int, after: int) -> str:
    """Kill the writer while it holds an open transaction; returns the serial it had taken."""
    proc = subprocess.Popen(
        [sys.executable, *WRITER, str(path), str(start), str(after)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT_DIR,
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
        run_and_kill(path, 3_000 * round_, rnd)  # each round its own persons
        db = open_db(path)
        try:
            check_no_half_business(db)
        finally:
            db.close()
    for round_, after in enumerate((1, 2, 4), start=4):  # kills certainly inside a transaction
        lost = _kill_inside_a_transaction(path, 3_000 * round_, after)
        db = open_db(path)
        try:
            check_no_half_business(db)
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
            [sys.executable, *WRITER, str(path), str(start), "0", window],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        cwd=ROOT_DIR,
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
        check_no_half_business(db)
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
        check_no_half_business(db)
    db.close()
