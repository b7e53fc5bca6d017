"""Versioned schema: each migration upgrades the file in place; PRAGMA user_version is the version.

Business tables are append-only (triggers refuse UPDATE and DELETE); a correction is a new row
pointing at the old one. The few mutable tables are the current state the counter looks at
(persons, households, enrollment_status) and can be rebuilt from the business records.
Every row carries a UUID `id`, `created_at`, `hall_code`, `window_code` and `operator_id`, so that
files from several windows or halls can be merged later without key conflicts; a receipt is
identified by its serial, which spells its hall, window and year (schema v7).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database

from desktop.errors import Refusal
from desktop.records import audit
from desktop.records.tx import write

META = """
  id          TEXT NOT NULL UNIQUE,
  created_at  TEXT NOT NULL,
  hall_code   TEXT NOT NULL,
  window_code TEXT NOT NULL,
  operator_id TEXT NOT NULL"""

APPEND_ONLY = (
    "enrollments",
    "changes",
    "review_requests",
    "reviews",
    "terminations",
    "refunds",
    "refund_payouts",
    "offsite_filings",
    "manual_claims",
    "claim_bills",
    "claim_steps",
    "claim_supplements",
    "receipts",
    "receipt_voids",
    "audit",
)

V1 = f"""
CREATE TABLE persons (
  num INTEGER PRIMARY KEY,  -- stable local rowid (the search index points at it)
  {META},
  updated_at  TEXT NOT NULL,
  id_number   TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL CHECK (length(name) >= 1),
  sex         TEXT NOT NULL,
  birth_date  TEXT NOT NULL,
  phone       TEXT,
  hukou_region TEXT,
  residence_region TEXT,
  address     TEXT,
  hukou_nature TEXT,
  school      TEXT,
  school_kind TEXT CHECK (school_kind IN ('university', 'school')),
  category    TEXT,  -- registered 参保缴费身份, the default of the next renewal
  status      TEXT NOT NULL DEFAULT '正常' CHECK (status IN ('正常', '死亡')),
  death_date  TEXT,
  death_reason TEXT,
  CHECK ((status = '死亡') = (death_date IS NOT NULL)),
  CHECK ((school IS NULL) = (school_kind IS NULL))
);
CREATE INDEX persons_name ON persons(name);
CREATE INDEX persons_phone ON persons(phone);

CREATE TABLE households (
  {META},
  address TEXT
);
CREATE TABLE household_members (
  {META},
  household_id TEXT NOT NULL REFERENCES households(id),
  person_id    TEXT NOT NULL UNIQUE REFERENCES persons(id),
  relationship TEXT NOT NULL CHECK (length(trim(relationship)) > 0)
);
CREATE UNIQUE INDEX one_head_per_household ON household_members(household_id)
  WHERE relationship = '户主';

CREATE TABLE receipts (
  serial      TEXT PRIMARY KEY,
  {META},
  year        INTEGER NOT NULL,
  seq         INTEGER NOT NULL CHECK (seq >= 1),
  business    TEXT NOT NULL,
  record_id   TEXT NOT NULL,
  person_id   TEXT REFERENCES persons(id),
  amount_fen  INTEGER,
  UNIQUE (hall_code, window_code, year, seq),
  CHECK (serial = hall_code || '-' || window_code || '-' || year || '-' || printf('%06d', seq))
);
CREATE INDEX receipts_record ON receipts(record_id);
CREATE INDEX receipts_day ON receipts(created_at);
CREATE TABLE receipt_voids (
  {META},
  serial TEXT NOT NULL UNIQUE REFERENCES receipts(serial),
  reason TEXT NOT NULL CHECK (length(trim(reason)) > 0)
);

