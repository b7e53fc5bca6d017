"""参保登记 (enroll) and 续保 (renewal) for a policy year.

The category is proposed from age and school (categories.py) and may be overridden with a
reason; the fee and the benefit dates come from the calculator; the enrollment, its receipt
(缴费通知单/受理回执) and its audit entry are written in one transaction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from desktop.errors import Refusal
from desktop.records import audit, enrollments, persons, receipts
from desktop.records.rows import Stamp, to_json
from desktop.records.tx import write
from desktop.services import calc, categories, continuity, fields, hub_check
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


def propose_for(ctx: Context, person: dict[str, Any], year: int) -> categories.Proposal:
    """The category the year's rules propose for the person (registered or about to be)."""
    return _propose(ctx, person, year)


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
    earlier_years: Any = None,
    earlier_until: Any = None,
    earlier_reason: Any = None,
) -> EnrollmentResult:
    """参保登记. `category` None takes the proposal; another category needs `category_reason`.
    `continuous_years`/`gap_months` None: derived from the file when the rules ask
    (services.continuity), with `earlier_*` the years the file does not hold."""
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
        earlier_years=earlier_years,
        earlier_until=earlier_until,
        earlier_reason=earlier_reason,
    )


def renew(
    ctx: Context,
    id_number: Any,
    year: Any,
    *,
    category: str | None = None,
    category_reason: str | None = None,
    assistance: str | None = _KEEP,
    tier: str | None = _KEEP,
    special_group: str | None = None,
    student_proof: bool = False,
    paid_on: Any = None,
    continuous_years: int | None = None,
    gap_months: int | None = None,
    earlier_years: Any = None,
    earlier_until: Any = None,
    earlier_reason: Any = None,
) -> EnrollmentResult:
    """续保: last year's category, tier and assistance group, for `year` (see `renewal_options`)."""
    require(ctx, "handle", "renewal")
    person = require_person(ctx, id_number)
    return _enroll(
        ctx,
        person,
        fields.year(year, ctx.today()),
        "renewal",
        category=category,
        category_reason=category_reason,
        assistance=assistance,
        tier=tier,
        special_group=special_group,
        student_proof=student_proof,
        paid_on=paid_on,
        continuous_years=continuous_years,
        gap_months=gap_months,
        earlier_years=earlier_years,
        earlier_until=earlier_until,
        earlier_reason=earlier_reason,
    )


def previous_enrollment(ctx: Context, person: dict[str, Any], year: int) -> dict[str, Any] | None:
    """Last year's enrollment (not refunded) of a registered person: the basis of a renewal."""
    if not person.get("id") or ctx.db is None:
        return None
    return enrollments.latest_for_year(ctx.db, person["id"], year - 1)


def kind_for(ctx: Context, person: dict[str, Any], year: int) -> str:
    """续保 when the person holds last year's enrollment, else 参保登记."""
    return "renewal" if previous_enrollment(ctx, person, year) is not None else "enroll"


def renewal_options(
    ctx: Context, person: dict[str, Any], year: int, previous: dict[str, Any], options: dict[str, Any]
) -> dict[str, Any]:
    """What a renewal fills in that the clerk left: last year's tier and assistance group, and
    the category: last year's (as changed since) while the rules propose what they proposed
    then; the rules' new proposal when the person has since crossed an age limit (a 非从业居民
    who turned 60 renews as 老年居民, shown beside last year's). The 在校生证明 is brought again
    every year (002 §二(二)3 “续保认证”): no carry-over."""
    out = dict(options)
    if out.get("assistance", _KEEP) is _KEEP:
        out["assistance"] = previous["assistance"]
    if out.get("tier", _KEEP) is _KEEP:
        out["tier"] = previous["tier"]
    if out.get("category") is None:
        last = person.get("category") or previous["category"]
        proposed = _propose(ctx, person, year).category
        if proposed is None or _same_label(ctx, year, proposed, previous["proposed_category"], out["tier"]):
            out["category"] = last
            if out.get("category_reason") is None and last == previous["category"]:
                out["category_reason"] = previous["category_reason"]
    return out


