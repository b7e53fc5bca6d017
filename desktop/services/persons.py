"""Persons and households: registering a person, student status, death, household members."""

from __future__ import annotations

from typing import Any

from desktop.errors import Refusal
from desktop.identity import IdNumber, mask_id, normalize_name, normalize_phone, parse_id_number
from desktop.records import audit, households, persons
from desktop.records import search as records_search
from desktop.records.tx import write
from desktop.services import fields
from desktop.services.context import Context
from desktop.services.permissions import require

SCHOOL_KINDS = {
    "university": "university",
    "高等院校": "university",
    "高校": "university",
    "大学": "university",
    "school": "school",
    "中小学": "school",
    "中小学校": "school",
    "职业院校": "school",
    "技工院校": "school",
    "托育机构": "school",
}
RELATIONSHIPS = (
    "配偶",
    "子",
    "女",
    "父亲",
    "母亲",
    "祖父母",
    "外祖父母",
    "孙子女",
    "外孙子女",
    "儿媳",
    "女婿",
    "兄弟姐妹",
    "其他",
)


def parsed_id(ctx: Context, id_number: Any, field: str = "id_number") -> IdNumber:
    """The validated ID number (already parsed when an `IdNumber` is passed: parse once per row)."""
    if isinstance(id_number, IdNumber):
        return id_number
    return parse_id_number(id_number, today=ctx.today(), field=field)


def require_person(ctx: Context, id_number: Any, field: str = "id_number") -> dict[str, Any]:
    """The registered person with this ID number, or a refusal naming the field."""
    number = parsed_id(ctx, id_number, field).number
    person = persons.get_by_id_number(ctx.db, number)
    if person is None:
        raise Refusal("not_found", f"身份证号码{mask_id(number)}尚未登记，请先登记人员信息", field)
    return person


def require_alive(person: dict[str, Any], field: str = "id_number") -> None:
    if person["status"] == "死亡":
        raise Refusal(
            "deceased",
            f"{person['name']}已于{person['death_date']}登记死亡，不能办理此业务",
            field,
        )


def _school(school: Any, school_kind: Any) -> tuple[str | None, str | None]:
    name = fields.text(school, "school", "学校名称", required=False, max_len=100)
    if name is None:
        if school_kind not in (None, ""):
            raise Refusal("missing_field", "填写了学校类别，请同时填写学校名称", "school")
        return None, None
    return name, fields.choice(school_kind, SCHOOL_KINDS, "school_kind", "学校类别")


def validate_person(ctx: Context, id_number: Any, name: Any, **extra: Any) -> dict[str, Any]:
    """Every field of a new person checked and normalised, nothing written."""
    number = parsed_id(ctx, id_number)
    school, school_kind = _school(extra.get("school"), extra.get("school_kind"))
    phone = extra.get("phone")
    return {
        "id_number": number.number,
        "name": normalize_name(name),
        "sex": number.sex,
        "birth_date": number.birth_date.isoformat(),
        "phone": normalize_phone(phone) if phone not in (None, "") else None,
        "hukou_region": fields.text(
            extra.get("hukou_region"), "hukou_region", "户籍地", required=False
        ),
        "residence_region": fields.text(
            extra.get("residence_region"), "residence_region", "居住地", required=False
        ),
        "address": fields.text(extra.get("address"), "address", "地址", required=False),
        "hukou_nature": fields.text(
            extra.get("hukou_nature"), "hukou_nature", "户口性质", required=False, max_len=20
        ),
        "school": school,
        "school_kind": school_kind,
    }


