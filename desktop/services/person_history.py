"""参保人档案: a person's details, household and every business on file, in one read.

The person's page shows what `history` returns and computes nothing: labels, states and
amounts (yuan, Decimal) are settled here. Reading personal data is audited: one entry
(`view`, business `person`) per reading, in its own small transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from desktop.policy import money
from desktop.records import audit, households
from desktop.records import history as rows
from desktop.records.tx import write
from desktop.services import change as change_service
from desktop.services import labels
from desktop.services.context import Context
from desktop.services.permissions import mask_for, require, roles_of
from desktop.services.persons import require_person

REVIEW_LABELS = {"pending": "待复核", "approved": "复核通过", "rejected": "复核驳回"}
OFFSITE_ACTIONS = {"file": "备案", "change": "变更备案", "cancel": "取消备案"}
CHRONIC_KINDS = {"chronic": "门诊慢性病", "special": "门诊特殊病"}
SCHOOL_KINDS = {"university": "高等院校", "school": "中小学校、职业院校或托育机构"}


def _yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else money.fen(money.from_fen(fen))


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


@dataclass(frozen=True)
class Details:
    name: str
    id_number: str  # as the operator's role may see it (services.permissions.mask_for)
    sex: str
    birth_date: date
    age: int
    phone: str | None
    address: str | None
    hukou_region: str | None
    residence_region: str | None
    hukou_nature: str | None
    school: str | None
    category: str | None  # the registered 参保缴费身份
    status: str  # 正常 / 死亡
    death_date: date | None


@dataclass(frozen=True)
class Member:
    name: str
    id_number: str
    relationship: str
    age: int
    is_this_person: bool


@dataclass(frozen=True)
class EnrollmentLine:
    year: int
    region: str
    kind: str  # 参保登记 / 续保
    category: str
    tier: str | None
    assistance: str | None
    standard: Decimal
    assisted: Decimal
    personal: Decimal
    paid_on: date
    benefit_start: date
    benefit_end: date
    waiting_months: int
    status: str  # 有效 / 已停保 / 已退保 / 已退费
    serial: str
    voided: bool


@dataclass(frozen=True)
class ChangeLine:
    on: date
    field: str
    before: str
    after: str
    reason: str | None
    state: str  # 即时生效 / 待复核 / 复核通过 / 复核驳回
    serial: str
    voided: bool


@dataclass(frozen=True)
class StopLine:
    """停保, 退保 or 退费 of one year's enrollment."""

    on: date
    kind: str  # 停保 / 退保 / 退费
    year: int
    reason: str
    effective_on: date | None  # 停保/退保 date
    amount: Decimal | None  # 退费: the amount asked
    paid: Decimal | None  # 退费: the amount paid out
    state: str
    serial: str
    voided: bool


@dataclass(frozen=True)
class FilingLine:
    on: date
    action: str  # 备案 / 变更备案 / 取消备案
    person_type: str
    destination: str
    start: date
    valid_until: date | None
    serial: str
    voided: bool


@dataclass(frozen=True)
class ClaimLine:
    on: date
    year: int
    total: Decimal
    compliant: Decimal
    estimate_basic: Decimal
    step: str  # 受理 / 审核 / 结算
    settled: Decimal | None
    serial: str
    voided: bool


@dataclass(frozen=True)
class ChronicLine:
    on: date
    year: int
    kind: str  # 门诊慢性病 / 门诊特殊病
    disease: str
    hospital: str
    state: str  # 待复核 / 复核通过 / 复核驳回
    serial: str
    voided: bool


@dataclass(frozen=True)
class CertificateLine:
    on: date
    period: str  # 2025-01 至 2026-12
    purpose: str | None
    personal: Decimal
    serial: str
    voided: bool


@dataclass(frozen=True)
class ReceiptLine:
    serial: str
    issued: date
    business: str
    amount: Decimal | None
    voided: bool
    void_reason: str | None
    voided_on: date | None


@dataclass(frozen=True)
class PersonHistory:
    details: Details
    household: tuple[Member, ...]
    enrollments: tuple[EnrollmentLine, ...]
    changes: tuple[ChangeLine, ...]
    stops: tuple[StopLine, ...]
    filings: tuple[FilingLine, ...]
    claims: tuple[ClaimLine, ...]
    chronic: tuple[ChronicLine, ...]
    certificates: tuple[CertificateLine, ...]
    receipts: tuple[ReceiptLine, ...]


