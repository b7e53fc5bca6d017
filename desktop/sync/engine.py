"""One sync of a window with its hub: push what the hub lacks, then pull what the window lacks.

    push  own rows past each table's watermark, up to the newest row when the push began, in
          batches; each batch one PostgreSQL transaction (under the hub's push lock: cursors
          follow commit order) and then the watermark in one SQLite transaction. Killed between
          the two, the batch is sent again and changes nothing (same key, same hash).
    pull  every other node's rows with a hub cursor above the window's and at most the highest
          cursor when the pull began, table by table in parent-to-child order, in batches; each
          batch one SQLite transaction holding the rows, what is derived from them and the new
          cursor.

Before pushing, the hub's record of this node's last chain head must still be in the file with
the same hash: a file restored from an old backup, or one that lost its newest entries, is
stopped here (and the hub refuses it again by trigger and by key).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from sqlite_utils import Database

from desktop.errors import Refusal
from desktop.hub import bundles, ingest, schema, tables
from desktop.records.tx import write
from desktop.sync import apply, credentials, state
from desktop.sync.rows import bounds, own_batches

BATCH = 2000
CONNECT_TIMEOUT_S = 5


@dataclass(frozen=True)
class SyncResult:
    pushed: int  # own businesses (audit entries) newly on the hub
    pulled: int  # other nodes' businesses (audit entries) newly in this file
    conflicts: int  # open conflicts known after this sync

    def as_dict(self) -> dict[str, int]:
        return {"pushed": self.pushed, "pulled": self.pulled, "conflicts": self.conflicts}


def connect(url: str) -> psycopg.Connection:
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
    except psycopg.OperationalError as exc:
        raise Refusal("hub_unreachable", f"连接不上中心库：{_first_line(exc)}", "hub") from exc


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def db_file(db: Database) -> str:
    return next(row[2] for row in db.conn.execute("PRAGMA database_list") if row[1] == "main")


def remember_hub(db: Database, url: str) -> None:
    """Keep the hub's URL for later syncs (the secret outside the file: credentials.py)."""
    ref = credentials.store(db_file(db), url)
    with write(db):
        db.conn.execute("UPDATE sync_node SET hub_ref = ? WHERE one = 1", [ref])


def hub_url(db: Database) -> str | None:
    """The URL remembered for this file, or None."""
    found = state.node(db)
    if not found or not found["hub_ref"]:
        return None
    return credentials.load(db_file(db), found["hub_ref"])


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def sync_once(db: Database, url: str | None = None, *, batch: int = BATCH) -> SyncResult:
    """Push then pull once. `url` None: the hub remembered for this file. Refusal on failure
    (the reason is also kept for `last_sync`)."""
    url = url or hub_url(db)
    if url is None:
        raise Refusal("no_hub", "本窗口还没有设置中心库，请用 yibao-desk sync --hub 连接地址 设置", "hub")
    try:
        with connect(url) as conn:
            hall, window = _identify(db, conn)
            pushed = push(db, conn, hall, window, batch=batch)
            pulled = pull(db, conn, hall, window, batch=batch)
    except (Refusal, psycopg.Error) as exc:
        reason = exc.message if isinstance(exc, Refusal) else f"中心库出错：{_first_line(exc)}"
        if state.node(db) is not None:
            with write(db):
                db.conn.execute(
                    "UPDATE sync_node SET last_attempt_at = ?, last_error = ? WHERE one = 1", [_now(), reason]
                )
        if isinstance(exc, Refusal):
            raise
        raise Refusal("hub_error", reason, "hub") from exc
    now = _now()
    with write(db):
        db.conn.execute(
            "UPDATE sync_node SET last_sync_at = ?, last_attempt_at = ?, last_error = NULL WHERE one = 1", [now, now]
        )
    if url != hub_url(db):
        remember_hub(db, url)
    return SyncResult(pushed, pulled, len(open_conflicts(db)))


def _identify(db: Database, conn: psycopg.Connection) -> tuple[str, str]:
    """This node's hall and window, as the hub knows the connection's role; the file must be the
    same node's (its first sync records it)."""
    hall, window = conn.execute("SELECT hub.me_hall(), hub.me_window()").fetchone()
    if hall is None:
        raise Refusal("node_disabled", "中心库没有这个窗口的启用节点（已停用或未登记），请联系管理员", "hub")
    known = state.node(db)
    if known is None:
        other = db.conn.execute(
            "SELECT hall_code, window_code FROM audit WHERE hall_code <> ? OR window_code <> ? LIMIT 1", [hall, window]
        ).fetchone()
        if other is not None:
            raise Refusal(
                "wrong_node",
                f"这个数据文件是窗口 {other[0]}-{other[1]} 的，不能用节点 {hall}-{window} 的连接同步",
                "hub",
            )
        with write(db):
            db.conn.execute("INSERT INTO sync_node (one, hall_code, window_code) VALUES (1, ?, ?)", [hall, window])
    elif (known["hall_code"], known["window_code"]) != (hall, window):
        raise Refusal(
            "wrong_node",
            f"这个数据文件属于节点 {known['hall_code']}-{known['window_code']}，"
            f"不能用节点 {hall}-{window} 的连接同步",
            "hub",
        )
    return hall, window


