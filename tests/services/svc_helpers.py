"""Test helpers: valid ID numbers, contexts with a fixed clock, row counts."""

from __future__ import annotations

from datetime import date, datetime

from sqlite_utils import Database
from stdnum.cn import ric

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
