"""Bundles on the hub: a centre's bundle in (`hub import`), the county's rows out (`hub export`).

An import is one PostgreSQL transaction under the push lock: it refuses, writing nothing, a file
whose SHA-256 does not match, a sequence number already imported (a replay) or not the next one
(out of order), a row of another node, and audit entries that do not continue the node's chain
as the hub holds it (an edited row or entry). The node's last imported bundle and its pull
cursors (carried in the manifest) are then recorded: the reverse bundle acknowledges the first
and starts from the second.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg

from desktop.errors import Refusal
from desktop.hub import bundle_file, ingest, tables
from desktop.hub.schema import PUSH_LOCK, node_code, parse_node_code

BATCH = 5000


def import_bundle(url: str, path: str | Path) -> dict[str, Any]:
    manifest, rows = bundle_file.read(path)
    if manifest.get("kind") != "node":
        raise Refusal("bad_bundle", "这是中心库导出给乡镇中心的数据包，不能导入中心库", "file")
    hall, window = parse_node_code(str(manifest.get("node")))
    seq = manifest.get("seq")
    grouped = bundle_file.by_table(rows)
    for table, items in grouped.items():
        if table in tables.ORDER and any(tables.origin(table, r) != (hall, window) for r in items):
            raise Refusal("bundle_tampered", f"数据包中有不属于节点 {manifest['node']} 的记录，未导入任何记录", "file")
    with psycopg.connect(url) as conn:  # one transaction: all or nothing
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [PUSH_LOCK])
        node = conn.execute(
            "SELECT last_bundle, disabled_at FROM hub.nodes WHERE hall_code = %s AND window_code = %s FOR UPDATE",
            [hall, window],
        ).fetchone()
        if node is None:
            raise Refusal("unknown_node", f"节点 {manifest['node']} 未在中心库登记，请先 hub add-node", "file")
        if node[1] is not None:
            raise Refusal("node_disabled", f"节点 {manifest['node']} 已停用，不能导入其数据包", "file")
        last = node[0]
        if not isinstance(seq, int) or seq <= last:
            raise Refusal(
                "bundle_replayed",
                f"节点 {manifest['node']} 的第 {seq} 号数据包已经导入过（已导入到第 {last} 号），本次未导入任何记录",
                "file",
            )
        if seq != last + 1:
            raise Refusal(
                "bundle_out_of_order",
                f"数据包顺序不对：节点 {manifest['node']} 应导入第 {last + 1} 号，这是第 {seq} 号，本次未导入任何记录",
                "file",
            )
        in_bundle = {r["id"]: r for r in grouped.get("enrollments", [])}
        traces = {r["sha256"]: r["text"] for r in grouped.get("traces", [])}
        pulled = manifest.get("pulled") or {}
        counts = {}
        for table in tables.ORDER:
            items = grouped.get(table, [])
            new = 0
            for start in range(0, len(items), BATCH):
                part = items[start : start + BATCH]
                new += len(
                    _checked_batch(
                        conn,
                        table,
                        part,
                        origin=(hall, window),
                        traces=traces if table == "enrollments" else None,
                        changes_seen=int(pulled.get("changes", 0)),
                        rows_of=lambda ids: _enrollments(conn, in_bundle, ids),
                    )
                )
            if items:
                counts[table] = new
        conn.execute(
            "UPDATE hub.nodes SET last_bundle = %s, pulled = %s WHERE hall_code = %s AND window_code = %s",
            [seq, json.dumps(pulled), hall, window],
        )
    return {"imported": manifest["node"], "seq": seq, "rows": counts}


def _checked_batch(*args: Any, **kwargs: Any) -> list:
    """ingest_batch, its refusals of a broken chain or serials named as a tampered bundle."""
    try:
        return ingest.ingest_batch(*args, **kwargs)
    except Refusal as r:
        if r.code in ("chain_gap", "chain_broken", "serial_gap", "hub_row_differs"):
            raise Refusal("bundle_tampered", f"数据包被改动或不完整，未导入任何记录：{r.message}", "file") from r
        raise


def _enrollments(conn: psycopg.Connection, in_bundle: dict[str, dict[str, Any]], ids: list[str]) -> dict[str, Any]:
    """Enrollment rows an audit entry hashes: from the bundle, else those the hub holds."""
    found = {i: in_bundle[i] for i in ids if i in in_bundle}
    missing = [i for i in ids if i not in found]
    if missing:
        cols = tables.columns("enrollments")
        for values in conn.execute(f"SELECT {', '.join(cols)} FROM hub.enrollments WHERE id = ANY(%s)", [missing]):
            found[values[0]] = dict(zip(cols, values, strict=True))
    return found


def high_water(conn: psycopg.Connection) -> int:
    """The highest hub cursor committed: every row numbered at or below it is visible (cursors
    are taken under the push lock, in commit order)."""
    parts = " UNION ALL ".join(
        f"SELECT max(hub_seq) FROM hub.{t}" for t in (*tables.ORDER, "conflicts", "conflict_resolutions")
    )
    return conn.execute(f"SELECT coalesce(max(m), 0) FROM ({parts}) AS x(m)").fetchone()[0]


def export_for(url: str, code: str, out: str | Path) -> dict[str, Any]:
    """The county's rows a centre lacks (by the cursors its last bundle carried) into `out`."""
    hall, window = parse_node_code(code)
    with psycopg.connect(url) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")  # one snapshot for the file
        node = conn.execute(
            "SELECT last_bundle, pulled FROM hub.nodes WHERE hall_code = %s AND window_code = %s", [hall, window]
        ).fetchone()
        if node is None:
            raise Refusal("unknown_node", f"节点 {code} 未在中心库登记", "for")
        last_bundle, pulled = node
        high = high_water(conn)
        lines: list[tuple[str, dict[str, Any]]] = []
        for table in tables.ORDER:
            cols = tables.columns(table)
            found = conn.execute(
                f"SELECT {', '.join(cols)} FROM hub.{table} WHERE hub_seq > %s AND hub_seq <= %s "
                "AND NOT (hall_code = %s AND window_code = %s) ORDER BY hub_seq",
                [int(pulled.get(table, 0)), high, hall, window],
            ).fetchall()
            rows = [dict(zip(cols, r, strict=True)) for r in found]
            if table == "enrollments" and rows:
                keys = sorted({r["trace_sha256"] for r in rows if r["trace_sha256"]})
                for key, text in conn.execute(
                    "SELECT sha256, text FROM hub.traces WHERE sha256 = ANY(%s)", [keys]
                ).fetchall():
                    lines.append(("traces", {"sha256": key, "text": text}))
            lines.extend((table, r) for r in rows)
        for row in conn.execute(
            "SELECT id, kind, subject, year, a_id, b_id, a_origin, b_origin, detail::text AS detail, "
            "found_at::text AS found_at FROM hub.conflicts WHERE hub_seq <= %s",
            [high],
        ).fetchall():
            lines.append(("sync_conflicts", dict(zip(CONFLICT_COLS, row, strict=True))))
        for row in conn.execute(
            "SELECT conflict_id, record_id, hall_code, window_code, operator_id, created_at "
            "FROM hub.conflict_resolutions WHERE hub_seq <= %s",
            [high],
        ).fetchall():
            lines.append(("conflict_resolutions", dict(zip(RESOLUTION_COLS, row, strict=True))))
    manifest = bundle_file.write(
        out,
        {"kind": "county", "for": node_code(hall, window), "acknowledged_bundle": last_bundle, "high": high},
        lines,
    )
    return {"exported_for": manifest["for"], "rows": manifest["rows"], "acknowledged_bundle": last_bundle, "sha256": manifest["sha256"]}


CONFLICT_COLS = ("id", "kind", "subject", "year", "a_id", "b_id", "a_origin", "b_origin", "detail", "found_at")
RESOLUTION_COLS = ("conflict_id", "record_id", "hall_code", "window_code", "operator_id", "created_at")
