"""Figures of the county hub (issue 12), each beside a baseline measured in the same run.

    visibility   a business at one window until another window's search finds it, both windows
                 syncing as the window's worker does (ui/hub_sync.py: every interval, and at once
                 after a business); baseline: the same push and pull run back to back, no waiting
    first pull   a new window's first `sync` of the whole county (the bench hall on a hub);
                 baseline: a bare COPY of the same rows out of PostgreSQL into bare SQLite tables
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench import hall, synth
from bench.figures import Run, figure, not_measured, percentile

SYNC_INTERVAL_S = 1  # the shortest the hall setting `sync_interval_seconds` allows (default 5)
BATCH = 5000


@contextmanager
def _hub() -> Iterator:
    """A throwaway local PostgreSQL with the hub schema: its LocalServer."""
    from desktop.hub import schema
    from desktop.hub.local_server import LocalServer

    root = Path(tempfile.mkdtemp(prefix="yibao-bench-hub-"))
    os.chmod(root, 0o755)  # as root the server runs as `postgres`, which must reach it
    server = LocalServer(root / "pg").start()
    try:
        schema.init_hub(server.url)
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def _available(name: str, unit: str, target: str) -> dict | None:
    try:
        import psycopg  # noqa: F401

        from desktop.hub.local_server import bin_dir

        bin_dir()
    except (ImportError, FileNotFoundError) as exc:
        return not_measured(name, unit, target, str(exc))
    return None


# ----------------------------------------------------------------------------- visibility


def _sync_loop(path: Path, url: str, stop: threading.Event, poke: threading.Event, interval: float) -> None:
    """What the window's worker does: sync every `interval`, and at once when poked (a business)."""
    from desktop.errors import Refusal
    from desktop.records.db import connect
    from desktop.sync import sync_once

    db = connect(path)
    try:
        while not stop.is_set():
            try:
                sync_once(db, url)
            except Refusal:
                pass
            poke.wait(interval)
            poke.clear()
    finally:
        db.conn.close()


def visibility(run: Run) -> list[dict]:
    name = f"window-to-window visibility (sync interval {SYNC_INTERVAL_S} s)"
    target = "≤ 2 s (p95)"
    missing = _available(name, "s", target)
    if missing:
        return [missing]
    from desktop.hub import schema
    from desktop.records import search
    from desktop.records.db import open_db
    from desktop.services.enrollment_visit import enroll_visit
    from desktop.sync import sync_once

    count = run.sizes(20, 60)
    people = list(synth.persons(count + 10, seed=synth.SEED + 12, seq_base=700))
    rnd = random.Random(12)
    with _hub() as server:
        paths = {w: run.work / f"node-{w}.sqlite3" for w in ("03", "07")}
        dbs = {w: open_db(p) for w, p in paths.items()}
        ctx = hall.context(dbs["03"], "武进区", window="03")
        urls = {w: schema.add_node(server.url, ctx.hall_code, w)["url"] for w in paths}
        for w in paths:
            sync_once(dbs[w], urls[w])  # `yibao-desk sync --hub` once: each file knows its hub
        found_at_07 = dbs["07"]  # the other window's own connection, as its search box uses

        def business(p) -> None:
            enroll_visit(ctx, p.id_number, synth.ENROLL_YEAR, name=p.name, phone=p.phone,
                         school=p.school, school_kind=p.school_kind)

        def until_found(p, began: float) -> float:
            while not search.by_id_number(found_at_07, p.id_number):
                if time.perf_counter() - began > 60:
                    raise TimeoutError(f"{p.id_number} not visible at window 07 after 60 s")
                time.sleep(0.005)
            return time.perf_counter() - began

        # Baseline: the transport itself, push and pull back to back with nothing waited for.
        base = []
        for p in people[:10]:
            business(p)
            began = time.perf_counter()
            sync_once(dbs["03"], urls["03"])
            sync_once(dbs["07"], urls["07"])
            base.append(until_found(p, began))
        # The windows as they run: each syncing on its own thread every interval, window 03 also
        # at once after its business; the businesses at random moments of 07's interval.
        stop = threading.Event()
        pokes = {w: threading.Event() for w in paths}
        threads = [threading.Thread(target=_sync_loop, args=(paths[w], urls[w], stop, pokes[w], SYNC_INTERVAL_S),
                                    daemon=True) for w in paths]
        for t in threads:
            t.start()
        seen = []
        try:
            for p in people[10:]:
                time.sleep(rnd.uniform(0, SYNC_INTERVAL_S))
                business(p)
                began = time.perf_counter()
                pokes["03"].set()
                seen.append(until_found(p, began))
        finally:
            stop.set()
            for e in pokes.values():
                e.set()
            for t in threads:
                t.join(30)
            for db in dbs.values():
                db.conn.close()
    p95, b95 = percentile(seen, 95), percentile(base, 95)
    return [figure(name, p95, "s", target, p95 <= 2, baseline=b95,
                   note=f"{len(seen)} counter visits (register + enroll) at window 03 until window 07's search "
                        f"by ID number finds the person; both windows sync on a thread every {SYNC_INTERVAL_S} s "
                        "(the hall setting's minimum; default 5 s), window 03 also right after its business, as "
                        "the window does; local PostgreSQL. Baseline: push then pull run at once (10 visits)",
                   p50=percentile(seen, 50), baseline_p50=percentile(base, 50))]