CREATE TABLE enrollments (
  {META},
  person_id   TEXT NOT NULL REFERENCES persons(id),
  year        INTEGER NOT NULL,
  region      TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('enroll', 'renewal')),
  category    TEXT NOT NULL,
  proposed_category TEXT NOT NULL,
  category_reason TEXT,
  assistance  TEXT,
  tier        TEXT,
  special_group TEXT,
  student_proof INTEGER NOT NULL DEFAULT 0,
  standard_fen INTEGER NOT NULL CHECK (standard_fen >= 0),
  ltc_fen      INTEGER NOT NULL CHECK (ltc_fen >= 0),
  assisted_fen INTEGER NOT NULL CHECK (assisted_fen >= 0),
  personal_fen INTEGER NOT NULL CHECK (personal_fen >= 0),
  paid_on       TEXT NOT NULL,
  benefit_start TEXT NOT NULL,
  benefit_end   TEXT NOT NULL,
  waiting_months INTEGER NOT NULL,
  retroactive   INTEGER NOT NULL,
  trace         TEXT NOT NULL,
  receipt_serial TEXT NOT NULL UNIQUE REFERENCES receipts(serial),
  corrects_id   TEXT UNIQUE REFERENCES enrollments(id),
  CHECK (category = proposed_category OR length(trim(coalesce(category_reason, ''))) > 0)
);
CREATE INDEX enrollments_person ON enrollments(person_id, year);

-- Current state of each enrollment; the partial unique index is the "one active enrollment per
-- person and year" rule, enforced by SQLite itself and not only by the service's check.
CREATE TABLE enrollment_status (
  enrollment_id TEXT PRIMARY KEY REFERENCES enrollments(id),
  person_id  TEXT NOT NULL REFERENCES persons(id),
  year       INTEGER NOT NULL,
  status     TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'terminated', 'refunded')),
  changed_at TEXT NOT NULL,
  changed_by_record TEXT NOT NULL
);
CREATE UNIQUE INDEX one_active_enrollment ON enrollment_status(person_id, year)
  WHERE status = 'active';

CREATE TABLE review_requests (
  {META},
  business   TEXT NOT NULL CHECK (business IN ('change', 'termination', 'refund')),
  subject_id TEXT NOT NULL UNIQUE,
  person_id  TEXT NOT NULL REFERENCES persons(id),
  levels     INTEGER NOT NULL CHECK (levels IN (1, 2)),
  summary    TEXT NOT NULL
);
CREATE TABLE reviews (
  {META},
  request_id TEXT NOT NULL REFERENCES review_requests(id),
  level      INTEGER NOT NULL CHECK (level IN (1, 2)),
  decision   TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
  note       TEXT,
  UNIQUE (request_id, level)
);

CREATE TABLE changes (
  {META},
  person_id TEXT NOT NULL REFERENCES persons(id),
  region    TEXT NOT NULL,
  field     TEXT NOT NULL,
  level     TEXT NOT NULL CHECK (level IN ('basic', 'important')),
  before    TEXT,
  after     TEXT,
  reason    TEXT,
  review_levels INTEGER NOT NULL CHECK (review_levels IN (0, 1, 2)),
  receipt_serial TEXT NOT NULL UNIQUE REFERENCES receipts(serial)
);
CREATE INDEX changes_person ON changes(person_id);

CREATE TABLE terminations (
  {META},
  enrollment_id TEXT NOT NULL REFERENCES enrollments(id),
  person_id TEXT NOT NULL REFERENCES persons(id),
  kind      TEXT NOT NULL CHECK (kind IN ('suspension', 'termination')),
  reason    TEXT NOT NULL CHECK (reason IN ('参军', '外地就读', '参加职工医保', '死亡', '其他')),
  reason_note TEXT,
  effective_on TEXT NOT NULL,
  death_date TEXT,
  receipt_serial TEXT NOT NULL UNIQUE REFERENCES receipts(serial),
  CHECK (reason <> '其他' OR length(trim(coalesce(reason_note, ''))) > 0),
  CHECK ((reason = '死亡') = (death_date IS NOT NULL))
);
CREATE INDEX terminations_enrollment ON terminations(enrollment_id);

CREATE TABLE refunds (
  {META},
  enrollment_id TEXT NOT NULL REFERENCES enrollments(id),
  person_id  TEXT NOT NULL REFERENCES persons(id),
  reason     TEXT NOT NULL,
  case_no    INTEGER NOT NULL CHECK (case_no BETWEEN 1 AND 4),
  rule       TEXT NOT NULL,
  amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
  facts      TEXT NOT NULL,
  receipt_serial TEXT NOT NULL UNIQUE REFERENCES receipts(serial)
);
CREATE INDEX refunds_enrollment ON refunds(enrollment_id);
-- One payout per payment: the UNIQUE on enrollment_id makes a second refund impossible.
CREATE TABLE refund_payouts (
  {META},
  refund_id     TEXT NOT NULL UNIQUE REFERENCES refunds(id),
  enrollment_id TEXT NOT NULL UNIQUE REFERENCES enrollments(id),
  amount_fen    INTEGER NOT NULL CHECK (amount_fen >= 0)
);

