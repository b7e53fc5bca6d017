"""Rows into the hub, in bulk: a node's push and a centre's bundle go through here.

Each call runs inside the caller's PostgreSQL transaction, which holds the push lock
(`schema.PUSH_LOCK`), so hub cursors are handed out in commit order. Rows are copied (COPY) into
a temporary stage, inserted with `ON CONFLICT DO NOTHING`, and every row whose key was already
there must carry the same canonical hash: the same business sent twice (a push repeated after a
kill) changes nothing, a different row under a known key is refused.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import psycopg
from psycopg import sql

from desktop.errors import Refusal
from desktop.hub import canonical, conflicts, tables
from desktop.hub.schema import _TYPES

TABLE_LABELS = {
    "audit": "审计记录",
    "receipts": "收据",
    "enrollments": "参保缴费记录",
    "changes": "变更记录",
    "traces": "计算过程",
}


def _stage(conn: psycopg.Connection, name: str, cols: Sequence[tuple[str, str]]) -> None:
    conn.execute(
        sql.SQL("CREATE TEMP TABLE IF NOT EXISTS {} ({}, row_sha256 text, ord int) ON COMMIT DELETE ROWS").format(
            sql.Identifier(name),
            sql.SQL(", ").join(sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(_TYPES[t])) for c, t in cols),
        )
    )
    conn.execute(sql.SQL("TRUNCATE {}").format(sql.Identifier(name)))


def ingest(conn: psycopg.Connection, table: str, rows: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Insert `rows` (as the window stores them) into hub.<table>; returns the rows that were new.

    Refuses (Refusal `hub_row_differs`) when a row's key is on the hub with a different hash."""
    if not rows:
        return []
    decl = tables.declared(table)
    cols = [c for c, _ in decl]
    keys = tables.key(table)
    stage = f"stage_{table}"
    _stage(conn, stage, decl)
    with conn.cursor() as cur:
        with cur.copy(
            sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(stage), sql.SQL(", ").join(map(sql.Identifier, [*cols, "row_sha256", "ord"]))
            )
        ) as copy:
            for n, row in enumerate(rows):
                values = [row[c] for c in cols]
                copy.write_row([*values, canonical.row_sha256(dict(zip(cols, values, strict=True))), n])
        col_list = sql.SQL(", ").join(map(sql.Identifier, [*cols, "row_sha256"]))
        key_list = sql.SQL(", ").join(map(sql.Identifier, keys))
        cur.execute(
            sql.SQL(
                # in the node's order: hub cursors keep a correction after what it corrects
                "INSERT INTO {} ({}) SELECT {} FROM {} ORDER BY ord ON CONFLICT DO NOTHING RETURNING {}"
            ).format(sql.Identifier("hub", table), col_list, col_list, sql.Identifier(stage), key_list)
        )
        new = {tuple(r) for r in cur.fetchall()}
        if len(new) < len(rows):
            join = sql.SQL(" AND ").join(
                sql.SQL("h.{k} = s.{k}").format(k=sql.Identifier(k)) for k in keys
            )
            cur.execute(
                sql.SQL("SELECT {} FROM {} s JOIN {} h ON {} WHERE h.row_sha256 <> s.row_sha256 LIMIT 1").format(
                    sql.SQL(", ").join(sql.SQL("s.{}").format(sql.Identifier(k)) for k in keys),
                    sql.Identifier(stage),
                    sql.Identifier("hub", table),
                    join,
                )
            )
            differs = cur.fetchone()
            if differs is not None:
                label = TABLE_LABELS.get(table, table)
                raise Refusal(
                    "hub_row_differs",
                    f"中心库已有编号为 {'/'.join(map(str, differs))} 的{label}，但内容与本次上传的不同："
                    "同一笔业务不能有两种内容（数据文件可能被改动或换成了旧备份），本批没有写入，请联系管理员核查",
                    "hub",
                )
    return [row for row in rows if tuple(row[k] for k in keys) in new]


def ingest_traces(conn: psycopg.Connection, traces: Mapping[str, str], origin: tuple[str, str]) -> None:
    """Calculation traces (content-addressed) the pushed enrollments point at."""
    if not traces:
        return
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO hub.traces (sha256, text, hall_code, window_code, row_sha256) "
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (sha256) DO NOTHING",
            [
                (key, text, *origin, canonical.row_sha256({"sha256": key, "text": text}))
                for key, text in traces.items()
            ],
        )


