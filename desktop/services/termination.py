"""停保 (suspension) and 退保 (termination) of an enrollment, with the reason.

Both go to a reviewer (request -> approve/reject by another person, review.py); on approval
the enrollment stops being active. Where it may be done is the enrollment year's pack
(`termination`: 常州 “需至原办理参保手续的街道(镇)居民医保经办窗口办理”); a year whose source
gives no such rule is refused, naming the document.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop.errors import Refusal
from desktop.policy import procedures
from desktop.policy.citation import shown
from desktop.records import audit, enrollments, persons, receipts, reviews
from desktop.records.rows import Stamp, content, insert, one
from desktop.records.tx import write
from desktop.services import fields, labels
from desktop.services.context import Context
from desktop.services.permissions import require
from desktop.services.persons import require_person

KINDS = {
    "停保": "suspension",
    "退保": "termination",
    "suspension": "suspension",
    "termination": "termination",
}
REASONS = ("参军", "外地就读", "参加职工医保", "死亡", "其他")


@dataclass(frozen=True)
class TerminationResult:
    termination_id: str
    receipt_serial: str
    review_request_id: str
    kind: str


def active_enrollment(ctx: Context, person: dict[str, Any], year: Any, enrollment_id: str | None = None) -> dict[str, Any]:
    """The person's active enrollment of `year`; `enrollment_id` names one when the person has
    two (a double enrollment made at two windows while apart, settled from the 冲突 page)."""
    target = fields.year(year, ctx.today())
    if enrollment_id is None:
        enrollment = enrollments.active(ctx.db, person["id"], target)
    else:
        enrollment = next(
            (e for e in enrollments.of_person(ctx.db, person["id"])
             if e["id"] == enrollment_id and e["year"] == target and e["status"] == "active"),
            None,
        )
    if enrollment is None:
        raise Refusal("not_found", f"{person['name']}没有有效的{target}年度参保登记", "year")
    return enrollment


def check_no_open_request(ctx: Context, enrollment: dict[str, Any]) -> None:
    """One停保/退保/退费 request at a time per enrollment."""
    for table, label in (("terminations", "停保/退保"), ("refunds", "退费")):
        for row in ctx.db.query(
            f"SELECT * FROM {table} WHERE enrollment_id = ?", [enrollment["id"]]
        ):
            request = reviews.for_subject(ctx.db, row["id"])
            if request is not None and request["state"] == reviews.PENDING:
                raise Refusal(
                    "pending_review",
                    f"该参保登记已于{row['created_at'][:10]}申请{label}（收据号{row['receipt_serial']}），"
                    "正在等待复核",
                    "year",
                )


def check_original_hall(ctx: Context, enrollment: dict[str, Any]) -> None:
    rule = procedures.termination_rules(ctx.pack(enrollment["year"]))
    if rule.original_hall_only and enrollment["hall_code"] != ctx.hall_code:
        raise Refusal(
            "not_applicable",
            f"停保、退保须至{rule.where}办理（{shown(rule.source)}）：该参保登记由大厅{enrollment['hall_code']}办理",
            "hall_code",
        )


def request_termination(
    ctx: Context,
    id_number: Any,
    year: Any,
    kind: Any,
    reason: Any,
    *,
    reason_note: Any = None,
    effective_on: Any = None,
    death_date: Any = None,
    enrollment_id: str | None = None,
) -> TerminationResult:
    """Ask for 停保/退保 of the person's active enrollment of `year`; a reviewer decides."""
    require(ctx, "handle", "termination")
    person = require_person(ctx, id_number)
    code = fields.choice(kind, KINDS, "kind", "业务类型")
    why = fields.choice(reason, {r: r for r in REASONS}, "reason", "停保退保原因")
    note = fields.text(reason_note, "reason_note", "原因说明", required=(why == "其他"))
    died: date | None = None
    if why == "死亡":
        died = fields.required_day(death_date or person["death_date"], "death_date", "死亡日期")
        fields.not_after(died, ctx.today(), "death_date", "死亡日期", "今天")
    elif person["status"] == "死亡":
        raise Refusal("invalid_field", f"{person['name']}已登记死亡，原因应为“死亡”", "reason")
    effective = (
        fields.day(effective_on, "effective_on", "停保退保日期", required=False)
        or died
        or ctx.today()
    )
    enrollment = active_enrollment(ctx, person, year, enrollment_id)
    if effective.isoformat() > enrollment["benefit_end"]:
        raise Refusal(
            "invalid_date",
            f"停保退保日期{effective}晚于待遇享受期结束日{enrollment['benefit_end']}",
            "effective_on",
        )
    check_original_hall(ctx, enrollment)
    stamp = ctx.stamp()
    with write(ctx.db):
        check_no_open_request(ctx, enrollment)
        row = {
            **stamp.meta(),
            "enrollment_id": enrollment["id"],
            "person_id": person["id"],
            "kind": code,
            "reason": why,
            "reason_note": note,
            "effective_on": effective.isoformat(),
            "death_date": died.isoformat() if died else None,
        }
        row["receipt_serial"] = receipts.issue(
            ctx.db, stamp, business=code, record_id=row["id"], person_id=person["id"]
        )
        insert(ctx.db, "terminations", row)
        request = reviews.open_request(
            ctx.db,
            stamp,
            business="termination",
            subject_id=row["id"],
            person_id=person["id"],
            levels=1,
            summary=f"{person['name']} {enrollment['year']}年度{labels.BUSINESSES[code]}（{why}）",
        )
        audit.append(
            ctx.db,
            stamp,
            action="request",
            business=code,
            entity="terminations",
            entity_id=row["id"],
            person_id=person["id"],
            payload=content(row),
        )
    return TerminationResult(row["id"], row["receipt_serial"], request["id"], code)


def get(ctx: Context, termination_id: str) -> dict[str, Any] | None:
    return one(ctx.db, "SELECT * FROM terminations WHERE id = ?", [termination_id])


def apply(ctx: Context, stamp: Stamp, row: dict[str, Any]) -> None:
    """On approval: the enrollment stops; a death is also recorded on the person."""
    status = "suspended" if row["kind"] == "suspension" else "terminated"
    enrollments.set_status(ctx.db, stamp, row["enrollment_id"], status, row["id"])
    if row["reason"] == "死亡":
        person = persons.get(ctx.db, row["person_id"])
        if person is not None and person["status"] != "死亡":
            persons.update(
                ctx.db,
                stamp,
                row["person_id"],
                {
                    "status": "死亡",
                    "death_date": row["death_date"],
                    "death_reason": row["reason_note"],
                },
            )
