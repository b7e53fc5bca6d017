"""变更登记 (change): category, name, ID number, phone, address, 户口性质.

Which field is 基础信息 or 重要信息 and how many levels of review it needs is the year's pack
(`changes`, e.g. 天津 004 §六: a name one level, an ID number two; 常州 names no review step).
Each change keeps the before and after values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop.errors import Refusal
from desktop.identity import mask_id, normalize_name, normalize_phone, parse_id_number
from desktop.policy import procedures
from desktop.records import audit, persons, receipts, reviews
from desktop.records.rows import Stamp, content, insert, one
from desktop.records.tx import write
from desktop.services import calc, fields, labels
from desktop.services.context import Context
from desktop.services.permissions import require
from desktop.services.persons import require_alive, require_person

LABELS = labels.CHANGE_FIELDS  # the fields a change may touch, in words


@dataclass(frozen=True)
class ChangeResult:
    change_id: str
    receipt_serial: str
    field: str
    before: str | None
    after: str
    level: str  # basic / important
    effective: bool  # False: waiting for review
    review_request_id: str | None
    review_levels: int = 0
    source: str = ""  # the clause the rule stands on
    materials: tuple[str, ...] = ()  # what the person brings for this level (the pack's list)
    time_limit: str | None = None  # the review's time limit (the hall's setting; the sources give none)


@dataclass(frozen=True)
class FieldRule:
    level: str
    review_levels: int
    source: str
    note: str | None


def field_rules(pack: Any) -> dict[str, FieldRule]:
    """The year's rule for every field that may be changed (policy pack `changes`)."""
    rules = procedures.change_rules(pack)
    return {f.field: FieldRule(f.level, f.review_levels, f.source, f.note) for f in rules.fields}


def rules(region: str, pack: Any = None) -> dict[str, tuple[str, int]]:
    """(level, review levels) per field, for the pages: the pack in force for the region."""
    from desktop.policy import loader

    if pack is None:
        packs = loader.bundled()
        pack = packs.find(region, max(packs.years(region, "resident")), "resident")
    return {k: (r.level, r.review_levels) for k, r in field_rules(pack).items()}


def change(
    ctx: Context, id_number: Any, field: str, new_value: Any, *, reason: Any = None
) -> ChangeResult:
    """变更登记 of one field; effective at once or a review request, per the region's rules."""
    require(ctx, "handle", "change")
    person = require_person(ctx, id_number)
    require_alive(person)
    pack = ctx.pack()
    table = field_rules(pack)
    if not isinstance(field, str) or field not in table:
        raise Refusal(
            "invalid_field", f"不能变更“{field}”（可变更：{'、'.join(LABELS.values())}）", "field"
        )
    after = _new_value(ctx, field, new_value)
    before = person[field]
    if after == before:
        raise Refusal("unchanged", f"新{LABELS[field]}与原{LABELS[field]}相同", field)
    why = fields.text(reason, "reason", "变更原因", required=False)
    rule = table[field]
    level, review_levels = rule.level, rule.review_levels
    materials, time_limit = _materials(ctx, pack, level), None
    if review_levels:
        time_limit = procedures.review_time_limit(procedures.change_rules(pack), ctx.settings)
    stamp = ctx.stamp()
    with write(ctx.db):
        waiting = _pending_change(ctx, person["id"], field)
        if waiting is not None:
            raise Refusal(
                "pending_review",
                f"{person['name']}的{LABELS[field]}变更已于{waiting['created_at'][:10]}提交复核"
                f"（收据号{waiting['receipt_serial']}），请等待复核结果",
                field,
            )
        if field == "id_number":
            _check_number_free(ctx, after)
        row = {
            **stamp.meta(),
            "person_id": person["id"],
            "region": ctx.region,
            "field": field,
            "level": level,
            "before": before,
            "after": after,
            "reason": why,
            "review_levels": review_levels,
        }
        row["receipt_serial"] = receipts.issue(
            ctx.db, stamp, business="change", record_id=row["id"], person_id=person["id"]
        )
        insert(ctx.db, "changes", row)
        request_id = None
        if review_levels:
            request_id = reviews.open_request(
                ctx.db,
                stamp,
                business="change",
                subject_id=row["id"],
                person_id=person["id"],
                levels=review_levels,
                summary=f"{person['name']} {LABELS[field]}：{labels.field_value(field, before)} → {labels.field_value(field, after)}",
            )["id"]
        else:
            apply(ctx, stamp, row)
        audit.append(
            ctx.db,
            stamp,
            action="request" if review_levels else "change",
            business="change",
            entity="changes",
            entity_id=row["id"],
            person_id=person["id"],
            payload=content(row),
        )
    return ChangeResult(
        row["id"], row["receipt_serial"], field, before, after, level, not review_levels, request_id,
        review_levels, rule.source, materials, time_limit,
    )


