"""异地就医备案 (offsite_filing): file, change, cancel.

A filing is a chain of append-only records: a change or a cancellation is a new record that
supersedes the current one (UNIQUE supersedes_id, so a record is superseded at most once). The
person type is kept as filed; the ratio reduction that follows from it is the calculator's
business (the estimate passes the type as `offsite`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from desktop.errors import Refusal
from desktop.policy import procedures
from desktop.policy.citation import shown
from desktop.records import audit, receipts
from desktop.records.rows import Stamp, content, insert, one, to_json
from desktop.records.tx import write
from desktop.services import calc, fields
from desktop.services.context import Context
from desktop.services.permissions import require
from desktop.services.persons import require_alive, require_person

# Labels as the sources write them (002 §六(一), 001 §七(一), 004 §十一(一)); the brief's six types.
PERSON_TYPES = {
    "long_term_resident": "异地长期居住人员",
    "resettled_retiree": "异地安置退休人员",
    "posted_worker": "常驻异地工作人员",
    "referred": "异地转诊人员",
    "temporary": "其他临时外出就医人员",
    "emergency": "异地急诊",
}
_SPELLINGS = {
    **{label: code for code, label in PERSON_TYPES.items()},
    **{code: code for code in PERSON_TYPES},
    "异地转诊就医人员": "referred",
    "其他临时外出人员": "temporary",
    "其他跨省临时外出就医人员": "temporary",
    "异地急诊抢救人员": "emergency",
    "异地急诊人员": "emergency",
}


@dataclass(frozen=True)
class FilingResult:
    filing_id: str
    receipt_serial: str
    action: str  # file / change / cancel
    person_type: str
    notes: tuple[str, ...] = ()


def current_filing(ctx: Context, id_number: Any) -> dict[str, Any] | None:
    """The person's filing in force: the end of its chain, unless that end is a cancellation."""
    person = require_person(ctx, id_number)
    return filing_in_force(ctx, person["id"])


def filing_in_force(ctx: Context, person_id: str) -> dict[str, Any] | None:
    return one(
        ctx.db,
        "SELECT * FROM offsite_filings f WHERE person_id = ? AND action <> 'cancel' "
        "AND NOT EXISTS (SELECT 1 FROM offsite_filings g WHERE g.supersedes_id = f.id) "
        "ORDER BY created_at DESC LIMIT 1",
        [person_id],
    )


def _destination(ctx: Context, province: Any, city: Any) -> tuple[str, str | None, list[str]]:
    """The destination, checked against the year's rule of what is off-site (pack `offsite_filing`)."""
    prov = fields.required_text(province, "destination_province", "就医地省份", max_len=20)
    town = fields.text(city, "destination_city", "就医地城市", required=False, max_len=40)
    rule = procedures.offsite_filing_rules(ctx.pack())
    field, place = ("destination_province", prov) if rule.scope == "province" else ("destination_city", town or "")
    if place.startswith(rule.home):
        raise Refusal("invalid_field", f"{rule.scope_text}（{shown(rule.source)}）", field)
    notes = [f"{x.text}（{shown(x.source)}）" for x in rule.exemptions if prov.startswith(tuple(x.provinces))]
    return prov, town, notes


# The glossary's umbrella type for the sub-types a year's document may not list separately.
_UMBRELLA = {"resettled_retiree": "long_term_resident", "posted_worker": "long_term_resident"}


def _materials(ctx: Context, code: str, received: Any) -> tuple[list[str], list[str], list[str]]:
    """(received, missing, notes). Refuses while a required material is missing."""
    if received is None:
        received = []
    if not isinstance(received, list | tuple) or not all(isinstance(m, str) for m in received):
        raise Refusal("invalid_field", "已收材料应为材料名称的列表", "materials_received")
    label = PERSON_TYPES[code]
    checklist, notes = None, []
    for candidate in (code, _UMBRELLA.get(code)):
        if candidate is None:
            continue
        try:
            checklist = calc.materials(
                ctx, ctx.policy_year(), "异地就医备案", person_type=PERSON_TYPES[candidate]
            )
            break
        except Refusal as refusal:
            if refusal.code != "unknown_person_type":
                raise
    if checklist is None:
        notes.append(f"政策文件未列出{label}的备案材料，按窗口收取的材料登记")
        return list(received), [], notes
    missing = checklist.missing(list(received))
    if missing:
        raise Refusal(
            "missing_materials",
            f"异地就医备案（{label}）还缺少材料：{'；'.join(missing)}",
            "materials_received",
        )
    return list(received), missing, notes