def check_serials(conn: psycopg.Connection, receipts: Sequence[Mapping[str, Any]]) -> None:
    """The batch's receipts continue each node's serials per year without a gap (those the hub
    has already are a repeated push: `ingest` checks they are the same)."""
    by_node_year: dict[tuple[str, int], list[int]] = {}
    for row in receipts:
        serial = row["serial"]
        by_node_year.setdefault((serial[:9], int(serial[10:14])), []).append(int(serial[15:21]))
    for (node, year), seqs in by_node_year.items():
        top = conn.execute(
            "SELECT coalesce(max(seq), 0) FROM hub.receipts WHERE hall_code = %s AND window_code = %s AND year = %s",
            [node[:6], node[7:9], year],
        ).fetchone()[0]
        expected = top + 1
        for seq in sorted(s for s in seqs if s > top):
            if seq != expected:
                raise Refusal(
                    "serial_gap",
                    f"节点 {node} 的 {year} 年度收据号不连续：中心库应收到第 {expected:06d} 号，却是第 {seq:06d} 号，"
                    "本批没有写入，请联系管理员核查",
                    "hub",
                )
            expected += 1


def check_chain(
    conn: psycopg.Connection,
    origin: tuple[str, str],
    entries: Sequence[Mapping[str, Any]],
    rows_of: Callable[[list[str]], Mapping[str, Mapping[str, Any]]],
) -> None:
    """The node's new audit entries continue its chain as the hub holds it, each entry's hash
    recomputed (an entry about an enrollment with the enrollment row `rows_of` gives)."""
    from desktop.records import audit

    hall, window = origin
    head = conn.execute(
        "SELECT seq, hash FROM hub.audit WHERE hall_code = %s AND window_code = %s ORDER BY seq DESC LIMIT 1",
        [hall, window],
    ).fetchone()
    top, prev = (head[0], bytes(head[1])) if head else (0, audit.GENESIS)
    fresh = sorted((e for e in entries if e["seq"] > top), key=lambda e: e["seq"])
    wanted = [e["entity_id"] for e in fresh if e["entity"] in audit.ROW_HASHED and e["payload"] is None]
    business = rows_of(wanted) if wanted else {}
    cols = tables.columns("enrollments")
    for entry in fresh:
        if entry["seq"] != top + 1:
            raise Refusal("chain_gap", f"审计记录缺少第 {top + 1} 条，本批没有写入，请联系管理员核查", "hub")
        row_sha = None
        if entry["entity"] in audit.ROW_HASHED and entry["payload"] is None:
            row = business.get(entry["entity_id"])
            if row is None:
                raise Refusal("chain_broken", f"第 {entry['seq']} 条审计记录所指的业务记录缺失，本批没有写入", "hub")
            row_sha = canonical.row_sha256({c: row[c] for c in cols})
        if audit.entry_hash(prev, entry, row_sha) != bytes(entry["hash"]):
            raise Refusal(
                "chain_broken",
                f"第 {entry['seq']} 条审计记录或其业务记录与哈希不符（记录被改动），本批没有写入，请联系管理员核查",
                "hub",
            )
        top, prev = entry["seq"], bytes(entry["hash"])


def ingest_batch(
    conn: psycopg.Connection,
    table: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    origin: tuple[str, str],
    traces: Mapping[str, str] | None = None,
    changes_seen: int = 0,
    rows_of: Callable[[list[str]], Mapping[str, Mapping[str, Any]]] | None = None,
) -> list[Mapping[str, Any]]:
    """One batch of a node's rows, inside the caller's transaction (push lock held): the traces
    its enrollments point at, the rows, the conflicts they make, and after audit entries the
    node's new chain head. Audit entries must continue the node's chain (`rows_of` gives the
    enrollment rows entries about enrollments hash), receipts its serials. Returns the new rows."""
    if not rows:
        return []
    if table == "audit" and rows_of is not None:
        check_chain(conn, origin, rows, rows_of)
    if table == "receipts":
        check_serials(conn, rows)
    if traces:
        ingest_traces(conn, traces, origin)
    new = ingest(conn, table, rows)
    if table == "enrollments":
        conflicts.detect(conn, enrollments=[r["id"] for r in new])
    elif table == "changes":
        conflicts.detect(conn, changes=[r["id"] for r in new], changes_seen=changes_seen)
    elif table == "audit":
        registrations = [
            (json.loads(r["payload"])["id_number"], r["entity_id"])
            for r in new
            if r["entity"] == "persons" and r["action"] == "register"
        ]
        if registrations:
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO hub.person_numbers (person_id, id_number, hall_code, window_code) "
                    "VALUES (%s, %s, %s, %s) ON CONFLICT (person_id) DO NOTHING",
                    [(person, number, *origin) for number, person in registrations],
                )
        conflicts.detect(conn, registrations=registrations)
        last = rows[-1]
        conn.execute(
            "INSERT INTO hub.chain_heads (hall_code, window_code, seq, hash) VALUES (%s, %s, %s, %s)",
            [last["hall_code"], last["window_code"], last["seq"], last["hash"]],
        )
    return new
