"""`hub verify`: every node's receipt serials and audit chain, as the hub holds them.

    serials   per node and year the sequence numbers run 1..n: no gap (a duplicate cannot be
              stored, the serial is the key), and every business row's receipt is there
    chain     each node's audit entries from seq 1 without a gap, each entry's hash recomputed
              (records.audit.entry_hash) from its content, the previous hash and, for an entry
              about an enrollment, the canonical hash of the enrollment row the hub holds: an
              entry or a business row edited on the hub breaks it as it would in the window
    rows      every replicated row's canonical hash against the one recorded when it arrived
    heads     the newest chain head each node reported is an entry of its chain
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
from psycopg import sql

from desktop.hub import canonical, tables
from desktop.records import audit

_CHUNK = 5000


def verify(url: str) -> dict[str, Any]:
    with psycopg.connect(url) as conn:
        problems: dict[str, list[str]] = {}
        counts: dict[str, dict[str, int]] = {}

        def note(node: str, text: str) -> None:
            problems.setdefault(node, []).append(text)

        for hall, window in conn.execute("SELECT hall_code, window_code FROM hub.nodes ORDER BY 1, 2").fetchall():
            counts[f"{hall}-{window}"] = {"audit": 0, "receipts": 0}
        for hall, window, year, n, top in conn.execute(
            "SELECT hall_code, window_code, year, count(*), max(seq) FROM hub.receipts GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        ).fetchall():
            node = f"{hall}-{window}"
            counts.setdefault(node, {"audit": 0, "receipts": 0})["receipts"] += n
            if n != top:
                missing = conn.execute(
                    "SELECT min(s) FROM generate_series(1, %s) s WHERE NOT EXISTS (SELECT 1 FROM hub.receipts r "
                    "WHERE r.hall_code = %s AND r.window_code = %s AND r.year = %s AND r.seq = s)",
                    [top, hall, window, year],
                ).fetchone()[0]
                note(node, f"{year} 年度收据号不连续：缺少第 {missing:06d} 号（共 {n} 张，最大号 {top:06d}）")
        from desktop.records.receipts import BUSINESS_TABLES

        for table in BUSINESS_TABLES:  # a business row's receipt arrives before the row
            for hall, window, serial in conn.execute(
                sql.SQL(
                    "SELECT hall_code, window_code, receipt_serial FROM {} x WHERE NOT EXISTS "
                    "(SELECT 1 FROM hub.receipts r WHERE r.serial = x.receipt_serial)"
                ).format(sql.Identifier("hub", table))
            ).fetchall():
                note(f"{hall}-{window}", f"收据 {serial} 不在中心库（{table} 中的业务记录指向它）")
        for node, seq, reason in _walk_chains(conn):
            if seq is None:
                counts.setdefault(node, {"audit": 0, "receipts": 0})["audit"] = reason  # type: ignore[assignment]
            else:
                note(node, f"审计链在第 {seq} 条断开：{reason}")
        for table in (*tables.ORDER, "traces"):
            for node, key in _rows_differing(conn, table):
                note(node, f"{table} 中 {key} 的内容与上传时的哈希不符（中心库中的记录被改动）")
        for hall, window, seq in conn.execute(
            "SELECT DISTINCT ON (hall_code, window_code) hall_code, window_code, seq FROM hub.chain_heads h "
            "WHERE NOT EXISTS (SELECT 1 FROM hub.audit a WHERE a.hall_code = h.hall_code AND "
            "a.window_code = h.window_code AND a.seq = h.seq AND a.hash = h.hash) "
            "ORDER BY hall_code, window_code, seq DESC"
        ).fetchall():
            note(f"{hall}-{window}", f"上传时报告的审计链末条（第 {seq} 条）在中心库中不存在或已改变")
    nodes = [
        {"node": node, **counts.get(node, {}), "ok": node not in problems, "problems": problems.get(node, [])}
        for node in sorted(set(counts) | set(problems))
    ]
    return {"ok": not problems, "nodes": nodes}


def _walk_chains(conn: psycopg.Connection) -> Iterator[tuple[str, int | None, Any]]:
    """(node, seq, reason) of the first broken entry of each node's chain; (node, None, count)
    for each node walked."""
    cols = ["seq", *audit.COLUMNS]
    enrollment_cols = tables.columns("enrollments")
    node, prev, expected, broken, walked = None, audit.GENESIS, 1, False, 0
    with conn.cursor(name="audit_walk") as cur:
        cur.itersize = _CHUNK
        cur.execute(f"SELECT {', '.join(cols)} FROM hub.audit ORDER BY hall_code, window_code, seq")
        while True:
            chunk = cur.fetchmany(_CHUNK)
            if not chunk:
                break
            rows = [dict(zip(cols, r, strict=True)) for r in chunk]
            wanted = [r["entity_id"] for r in rows if r["entity"] in audit.ROW_HASHED and r["payload"] is None]
            stored = {}
            if wanted:
                found = conn.execute(
                    f"SELECT {', '.join(enrollment_cols)} FROM hub.enrollments WHERE id = ANY(%s)", [wanted]
                ).fetchall()
                stored = {r[0]: dict(zip(enrollment_cols, r, strict=True)) for r in found}
            for row in rows:
                here = f"{row['hall_code']}-{row['window_code']}"
                if here != node:
                    if node is not None:
                        yield node, None, walked
                    node, prev, expected, broken, walked = here, audit.GENESIS, 1, False, 0
                walked += 1
                if broken:
                    continue
                reason = None
                if row["seq"] != expected:
                    reason = f"缺少第 {expected} 条起的记录"
                else:
                    row_sha = None
                    if row["entity"] in audit.ROW_HASHED and row["payload"] is None:
                        business = stored.get(row["entity_id"])
                        if business is None:
                            reason = "审计记录所指的参保缴费记录不在中心库"
                        else:
                            row_sha = canonical.row_sha256(business)
                    if reason is None and audit.entry_hash(prev, row, row_sha) != bytes(row["hash"]):
                        reason = "记录内容与其哈希不符"
                if reason is not None:
                    broken = True
                    yield here, row["seq"], reason
                    continue
                prev, expected = bytes(row["hash"]), row["seq"] + 1
    if node is not None:
        yield node, None, walked


def _rows_differing(conn: psycopg.Connection, table: str) -> Iterator[tuple[str, str]]:
    cols = list(tables.columns(table))
    keys = list(tables.key(table))
    with conn.cursor(name=f"rows_{table}") as cur:
        cur.itersize = _CHUNK
        cur.execute(
            sql.SQL("SELECT {}, hall_code, window_code, row_sha256 FROM {}").format(
                sql.SQL(", ").join(map(sql.Identifier, cols)), sql.Identifier("hub", table)
            )
        )
        for values in cur:
            row = dict(zip(cols, values[: len(cols)], strict=True))
            if canonical.row_sha256(row) != values[-1]:
                yield f"{values[-3]}-{values[-2]}", "/".join(str(row[k]) for k in keys)