def register_person(
    ctx: Context,
    id_number: Any,
    name: Any,
    *,
    phone: Any = None,
    hukou_region: Any = None,
    residence_region: Any = None,
    address: Any = None,
    hukou_nature: Any = None,
    school: Any = None,
    school_kind: Any = None,
) -> dict[str, Any]:
    """登记人员: sex and birth date come from the ID number. Refuses a number already registered."""
    require(ctx, "handle", "person")
    values = validate_person(
        ctx,
        id_number,
        name,
        phone=phone,
        hukou_region=hukou_region,
        residence_region=residence_region,
        address=address,
        hukou_nature=hukou_nature,
        school=school,
        school_kind=school_kind,
    )
    stamp = ctx.stamp()
    with write(ctx.db):
        existing = persons.get_by_id_number(ctx.db, values["id_number"])
        if existing is not None:
            raise Refusal(
                "already_registered",
                f"身份证号码{mask_id(values['id_number'])}已登记为“{existing['name']}”"
                f"（{existing['created_at'][:10]}）",
                "id_number",
            )
        person = add_validated(ctx, stamp, values)
    return person


def add_validated(
    ctx: Context, stamp: Any, values: dict[str, Any], *, category: str | None = None
) -> dict[str, Any]:
    """Write a person checked by `validate_person` and its audit entry; the caller holds the
    write transaction and has checked the number is not registered. `category` (roster import:
    the category it enrols the person in) is stored with the row instead of by a later UPDATE;
    the audit entry records the registration's own values."""
    row = values if category is None else {**values, "category": category}
    person = persons.add(ctx.db, stamp, row)
    audit.append(ctx.db, stamp, **register_entry(person["id"], values))
    return person