def _same_label(ctx: Context, year: int, a: str, b: str | None, tier: str | None) -> bool:
    """Whether two category labels name the same category (aliases resolved by the calculator)."""
    if b is None:
        return False
    if a == b:
        return True
    try:
        return calc.contribution(ctx, year, a, tier, None).category == b
    except Refusal:
        return False


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
    # last year's enrollment (shown beside the proposal; the basis of a renewal)
    previous: dict[str, Any] | None = None
    # what still stops the write (a reason or a proof not yet given): the page shows the
    # figures with it, the write raises it (`plan(..., strict=True)` raises it at once)
    pending: Refusal | None = None
    continuity: continuity.Continuity | None = None
    deadline: date | None = None  # 缴费截止日期 (None: pay on the day, the window has closed)
    deadline_note: str | None = None
    materials: tuple[str, ...] = ()

    @property
    def category(self) -> str:
        return self.contribution.category

    @property
    def reason_recorded(self) -> str | None:
        """类别调整理由 as recorded: only when the category differs from the proposal."""
        return self.reason if self.contribution.category != self.proposed_label else None

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
                "category_reason": self.reason_recorded,
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
                **({"continuity": self.continuity.text()} if self.continuity else {}),
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
    planned = plan_for(ctx, person, year, kind, strict=True, **options)
    stamp = ctx.stamp()
    with write(ctx.db):
        existing = enrollments.active(ctx.db, person["id"], year)  # again, under the write lock
        if existing is not None:
            raise already_enrolled_refusal(person, existing)
        return write_plan(ctx, stamp, person, planned)


def plan_for(
    ctx: Context, person: dict[str, Any], year: int, kind: str | None, *, strict: bool, **options: Any
) -> Plan:
    """What `enroll` / `renew` will write, nothing written: the page shows this and the write
    records it. `kind` None: 续保 when last year's enrollment is on file, else 参保登记. A
    renewal fills what the clerk left from last year (`renewal_options`). `strict` False
    keeps a missing reason or proof in `Plan.pending` instead of raising it."""
    previous = previous_enrollment(ctx, person, year)
    if kind is None:
        kind = "renewal" if previous is not None else "enroll"
    if kind == "renewal":
        if previous is None:
            raise Refusal(
                "not_found",
                f"{person['name']}没有{year - 1}年度的参保记录，不能续保，请办理参保登记",
                "year",
            )
        options = renewal_options(ctx, person, year, previous, options)
    else:
        options = {k: (None if v is _KEEP else v) for k, v in options.items()}
    options.setdefault("category", None)
    options.setdefault("category_reason", None)
    return plan(ctx, person, year, kind, previous=previous, strict=strict, **options)


def plan(
    ctx: Context,
    person: dict[str, Any],
    year: int,
    kind: str,
    *,
    category: str | None,
    category_reason: str | None,
    assistance: str | None = None,
    tier: str | None = None,
    special_group: str | None = None,
    student_proof: bool = False,
    paid_on: Any = None,
    continuous_years: int | None = None,
    gap_months: int | None = None,
    earlier_years: Any = None,
    earlier_until: Any = None,
    earlier_reason: Any = None,
    previous: dict[str, Any] | None = None,
    strict: bool = True,
) -> Plan:
    """Every check and figure of an enrollment, nothing written: a refusal comes from here.

    `person` needs `birth_date`, `school_kind`, `status` and `name` (a person about to be
    registered in the same transaction qualifies); the caller checks there is no active
    enrollment of that year.
    """
    require_alive(person)
    today = ctx.today()
    paid = fields.day(paid_on, "paid_on", "预计缴费日期", required=False) or today
    fields.not_after(paid, today, "paid_on", "预计缴费日期", "今天")

    proposed = _propose(ctx, person, year)
    chosen_label = (
        fields.text(category, "category", "参保类别", required=False) or proposed.category
    )
    if chosen_label is None:
        raise Refusal("missing_field", f"请选择参保类别：{proposed.note}", "category")
    contribution = calc.contribution(ctx, year, chosen_label, tier or None, assistance or None)
    reason = fields.text(category_reason, "category_reason", "类别调整理由", required=False)
    pending: Refusal | None = None
    if proposed.category is None:
        proposed_label = contribution.category  # nothing to override: the clerk chose
    elif _same_category(ctx, year, contribution, proposed.category, tier or None):
        proposed_label = contribution.category
        if proposed.needs_student_proof and not student_proof:
            pending = Refusal(
                "missing_material",
                f"请收取在校证明：{proposed.note}",
                "student_proof",
            )
    else:
        proposed_label = proposed.category
        if reason is None:
            why = f"（{proposed.note}）" if proposed.note else ""
            pending = Refusal(
                "override_without_reason",
                f"参保类别“{contribution.category}”与系统推定的“{proposed.category}”{why}不同，"
                "请填写类别调整理由",
                "category_reason",
            )
    if pending is not None and strict:
        raise pending

    birth = date.fromisoformat(person["birth_date"])
    benefit, continued = _benefit(
        ctx,
        person,
        year,
        paid,
        birth_date=birth if categories.age_on(birth, paid) < 1 else None,
        special_group=special_group or None,
        continuous_years=continuous_years,
        gap_months=gap_months,
        earlier=(earlier_years, earlier_until, earlier_reason),
    )
    deadline, deadline_note = payment_deadline(ctx, year, paid)
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
        previous=previous,
        pending=pending,
        continuity=continued,
        deadline=deadline,
        deadline_note=deadline_note,
        materials=_materials(ctx, year, student_proof or proposed.needs_student_proof),
    )


