"""The hub's schema in PostgreSQL, its node roles and the row-level security that binds them.

Everything lives in the schema `hub`. Each replicated table mirrors the window's table (its
columns read from the window's schema: TEXT -> text, INTEGER -> bigint, BLOB -> bytea, so every
value reads back as the window wrote it) plus:

    hub_seq      the hub's cursor: one sequence over every table, taken while the push lock is
                 held, so a node that has read up to N has seen every row numbered N or less
    row_sha256   the row's canonical SHA-256 (desktop/hub/canonical.py), checked on a re-push
    received_at  when the hub took it

One PostgreSQL role per node (a window or a township centre), member of the database's group
role `<db>_node`. The group may SELECT and INSERT on the replicated tables and nothing else
(no UPDATE, no DELETE granted); row-level security lets an insert through only when the row's
hall and window codes are the node's own, read from `hub.nodes` for the session's role, and a
disabled node (or a role not in `hub.nodes`) matches no code at all.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
from psycopg import sql

from desktop.errors import Refusal
from desktop.hub import tables

PUSH_LOCK = 7_120_412  # pg_advisory_xact_lock key every push and import takes
_TYPES = {"INTEGER": "bigint", "TEXT": "text", "BLOB": "bytea"}
HUB_VERSION = 1

_BASE = """
CREATE SCHEMA IF NOT EXISTS hub;
CREATE SEQUENCE IF NOT EXISTS hub.cursor;
CREATE TABLE IF NOT EXISTS hub.meta (one int PRIMARY KEY CHECK (one = 1), version int NOT NULL);
CREATE TABLE IF NOT EXISTS hub.nodes (
  role_name   text PRIMARY KEY,
  hall_code   text NOT NULL CHECK (length(hall_code) = 6),
  window_code text NOT NULL CHECK (length(window_code) = 2),
  created_at  timestamptz NOT NULL DEFAULT now(),
  disabled_at timestamptz,
  last_bundle bigint NOT NULL DEFAULT 0,
  UNIQUE (hall_code, window_code)
);
-- A centre's pull cursors as its last bundle carried them: where the reverse bundle starts.
ALTER TABLE hub.nodes ADD COLUMN IF NOT EXISTS pulled jsonb NOT NULL DEFAULT '{}';
CREATE TABLE IF NOT EXISTS hub.traces (
  sha256 text PRIMARY KEY, text text NOT NULL,
  hall_code text NOT NULL, window_code text NOT NULL,
  hub_seq bigint NOT NULL DEFAULT nextval('hub.cursor'),
  row_sha256 text NOT NULL, received_at timestamptz NOT NULL DEFAULT now()
);
-- Each person's ID number as registered (from the registration's audit entry): what conflict
-- detection and the pre-business check join on, by index, instead of parsing audit payloads.
CREATE TABLE IF NOT EXISTS hub.person_numbers (
  person_id text PRIMARY KEY,
  id_number text NOT NULL,
  hall_code text NOT NULL, window_code text NOT NULL
);
CREATE INDEX IF NOT EXISTS person_numbers_number ON hub.person_numbers (id_number);
-- The newest audit entry of a node at each of its pushes: a node whose file later lost entries
-- shows a head below one it reported before.
CREATE TABLE IF NOT EXISTS hub.chain_heads (
  id bigserial PRIMARY KEY,
  hall_code text NOT NULL, window_code text NOT NULL,
  seq bigint NOT NULL, hash bytea NOT NULL,
  pushed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS chain_heads_node ON hub.chain_heads (hall_code, window_code, seq);
-- What cannot be merged automatically, kept and shown; never updated: a resolution is a row
-- of its own, pointing at the business that resolved it.
CREATE TABLE IF NOT EXISTS hub.conflicts (
  id bigserial PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('double_enrollment', 'same_id_number', 'same_field')),
  subject text NOT NULL,
  year int,
  a_id text NOT NULL, b_id text NOT NULL,
  a_origin text NOT NULL, b_origin text NOT NULL,
  detail jsonb NOT NULL DEFAULT '{}',
  found_by text NOT NULL DEFAULT session_user,
  found_at timestamptz NOT NULL DEFAULT now(),
  hub_seq bigint NOT NULL DEFAULT nextval('hub.cursor'),
  UNIQUE (kind, a_id, b_id),
  CHECK (a_id < b_id)
);
CREATE TABLE IF NOT EXISTS hub.conflict_resolutions (
  conflict_id bigint PRIMARY KEY REFERENCES hub.conflicts(id),
  record_id text NOT NULL,
  hall_code text NOT NULL, window_code text NOT NULL,
  operator_id text NOT NULL, created_at text NOT NULL,
  hub_seq bigint NOT NULL DEFAULT nextval('hub.cursor')
);
"""

# The node the session's role is, while enabled (SECURITY DEFINER: nodes cannot read hub.nodes).
_FUNCTIONS = """
CREATE OR REPLACE FUNCTION hub.me_hall() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = hub, pg_temp
  AS $$ SELECT hall_code FROM hub.nodes WHERE role_name = session_user AND disabled_at IS NULL $$;
