"""一次性告知单: the materials of a business, ticked as received, asked at the counter or for a
recorded business."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from desktop.documents.model import ChecklistNotice, Header, Person
from desktop.errors import Refusal
from desktop.records.rows import one
from desktop.services import calc
from desktop.services.context import Context
from desktop.services.printing.furniture import counter_header, header_of
from desktop.services.printing.lookup import find, person_of, region_of, year_of
from desktop.services.printing.text import loads

# The materials item of calc-api.md for each business (the 一次性告知单 of that business).
MATERIALS_ITEMS = {
    "enroll": "参保登记", "renewal": "参保登记", "change": "变更登记", "suspension": "停保退保",
    "termination": "停保退保", "refund": "退费", "offsite_filing": "异地就医备案",
    "manual_claim": "零星报销",
}


def checklist_from_answer(answer: Mapping[str, Any], *, provided: Collection[str], header: Header,
                          person: Person | None = None, large_print: bool = False) -> ChecklistNotice:
    """一次性告知单 of a `materials` answer with the materials ticked (the CLI's path); what is
    still missing is judged as at intake (calc.Checklist.missing), so the notice asks for no
    more than the receipt of the same business does."""
    missing = calc.missing_materials(list(answer["materials"]), provided)
    return ChecklistNotice.from_answer(
        answer, provided=set(provided), missing=tuple(missing), header=header, item=str(answer.get("item", "")),
        basis=str(answer.get("document") or answer.get("source") or ""), person=person,
        time_limit=answer.get("time_limit") or "", phone=answer.get("hotline") or "",
        large_print=large_print)


def checklist(ctx: Context, item: str, *, provided: Collection[str] = (), person_type: str | None = None,
              channel: str | None = None, year: int | None = None, id_number: str | None = None,
              large_print: bool = False) -> ChecklistNotice:
    """一次性告知单 of a business asked at the counter (no record yet), the ticked materials."""
    request = {"calc": "materials", "region": ctx.region, "year": year or ctx.policy_year(), "item": item}
    if person_type:
        request["person_type"] = person_type
    if channel:
        request["channel"] = channel
    answer = ctx.ask(request)
    person = None
    if id_number:
        row = one(ctx.db, "SELECT name, id_number FROM persons WHERE id_number = ?", [id_number])
        if row:
            person = Person(name=row["name"], id_number=row["id_number"])
    return checklist_from_answer(answer, provided=provided, header=counter_header(ctx), person=person,
                                 large_print=large_print)


def checklist_for(ctx: Context, ref: str, *, provided: Collection[str] | None = None,
                  large_print: bool = False) -> ChecklistNotice:
    """一次性告知单 of a recorded business: its materials item, the materials received as stored
    (filings, claims with their supplements) or `provided` (the ticks of the window)."""
    src = find(ctx, ref)
    item = MATERIALS_ITEMS[src.business]
    received: list[str] = list(provided or ())
    if provided is None and "materials_received" in src.record:
        received = loads(src.record["materials_received"])
        if src.business == "manual_claim":
            for row in ctx.db.query("SELECT materials_received FROM claim_supplements WHERE claim_id = ?",
                                    [src.record["id"]]):
                received += loads(row["materials_received"])
    request: dict[str, Any] = {"calc": "materials", "region": region_of(ctx, src), "year": year_of(ctx, src),
                               "item": item}
    if src.business == "offsite_filing":
        request["person_type"] = src.record["person_type_label"]
    try:
        answer = ctx.ask(request)
    except Refusal as refusal:
        if refusal.code != "no_policy_for_year":
            raise
        answer = ctx.ask({**request, "year": ctx.policy_year()})
    return checklist_from_answer(answer, provided=received, header=header_of(ctx, src),
                                 person=person_of(src), large_print=large_print)