CREATE TABLE offsite_filings (
  {META},
  person_id   TEXT NOT NULL REFERENCES persons(id),
  region      TEXT NOT NULL,
  action      TEXT NOT NULL CHECK (action IN ('file', 'change', 'cancel')),
  supersedes_id TEXT UNIQUE REFERENCES offsite_filings(id),
  person_type TEXT NOT NULL,
  person_type_label TEXT NOT NULL,
  destination_province TEXT NOT NULL,
  destination_city TEXT,
  start_on    TEXT NOT NULL,
  valid_until TEXT,
  materials_received TEXT NOT NULL,
  materials_missing  TEXT NOT NULL,
  reason      TEXT,
  receipt_serial TEXT NOT NULL UNIQUE REFERENCES receipts(serial),
  CHECK ((action = 'file') = (supersedes_id IS NULL)),
  CHECK (valid_until IS NULL OR valid_until >= start_on)
);
CREATE INDEX offsite_filings_person ON offsite_filings(person_id);

CREATE TABLE manual_claims (
  {META},
  person_id   TEXT NOT NULL REFERENCES persons(id),
  enrollment_id TEXT REFERENCES enrollments(id),
  region      TEXT NOT NULL,
  year        INTEGER NOT NULL,
  scheme      TEXT NOT NULL,
  category    TEXT NOT NULL,
  tier        TEXT,
  assistance  TEXT,
  offsite     TEXT,
  materials_received TEXT NOT NULL,
  materials_missing  TEXT NOT NULL,
  total_fen      INTEGER NOT NULL CHECK (total_fen >= 0),
  compliant_fen  INTEGER NOT NULL CHECK (compliant_fen >= 0),
  estimate_basic_fen INTEGER NOT NULL,
  estimate_critical_illness_fen INTEGER NOT NULL,
  estimate_medical_assistance_fen INTEGER NOT NULL,
  estimate_personal_fen INTEGER NOT NULL,
  estimate    TEXT NOT NULL,
  receipt_serial TEXT NOT NULL UNIQUE REFERENCES receipts(serial)
);
CREATE INDEX manual_claims_person ON manual_claims(person_id);
CREATE TABLE claim_bills (
  {META},
  claim_id   TEXT NOT NULL REFERENCES manual_claims(id),
  line       INTEGER NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('inpatient', 'outpatient')),
  hospital   TEXT,
  hospital_level INTEGER,
  benefit    TEXT,
  facility   TEXT,
  start_on   TEXT NOT NULL,
  end_on     TEXT NOT NULL,
  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
  compliant_fen INTEGER NOT NULL CHECK (compliant_fen >= 0 AND compliant_fen <= amount_fen),
  UNIQUE (claim_id, line),
  CHECK (end_on >= start_on)
);
CREATE TABLE claim_steps (
  {META},
  claim_id TEXT NOT NULL REFERENCES manual_claims(id),
  step     TEXT NOT NULL CHECK (step IN ('受理', '审核', '结算')),
  note     TEXT,
  settled_fen INTEGER,
  UNIQUE (claim_id, step)
);
CREATE TABLE claim_supplements (
  {META},
  claim_id TEXT NOT NULL REFERENCES manual_claims(id),
  materials_received TEXT NOT NULL,
  materials_missing  TEXT NOT NULL
);
CREATE INDEX claim_supplements_claim ON claim_supplements(claim_id);