CREATE OR REPLACE FUNCTION hub.me_window() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = hub, pg_temp
  AS $$ SELECT window_code FROM hub.nodes WHERE role_name = session_user AND disabled_at IS NULL $$;
CREATE OR REPLACE FUNCTION hub.me_last_bundle() RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = hub, pg_temp
  AS $$ SELECT last_bundle FROM hub.nodes WHERE role_name = session_user $$;
"""


def group_role(conn: psycopg.Connection) -> str:
    name = conn.execute("SELECT current_database()").fetchone()[0]
    return f"{name}_node"


def _mirror_ddl(table: str) -> list[sql.Composable]:
    ident = sql.Identifier("hub", table)
    cols = [sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(_TYPES[t])) for c, t in tables.declared(table)]
    if table == "receipts":  # the hall and window of a receipt are spelled in its serial
        cols += [
            sql.SQL("hall_code text GENERATED ALWAYS AS (substr(serial, 1, 6)) STORED"),
            sql.SQL("window_code text GENERATED ALWAYS AS (substr(serial, 8, 2)) STORED"),
            sql.SQL("year int GENERATED ALWAYS AS (substr(serial, 11, 4)::int) STORED"),
            sql.SQL("seq int GENERATED ALWAYS AS (substr(serial, 16, 6)::int) STORED"),
        ]
    cols += [
        sql.SQL("hub_seq bigint NOT NULL DEFAULT nextval('hub.cursor')"),
        sql.SQL("row_sha256 text NOT NULL"),
        sql.SQL("received_at timestamptz NOT NULL DEFAULT now()"),
        sql.SQL("PRIMARY KEY ({})").format(sql.SQL(", ").join(map(sql.Identifier, tables.key(table)))),
    ]
    out = [sql.SQL("CREATE TABLE IF NOT EXISTS {} ({})").format(ident, sql.SQL(", ").join(cols))]
    # An upgrade: columns a later window schema added
    for c, t in tables.declared(table):
        out.append(
            sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} {}").format(ident, sql.Identifier(c), sql.SQL(_TYPES[t]))
        )
    out.append(sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (hub_seq)").format(sql.Identifier(f"{table}_hub_seq"), ident))
    return out


_EXTRA_INDEXES = """
CREATE INDEX IF NOT EXISTS enrollments_person_year ON hub.enrollments (person_id, year);
CREATE INDEX IF NOT EXISTS changes_person_field ON hub.changes (person_id, field);
DROP INDEX IF EXISTS hub.audit_registered_number;
DROP INDEX IF EXISTS hub.audit_entity;
CREATE INDEX IF NOT EXISTS receipts_record ON hub.receipts (record_id);
CREATE INDEX IF NOT EXISTS refund_payouts_enrollment ON hub.refund_payouts (enrollment_id);
CREATE INDEX IF NOT EXISTS terminations_enrollment ON hub.terminations (enrollment_id);
CREATE INDEX IF NOT EXISTS review_requests_subject ON hub.review_requests (subject_id);
CREATE INDEX IF NOT EXISTS reviews_request ON hub.reviews (request_id);
-- A node's reported chain head may only move forward, and must be an entry the hub holds.
CREATE OR REPLACE FUNCTION hub.check_chain_head() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM hub.chain_heads h WHERE h.hall_code = NEW.hall_code
             AND h.window_code = NEW.window_code AND h.seq > NEW.seq) THEN
    RAISE EXCEPTION '节点 %-% 的审计记录少于上次上传时（第 % 条之后的记录不见了）',
      NEW.hall_code, NEW.window_code, NEW.seq USING ERRCODE = 'check_violation';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM hub.audit a WHERE a.hall_code = NEW.hall_code
                 AND a.window_code = NEW.window_code AND a.seq = NEW.seq AND a.hash = NEW.hash) THEN
    RAISE EXCEPTION '节点 %-% 报告的审计链末条（第 % 条）与中心库不符',
      NEW.hall_code, NEW.window_code, NEW.seq USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS chain_head_forward ON hub.chain_heads;
CREATE TRIGGER chain_head_forward BEFORE INSERT ON hub.chain_heads
  FOR EACH ROW EXECUTE FUNCTION hub.check_chain_head();