def _check_chain_head(db: Database, conn: psycopg.Connection, hall: str, window: str) -> None:
    head = conn.execute(
        "SELECT seq, hash FROM hub.chain_heads WHERE hall_code = %s AND window_code = %s ORDER BY seq DESC LIMIT 1",
        [hall, window],
    ).fetchone()
    if head is None:
        return
    local = db.conn.execute("SELECT hash FROM audit WHERE seq = ?", [head[0]]).fetchone()
    if local is None or bytes(local[0]) != bytes(head[1]):
        raise Refusal(
            "chain_regressed",
            f"本机审计记录与上次上传时不符（中心库记录到第 {head[0]} 条）：数据文件可能换成了旧备份或末尾记录丢失，"
            "已停止同步，请联系管理员核查",
            "hub",
        )


def push(db: Database, conn: psycopg.Connection, hall: str, window: str, *, batch: int = BATCH) -> int:
    _check_chain_head(db, conn, hall, window)
    upto = bounds(db, hall, window)
    pushed = 0
    for table in tables.ORDER:
        watermark, seen = state.cursor(db, table)
        for rows, mark in own_batches(db, table, hall, window, watermark, upto[table], batch):
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", [schema.PUSH_LOCK])
                new = send(db, conn, table, rows, (hall, window), changes_seen=state.cursor(db, "changes")[1])
            with write(db):
                state.set_pushed(db, table, mark)
            if table == "audit":
                pushed += len(new)
    _push_resolutions(db, conn, hall, window)
    return pushed


def send(
    db: Database, conn: psycopg.Connection, table: str, rows: list[dict[str, Any]], origin: tuple[str, str], *, changes_seen: int
) -> list:
    """One batch into the hub inside the caller's transaction (see ingest.ingest_batch), with the
    calculation traces the enrollments point at."""
    return ingest.ingest_batch(
        conn,
        table,
        rows,
        origin=origin,
        traces=traces_of(db, rows) if table == "enrollments" else None,
        changes_seen=changes_seen,
        rows_of=lambda ids: enrollment_rows(db, ids),
    )