-- The hash chain: `hash` = SHA-256 of the previous entry's hash and this entry's content.
CREATE TABLE audit (
  seq INTEGER PRIMARY KEY,
  {META},
  operator_role TEXT NOT NULL,
  action     TEXT NOT NULL,
  business   TEXT NOT NULL,
  entity     TEXT NOT NULL,
  entity_id  TEXT NOT NULL,
  person_id  TEXT,
  amount_fen INTEGER,
  payload    TEXT NOT NULL,
  prev_hash  TEXT NOT NULL,
  hash       TEXT NOT NULL UNIQUE
);
CREATE INDEX audit_day ON audit(created_at);
"""

# v2: search by last digits of the ID number and by any part of the name (see records/search.py).
V2 = """
ALTER TABLE persons ADD COLUMN id_number_rev TEXT NOT NULL DEFAULT '';
CREATE INDEX persons_id_rev ON persons(id_number_rev);
CREATE VIRTUAL TABLE person_name_fts USING fts5(tokens);
"""


# v3: the hall's configuration (written once), its settings, and the accounts that log in.
# Accounts and settings are current state (a password changes, a lockout expires); every change
# to them is an audit entry, so their history is in the hash chain.
V3 = """
CREATE TABLE hall_config (
  one         INTEGER PRIMARY KEY CHECK (one = 1),
  region      TEXT NOT NULL,
  hall_name   TEXT NOT NULL CHECK (length(trim(hall_name)) > 0),
  hall_code   TEXT NOT NULL CHECK (length(hall_code) = 6),
  window_code TEXT NOT NULL CHECK (length(window_code) = 2),
  configured_at TEXT NOT NULL,
  configured_by TEXT NOT NULL
);
CREATE TRIGGER hall_config_no_update BEFORE UPDATE ON hall_config
  BEGIN SELECT RAISE(ABORT, '大厅配置只能设置一次'); END;
CREATE TRIGGER hall_config_no_delete BEFORE DELETE ON hall_config
  BEGIN SELECT RAISE(ABORT, '大厅配置只能设置一次'); END;

CREATE TABLE settings (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
);

CREATE TABLE accounts (
  id           TEXT NOT NULL UNIQUE,
  created_at   TEXT NOT NULL,
  created_by   TEXT NOT NULL,
  username     TEXT NOT NULL UNIQUE CHECK (length(username) BETWEEN 1 AND 32),
  display_name TEXT NOT NULL CHECK (length(trim(display_name)) > 0),
  roles        TEXT NOT NULL CHECK (length(roles) > 0),
  password_hash TEXT NOT NULL,
  password_changed_at TEXT NOT NULL,
  failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
  locked_until TEXT,
  last_login_at TEXT,
  disabled_at  TEXT,
  disabled_by  TEXT,
  updated_at   TEXT NOT NULL
);
"""


def _append_only_triggers(db: Database) -> None:
    for table in APPEND_ONLY:
        for op in ("UPDATE", "DELETE"):
            db.execute(
                f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} 只增不改：更正请新增一条指向原记录的记录'); END"
            )


def _v1(db: Database) -> None:
    db.executescript(V1)
    _append_only_triggers(db)


def _v2(db: Database) -> None:
    from desktop.records import search  # the backfill uses the same tokenizer as new rows

    db.executescript(V2)
    rows = db.execute("SELECT num, id_number, name FROM persons").fetchall()
    for num, id_number, name in rows:
        db.execute("UPDATE persons SET id_number_rev = ? WHERE num = ?", [id_number[::-1], num])
        search.index_name(db, num, name)


def _v3(db: Database) -> None:
    db.executescript(V3)


# v4: the per-hall secret keying the check value in receipt QR codes (services/verification.py).
# Generated once per hall and never changed: replacing it would invalidate every printed receipt.
V4 = """
CREATE TABLE hall_secrets (
  hall_code  TEXT PRIMARY KEY CHECK (length(hall_code) = 6),
  secret     TEXT NOT NULL CHECK (length(secret) = 64),
  created_at TEXT NOT NULL
);
CREATE TRIGGER hall_secrets_no_update BEFORE UPDATE ON hall_secrets
  BEGIN SELECT RAISE(ABORT, '大厅校验密钥只能生成一次'); END;
CREATE TRIGGER hall_secrets_no_delete BEFORE DELETE ON hall_secrets
  BEGIN SELECT RAISE(ABORT, '大厅校验密钥只能生成一次'); END;
