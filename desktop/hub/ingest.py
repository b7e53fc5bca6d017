"""Rows into the hub, in bulk: a node's push and a centre's bundle go through here.

Each call runs inside the caller's PostgreSQL transaction, which holds the push lock
(`schema.PUSH_LOCK`), so hub cursors are handed out in commit order. Rows are copied (COPY) into
a temporary stage, inserted with `ON CONFLICT DO NOTHING`, and every row whose key was already
there must carry the same canonical hash: the same business sent twice (a push repeated after a
kill) changes nothing, a different row under a known key is refused.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
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


def ingest_batch(
    conn: psycopg.Connection,
    table: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    origin: tuple[str, str],
    traces: Mapping[str, str] | None = None,
    changes_seen: int = 0,
) -> list[Mapping[str, Any]]:
    """One batch of a node's rows, inside the caller's transaction (push lock held): the traces
    its enrollments point at, the rows, the conflicts they make, and after audit entries the
    node's new chain head. Returns the rows that were new."""
    if not rows:
        return []
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