# ----------------------------------------------------------------------------- first pull


def _node_batches(db, table: str) -> Iterator[tuple[tuple[str, str], list[dict]]]:
    """The table's rows window by window (as each window's pushes bring them), in batches."""
    from desktop.hub import tables

    cols = tables.columns(table)
    order = {"receipts": "serial", "audit": "hall_code, window_code, seq"}.get(table, "hall_code, window_code, rowid")
    cur = db.conn.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY {order}")
    part: list[dict] = []
    origin = None
    while chunk := cur.fetchmany(BATCH):
        for values in chunk:
            row = dict(zip(cols, values, strict=True))
            here = tables.origin(table, row)
            if part and (here != origin or len(part) == BATCH):
                yield origin, part
                part = []
            origin = here
            part.append(row)
    if part:
        yield origin, part


def _load_hub(run: Run, url: str) -> int:
    """Every business row of the bench hall onto the hub, through the hub's own ingest, window
    by window as their pushes would have put them there; the number of rows. (Not the check of
    each window's audit chain: the bench hall is one file, one chain, holding many windows'
    codes, which no real window's file is.)"""
    import psycopg

    from desktop.hub import ingest, schema, tables
    from desktop.records.db import connect
    from desktop.sync.engine import traces_of

    db = connect(run.db)
    rows_in = 0
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            for table in tables.ORDER:
                for origin, part in _node_batches(db, table):
                    with conn.transaction():
                        conn.execute("SELECT pg_advisory_xact_lock(%s)", [schema.PUSH_LOCK])
                        ingest.ingest_batch(conn, table, part, origin=origin,
                                            traces=traces_of(db, part) if table == "enrollments" else None)
                    rows_in += len(part)
                    if rows_in // 500_000 != (rows_in - len(part)) // 500_000:
                        run.log(f"    hub loaded with {rows_in:,} rows ...")
    finally:
        db.conn.close()
    return rows_in


def _bare_copy(url: str, target: Path) -> int:
    """The same rows COPYed out of the hub into bare SQLite tables (no keys, indexes or
    triggers), one transaction: what moving them costs at the least."""
    import psycopg

    from desktop.hub import tables

    out = sqlite3.connect(target, isolation_level=None)
    moved = 0
    try:
        out.execute("BEGIN")
        with psycopg.connect(url, autocommit=True) as conn:
            for table in tables.ORDER:
                cols = tables.columns(table)
                out.execute(f"CREATE TABLE bare_{table} ({', '.join(cols)})")
                insert = f"INSERT INTO bare_{table} VALUES ({', '.join('?' * len(cols))})"
                with conn.cursor().copy(f"COPY (SELECT {', '.join(cols)} FROM hub.{table} ORDER BY hub_seq) TO STDOUT") as copy:
                    batch = []
                    for row in copy.rows():
                        batch.append(row)
                        if len(batch) == BATCH:
                            out.executemany(insert, batch)
                            moved += len(batch)
                            batch = []
                    out.executemany(insert, batch)
                    moved += len(batch)
        out.execute("COMMIT")
    finally:
        out.close()
    return moved


def first_pull(run: Run) -> list[dict]:
    name = f"new window's first pull of a {run.persons:,}-person county"
    target = "report (no target)"
    missing = _available(name, "s", target)
    if missing:
        return [missing]
    from desktop.hub import schema
    from desktop.records.db import open_db
    from desktop.sync import sync_once

    with _hub() as server:
        t = time.perf_counter()
        rows = _load_hub(run, server.url)
        load_s = time.perf_counter() - t
        node = schema.add_node(server.url, "320412", "99")  # a window the hall has not seen
        db = open_db(run.work / "new-window.sqlite3")
        try:
            t = time.perf_counter()
            pulled = sync_once(db, node["url"]).pulled
            seconds = time.perf_counter() - t
            persons = db.conn.execute("SELECT count(*) FROM persons").fetchone()[0]
            size = (run.work / "new-window.sqlite3").stat().st_size
        finally:
            db.conn.close()
        t = time.perf_counter()
        moved = _bare_copy(node["url"], run.work / "bare-copy.sqlite3")
        base_s = time.perf_counter() - t
    return [figure(name, seconds, "s", target, None, baseline=base_s,
                   note=f"`yibao-desk sync` of an empty window file: {rows:,} rows ({pulled:,} businesses) pulled "
                        f"and {persons:,} persons, households and statuses derived, {pulled / seconds:,.0f} "
                        f"businesses/s, file {size / 1e6:,.0f} MB; baseline: COPY of the same {moved:,} rows out "
                        f"of PostgreSQL into bare SQLite tables, one transaction. Hub loaded through its ingest "
                        f"first ({load_s:.0f} s, not timed in the figure)",
                   businesses_per_s=pulled / seconds)]