"""


def _v4(db: Database) -> None:
    db.executescript(V4)


# v5: each enrollment's calculation trace stored once, content-addressed (about 1 KB of JSON that
# is the same for everyone of one region, category and year); the row keeps the SHA-256 key.
V5 = """
CREATE TABLE traces (
  sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
  text   TEXT NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER traces_no_update BEFORE UPDATE ON traces
  BEGIN SELECT RAISE(ABORT, 'traces 只增不改'); END;
CREATE TRIGGER traces_no_delete BEFORE DELETE ON traces
  BEGIN SELECT RAISE(ABORT, 'traces 只增不改'); END;
ALTER TABLE enrollments ADD COLUMN trace_sha256 TEXT;
"""


def _v5(db: Database) -> None:
    import hashlib

    # (No `deterministic=`: an encrypted hall's sqlcipher driver may not take it.)
    db.conn.create_function(
        "yd_sha256", 1, lambda text: hashlib.sha256(text.encode("utf-8")).hexdigest()
    )
    for statement in V5.split(";\n"):
        if statement.strip():
            db.execute(statement)
    db.execute("INSERT OR IGNORE INTO traces SELECT yd_sha256(trace), trace FROM enrollments")
    # The one rewrite of existing enrollment rows, under the migration's transaction: the
    # content is unchanged (the same text, now by key), so the append-only trigger steps aside.
    db.execute("DROP TRIGGER enrollments_no_update")
    db.execute("UPDATE enrollments SET trace_sha256 = yd_sha256(trace)")
    db.execute("ALTER TABLE enrollments DROP COLUMN trace")
    db.execute(
        "CREATE TRIGGER enrollments_no_update BEFORE UPDATE ON enrollments "
        "BEGIN SELECT RAISE(ABORT, 'enrollments 只增不改：更正请新增一条指向原记录的记录'); END"
    )


# v6: a smaller audit trail (about half the file of a hall was audit). The entry's own UUID, the
# copy of the previous hash and the UNIQUE index on the hash go; the hash is 32 bytes instead of
# 64 hex characters; an enrollment's entry no longer stores the row's hash (the walk recomputes
# it from the row and it is part of the chained content). The old chain is verified first and
# the upgrade refused when it is broken, so re-chaining can never launder an edit.
# enrollment_status is keyed by its enrollment without a separate rowid index.
V6 = """
CREATE TABLE audit_v6 (
  seq INTEGER PRIMARY KEY,
  created_at  TEXT NOT NULL,
  hall_code   TEXT NOT NULL,
  window_code TEXT NOT NULL,
  operator_id TEXT NOT NULL,
  operator_role TEXT NOT NULL,
  action     TEXT NOT NULL,
  business   TEXT NOT NULL,
  entity     TEXT NOT NULL,
  entity_id  TEXT NOT NULL,
  person_id  TEXT,
  amount_fen INTEGER,
  payload    TEXT,
  hash       BLOB NOT NULL CHECK (length(hash) = 32)
);
CREATE TABLE enrollment_status_v6 (
  enrollment_id TEXT PRIMARY KEY REFERENCES enrollments(id),
  person_id  TEXT NOT NULL REFERENCES persons(id),
  year       INTEGER NOT NULL,
  status     TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'terminated', 'refunded')),
  changed_at TEXT NOT NULL,
  changed_by_record TEXT NOT NULL
) WITHOUT ROWID;
"""


def _legacy_hash(prev_hash: str, row: dict) -> str:
    """The v1–v5 entry hash (hex, the entry's UUID included in the content)."""
    import hashlib

    from desktop.records.rows import to_json

    keys = ("id", *(k for k in audit.COLUMNS if k != "hash"))
    return hashlib.sha256((prev_hash + to_json({k: row[k] for k in keys})).encode("utf-8")).hexdigest()


def _v6(db: Database) -> None:
    import json

    for statement in V6.split(";\n"):
        if statement.strip():
            db.execute(statement)
    prev_old, prev_new = "0" * 64, audit.GENESIS
    batch: list[tuple] = []
    insert = f"INSERT INTO audit_v6 (seq, {', '.join(audit.COLUMNS)}) VALUES (?{', ?' * len(audit.COLUMNS)})"
    for row in db.query("SELECT * FROM audit ORDER BY seq"):
        if row["prev_hash"] != prev_old or _legacy_hash(prev_old, row) != row["hash"]:
            raise Refusal(
                "audit_broken",
                f"审计链在第 {row['seq']} 条断开，数据库不能升级；请用 yibao-desk audit verify "
                "核对，并从备份恢复后再打开",
                "db",
            )
        prev_old = row["hash"]
        row_sha = None
        if row["entity"] in audit.ROW_HASHED and row["payload"].startswith('{"row_sha256"'):
            row_sha = json.loads(row["payload"])["row_sha256"]
            row["payload"] = None
        row["hash"] = prev_new = audit.entry_hash(prev_new, row, row_sha)
        batch.append((row["seq"], *(row[c] for c in audit.COLUMNS)))
        if len(batch) >= 10_000:
            db.conn.executemany(insert, batch)
            batch.clear()
    db.conn.executemany(insert, batch)
    for op in ("update", "delete"):
        db.execute(f"DROP TRIGGER audit_no_{op}")
    db.execute("DROP TABLE audit")
    db.execute("ALTER TABLE audit_v6 RENAME TO audit")
    db.execute("CREATE INDEX audit_day ON audit(created_at)")
    db.execute("INSERT INTO enrollment_status_v6 SELECT * FROM enrollment_status")
    db.execute("DROP TABLE enrollment_status")
    db.execute("ALTER TABLE enrollment_status_v6 RENAME TO enrollment_status")
    db.execute(
        "CREATE UNIQUE INDEX one_active_enrollment ON enrollment_status(person_id, year) "
        "WHERE status = 'active'"
    )
    for op in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER audit_no_{op.lower()} BEFORE {op} ON audit "
            "BEGIN SELECT RAISE(ABORT, 'audit 只增不改：更正请新增一条指向原记录的记录'); END"
        )


