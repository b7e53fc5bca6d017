"""Three windows doing businesses while their sync processes are SIGKILLed at random points,
and a township centre offline for the whole run merging by bundle at the end: afterwards every
business of every node is on the hub and on every node exactly once, no serial gap or
duplicate, every chain verifies, and the planted double enrollment is listed once."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timedelta

import psycopg
import pytest

from desktop.hub import bundles, conflicts, verify
from desktop.records import audit
from desktop.services import enrollment
from desktop.services import persons as person_services
from desktop.services.context import CHINA
from desktop.sync import bundle, sync_once
from tests.support.services import make_id

pytestmark = pytest.mark.slow
WINDOWS = ("03", "05", "07")
PLANTED = make_id(date(1970, 1, 1), 499)


def _business(ctx, n: int) -> None:
    number = make_id(date(1950, 1, 1) + timedelta(days=n), 7)
    person_services.register_person(ctx, number, "居民" + chr(0x4E00 + n))
    enrollment.enroll(ctx, number, 2026)


def _sync_process(path, url) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "desktop.cli", "--db", str(path), "sync", "--hub", url, "--batch", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_killed_syncs_leave_every_business_once_everywhere(make_node, hub, tmp_path):
    rng = random.Random(12)
    nodes = {w: make_node(w, now=datetime(2025, 11, 15, 9, int(w), tzinfo=CHINA)) for w in WINDOWS}
    centre, _ = make_node("09")
    # The planted double enrollment: one person enrolled at 03 and at 07 before either syncs.
    for w in ("03", "07"):
        ctx = nodes[w][0]
        person_services.register_person(ctx, PLANTED, "重复参保")
        enrollment.enroll(ctx, PLANTED, 2026)
    n = 0
    kills = 0
    deadline = time.monotonic() + 25
    while time.monotonic() < deadline:
        for w in WINDOWS:
            ctx, url = nodes[w]
            proc = _sync_process(tmp_path / f"320412-{w}.sqlite3", url)
            for _ in range(rng.randint(1, 3)):  # businesses while the sync runs
                n += 1
                _business(ctx, n)
            time.sleep(rng.uniform(0.0, 1.2))
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                kills += 1
            proc.wait()
    for _ in range(5):  # the centre, offline all along
        n += 1
        _business(centre, 1000 + n)
    assert kills >= 5  # the run did kill syncs in flight

    # Network back: clean syncs, the centre's bundle in, the county's bundle out to it.
    for _ in range(2):
        for w in WINDOWS:
            sync_once(nodes[w][0].db, nodes[w][1])
    bundle.export_bundle(centre.db, tmp_path / "centre.zip")
    bundles.import_bundle(hub, tmp_path / "centre.zip")
    for w in WINDOWS:
        sync_once(nodes[w][0].db, nodes[w][1])
    bundles.export_for(hub, "320412-09", tmp_path / "county.zip")
    bundle.import_county(centre.db, tmp_path / "county.zip")

    every = [ctx for ctx, _ in nodes.values()] + [centre]
    own_entries = {ctx.window: ctx.db.execute("SELECT count(*) FROM audit").fetchone()[0] for ctx in every}
    total = sum(own_entries.values())
    with psycopg.connect(hub) as conn:
        assert conn.execute("SELECT count(*) FROM hub.audit").fetchone()[0] == total
        hub_enrollments = sorted(r[0] for r in conn.execute("SELECT id FROM hub.enrollments"))
        hub_serials = sorted(r[0] for r in conn.execute("SELECT serial FROM hub.receipts"))
        listed = conflicts.open_conflicts(conn)
    for ctx in every:
        db = ctx.db
        assert db.execute("SELECT count(*) FROM foreign_audit").fetchone()[0] == total - own_entries[ctx.window]
        assert sorted(r[0] for r in db.execute("SELECT id FROM enrollments")) == hub_enrollments
        assert sorted(r[0] for r in db.execute("SELECT serial FROM receipts")) == hub_serials
        assert audit.verify_audit_chain(db) is None
    report = verify.verify(hub)
    assert report["ok"], report
    assert [c["kind"] for c in listed].count("double_enrollment") == 1
    double = next(c for c in listed if c["kind"] == "double_enrollment")
    assert double["subject"] == PLANTED and {s["node"] for s in double["sides"]} == {"320412-03", "320412-07"}