def file_offsite(
    ctx: Context,
    id_number: Any,
    person_type: Any,
    destination_province: Any,
    destination_city: Any,
    start_on: Any,
    *,
    valid_until: Any = None,
    materials_received: Any = None,
) -> FilingResult:
    """Register treatment outside the pooling region; refuses while another filing is in force."""
    require(ctx, "handle", "offsite_filing")
    person = require_person(ctx, id_number)
    require_alive(person)
    code = fields.choice(person_type, _SPELLINGS, "person_type", "异地就医人员类别")
    label = PERSON_TYPES[code]
    prov, town, notes = _destination(ctx, destination_province, destination_city)
    start = fields.required_day(start_on, "start_on", "备案开始日期")
    until = fields.day(valid_until, "valid_until", "备案有效期至", required=False)
    if until is not None and until < start:
        raise Refusal("invalid_date", f"备案有效期至{until}早于开始日期{start}", "valid_until")
    received, missing, more = _materials(ctx, code, materials_received)
    notes += more
    stamp = ctx.stamp()
    with write(ctx.db):
        current = filing_in_force(ctx, person["id"])
        if current is not None:
            raise Refusal(
                "already_filed",
                f"{person['name']}已有{current['created_at'][:10]}办理的{current['person_type_label']}备案"
                f"（收据号{current['receipt_serial']}），请办理变更或取消",
                "person_type",
            )
        row = {
            **stamp.meta(),
            "person_id": person["id"],
            "region": ctx.region,
            "action": "file",
            "supersedes_id": None,
            "person_type": code,
            "person_type_label": label,
            "destination_province": prov,
            "destination_city": town,
            "start_on": start.isoformat(),
            "valid_until": until.isoformat() if until else None,
            "materials_received": to_json(received),
            "materials_missing": to_json(missing),
            "reason": None,
        }
        return _write(ctx, stamp, row, notes)


def change_offsite(
    ctx: Context,
    filing_id: str,
    reason: Any,
    *,
    person_type: Any = None,
    destination_province: Any = None,
    destination_city: Any = None,
    valid_until: Any = None,
    materials_received: Any = None,
) -> FilingResult:
    """变更: a new record replacing the filing in force; unspecified fields carry over."""
    require(ctx, "handle", "offsite_filing")
    why = fields.required_text(reason, "reason", "变更原因")
    stamp = ctx.stamp()
    with write(ctx.db):
        old = _in_force(ctx, filing_id)
        code = (
            fields.choice(person_type, _SPELLINGS, "person_type", "异地就医人员类别")
            if person_type
            else old["person_type"]
        )
        prov, town, notes = _destination(
            ctx,
            destination_province or old["destination_province"],
            destination_city if destination_city is not None else old["destination_city"],
        )
        until = fields.day(valid_until, "valid_until", "备案有效期至", required=False)
        until_text = until.isoformat() if until else old["valid_until"]
        if until_text is not None and until_text < old["start_on"]:
            raise Refusal(
                "invalid_date",
                f"备案有效期至{until_text}早于开始日期{old['start_on']}",
                "valid_until",
            )
        if materials_received is not None or code != old["person_type"]:
            received, missing, more = _materials(ctx, code, materials_received)
            notes += more
        else:
            received, missing = (
                json.loads(old["materials_received"]),
                json.loads(old["materials_missing"]),
            )
        row = {
            **stamp.meta(),
            "person_id": old["person_id"],
            "region": ctx.region,
            "action": "change",
            "supersedes_id": old["id"],
            "person_type": code,
            "person_type_label": PERSON_TYPES[code],
            "destination_province": prov,
            "destination_city": town,
            "start_on": old["start_on"],
            "valid_until": until_text,
            "materials_received": to_json(received),
            "materials_missing": to_json(missing),
            "reason": why,
        }
        return _write(ctx, stamp, row, notes)


def cancel_offsite(ctx: Context, filing_id: str, reason: Any) -> FilingResult:
    """取消备案: a cancellation record ends the chain."""
    require(ctx, "handle", "offsite_filing")
    why = fields.required_text(reason, "reason", "取消原因")
    stamp = ctx.stamp()
    with write(ctx.db):
        old = _in_force(ctx, filing_id)
        row = {
            **{k: old[k] for k in old if k not in ("receipt_serial",)},
            **stamp.meta(),
            "action": "cancel",
            "supersedes_id": old["id"],
            "reason": why,
        }
        return _write(ctx, stamp, row, [])


def _in_force(ctx: Context, filing_id: str) -> dict[str, Any]:
    old = one(ctx.db, "SELECT * FROM offsite_filings WHERE id = ?", [filing_id])
    if old is None:
        raise Refusal("not_found", "找不到该异地就医备案", "filing_id")
    current = filing_in_force(ctx, old["person_id"])
    if current is None or current["id"] != old["id"]:
        raise Refusal("superseded", "该备案已被变更或取消，请对现行有效的备案办理", "filing_id")
    return old


def _write(ctx: Context, stamp: Stamp, row: dict[str, Any], notes: list[str]) -> FilingResult:
    row["receipt_serial"] = receipts.issue(
        ctx.db, stamp, business="offsite_filing", record_id=row["id"], person_id=row["person_id"]
    )
    insert(ctx.db, "offsite_filings", row)
    audit.append(
        ctx.db,
        stamp,
        action=row["action"],
        business="offsite_filing",
        entity="offsite_filings",
        entity_id=row["id"],
        person_id=row["person_id"],
        payload=content(row),
    )
    return FilingResult(
        row["id"], row["receipt_serial"], row["action"], row["person_type"], tuple(notes)
    )