# v7: smaller records (a hall's file per person-year, issue 7).
# receipts: the serial is the key (WITHOUT ROWID) and hall, window, year and sequence are read
# from it (generated columns, not stored). The receipt's own UUID goes (the serial is its
# identity), so do the UNIQUE(hall, window, year, seq) index (the serial's fixed format makes
# the serial's uniqueness the same constraint) and the record_id index (every business row
# carries its receipt_serial). enrollment_status: a row only for an enrollment that is no longer
# active; none means active since the enrollment was written. One active enrollment per person
# and year is guarded by a trigger on enrollments instead of a partial UNIQUE index.
V7 = """
CREATE TABLE receipts_v7 (
  serial      TEXT PRIMARY KEY
              CHECK (serial GLOB '??????-??-[0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9][0-9][0-9]'),
  created_at  TEXT NOT NULL,
  operator_id TEXT NOT NULL,
  business    TEXT NOT NULL,
  record_id   TEXT NOT NULL,
  person_id   TEXT REFERENCES persons(id),
  amount_fen  INTEGER,
  hall_code   TEXT GENERATED ALWAYS AS (substr(serial, 1, 6)) VIRTUAL,
  window_code TEXT GENERATED ALWAYS AS (substr(serial, 8, 2)) VIRTUAL,
  year        INTEGER GENERATED ALWAYS AS (CAST(substr(serial, 11, 4) AS INTEGER)) VIRTUAL,
  seq         INTEGER GENERATED ALWAYS AS (CAST(substr(serial, 16, 6) AS INTEGER)) VIRTUAL,
  CHECK (substr(serial, 16, 6) <> '000000')
) WITHOUT ROWID;
INSERT INTO receipts_v7 (serial, created_at, operator_id, business, record_id, person_id, amount_fen)
  SELECT serial, created_at, operator_id, business, record_id, person_id, amount_fen
  FROM receipts ORDER BY serial;
DROP TABLE receipts;
ALTER TABLE receipts_v7 RENAME TO receipts;
CREATE INDEX receipts_day ON receipts(created_at);
CREATE TABLE enrollment_status_v7 (
  enrollment_id TEXT PRIMARY KEY REFERENCES enrollments(id),
  status     TEXT NOT NULL CHECK (status IN ('suspended', 'terminated', 'refunded')),
  changed_at TEXT NOT NULL,
  changed_by_record TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO enrollment_status_v7
  SELECT enrollment_id, status, changed_at, changed_by_record FROM enrollment_status
  WHERE status <> 'active';
DROP TABLE enrollment_status;
ALTER TABLE enrollment_status_v7 RENAME TO enrollment_status;
CREATE TRIGGER one_active_enrollment BEFORE INSERT ON enrollments
  WHEN EXISTS (SELECT 1 FROM enrollments e WHERE e.person_id = NEW.person_id AND e.year = NEW.year
               AND NOT EXISTS (SELECT 1 FROM enrollment_status s WHERE s.enrollment_id = e.id))
  BEGIN SELECT RAISE(ABORT, 'UNIQUE constraint failed: one active enrollment per person and year'); END;
CREATE TRIGGER enrollment_status_no_delete BEFORE DELETE ON enrollment_status
  BEGIN SELECT RAISE(ABORT, 'enrollment_status 只增不删：停保、退保、退费不能撤销'); END;
CREATE TRIGGER receipts_no_update BEFORE UPDATE ON receipts
  BEGIN SELECT RAISE(ABORT, 'receipts 只增不改：更正请新增一条指向原记录的记录'); END;
CREATE TRIGGER receipts_no_delete BEFORE DELETE ON receipts
  BEGIN SELECT RAISE(ABORT, 'receipts 只增不改：更正请新增一条指向原记录的记录'); END;
"""