def _age(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _shown(field: str, value: str | None, roles: Any) -> str:
    if value is None:
        return "（空）"
    return mask_for(roles, value) if field == "id_number" else value


def history(ctx: Context, id_number: Any) -> PersonHistory:
    """The person's page: everything on file about the person with this ID number."""
    require(ctx, "view", "person")
    person = require_person(ctx, id_number)
    pid = person["id"]
    roles = roles_of(ctx) or frozenset({ctx.role})
    today = ctx.today()
    birth = date.fromisoformat(person["birth_date"])
    details = Details(
        name=person["name"], id_number=mask_for(roles, person["id_number"]), sex=person["sex"],
        birth_date=birth, age=_age(birth, today), phone=person["phone"], address=person["address"],
        hukou_region=person["hukou_region"], residence_region=person["residence_region"],
        hukou_nature=person["hukou_nature"],
        school=(f"{person['school']}（{SCHOOL_KINDS.get(person['school_kind'], person['school_kind'])}）"
                if person["school"] else None),
        category=person["category"], status=person["status"], death_date=_day(person["death_date"]))
    membership = households.membership(ctx.db, pid)
    members = households.members(ctx.db, membership["household_id"]) if membership else []
    household = tuple(
        Member(name=m["name"], id_number=mask_for(roles, m["id_number"]), relationship=m["relationship"],
               age=_age(date.fromisoformat(m["birth_date"]), today), is_this_person=m["id"] == pid)
        for m in members)
    enrollments = tuple(
        EnrollmentLine(
            year=e["year"], region=e["region"], kind=labels.BUSINESSES.get(e["kind"], e["kind"]),
            category=e["category"], tier=e["tier"], assistance=e["assistance"],
            standard=_yuan(e["standard_fen"]), assisted=_yuan(e["assisted_fen"]),
            personal=_yuan(e["personal_fen"]), paid_on=_day(e["paid_on"]),
            benefit_start=_day(e["benefit_start"]), benefit_end=_day(e["benefit_end"]),
            waiting_months=e["waiting_months"], status=labels.STATUSES.get(e["status"], e["status"]),
            serial=e["receipt_serial"], voided=e["void_reason"] is not None)
        for e in rows.enrollments(ctx.db, pid))
    changes = tuple(
        ChangeLine(
            on=_day(c["created_at"]), field=change_service.LABELS.get(c["field"], c["field"]),
            before=_shown(c["field"], c["before"], roles), after=_shown(c["field"], c["after"], roles),
            reason=c["reason"],
            state="即时生效" if not c["review_levels"] else REVIEW_LABELS.get(c["review_state"], "待复核"),
            serial=c["receipt_serial"], voided=c["void_reason"] is not None)
        for c in rows.changes(ctx.db, pid))
    stops = [
        StopLine(
            on=_day(t["created_at"]), kind="停保" if t["kind"] == "suspension" else "退保", year=t["year"],
            reason=t["reason"] + (f"（{t['reason_note']}）" if t["reason_note"] else ""),
            effective_on=_day(t["effective_on"]), amount=None, paid=None,
            state=REVIEW_LABELS.get(t["review_state"], "待复核"), serial=t["receipt_serial"],
            voided=t["void_reason"] is not None)
        for t in rows.terminations(ctx.db, pid)]
    stops += [
        StopLine(
            on=_day(r["created_at"]), kind="退费", year=r["year"], reason=r["reason"], effective_on=None,
            amount=_yuan(r["amount_fen"]), paid=_yuan(r["paid_fen"]),
            state="已退付" if r["paid_fen"] is not None else REVIEW_LABELS.get(r["review_state"], "待复核"),
            serial=r["receipt_serial"], voided=r["void_reason"] is not None)
        for r in rows.refunds(ctx.db, pid)]
    filings = tuple(
        FilingLine(
            on=_day(f["created_at"]), action=OFFSITE_ACTIONS.get(f["action"], f["action"]),
            person_type=f["person_type_label"],
            destination=f["destination_province"] + (f["destination_city"] or ""),
            start=_day(f["start_on"]), valid_until=_day(f["valid_until"]), serial=f["receipt_serial"],
            voided=f["void_reason"] is not None)
        for f in rows.offsite_filings(ctx.db, pid))
    claims = tuple(
        ClaimLine(
            on=_day(c["created_at"]), year=c["year"], total=_yuan(c["total_fen"]),
            compliant=_yuan(c["compliant_fen"]), estimate_basic=_yuan(c["estimate_basic_fen"]),
            step=c["step"] or "受理", settled=_yuan(c["settled_fen"]), serial=c["receipt_serial"],
            voided=c["void_reason"] is not None)
        for c in rows.claims(ctx.db, pid))
    chronic = tuple(
        ChronicLine(
            on=_day(a["created_at"]), year=a["year"], kind=CHRONIC_KINDS.get(a["kind"], a["kind"]),
            disease=a["disease"] + (f"（{a['treatment']}）" if a["treatment"] else ""), hospital=a["hospital"],
            state=REVIEW_LABELS.get(a["review_state"], "待复核"), serial=a["receipt_serial"],
            voided=a["void_reason"] is not None)
        for a in rows.chronic_applications(ctx.db, pid))
    certificates = tuple(
        CertificateLine(
            on=_day(c["created_at"]), period=f"{c['period_from'][:7]} 至 {c['period_to'][:7]}", purpose=c["purpose"],
            personal=_yuan(c["amount_fen"]), serial=c["receipt_serial"], voided=c["void_reason"] is not None)
        for c in rows.certificates(ctx.db, pid))
    receipts = tuple(
        ReceiptLine(
            serial=r["serial"], issued=_day(r["created_at"]),
            business=labels.BUSINESSES.get(r["business"], r["business"]), amount=_yuan(r["amount_fen"]),
            voided=r["void_reason"] is not None, void_reason=r["void_reason"], voided_on=_day(r["voided_at"]))
        for r in rows.receipts(ctx.db, pid))
    stamp = ctx.stamp()
    with write(ctx.db):
        audit.append(ctx.db, stamp, action="view", business="person", entity="persons", entity_id=pid,
                     person_id=pid, payload={"read": "history"})
    return PersonHistory(details=details, household=household, enrollments=enrollments, changes=changes,
                         stops=tuple(sorted(stops, key=lambda s: (s.on, s.serial))), filings=filings,
                         claims=claims, chronic=chronic, certificates=certificates, receipts=receipts)