def enrollment_rows(db: Database, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Enrollment rows by id, as stored (what their audit entries hash)."""
    cols = tables.columns("enrollments")
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        for values in db.conn.execute(
            f"SELECT {', '.join(cols)} FROM enrollments WHERE id IN ({', '.join('?' * len(part))})", part
        ):
            row = dict(zip(cols, values, strict=True))
            found[row["id"]] = row
    return found


def traces_of(db: Database, rows: list[dict[str, Any]]) -> dict[str, str]:
    """The trace texts enrollment rows point at, by key."""
    keys = sorted({r["trace_sha256"] for r in rows if r.get("trace_sha256")})
    found: dict[str, str] = {}
    for start in range(0, len(keys), 500):
        part = keys[start : start + 500]
        found.update(
            db.conn.execute(f"SELECT sha256, text FROM traces WHERE sha256 IN ({', '.join('?' * len(part))})", part).fetchall()
        )
    return found


def _push_resolutions(db: Database, conn: psycopg.Connection, hall: str, window: str) -> None:
    rows = db.conn.execute(
        "SELECT conflict_id, record_id, hall_code, window_code, operator_id, created_at FROM conflict_resolutions "
        "WHERE hall_code = ? AND window_code = ?",
        [hall, window],
    ).fetchall()
    if not rows:
        return
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [schema.PUSH_LOCK])
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO hub.conflict_resolutions (conflict_id, record_id, hall_code, window_code, operator_id, created_at) "
                "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (conflict_id) DO NOTHING",
                rows,
            )


def pull(db: Database, conn: psycopg.Connection, hall: str, window: str, *, batch: int = BATCH) -> int:
    high = bundles.high_water(conn)
    pulled = 0
    for table in tables.ORDER:
        cols = tables.columns(table)
        select = ", ".join(cols)
        _, seen = state.cursor(db, table)
        while seen < high:
            cur = conn.execute(
                f"SELECT {select}, hub_seq FROM hub.{table} WHERE hub_seq > %s AND hub_seq <= %s "
                "AND NOT (hall_code = %s AND window_code = %s) ORDER BY hub_seq LIMIT %s",
                [seen, high, hall, window, batch],
            )
            fetched = cur.fetchall()
            rows = [dict(zip(cols, r[:-1], strict=True)) for r in fetched]
            last = fetched[-1][-1] if fetched else high
            new = receive(db, conn, table, rows, last)
            if table == "audit":
                pulled += len(new)
            seen = last
    _pull_conflicts(db, conn, hall, window, high)
    return pulled


def receive(db: Database, conn: psycopg.Connection | None, table: str, rows: list[dict[str, Any]], cursor: int | None, traces: dict[str, str] | None = None) -> list:
    """One batch of other nodes' rows into the file, with what is derived from them, and the
    table's new cursor (when given): one SQLite transaction."""
    if table == "enrollments" and rows and traces is None and conn is not None:
        keys = sorted({r["trace_sha256"] for r in rows if r.get("trace_sha256")})
        traces = dict(conn.execute("SELECT sha256, text FROM hub.traces WHERE sha256 = ANY(%s)", [keys]).fetchall())
    with write(db):
        # A person may become another's alias before that one's row is in (apply._register).
        db.conn.execute("PRAGMA defer_foreign_keys = ON")
        if traces:
            apply.insert_traces(db, traces)
        new = apply.insert_rows(db, table, rows)
        apply.derive(db, table, new)
        if cursor is not None:
            state.set_pulled(db, table, cursor)
    return new


def _pull_conflicts(db: Database, conn: psycopg.Connection, hall: str, window: str, high: int) -> None:
    _, seen = state.cursor(db, "conflicts")
    found = conn.execute(
        "SELECT id, kind, subject, year, a_id, b_id, a_origin, b_origin, detail::text, found_at::text "
        "FROM hub.conflicts WHERE hub_seq > %s AND hub_seq <= %s",
        [seen, high],
    ).fetchall()
    resolved = conn.execute(
        "SELECT conflict_id, record_id, hall_code, window_code, operator_id, created_at "
        "FROM hub.conflict_resolutions WHERE hub_seq > %s AND hub_seq <= %s",
        [seen, high],
    ).fetchall()
    with write(db):
        db.conn.executemany("INSERT OR IGNORE INTO sync_conflicts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", found)
        db.conn.executemany("INSERT OR IGNORE INTO conflict_resolutions VALUES (?, ?, ?, ?, ?, ?)", resolved)
        state.set_pulled(db, "conflicts", high)


def open_conflicts(db: Database) -> list[dict[str, Any]]:
    """The conflicts this window knows of (as last pulled) that no business has resolved yet."""
    cur = db.conn.execute(
        "SELECT c.* FROM sync_conflicts c WHERE NOT EXISTS "
        "(SELECT 1 FROM conflict_resolutions r WHERE r.conflict_id = c.id) ORDER BY c.id"
    )
    keys = [d[0] for d in cur.description]
    return [dict(zip(keys, r, strict=True)) for r in cur.fetchall()]


def pending_count(db: Database) -> int:
    return state.pending_count(db)


def last_sync(db: Database) -> state.SyncStatus:
    return state.last_sync(db)


def hub_has_enrollment(url: str, id_number: str, year: int) -> dict[str, Any] | None:
    """Before a business: an enrollment of this person and year on the hub that is still in force
    (not refunded, not terminated), from whichever node; None when there is none. Refusal
    `hub_unreachable` when the hub cannot be reached (the window then goes on locally)."""
    with connect(url) as conn:
        row = conn.execute(
            "SELECT e.id, e.hall_code || '-' || e.window_code, e.receipt_serial, e.created_at "
            "FROM hub.person_numbers n JOIN hub.enrollments e ON e.person_id = n.person_id AND e.year = %s "
            "WHERE n.id_number = %s "
            "AND NOT EXISTS (SELECT 1 FROM hub.refund_payouts p WHERE p.enrollment_id = e.id) "
            "AND NOT EXISTS (SELECT 1 FROM hub.terminations t JOIN hub.review_requests r ON r.subject_id = t.id "
            " WHERE t.enrollment_id = e.id AND (SELECT count(*) FROM hub.reviews v WHERE v.request_id = r.id "
            " AND v.decision = 'approve') >= r.levels) "
            "ORDER BY e.created_at LIMIT 1",
            [year, id_number],
        ).fetchone()
    if row is None:
        return None
    return {"enrollment_id": row[0], "node": row[1], "receipt_serial": row[2], "created_at": row[3]}
