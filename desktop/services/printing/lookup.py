"""Looking a business up: the receipt, record and person of a serial or record id, and what the
year's policy pack says about it (hotline, time limits)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from desktop.documents.model import Person
from desktop.errors import Refusal
from desktop.records import enrollments, receipts
from desktop.records.rows import one
from desktop.services import verification
from desktop.services.context import Context


@dataclass(frozen=True)
class Source:
    """One business as stored: its receipt, its record, its person (current master data)."""

    receipt: dict[str, Any]  # receipts row with void_reason / voided_at
    business: str  # enroll, renewal, change, suspension, termination, refund, offsite_filing, manual_claim
    record: dict[str, Any]
    person: dict[str, Any] | None

    @property
    def serial(self) -> str:
        return self.receipt["serial"]

    @property
    def issued(self) -> date:
        return datetime.fromisoformat(self.receipt["created_at"]).date()


def find(ctx: Context, ref: str) -> Source:
    """The business of a receipt serial or a record id (refuses an unknown one, in Chinese)."""
    key = (ref or "").strip()
    receipt = receipts.get(ctx.db, key) if key else None
    if receipt is None and key:
        receipt = receipts.of_record(ctx.db, key)
    if receipt is None:
        raise Refusal("not_found", f"找不到收据号或业务记录“{key}”，请核对后重试", "record")
    table, _ = verification.RECORD_TABLES.get(receipt["business"], (None, None))
    if table is None:
        raise Refusal("not_applicable", f"收据“{receipt['serial']}”的业务“{receipt['business']}”没有可打印的单据", "record")
    if table == "enrollments":  # with its calculation trace (stored once per text)
        record = enrollments.row(ctx.db, receipt["record_id"])
    else:
        record = one(ctx.db, f"SELECT * FROM {table} WHERE id = ?", [receipt["record_id"]])
    if record is None:
        raise Refusal("not_found", f"收据“{receipt['serial']}”对应的业务记录不存在", "record")
    person = one(ctx.db, "SELECT * FROM persons WHERE id = ?", [receipt["person_id"]]) if receipt["person_id"] else None
    return Source(receipt, receipt["business"], record, person)


def person_of(src: Source) -> Person:
    """The person a paper names (blank where the business has none)."""
    if src.person is None:
        return Person(name="", id_number="")
    return Person(name=src.person["name"], id_number=src.person["id_number"])


def enrollment_of(ctx: Context, src: Source) -> dict[str, Any] | None:
    """The enrollment a business is, or belongs to."""
    if src.business in ("enroll", "renewal"):
        return enrollments.get(ctx.db, src.record["id"])
    enrollment_id = src.record.get("enrollment_id")
    return enrollments.get(ctx.db, enrollment_id) if enrollment_id else None


def region_of(ctx: Context, src: Source) -> str:
    if src.record.get("region"):
        return src.record["region"]
    enrollment = enrollment_of(ctx, src)
    return enrollment["region"] if enrollment else ctx.region


def year_of(ctx: Context, src: Source) -> int:
    """The policy year of a business: its record's, its enrollment's, else the year of issue."""
    if src.record.get("year"):
        return int(src.record["year"])
    e = enrollment_of(ctx, src)
    return int(e["year"]) if e else src.issued.year


def pack_of(ctx: Context, region: str, year: int):
    """The region's resident pack of `year`, None when there is none."""
    from desktop.policy import loader

    try:
        return (ctx.packs or loader.bundled()).find(region, year, "resident")
    except Refusal:
        return None


def hotline(ctx: Context, region: str, year: int) -> str | None:
    """The 咨询电话 of the year's pack."""
    pack = pack_of(ctx, region, year)
    return pack.offices.hotline if pack is not None and pack.offices else None


def time_limit(ctx: Context, region: str, year: int, item: str) -> str | None:
    """The 办理时限 of a materials item, None where the pack gives none."""
    from desktop.policy import api

    try:
        return api.time_limit(region, year, item, ctx.packs)
    except Refusal:
        return None


def claim_status(ctx: Context, claim_id: str) -> tuple[str, list[str], int | None]:
    """A claim's furthest step, the materials still missing and the fen settled."""
    from desktop.services import manual_claim

    status = manual_claim.claim_status(ctx, claim_id)
    settled = next((s["settled_fen"] for s in status["steps"] if s["step"] == "结算"), None)
    return status["step"], list(status["missing"]), settled
