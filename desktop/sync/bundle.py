"""Bundles at a township centre without network: its own rows out, the county's rows in.

`export_bundle` writes the rows made here since the last bundle the hub acknowledged (every
reverse bundle names the last one the hub imported), numbered in sequence; an unacknowledged
bundle's rows go again in the next one (the hub skips what it has). `import_county` applies the
county's rows in one transaction, derives state from them as a sync would, and moves the pull
cursors forward only (an older reverse bundle brought again changes nothing).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from desktop.errors import Refusal
from desktop.hub import bundle_file, tables
from desktop.hub.bundles import CONFLICT_COLS, RESOLUTION_COLS
from desktop.hub.schema import node_code
from desktop.records.rows import one
from desktop.records.tx import write
from desktop.sync import state
from desktop.sync.engine import receive, traces_of
from desktop.sync.rows import bounds, own_batches

BATCH = 5000


def identity(db: Database) -> tuple[str, str]:
    """This file's node: as recorded by a sync, else the hall's configuration, else the one
    hall and window its audit entries carry. Recorded in sync_node."""
    known = state.node(db)
    if known is not None:
        return known["hall_code"], known["window_code"]
    config = one(db, "SELECT hall_code, window_code FROM hall_config WHERE one = 1")
    if config is not None:
        found = [(config["hall_code"], config["window_code"])]
    else:
        found = db.conn.execute("SELECT DISTINCT hall_code, window_code FROM audit LIMIT 2").fetchall()
    if len(found) != 1:
        raise Refusal("no_node", "无法确定本数据文件属于哪个窗口（尚未设置大厅或没有任何业务）", "db")
    hall, window = found[0]
    with write(db):
        db.conn.execute("INSERT INTO sync_node (one, hall_code, window_code) VALUES (1, ?, ?)", [hall, window])
    return hall, window


def export_bundle(db: Database, out: str | Path) -> dict[str, Any]:
    hall, window = identity(db)
    acked = one(db, "SELECT watermarks FROM bundles WHERE acknowledged = 1 ORDER BY seq DESC LIMIT 1")
    start = json.loads(acked["watermarks"]) if acked else {}
    seq = (db.conn.execute("SELECT max(seq) FROM bundles").fetchone()[0] or 0) + 1
    upto = bounds(db, hall, window)
    marks = dict(start)
    lines: list[tuple[str, dict[str, Any]]] = []
    for table in tables.ORDER:
        for rows, mark in own_batches(db, table, hall, window, start.get(table), upto[table], BATCH):
            if table == "enrollments":
                lines.extend(("traces", {"sha256": k, "text": t}) for k, t in traces_of(db, rows).items())
            lines.extend((table, r) for r in rows)
            marks[table] = mark
    created = datetime.now().astimezone().isoformat(timespec="seconds")
    manifest = bundle_file.write(
        out,
        {
            "kind": "node",
            "node": node_code(hall, window),
            "seq": seq,
            "created_at": created,
            "pulled": {t: state.cursor(db, t)[1] for t in tables.ORDER},
        },
        lines,
    )
    with write(db):
        db.conn.execute(
            "INSERT INTO bundles (seq, created_at, sha256, watermarks, rows) VALUES (?, ?, ?, ?, ?)",
            [seq, created, manifest["sha256"], json.dumps(marks), manifest["rows"]],
        )
    return {"bundle": str(out), "node": manifest["node"], "seq": seq, "rows": manifest["rows"], "sha256": manifest["sha256"]}


def import_county(db: Database, path: str | Path) -> dict[str, Any]:
    manifest, rows = bundle_file.read(path)
    if manifest.get("kind") != "county":
        raise Refusal("bad_bundle", "这是窗口导出的数据包，应导入中心库（hub import），不能导入窗口", "file")
    hall, window = identity(db)
    if manifest.get("for") != node_code(hall, window):
        raise Refusal(
            "wrong_node", f"这个数据包是给节点 {manifest.get('for')} 的，本窗口是 {node_code(hall, window)}", "file"
        )
    grouped = bundle_file.by_table(rows)
    traces = {r["sha256"]: r["text"] for r in grouped.get("traces", [])}
    pulled = 0
    high = int(manifest["high"])
    with write(db):  # the whole bundle or nothing
        for table in tables.ORDER:
            items = [r for r in grouped.get(table, []) if tables.origin(table, r) != (hall, window)]
            for start in range(0, len(items), BATCH):
                new = receive(db, None, table, items[start : start + BATCH], None, traces if table == "enrollments" else None)
                if table == "audit":
                    pulled += len(new)
            if state.cursor(db, table)[1] < high:
                state.set_pulled(db, table, high)
        db.conn.executemany(
            "INSERT OR IGNORE INTO sync_conflicts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [tuple(r[c] for c in CONFLICT_COLS) for r in grouped.get("sync_conflicts", [])],
        )
        db.conn.executemany(
            "INSERT OR IGNORE INTO conflict_resolutions VALUES (?, ?, ?, ?, ?, ?)",
            [tuple(r[c] for c in RESOLUTION_COLS) for r in grouped.get("conflict_resolutions", [])],
        )
        if state.cursor(db, "conflicts")[1] < high:
            state.set_pulled(db, "conflicts", high)
        db.conn.execute(
            "UPDATE bundles SET acknowledged = 1 WHERE seq <= ?", [int(manifest.get("acknowledged_bundle") or 0)]
        )
    return {"imported_from": "county", "pulled": pulled, "acknowledged_bundle": manifest.get("acknowledged_bundle")}
