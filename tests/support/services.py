"""Test helpers: valid ID numbers, contexts with a fixed clock, row counts."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

from sqlite_utils import Database
from stdnum.cn import ric

from desktop.records.audit import verify_audit_chain
from desktop.records.db import quick_check
from desktop.services.context import CHINA, Context

BUSINESS_TABLES = (
    "persons",
    "households",
    "household_members",
    "enrollments",
    "enrollment_status",
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

# The crash writer (tests/services/crash_writer.py) runs as a module from the checkout, so it
# imports tests.support as the tests do.
ROOT_DIR = Path(__file__).resolve().parents[2]
WRITER = ["-m", "tests.services.crash_writer"]
RECORD_TABLE = {"enroll": "enrollments", "change": "changes"}  # receipt business -> its record


def make_id(birth: date, seq: int = 1, *, male: bool = False, region_code: str = "320412") -> str:
    """A valid 18-digit number: region + birth date + sequence (odd = male) + check digit."""
    order = (seq * 2 + (1 if male else 0)) % 1000
    body = f"{region_code}{birth:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_ctx(
    db: Database,
    *,
    region: str = "武进区",
    hall_code: str = "320412",
    window: str = "03",
    operator_id: str = "clerk01",
    role: str = "clerk",
    now: datetime = datetime(2025, 11, 15, 10, 0, tzinfo=CHINA),
    settings: dict | None = None,
) -> Context:
    return Context(
        db=db,
        region=region,
        hall_code=hall_code,
        window=window,
        operator_id=operator_id,
        role=role,
        clock=lambda: now,
        settings=settings if settings is not None else {"elderly_from_age": 60},
    )  # type: ignore[arg-type]


def counts(db: Database) -> dict[str, int]:
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in BUSINESS_TABLES}


def seed_enrollment(ctx: Context, person_id: str, year: int, category: str, **extra) -> dict:
    """Last year's enrollment as an earlier release would have stored it (no pack needed)."""
    from desktop.records import enrollments, receipts
    from desktop.records.tx import write

    stamp = ctx.stamp()
    row = {
        **stamp.meta(),
        "person_id": person_id,
        "year": year,
        "region": ctx.region,
        "kind": "enroll",
        "category": category,
        "proposed_category": category,
        "category_reason": None,
        "assistance": None,
        "tier": None,
        "special_group": None,
        "student_proof": 0,
        "standard_fen": 0,
        "ltc_fen": 0,
        "assisted_fen": 0,
        "personal_fen": 0,
        "paid_on": f"{year - 1}-11-01",
        "benefit_start": f"{year}-01-01",
        "benefit_end": f"{year}-12-31",
        "waiting_months": 0,
        "retroactive": 0,
        "trace": "{}",
        **extra,
    }
    with write(ctx.db):
        row["receipt_serial"] = receipts.issue(
            ctx.db, stamp, business="enroll", record_id=row["id"], person_id=person_id
        )
        enrollments.add(ctx.db, stamp, row)
    return row


def check_no_half_business(db: Database) -> None:
    """The whole file after a crash: intact, the audit chain whole, receipt serials without gap or
    duplicate, every business with its receipt and its one audit entry, one active enrollment."""
    full = quick_check(db, full=True)
    assert full.ok, full.problems
    assert verify_audit_chain(db) is None
    # receipts: per window and year exactly 1..n, each pointing at an existing record
    for row in db.query(
        "SELECT hall_code, window_code, year, count(*) AS n, min(seq) AS lo, max(seq) AS hi, "
        "count(DISTINCT seq) AS distinct_seq FROM receipts GROUP BY 1, 2, 3"
    ):
        assert (row["lo"], row["hi"], row["distinct_seq"]) == (1, row["n"], row["n"]), row
    for business, table in RECORD_TABLE.items():
        orphans = db.execute(
            f"SELECT count(*) FROM receipts r WHERE business = ? AND NOT EXISTS "
            f"(SELECT 1 FROM {table} t WHERE t.id = r.record_id AND t.receipt_serial = r.serial)",
            [business],
        ).fetchone()[0]
        assert orphans == 0, business
    # every business record has its receipt (FK) and its one audit entry
    for table, action in (
        ("enrollments", "enroll"),
        ("changes", "change"),
        ("receipt_voids", "void"),
    ):
        n, audited = db.execute(
            f"SELECT count(*), sum((SELECT count(*) FROM audit a WHERE a.entity_id = t.id AND a.action = ?)) "
            f"FROM {table} t",
            [action],
        ).fetchone()
        assert audited in (n, None) and (n == 0 or audited == n), table
    # at most one active enrollment (no status row: schema v7) per person and year
    assert (
        db.execute(
            "SELECT count(*) FROM (SELECT 1 FROM enrollments e WHERE NOT EXISTS "
            "(SELECT 1 FROM enrollment_status s WHERE s.enrollment_id = e.id) "
            "GROUP BY e.person_id, e.year HAVING count(*) > 1)"
        ).fetchone()[0]
        == 0
    )
    assert (
        db.execute("SELECT count(*) FROM persons").fetchone()[0]
        == db.execute("SELECT count(*) FROM audit WHERE action = 'register'").fetchone()[0]
    )
    # a change applied means the person carries the new phone
    assert (
        db.execute(
            "SELECT count(*) FROM changes c JOIN persons p ON p.id = c.person_id WHERE p.phone <> c.after"
        ).fetchone()[0]
        == 0
    )


def run_and_kill(path: Path, start: int, rnd: random.Random) -> None:
    """Start the writer, let it finish a few businesses, kill it at a random moment."""
    proc = subprocess.Popen(
        [sys.executable, *WRITER, str(path), str(start)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT_DIR,
    )
    try:
        target = rnd.randrange(5, 15)
        for done, _line in enumerate(proc.stdout, start=1):
            if done >= target:
                break
        time.sleep(rnd.uniform(0, 0.03))  # somewhere inside the next batch
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read()