_CONTINUITY_FIELDS = ("continuous_years", "gap_months")


def _benefit(
    ctx: Context,
    person: dict[str, Any],
    year: int,
    paid: date,
    *,
    birth_date: date | None,
    special_group: str | None,
    continuous_years: int | None,
    gap_months: int | None,
    earlier: tuple[Any, Any, Any],
) -> tuple[calc.BenefitPeriod, continuity.Continuity | None]:
    """The benefit period; when its rules ask for 连续参保年数 / 中断月数 and they were not
    given, derived from the enrollments on file and the years the clerk entered."""
    entered = any(v not in (None, "") for v in earlier)
    if not entered:
        try:
            found = calc.benefit_start(
                ctx, year, paid, birth_date=birth_date, special_group=special_group,
                continuous_years=continuous_years, gap_months=gap_months,
            )
            return found, None
        except Refusal as refusal:
            if refusal.field not in _CONTINUITY_FIELDS:
                raise
    derived = continuity.derive(
        ctx, person, year, paid,
        earlier_years=earlier[0], earlier_until=earlier[1], earlier_reason=earlier[2],
    )
    years = continuous_years if continuous_years is not None else derived.continuous_years
    gap = gap_months if gap_months is not None else derived.gap_months
    try:
        found = calc.benefit_start(
            ctx, year, paid, birth_date=birth_date, special_group=special_group,
            continuous_years=years, gap_months=gap,
        )
    except Refusal as refusal:
        if refusal.field != "gap_months":
            raise
        raise Refusal(
            "missing_field",
            f"{derived.text()}：判断中断是否在3个月内，请录入档案外参保截止日期（及依据）",
            "earlier_until",
        ) from None
    return found, derived


def resident_pack(ctx: Context, year: int) -> Any:
    """The year's resident pack of the hall (its imported packs included); raises Refusal."""
    if ctx.packs is not None:
        return ctx.packs.find(ctx.region, year, "resident")
    from desktop.policy import loader

    return loader.bundled().find(ctx.region, year, "resident")


def pack_label(ctx: Context, year: int, category: str) -> str:
    """The pack's label of a category named by its label, code or an alias the source accepts
    (天津 未成年居民、新生儿 are labels of their own, kept as given)."""
    try:
        items = resident_pack(ctx, year).categories.items
    except Refusal:
        return category
    for c in items:
        if category in (c.label, c.code, *c.aliases):
            return c.label
    return category


def payment_deadline(ctx: Context, year: int, on: date) -> tuple[date | None, str | None]:
    """(缴费截止日期, note) for a payment planned on `on`: the year's 集中参保缴费期 deadline
    while it has not passed; after it, none (pay on the day: a late enrollment)."""
    try:
        pack = resident_pack(ctx, year)
    except Refusal:
        return None, "政策包未载入，按开单当日缴费"
    e = pack.enrollment
    if e is None:
        return None, None
    if on <= e.deadline:
        return e.deadline, None
    return None, f"集中参保缴费期已于{e.window.end}结束，请于开单当日缴费"


def _materials(ctx: Context, year: int, student: bool) -> tuple[str, ...]:
    """The 参保登记 materials the year's pack lists for the window (none when it lists none),
    items of one “X”任选其一 group joined with 或; the school proof only for one enrolled as a
    student."""
    try:
        found = calc.materials(ctx, year, "参保登记")
    except Refusal:
        return ()
    names: list[str] = []
    groups: dict[str, int] = {}
    for m in found.materials:
        if "学生" in m["name"] and not student:
            continue
        note = m.get("note") or ""
        group = re.search(r"“([^”]+)”任选其一", note)
        if group:
            if group.group(1) in groups:
                names[groups[group.group(1)]] += f"或{m['name']}"
                continue
            groups[group.group(1)] = len(names)
            names.append(m["name"])
            continue
        names.append(m["name"] + (f"（{note}）" if note else ""))
    return tuple(names)


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
            found = plan(ctx, person, year, kind, **options)
        except Refusal as refusal:
            memo[key] = refusal
            raise
        if found.continuity is None:  # derived from this person's history: not shared
            memo[key] = found
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
    for _person, planned in items:
        if planned.pending is not None:
            raise planned.pending
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
    if planned.pending is not None:
        raise planned.pending  # a plan shown with what stops it is not written
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
