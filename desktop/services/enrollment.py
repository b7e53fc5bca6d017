"""参保登记 (enroll) and 续保 (renewal) for a policy year.

The category is proposed from age and school (categories.py) and may be overridden with a
reason; the fee and the benefit dates come from the calculator; the enrollment, its receipt
(缴费通知单/受理回执) and its audit entry are written in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from desktop.errors import Refusal
from desktop.records import audit, enrollments, persons, receipts
from desktop.records.rows import Stamp, to_json
from desktop.records.tx import write
from desktop.services import calc, categories, fields, hub_check
from desktop.services.context import Context
from desktop.services.permissions import require
from desktop.services.persons import require_alive, require_person

_KEEP: Any = object()  # renewal: keep last year's value


@dataclass(frozen=True)
class EnrollmentResult:
    enrollment_id: str
    receipt_serial: str
    person_id: str
    year: int
    kind: str  # enroll / renewal
    category: str
    proposal: categories.Proposal
    contribution: calc.Contribution
    benefit: calc.BenefitPeriod


def proposal(ctx: Context, id_number: Any, year: Any) -> categories.Proposal:
    """What the page shows before the clerk confirms: the proposed category and why."""
    person = require_person(ctx, id_number)
    return _propose(ctx, person, fields.year(year, ctx.today()))


def _propose(ctx: Context, person: dict[str, Any], year: int) -> categories.Proposal:
    try:
        rules = ctx.category_rules(year)
    except Refusal as refusal:
        raise Refusal(refusal.code, refusal.message, "year") from None
    return categories.propose(
        ctx.region,
        date.fromisoformat(person["birth_date"]),
        ctx.today(),
        school_kind=person["school_kind"],
        rules=rules,
    )


def already_enrolled_refusal(person: dict[str, Any], existing: dict[str, Any]) -> Refusal:
    return Refusal(
        "already_enrolled",
        f"{person['name']}已于{existing['created_at'][:10]}办理{existing['year']}年度参保登记"
        f"（收据号{existing['receipt_serial']}），不能重复登记",
        "year",
    )


def enroll(
    ctx: Context,
    id_number: Any,
    year: Any,
    *,
    category: str | None = None,
    category_reason: str | None = None,
    assistance: str | None = None,
    tier: str | None = None,
    special_group: str | None = None,
    student_proof: bool = False,
    paid_on: Any = None,
    continuous_years: int | None = None,
    gap_months: int | None = None,
) -> EnrollmentResult:
    """参保登记. `category` None takes the proposal; another category needs `category_reason`."""
    require(ctx, "handle", "enroll")
    person = require_person(ctx, id_number)
    return _enroll(
        ctx,
        person,
        fields.year(year, ctx.today()),
        "enroll",
        category=category,
        category_reason=category_reason,
        assistance=assistance,
        tier=tier,
        special_group=special_group,
        student_proof=student_proof,
        paid_on=paid_on,
        continuous_years=continuous_years,
        gap_months=gap_months,
    )


def renew(
    ctx: Context,
    id_number: Any,
    year: Any,
    *,
    category_reason: str | None = None,
    assistance: str | None = _KEEP,
    tier: str | None = _KEEP,
    special_group: str | None = None,
    student_proof: bool = False,
    paid_on: Any = None,
) -> EnrollmentResult:
    """续保: last year's category (as changed since), tier and assistance group, for `year`.

    The category is still checked against the proposal: a minor who turned 18 and left school
    cannot be renewed as 未成年居民 without a reason.
    """
    require(ctx, "handle", "renewal")
    person = require_person(ctx, id_number)
    target = fields.year(year, ctx.today())
    previous = enrollments.latest_for_year(ctx.db, person["id"], target - 1)
    if previous is None:
        raise Refusal(
            "not_found",
            f"{person['name']}没有{target - 1}年度的参保记录，不能续保，请办理参保登记",
            "year",
        )
    category = person["category"] or previous["category"]
    if category_reason is None and category == previous["category"]:
        category_reason = previous["category_reason"]
    return _enroll(
        ctx,
        person,
        target,
        "renewal",
        category=category,
        category_reason=category_reason,
        assistance=previous["assistance"] if assistance is _KEEP else assistance,
        tier=previous["tier"] if tier is _KEEP else tier,
        # The 在校生证明 is brought again every year (002 §二(二)3 “续保认证”): no carry-over.
        special_group=special_group,
        student_proof=student_proof,
        paid_on=paid_on,
        continuous_years=None,
        gap_months=None,
    )


def _same_category(
    ctx: Context, year: int, chosen: calc.Contribution, proposed: str, tier: str | None
) -> bool:
    """Whether the chosen category is the proposed one, aliases resolved by the calculator."""
    if chosen.category == proposed:
        return True
    try:
        return calc.contribution(ctx, year, proposed, tier, None).category == chosen.category
    except Refusal:
        return False


@dataclass(frozen=True)
class Plan:
    """An enrollment checked and computed, nothing written yet (see `plan` and `write_plan`)."""

    year: int
    kind: str
    proposed: categories.Proposal
    proposed_label: str
    reason: str | None
    contribution: calc.Contribution
    benefit: calc.BenefitPeriod
    paid: date
    assistance: str | None
    tier: str | None
    special_group: str | None
    student_proof: bool

    def columns(self, region: str) -> dict[str, Any]:
        """The enrollment row's columns that come from the plan (all but the provenance and the
        person), the same for every person of a shared plan: computed once per region."""
        cache = self.__dict__.setdefault("_columns", {})
        if region not in cache:
            contribution, benefit = self.contribution, self.benefit
            cache[region] = {
                "year": self.year,
                "region": region,
                "kind": self.kind,
                "category": contribution.category,
                "proposed_category": self.proposed_label,
                "category_reason": (
                    self.reason if contribution.category != self.proposed_label else None
                ),
                "assistance": self.assistance,
                "tier": self.tier,
                "special_group": self.special_group,
                "student_proof": int(self.student_proof),
                "standard_fen": contribution.standard_fen,
                "ltc_fen": contribution.ltc_fen,
                "assisted_fen": contribution.assisted_fen,
                "personal_fen": contribution.personal_fen,
                "paid_on": self.paid.isoformat(),
                "benefit_start": benefit.start.isoformat(),
                "benefit_end": benefit.end.isoformat(),
                "waiting_months": benefit.waiting_months,
                "retroactive": int(benefit.retroactive),
                "trace": self.trace,
            }
        return cache[region]

    @cached_property
    def trace(self) -> str:
        """The calculation trace the enrollment row stores (the same text for every row of one
        plan: computed once when a batch reuses the plan)."""
        return to_json(
            {
                "proposal": self.proposed.note,
                "benefit_rule": self.benefit.rule,
                "contribution": self.contribution.trace,
                "benefit_start": self.benefit.trace,
            }
        )


def _enroll(
    ctx: Context,
    person: dict[str, Any],
    year: int,
    kind: str,
    **options: Any,
) -> EnrollmentResult:
    require_alive(person)
    existing = enrollments.active(ctx.db, person["id"], year)
    if existing is not None:
        raise already_enrolled_refusal(person, existing)
    if not ctx.db.conn.in_transaction:  # a counter visit asked the hub before its transaction
        hub_check.refuse_if_enrolled_on_hub(ctx, person["id_number"], person["name"], year)
    planned = plan(ctx, person, year, kind, **options)
    stamp = ctx.stamp()
    with write(ctx.db):
        existing = enrollments.active(ctx.db, person["id"], year)  # again, under the write lock
        if existing is not None:
            raise already_enrolled_refusal(person, existing)
        return write_plan(ctx, stamp, person, planned)


def plan(
    ctx: Context,
    person: dict[str, Any],
    year: int,
    kind: str,
    *,
    category: str | None,
    category_reason: str | None,
    assistance: str | None,
    tier: str | None,
    special_group: str | None,
    student_proof: bool,
    paid_on: Any,
    continuous_years: int | None,
    gap_months: int | None,
) -> Plan:
    """Every check and figure of an enrollment, nothing written: a refusal comes from here.

    `person` needs `birth_date`, `school_kind`, `status` and `name` (a person about to be
    registered in the same transaction qualifies); the caller checks there is no active
    enrollment of that year.
    """
    require_alive(person)
    today = ctx.today()
    paid = fields.day(paid_on, "paid_on", "缴费日期", required=False) or today
    fields.not_after(paid, today, "paid_on", "缴费日期", "今天")

    proposed = _propose(ctx, person, year)
    chosen_label = (
        fields.text(category, "category", "参保类别", required=False) or proposed.category
    )
    if chosen_label is None:
        raise Refusal("missing_field", f"请选择参保类别：{proposed.note}", "category")
    contribution = calc.contribution(ctx, year, chosen_label, tier or None, assistance or None)
    reason = fields.text(category_reason, "category_reason", "类别变更原因", required=False)
    if proposed.category is None:
        proposed_label = contribution.category  # nothing to override: the clerk chose
    elif _same_category(ctx, year, contribution, proposed.category, tier or None):
        proposed_label = contribution.category
        if proposed.needs_student_proof and not student_proof:
            raise Refusal(
                "missing_material",
                f"请收取在校证明：{proposed.note}",
                "student_proof",
            )
    else:
        proposed_label = proposed.category
        if reason is None:
            why = f"（{proposed.note}）" if proposed.note else ""
            raise Refusal(
                "override_without_reason",
                f"参保类别“{contribution.category}”与系统推定的“{proposed.category}”{why}不同，"
                "请填写类别变更原因",
                "category_reason",
            )

    birth = date.fromisoformat(person["birth_date"])
    benefit = calc.benefit_start(
        ctx,
        year,
        paid,
        birth_date=birth if categories.age_on(birth, paid) < 1 else None,
        special_group=special_group or None,
        continuous_years=continuous_years,
        gap_months=gap_months,
    )
    return Plan(
        year,
        kind,
        proposed,
        proposed_label,
        reason,
        contribution,
        benefit,
        paid,
        assistance or None,
        tier or None,
        special_group or None,
        student_proof,
    )


PlanMemo = dict[tuple, "Plan | Refusal"]


def plan_key(
    ctx: Context, person: dict[str, Any], year: int, kind: str, **options: Any
) -> tuple | None:
    """Everything `plan` reads, as a key: two persons with the same key get the same plan (or
    the same refusal). None when the plan is not shared (a payment date given, a person who is
    not 正常: its refusal names the person).

    `plan` reads of the person only the status, the school kind and the birth date, and of the
    birth date only the age on the payment day (today), and the date itself for a baby under one
    (the benefit start of a newborn depends on it)."""
    if options.get("paid_on") is not None or person.get("status") != "正常":
        return None
    today = ctx.today()
    born = person["birth_date"]  # ISO text: "MM-DD" compares as (month, day) does
    age = today.year - int(born[:4]) - (born[5:] > f"{today.month:02d}-{today.day:02d}")
    return (
        today,
        year,
        kind,
        age,
        born if age < 1 else None,
        person.get("school_kind"),
        *options.items(),  # with the names: another order of the same options only misses
    )


def plan_shared(
    memo: PlanMemo, ctx: Context, person: dict[str, Any], year: int, kind: str, **options: Any
) -> Plan:
    """`plan`, computed once per `plan_key` in `memo` (a batch of many persons, e.g. a roster
    import: the same plan object, or the same refusal, for every person of one key). A memo
    serves one Context (its region, policy and category rules are not part of the key)."""
    key = plan_key(ctx, person, year, kind, **options)
    if key is None:
        return plan(ctx, person, year, kind, **options)
    found = memo.get(key)
    if found is None:
        try:
            found = memo[key] = plan(ctx, person, year, kind, **options)
        except Refusal as refusal:
            memo[key] = refusal
            raise
    if isinstance(found, Refusal):
        raise Refusal(found.code, found.message, found.field)
    return found


def enrollment_row(
    ctx: Context, stamp: Stamp, person: dict[str, Any], planned: Plan
) -> dict[str, Any]:
    """The enrollment row of a plan for a person (every column but the receipt serial)."""
    return {**stamp.meta(), "person_id": person["id"], **planned.columns(ctx.region)}


def _audit_entry(planned: Plan, person: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    """The audit entry of an enrollment (keyword arguments of `audit.append`): the row exactly
    as stored is hashed into it (`audit verify` recomputes it)."""
    return {
        "action": planned.kind,
        "business": planned.kind,
        "entity": "enrollments",
        "entity_id": stored["id"],
        "person_id": person["id"],
        "amount_fen": planned.contribution.personal_fen,
        "row": stored,
    }


def _result(person: dict[str, Any], planned: Plan, row: dict[str, Any]) -> EnrollmentResult:
    return EnrollmentResult(
        row["id"],
        row["receipt_serial"],
        person["id"],
        planned.year,
        planned.kind,
        planned.contribution.category,
        planned.proposed,
        planned.contribution,
        planned.benefit,
    )


def write_plans(
    ctx: Context, stamp: Stamp, items: Sequence[tuple[dict[str, Any], Plan]]
) -> tuple[list[EnrollmentResult], list[dict[str, Any]]]:
    """`write_plan` for many (person, plan) pairs, one executemany per table: receipts with
    consecutive serials in order, enrollments, statuses, the persons' categories. Returns the
    results and the audit entries (in order) for the caller to append with its own entries
    (`audit.append_many`); the caller holds the write transaction and has checked that no
    person holds an active enrollment of the year."""
    rows = [enrollment_row(ctx, stamp, person, planned) for person, planned in items]
    serials = receipts.issue_many(
        ctx.db,
        stamp,
        [
            {
                "business": planned.kind,
                "record_id": row["id"],
                "person_id": person["id"],
                "amount_fen": planned.contribution.personal_fen,
            }
            for (person, planned), row in zip(items, rows, strict=True)
        ],
    )
    for row, serial in zip(rows, serials, strict=True):
        row["receipt_serial"] = serial
    stored = enrollments.add_many(ctx.db, stamp, rows)
    for person, planned in items:
        if person.get("category") != planned.contribution.category:
            persons.update(ctx.db, stamp, person["id"], {"category": planned.contribution.category})
    results = [
        _result(person, planned, row) for (person, planned), row in zip(items, rows, strict=True)
    ]
    entries = [
        _audit_entry(planned, person, found)
        for (person, planned), found in zip(items, stored, strict=True)
    ]
    return results, entries


def write_plan(
    ctx: Context, stamp: Stamp, person: dict[str, Any], planned: Plan
) -> EnrollmentResult:
    """Write a planned enrollment, its receipt, the person's category and the audit entry; the
    caller holds the write transaction and has checked there is no active enrollment."""
    contribution = planned.contribution
    row = enrollment_row(ctx, stamp, person, planned)
    row["receipt_serial"] = receipts.issue(
        ctx.db,
        stamp,
        business=planned.kind,
        record_id=row["id"],
        person_id=person["id"],
        amount_fen=contribution.personal_fen,
    )
    enrollments.add(ctx.db, stamp, row)
    if person.get("category") != contribution.category:
        persons.update(ctx.db, stamp, person["id"], {"category": contribution.category})
    audit.append(ctx.db, stamp, **_audit_entry(planned, person, enrollments.stored(ctx.db, row["id"])))
    return _result(person, planned, row)
