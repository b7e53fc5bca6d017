"""参保证明: a certificate of enrollment for a person and a period, from the records.

`plan` says which enrollments the period covers and writes nothing (the page shows it);
`issue` writes the certificate with its receipt serial and audit entry in one transaction, so
its QR check value verifies with `yibao-desk verify` like a receipt's (the amount checked is
the personal contributions certified); `document` builds the printed certificate from what was
stored (the same paper again when it is printed later).

Which enrollments count: those whose benefit period overlaps the period, except a refunded
one (no coverage left) and one whose receipt was voided (not a valid record of payment);
a suspended or terminated year is listed with its status.
"""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop.documents.certificate import CertificateLine, EnrollmentCertificate
from desktop.documents.model import Paper, Person
from desktop.errors import Refusal
from desktop.policy.money import from_fen
from desktop.records import audit, receipts
from desktop.records import history as history_rows
from desktop.records.rows import content, insert, one, to_json
from desktop.records.tx import write
from desktop.services import fields, verification
from desktop.services.context import Context
from desktop.services.permissions import require
from desktop.services.persons import require_person

BUSINESS = "certificate"
STATUS_WORDS = {"active": "正常参保", "suspended": "已停保", "terminated": "已退保"}
_PERIOD = re.compile(r"^\s*(\d{4})(?:\s*[-./年]\s*(\d{1,2})\s*月?)?\s*年?\s*$")


@dataclass(frozen=True)
class CertificatePlan:
    person: dict[str, Any]
    period_from: date
    period_to: date
    lines: tuple[dict[str, Any], ...]  # year, region, category, personal_fen, assisted_fen, benefit_*, status
    amount_fen: int  # personal contributions of the lines


@dataclass(frozen=True)
class CertificateResult:
    certificate_id: str
    receipt_serial: str
    plan: CertificatePlan


def _bound(value: Any, field: str, label: str, *, last: bool) -> date:
    """“2024” or “2024-03” (2024年3月): the first (or `last`) day of that year or month."""
    match = _PERIOD.match(str(value or ""))
    if match is None:
        raise Refusal("invalid_field", f"{label}“{value or ''}”应写作年份（如2024）或年月（如2024-03）", field)
    year, month = int(match.group(1)), match.group(2)
    if month is None:
        return date(year, 12, 31) if last else date(year, 1, 1)
    m = int(month)
    if not 1 <= m <= 12:
        raise Refusal("invalid_field", f"{label}的月份“{month}”应在1至12之间", field)
    return date(year, m, calendar.monthrange(year, m)[1]) if last else date(year, m, 1)


def plan(ctx: Context, id_number: Any, period_from: Any, period_to: Any = None) -> CertificatePlan:
    """The enrollments a certificate for this person and period would list; writes nothing
    (reading the records needs the role that may read a person's history)."""
    require(ctx, "view", BUSINESS)
    person = require_person(ctx, id_number)
    start = _bound(period_from, "period_from", "证明起始年月", last=False)
    end = _bound(period_to if period_to not in (None, "") else period_from, "period_to", "证明截止年月", last=True)
    if end < start:
        raise Refusal("invalid_field", f"证明截止年月早于起始年月（{start:%Y-%m} 至 {end:%Y-%m}）", "period_to")
    lines = []
    for e in history_rows.enrollments(ctx.db, person["id"]):
        if e["status"] == "refunded" or e["void_reason"] is not None:
            continue
        if e["benefit_start"] > end.isoformat() or e["benefit_end"] < start.isoformat():
            continue
        lines.append({"year": e["year"], "region": e["region"], "category": e["category"],
                      "personal_fen": e["personal_fen"], "assisted_fen": e["assisted_fen"],
                      "benefit_start": e["benefit_start"], "benefit_end": e["benefit_end"],
                      "status": e["status"], "enrollment_serial": e["receipt_serial"]})
    if not lines:
        raise Refusal("not_enrolled",
                      f"{person['name']}在{start.year}年{start.month}月至{end.year}年{end.month}月期间没有有效的参保缴费记录，"
                      "不能出具参保证明", "period_from")
    return CertificatePlan(person, start, end, tuple(lines), sum(line["personal_fen"] for line in lines))


def issue(ctx: Context, id_number: Any, period_from: Any, period_to: Any = None, *,
          purpose: Any = None) -> CertificateResult:
    """出具参保证明: the certificate, its serial and its audit entry, in one transaction."""
    require(ctx, "handle", BUSINESS)
    use = fields.text(purpose, "purpose", "证明用途", required=False, max_len=40)
    planned = plan(ctx, id_number, period_from, period_to)
    stamp = ctx.stamp()
    with write(ctx.db):
        row = {**stamp.meta(), "person_id": planned.person["id"], "period_from": planned.period_from.isoformat(),
               "period_to": planned.period_to.isoformat(), "purpose": use, "lines": to_json(list(planned.lines)),
               "amount_fen": planned.amount_fen}
        row["receipt_serial"] = receipts.issue(ctx.db, stamp, business=BUSINESS, record_id=row["id"],
                                               person_id=planned.person["id"], amount_fen=planned.amount_fen)
        insert(ctx.db, "certificates", row)
        audit.append(ctx.db, stamp, action="issue", business=BUSINESS, entity="certificates", entity_id=row["id"],
                     person_id=planned.person["id"], amount_fen=planned.amount_fen, payload=content(row))
    return CertificateResult(row["id"], row["receipt_serial"], planned)


def document(ctx: Context, ref: str, *, paper: Paper | str = Paper.A4) -> EnrollmentCertificate:
    """The printed certificate of a stored one (its serial or id), with its QR check value."""
    from desktop.services import printing  # header furniture (hall, window, clerk)

    key = (ref or "").strip()
    row = one(ctx.db, "SELECT * FROM certificates WHERE receipt_serial = ? OR id = ?", [key, key])
    if row is None:
        raise Refusal("not_found", f"找不到参保证明“{key}”，请核对编号", "record")
    person = one(ctx.db, "SELECT name, id_number FROM persons WHERE id = ?", [row["person_id"]])
    assert person is not None, "a certificate points at its person"
    serial = row["receipt_serial"]
    f = printing.furniture(ctx, row["hall_code"], row["window_code"], row["operator_id"])
    lines = tuple(
        CertificateLine(year=line["year"], region=line["region"], category=line["category"],
                        personal=from_fen(line["personal_fen"]), assisted=from_fen(line["assisted_fen"]),
                        benefit_start=date.fromisoformat(line["benefit_start"]),
                        benefit_end=date.fromisoformat(line["benefit_end"]),
                        status=STATUS_WORDS.get(line["status"], line["status"]))
        for line in json.loads(row["lines"]))
    years = sorted({line.year for line in lines})
    region = lines[0].region if lines else ctx.region
    return EnrollmentCertificate(
        header=printing.header(ctx, hall_code=row["hall_code"], window_code=row["window_code"],
                               operator_id=row["operator_id"], serial=serial),
        person=Person(name=person["name"], id_number=person["id_number"]),
        period_from=date.fromisoformat(row["period_from"]), period_to=date.fromisoformat(row["period_to"]),
        lines=lines, total_personal=from_fen(row["amount_fen"]), issuer=f.hall,
        issued_on=date.fromisoformat(row["created_at"][:10]), purpose=row["purpose"],
        phone=printing.hotline(ctx, region, years[-1]) if years else None,
        qr_text=verification.qr_text(ctx.db, serial), paper=Paper(paper))