def _v7(db: Database) -> None:
    for statement in V7.split(";\n"):
        if statement.strip():
            db.execute(statement)


# v8: windows that share one county record through a PostgreSQL hub (issue 12, desktop/sync).
# - persons: the same ID number registered at two windows while apart is two persons; the later
#   one (by registration time, then id) becomes an alias of the earlier (`alias_of`), so every
#   row pointing at either keeps its reference. The ID number stays unique among persons that
#   are nobody's alias (a partial UNIQUE index); a plain index serves lookups by number.
# - one_active_enrollment guards this window's own enrollments only: another window's
#   enrollment pulled from the hub was paid for and receipted there, so it is kept, and a second
#   active one for the person and year is listed as a conflict (sync_conflicts), resolved by a
#   new business (termination, refund).
# - foreign_audit: other windows' audit entries, each node's chain apart (a window's own `audit`
#   stays its own chain, which `audit verify` walks as before).
# - sync_node (this file's node identity and hub), sync_cursor (what was pushed and pulled),
#   sync_conflicts (the hub's open conflicts as last pulled), conflict_resolutions (append-only),
#   bundles (what a centre without network exported).
V8 = """
CREATE TABLE sync_node (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  hall_code   TEXT NOT NULL,
  window_code TEXT NOT NULL,
  hub_ref     TEXT,
  last_sync_at TEXT,
  last_attempt_at TEXT,
  last_error  TEXT
);
CREATE TABLE sync_cursor (
  tbl    TEXT PRIMARY KEY,
  pushed TEXT,
  pulled INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE foreign_audit (
  seq INTEGER NOT NULL,
  created_at  TEXT NOT NULL,
  hall_code   TEXT NOT NULL,
  window_code TEXT NOT NULL,
  operator_id TEXT NOT NULL,
  operator_role TEXT NOT NULL,
  action     TEXT NOT NULL,
  business   TEXT NOT NULL,
  entity     TEXT NOT NULL,
  entity_id  TEXT NOT NULL,
  person_id  TEXT,
  amount_fen INTEGER,
  payload    TEXT,
  hash       BLOB NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (hall_code, window_code, seq)
) WITHOUT ROWID;
CREATE INDEX foreign_audit_day ON foreign_audit(created_at);
CREATE TABLE sync_conflicts (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  year INTEGER,
  a_id TEXT NOT NULL,
  b_id TEXT NOT NULL,
  a_origin TEXT NOT NULL,
  b_origin TEXT NOT NULL,
  detail TEXT NOT NULL,
  found_at TEXT NOT NULL
);
CREATE TABLE conflict_resolutions (
  conflict_id INTEGER PRIMARY KEY,
  record_id   TEXT NOT NULL,
  hall_code   TEXT NOT NULL,
  window_code TEXT NOT NULL,
  operator_id TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE TRIGGER conflict_resolutions_no_update BEFORE UPDATE ON conflict_resolutions
  BEGIN SELECT RAISE(ABORT, 'conflict_resolutions 只增不改'); END;
CREATE TRIGGER conflict_resolutions_no_delete BEFORE DELETE ON conflict_resolutions
  BEGIN SELECT RAISE(ABORT, 'conflict_resolutions 只增不改'); END;
CREATE TABLE bundles (
  seq INTEGER PRIMARY KEY CHECK (seq >= 1),
  created_at TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  watermarks TEXT NOT NULL,
  rows INTEGER NOT NULL,
  acknowledged INTEGER NOT NULL DEFAULT 0
);
DROP TRIGGER one_active_enrollment;
CREATE TRIGGER one_active_enrollment BEFORE INSERT ON enrollments
  WHEN NOT EXISTS (SELECT 1 FROM sync_node n
                   WHERE n.hall_code <> NEW.hall_code OR n.window_code <> NEW.window_code)
   AND EXISTS (SELECT 1 FROM enrollments e WHERE e.person_id = NEW.person_id AND e.year = NEW.year
               AND NOT EXISTS (SELECT 1 FROM enrollment_status s WHERE s.enrollment_id = e.id))
  BEGIN SELECT RAISE(ABORT, 'UNIQUE constraint failed: one active enrollment per person and year'); END
"""


