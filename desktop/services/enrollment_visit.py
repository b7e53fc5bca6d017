"""One counter visit of 参保登记/续保 for one person, written in one transaction.

At the counter a visit may register the person (not yet in the records), update the school
they attend, put them into the household of the visit's first member, and then enroll or renew
them. Each of those businesses keeps its own checks, audit entry and receipt serial (the
functions of `persons` and `enrollment` are called as they are); here they run inside ONE
`write`, where each one's own `write` nests as a savepoint. So the visit pays one COMMIT (one
fsync under synchronous=FULL), and a refused enrollment leaves nothing behind: no person
registered for a visit that did not happen, no audit entry, no receipt.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

from desktop.errors import Refusal
from desktop.records import households
from desktop.records import persons as person_rows
from desktop.records.tx import write
from desktop.services import enrollment, fields, hub_check, persons
from desktop.services.context import Context

Mode = Literal["enroll", "renewal"] | None
MODES: tuple[Mode, ...] = ("enroll", "renewal")


@dataclass(frozen=True)
class VisitResult:
    """What the page shows: the person as stored after the visit and the enrollment."""

    person: dict[str, Any]
    enrollment: enrollment.EnrollmentResult
    relationship: str | None = None  # in the household after the visit (None: in none)


def enroll_visit(
    ctx: Context,
    id_number: Any,
    year: Any,
    *,
    mode: Mode = None,
    name: Any = None,
    phone: Any = None,
    school: Any = None,
    school_kind: Any = None,
    head_id_number: Any = None,
    relationship: Any = None,
    **options: Any,
) -> VisitResult:
    """Register (if new), update the school, join the household, then enroll or renew: all or
    nothing, in one transaction.

    `name` and `phone` register a person not yet in the records (ignored for a registered one).
    `school`/`school_kind` register a new person's school, or update a registered person's when
    both are given and the school differs from the one on record. `head_id_number` and
    `relationship` put the person into the head's household; a person already in a household
    stays where they are (`already_member` is tolerated, and no relationship is needed), anyone
    else must be given one (a default would store a grandson as 配偶 unseen). `mode` is "enroll",
    "renewal" or None (续保 when last year's enrollment is on file, as `plan_visit` shows);
    `options` are the keyword arguments of `enrollment.enroll` / `enrollment.renew`. Any
    refusal rolls the whole visit back and is raised as the business raised it.
    """
    if mode is not None and mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")  # a caller's bug
    number = persons.parsed_id(ctx, id_number)
    try:
        target = fields.year(year, ctx.today())
    except Refusal:
        target = None  # refused below, by the business, as it always was
    if target is not None:  # the hub asked before the transaction, never under the write lock
        known = person_rows.get_by_id_number(ctx.db, number.number)
        shown = known["name"] if known else (name if isinstance(name, str) else None)
        hub_check.refuse_if_enrolled_on_hub(ctx, number.number, shown, target)
    with write(ctx.db):
        person = person_rows.get_by_id_number(ctx.db, number.number)
        if person is None:
            person = persons.register_person(
                ctx,
                number,
                name,
                phone=phone,
                school=school,
                school_kind=school_kind,
            )
        elif school_kind and not school:
            raise _school_without_name()
        elif school and school_kind and school != (person.get("school") or ""):
            persons.set_student_status(ctx, number, school, school_kind)
        # one already in a household needs no relationship (and stays where they are)
        if head_id_number and (relationship or households.membership(ctx.db, person["id"]) is None):
            try:
                persons.add_household_member(ctx, head_id_number, number, relationship)
            except Refusal as refusal:
                if refusal.code != "already_member":
                    raise
        if mode is None:
            mode = "renewal" if enrollment.kind_for(ctx, person, fields.year(year, ctx.today())) == "renewal" else "enroll"
        if mode == "renewal":
            result = enrollment.renew(ctx, number, year, **options)
        else:
            result = enrollment.enroll(ctx, number, year, **options)
        stored = person_rows.get_by_id_number(ctx.db, number.number)
        assert stored is not None  # registered above, in this transaction
        membership = households.membership(ctx.db, stored["id"])
    return VisitResult(stored, result, membership["relationship"] if membership else None)



def visit_person(
    ctx: Context, id_number: Any, *, name: Any = None, school: Any = None, school_kind: Any = None
) -> dict[str, Any]:
    """The person as `enroll_visit` would enroll them, nothing written: the registered person
    (with the school the visit would record, by the same test), or the one it would register."""
    number = persons.parsed_id(ctx, id_number)
    found = person_rows.get_by_id_number(ctx.db, number.number) if ctx.db is not None else None
    kind = persons.SCHOOL_KINDS.get(school_kind) if school_kind else None
    if found is not None:
        person = dict(found)
        if kind and (not school or school != (person.get("school") or "")):
            person["school_kind"] = kind
        return person
    return {
        "id": None,
        "name": (name or "").strip() or "新参保人员",
        "birth_date": number.birth_date.isoformat(),
        "school_kind": kind,
        "status": "正常",
        "category": None,
    }


def plan_visit(
    ctx: Context,
    id_number: Any,
    year: Any,
    *,
    mode: Mode = None,
    name: Any = None,
    school: Any = None,
    school_kind: Any = None,
    **options: Any,
) -> enrollment.Plan:
    """What `enroll_visit` with the same arguments will write, nothing written: category with
    the proposal and its reason, fee, benefit period, deadline, materials, trace, last year's
    enrollment. A reason or proof still missing is in `Plan.pending` (the page shows the figures
    with it); any other refusal is raised."""
    person = visit_person(ctx, id_number, name=name, school=school, school_kind=school_kind)
    target = fields.year(year, ctx.today())
    held = enrollment.enrollments.active(ctx.db, person["id"], target) if person["id"] else None
    if held is not None:
        raise enrollment.already_enrolled_refusal(person, held)
    planned = enrollment.plan_for(ctx, person, target, mode, strict=False, **options)
    if school_kind and not school and planned.pending is None:
        planned = replace(planned, pending=_school_without_name())
    return planned


def _school_without_name() -> Refusal:
    return Refusal("missing_field", "填写了学校类别，请同时填写学校名称", "school")


def visit_proposal(
    ctx: Context, id_number: Any, year: Any, *, name: Any = None, school: Any = None, school_kind: Any = None
) -> tuple[str | None, Any]:
    """The proposed category (pack label) and the proposal, for a plan that cannot be made yet
    (a tier not chosen): the page still shows what the rules propose."""
    person = visit_person(ctx, id_number, name=name, school=school, school_kind=school_kind)
    target = fields.year(year, ctx.today())
    found = enrollment.propose_for(ctx, person, target)
    return (enrollment.pack_label(ctx, target, found.category) if found.category else None), found