def review_terms(ctx: Context, row: dict[str, Any]) -> tuple[tuple[str, ...], str | None]:
    """(materials, time limit) of a change waiting for review, by the rules in force: for the
    受理回执 and the page."""
    pack = ctx.pack()
    rules = procedures.change_rules(pack)
    return _materials(ctx, pack, row["level"]), procedures.review_time_limit(rules, ctx.settings)


def _materials(ctx: Context, pack: Any, level: str) -> tuple[str, ...]:
    """The names of what the pack's checklist asks for a change of this level (none if it has none)."""
    rules = procedures.change_rules(pack)
    if rules.materials_item is None:
        return ()
    person_type = rules.materials_person_type.get(level)
    checklist = calc.materials(ctx, pack.pack.year, rules.materials_item, person_type=person_type)
    return tuple(m["name"] for m in checklist.materials)


def apply(ctx: Context, stamp: Stamp, row: dict[str, Any]) -> None:
    """Write the change's new value to the person (at once, or on the final approval)."""
    values: dict[str, Any] = {row["field"]: row["after"]}
    if row["field"] == "id_number":
        _check_number_free(ctx, row["after"])
        number = parse_id_number(row["after"], today=ctx.today())
        values.update(sex=number.sex, birth_date=number.birth_date.isoformat())
    persons.update(ctx.db, stamp, row["person_id"], values)


def get(ctx: Context, change_id: str) -> dict[str, Any] | None:
    return one(ctx.db, "SELECT * FROM changes WHERE id = ?", [change_id])


def _pending_change(ctx: Context, person_id: str, field: str) -> dict[str, Any] | None:
    for request in reviews.pending(ctx.db, person_id=person_id, business="change"):
        row = get(ctx, request["subject_id"])
        if row is not None and row["field"] == field:
            return row
    return None


def _check_number_free(ctx: Context, number: str) -> None:
    holder = persons.get_by_id_number(ctx.db, number)
    if holder is not None:
        raise Refusal(
            "already_registered",
            f"身份证号码{mask_id(number)}已登记为“{holder['name']}”，不能变更为该号码",
            "id_number",
        )


def _new_value(ctx: Context, field: str, raw: Any) -> str:
    label = "新" + LABELS[field]
    if field == "name":
        return normalize_name(raw, field="name", label=label)
    if field == "id_number":
        return parse_id_number(raw, today=ctx.today(), field="id_number", label=label).number
    if field == "phone":
        return normalize_phone(raw, field="phone", label=label)
    if field == "category":
        return _category(ctx, fields.required_text(raw, "category", label, max_len=40))
    max_len = 20 if field == "hukou_nature" else 200
    return fields.required_text(raw, field, label, max_len=max_len)


def _category(ctx: Context, label: str) -> str:
    """The pack's label for `label` in the year the next enrollment is for (this or next year)."""
    year = ctx.today().year
    for candidate in (year + 1, year):
        try:
            return calc.contribution(ctx, candidate, label, None, None).category
        except Refusal as refusal:
            if refusal.code == "no_policy_for_year":
                continue
            if refusal.field == "tier":  # a category that needs a tier is still a category
                return label
            raise
    raise Refusal("no_policy_for_year", f"没有{year}年度的政策，无法核对参保类别", "category")