"""

# Tables a node writes its own rows into (row-level security by hall and window codes).
_NODE_WRITES = (*tables.ORDER, "traces", "chain_heads", "conflict_resolutions", "person_numbers")


def init_hub(url: str) -> dict[str, Any]:
    """Create or upgrade the hub schema (idempotent); one transaction."""
    with psycopg.connect(url) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [PUSH_LOCK])
        group = group_role(conn)
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [group]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(group)))
        conn.execute(_BASE)
        conn.execute(_FUNCTIONS)
        for table in tables.ORDER:
            for statement in _mirror_ddl(table):
                conn.execute(statement)
        conn.execute(_EXTRA_INDEXES)
        g = sql.Identifier(group)
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA hub TO {}").format(g))
        conn.execute(sql.SQL("GRANT USAGE ON SEQUENCE hub.cursor TO {}").format(g))
        conn.execute(sql.SQL("GRANT USAGE ON SEQUENCE hub.chain_heads_id_seq, hub.conflicts_id_seq TO {}").format(g))
        conn.execute(sql.SQL("GRANT EXECUTE ON FUNCTION hub.me_hall(), hub.me_window(), hub.me_last_bundle() TO {}").format(g))
        conn.execute(sql.SQL("REVOKE ALL ON hub.nodes, hub.meta FROM {}").format(g))
        for table in (*_NODE_WRITES, "conflicts"):
            ident = sql.Identifier("hub", table)
            conn.execute(sql.SQL("REVOKE ALL ON {} FROM {}").format(ident, g))
            conn.execute(sql.SQL("GRANT SELECT, INSERT ON {} TO {}").format(ident, g))
            conn.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(ident))
            for policy in ("node_read", "node_insert"):
                conn.execute(sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(sql.Identifier(policy), ident))
            conn.execute(sql.SQL("CREATE POLICY node_read ON {} FOR SELECT TO {} USING (true)").format(ident, g))
            check = (
                sql.SQL("hub.me_hall() IS NOT NULL")  # any enabled node may report a conflict
                if table == "conflicts"
                else sql.SQL("hall_code = hub.me_hall() AND window_code = hub.me_window()")
            )
            conn.execute(
                sql.SQL("CREATE POLICY node_insert ON {} FOR INSERT TO {} WITH CHECK ({})").format(ident, g, check)
            )
        conn.execute(
            "INSERT INTO hub.meta (one, version) VALUES (1, %s) ON CONFLICT (one) DO UPDATE SET version = excluded.version",
            [HUB_VERSION],
        )
    return {"hub": "ready", "version": HUB_VERSION, "tables": len(tables.ORDER)}


def node_code(hall_code: str, window_code: str) -> str:
    """How a node is named on the command line (`hub export --for`): 320412-03."""
    return f"{hall_code}-{window_code}"


def parse_node_code(code: str) -> tuple[str, str]:
    hall, _, window = code.partition("-")
    if len(hall) != 6 or len(window) != 2 or not (hall + window).isalnum():
        raise Refusal("invalid_field", f"节点编码“{code}”格式不对，应为“大厅编码-窗口号”，如 320412-03", "for")
    return hall, window


def _role_name(conn: psycopg.Connection, hall: str, window: str) -> str:
    return f"{conn.execute('SELECT current_database()').fetchone()[0]}_{hall}_{window}".lower()


def add_node(url: str, hall_code: str, window_code: str) -> dict[str, Any]:
    """Create the node's role (a new random password) and register it; its connection URL."""
    parse_node_code(node_code(hall_code, window_code))
    password = secrets.token_urlsafe(24)
    with psycopg.connect(url) as conn:
        role = _role_name(conn, hall_code, window_code)
        taken = conn.execute(
            "SELECT role_name FROM hub.nodes WHERE hall_code = %s AND window_code = %s", [hall_code, window_code]
        ).fetchone()
        if taken is not None:
            raise Refusal(
                "node_exists",
                f"节点 {node_code(hall_code, window_code)} 已登记；同一大厅同一窗口号只能有一个节点",
                "window",
            )
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE {}").format(
                sql.Identifier(role), sql.Literal(password), sql.Identifier(group_role(conn))
            )
        )
        conn.execute(
            "INSERT INTO hub.nodes (role_name, hall_code, window_code) VALUES (%s, %s, %s)",
            [role, hall_code, window_code],
        )
    return {
        "node": node_code(hall_code, window_code),
        "role": role,
        "url": _with_user(url, role, password),
    }


def disable_node(url: str, hall_code: str, window_code: str) -> dict[str, Any]:
    """Stop a node: its role may no longer log in, and row-level security refuses its inserts."""
    with psycopg.connect(url) as conn:
        found = conn.execute(
            "UPDATE hub.nodes SET disabled_at = now() WHERE hall_code = %s AND window_code = %s "
            "AND disabled_at IS NULL RETURNING role_name",
            [hall_code, window_code],
        ).fetchone()
        if found is None:
            raise Refusal("not_found", f"没有启用中的节点 {node_code(hall_code, window_code)}", "window")
        conn.execute(sql.SQL("ALTER ROLE {} NOLOGIN").format(sql.Identifier(found[0])))
    return {"node": node_code(hall_code, window_code), "disabled": True}


def _with_user(url: str, user: str, password: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