def _v8(db: Database) -> None:
    for statement in V8.split(";\n"):
        if statement.strip():
            db.execute(statement)
    # persons rebuilt without the inline UNIQUE on id_number (SQLite cannot drop a constraint);
    # `num` (the search index's key) and every column keep their values.
    create = db.execute("SELECT sql FROM sqlite_master WHERE name = 'persons'").fetchone()[0]
    rebuilt = create.replace("CREATE TABLE persons", "CREATE TABLE persons_v8", 1).replace(
        "id_number   TEXT NOT NULL UNIQUE", "id_number   TEXT NOT NULL", 1
    )
    assert rebuilt.count("UNIQUE") == create.count("UNIQUE") - 1, "persons.id_number UNIQUE not found"
    cols = [r[1] for r in db.execute("PRAGMA table_info(persons)").fetchall()]
    db.execute(rebuilt)
    db.execute("ALTER TABLE persons_v8 ADD COLUMN alias_of TEXT REFERENCES persons(id)")
    db.execute(f"INSERT INTO persons_v8 ({', '.join(cols)}) SELECT {', '.join(cols)} FROM persons")
    db.execute("DROP TABLE persons")
    db.execute("ALTER TABLE persons_v8 RENAME TO persons")
    for statement in (
        "CREATE INDEX persons_name ON persons(name)",
        "CREATE INDEX persons_phone ON persons(phone)",
        "CREATE INDEX persons_id_rev ON persons(id_number_rev)",
        "CREATE INDEX persons_id_number ON persons(id_number)",
        "CREATE UNIQUE INDEX persons_one_id_number ON persons(id_number) WHERE alias_of IS NULL",
        "CREATE INDEX persons_alias ON persons(alias_of) WHERE alias_of IS NOT NULL",
    ):
        db.execute(statement)


MIGRATIONS: tuple[Callable[[Database], None], ...] = (_v1, _v2, _v3, _v4, _v5, _v6, _v7, _v8)
LATEST = len(MIGRATIONS)


def version(db: Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(
    db: Database,
    *,
    target: int = LATEST,
    copy_aside: Callable[[int], None] | None = None,
) -> int:
    """Bring the file to `target`, all steps in one transaction; returns the version before.

    `copy_aside(from_version)` runs first when an existing, non-empty file is upgraded.
    """
    current = version(db)
    if current > LATEST:
        raise Refusal(
            "schema_too_new",
            f"数据库文件版本为 {current}，高于本程序支持的版本 {LATEST}，请升级程序后再打开",
            "db",
        )
    if current >= target:
        return current
    if current > 0 and copy_aside is not None:
        copy_aside(current)
    # Foreign keys off while tables are rebuilt (SQLite's own procedure for changing a table's
    # shape: DROP TABLE of a parent would otherwise check every child row); checked in full
    # before the commit instead: the upgrade may not add a dangling reference (one the file
    # already had is quick_check's to report). The pragma cannot change inside a transaction.
    enforced = db.execute("PRAGMA foreign_keys").fetchone()[0]
    db.execute("PRAGMA foreign_keys=OFF")
    try:
        with write(db):
            # Read again under the write lock: another window may have migrated the file meanwhile.
            steps = range(version(db), target)
            dangling = len(db.execute("PRAGMA foreign_key_check").fetchall()) if steps else 0
            for step in steps:
                MIGRATIONS[step](db)
            broken = db.execute("PRAGMA foreign_key_check").fetchall() if steps else []
            if len(broken) > dangling:
                raise Refusal(
                    "fk_broken",
                    f"数据库升级后表 {broken[0][0]} 第 {broken[0][1]} 行引用的 {broken[0][2]} 记录不存在，"
                    "升级已撤销；请从备份恢复后再打开",
                    "db",
                )
            # user_version is written inside the transaction: a crash leaves the old version and schema.
            db.execute(f"PRAGMA user_version = {target}")
    finally:
        db.execute(f"PRAGMA foreign_keys={'ON' if enforced else 'OFF'}")
    return current