def add_validated_many(
    ctx: Context,
    stamp: Any,
    items: list[tuple[dict[str, Any], str | None]],
    *,
    index: bool = True,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """`add_validated` for many (values, category) pairs in one executemany: the rows as
    inserted (with `id` and `num`) and their audit entries, in order, for the caller to append
    (`audit.append_many`) with its own. Same preconditions as `add_validated`; `index` as in
    `records.persons.add_many`."""
    rows = persons.add_many(
        ctx.db,
        stamp,
        [values if category is None else {**values, "category": category} for values, category in items],
        index=index,
    )
    return rows, [
        register_entry(row["id"], values) for row, (values, _) in zip(rows, items, strict=True)
    ]


def register_entry(person_id: str, values: dict[str, Any]) -> dict[str, Any]:
    """The audit entry of a registration (keyword arguments of `audit.append`)."""
    return {
        "action": "register",
        "business": "person",
        "entity": "persons",
        "entity_id": person_id,
        "person_id": person_id,
        "payload": values,
    }


def ensure_person(ctx: Context, id_number: Any, name: Any, **extra: Any) -> dict[str, Any]:
    """The registered person when the name matches, else a newly registered one (roster import)."""
    number = parsed_id(ctx, id_number)
    person = persons.get_by_id_number(ctx.db, number.number)
    if person is None:
        return register_person(ctx, number, name, **extra)
    require_same_name(person, name)
    return person


def require_same_name(person: dict[str, Any], name: Any) -> None:
    if normalize_name(name) != person["name"]:
        raise Refusal(
            "name_mismatch",
            f"姓名“{name}”与已登记的“{person['name']}”不一致，如姓名有变请先办理变更登记",
            "name",
        )


def set_student_status(
    ctx: Context, id_number: Any, school: Any, school_kind: Any
) -> dict[str, Any]:
    """Record (or clear, with school None) the school a person attends."""
    require(ctx, "handle", "person")
    person = require_person(ctx, id_number)
    name, kind = _school(school, school_kind)
    stamp = ctx.stamp()
    with write(ctx.db):
        updated = persons.update(ctx.db, stamp, person["id"], {"school": name, "school_kind": kind})
        audit.append(
            ctx.db,
            stamp,
            action="student",
            business="person",
            entity="persons",
            entity_id=person["id"],
            person_id=person["id"],
            payload={"before": [person["school"], person["school_kind"]], "after": [name, kind]},
        )
    return updated


def record_death(
    ctx: Context, id_number: Any, death_date: Any, reason: Any = None
) -> dict[str, Any]:
    """Mark a person deceased (正常 -> 死亡) with the date and, optionally, the reason."""
    require(ctx, "handle", "person")
    person = require_person(ctx, id_number)
    require_alive(person)
    died = fields.required_day(death_date, "death_date", "死亡日期")
    fields.not_after(died, ctx.today(), "death_date", "死亡日期", "今天")
    if died.isoformat() < person["birth_date"]:
        raise Refusal(
            "invalid_date", f"死亡日期{died}早于出生日期{person['birth_date']}", "death_date"
        )
    why = fields.text(reason, "death_reason", "死亡原因", required=False)
    stamp = ctx.stamp()
    with write(ctx.db):
        updated = persons.update(
            ctx.db,
            stamp,
            person["id"],
            {"status": "死亡", "death_date": died.isoformat(), "death_reason": why},
        )
        audit.append(
            ctx.db,
            stamp,
            action="death",
            business="person",
            entity="persons",
            entity_id=person["id"],
            person_id=person["id"],
            payload={"death_date": died.isoformat(), "reason": why},
        )
    return updated


def add_household_member(
    ctx: Context, head_id_number: Any, member_id_number: Any, relationship: Any
) -> dict[str, Any]:
    """Put a registered person into the household of `head` (created on first use)."""
    require(ctx, "handle", "household")
    head = require_person(ctx, head_id_number, "head_id_number")
    member = require_person(ctx, member_id_number, "member_id_number")
    relation = fields.choice(
        relationship, {r: r for r in RELATIONSHIPS}, "relationship", "与户主关系"
    )
    if head["id"] == member["id"]:
        raise Refusal("invalid_field", "户主与成员是同一人", "member_id_number")
    stamp = ctx.stamp()
    with write(ctx.db):
        head_of = households.membership(ctx.db, head["id"])
        if head_of is not None and head_of["relationship"] != households.HEAD:
            raise Refusal(
                "invalid_field", f"{head['name']}已是另一户的成员，不能作为户主", "head_id_number"
            )
        current = households.membership(ctx.db, member["id"])
        if current is not None:
            raise Refusal(
                "already_member",
                f"{member['name']}已在一户中（关系：{current['relationship']}），请先移出",
                "member_id_number",
            )
        household_id = (
            head_of["household_id"]
            if head_of
            else households.create(ctx.db, stamp, head["id"], head["address"])
        )
        row = households.add_member(ctx.db, stamp, household_id, member["id"], relation)
        audit.append(
            ctx.db,
            stamp,
            action="add_member",
            business="household",
            entity="household_members",
            entity_id=row["id"],
            person_id=member["id"],
            payload={"household_id": household_id, "head": head["id"], "relationship": relation},
        )
    return row


def remove_household_member(ctx: Context, member_id_number: Any) -> None:
    require(ctx, "handle", "household")
    member = require_person(ctx, member_id_number, "member_id_number")
    stamp = ctx.stamp()
    with write(ctx.db):
        current = households.membership(ctx.db, member["id"])
        if current is None:
            raise Refusal("not_found", f"{member['name']}不在任何一户中", "member_id_number")
        if (
            current["relationship"] == households.HEAD
            and len(households.members(ctx.db, current["household_id"])) > 1
        ):
            raise Refusal("invalid_field", "户主不能在户内还有成员时移出", "member_id_number")
        households.remove_member(ctx.db, member["id"])
        audit.append(
            ctx.db,
            stamp,
            action="remove_member",
            business="household",
            entity="household_members",
            entity_id=current["id"],
            person_id=member["id"],
            payload={"household_id": current["household_id"]},
        )


def household_of(ctx: Context, id_number: Any) -> list[dict[str, Any]]:
    """The members of the person's household (the head first), or just the person."""
    person = require_person(ctx, id_number)
    current = households.membership(ctx.db, person["id"])
    if current is None:
        return [{**person, "relationship": None}]
    return households.members(ctx.db, current["household_id"])


def search(db: Any, text: str, limit: int = records_search.DEFAULT_LIMIT) -> list[dict[str, Any]]:
    """The window's search box: persons by ID number, name or phone, businesses by receipt
    serial (read-only; opening a person's history is what is audited)."""
    return records_search.search(db, text, limit)
