"""Batch roster import (花名册): each row registered and enrolled by the same services as the
counter, the valid rows in one transaction, a report of the rejected rows.

Re-importing a file changes nothing: a row whose person already holds an active enrollment of
that year in the same category is reported unchanged. The import reports progress and can be
cancelled through callbacks, so the window runs it on a worker thread (with its own Context
and connection: sqlite3 connections stay on their thread). Cancelling rolls everything back.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from desktop.errors import Refusal
from desktop.identity import normalize_name, parse_id_number
from desktop.records import audit, enrollments, persons
from desktop.records.rows import new_id, to_json
from desktop.records.tabular import read_rows, write_rows
from desktop.records.tx import write
from desktop.services import calc, enrollment, fields
from desktop.services.context import Context
from desktop.services.permissions import require
from desktop.services.persons import add_validated, require_same_name, validate_person

# Roster header -> service argument; several spellings of one column are accepted.
COLUMNS: dict[str, str] = {
    "姓名": "name",
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "公民身份号码": "id_number",
    "联系电话": "phone",
    "电话": "phone",
    "手机号码": "phone",
    "参保类别": "category",
    "参保缴费身份": "category",
    "参保身份": "category",
    "类别变更原因": "category_reason",
    "救助类别": "assistance",
    "困难群众类别": "assistance",
    "缴费档次": "tier",
    "地址": "address",
    "居住地址": "address",
    "学校": "school",
    "学校类别": "school_kind",
    "在校生证明": "student_proof",
}
REQUIRED = ("name", "id_number", "category")
HEADERS = {
    "name": "姓名",
    "id_number": "身份证号",
    "phone": "联系电话",
    "category": "参保类别",
    "category_reason": "类别变更原因",
    "assistance": "救助类别",
    "tier": "缴费档次",
    "address": "地址",
    "school": "学校",
    "school_kind": "学校类别",
    "student_proof": "在校生证明",
    "year": "参保年度",
}
_YES = {"是", "有", "已提供", "Y", "y", "yes", "1", "√", "true", "True"}
PROGRESS_EVERY = 100

Progress = Callable[[int, int], None]


class Cancelled(Exception):
    """Raised inside the transaction to roll the whole import back."""


@dataclass(frozen=True)
class RejectedRow:
    row: int  # the spreadsheet's row number (the header is row 1)
    field: str  # the column, as the roster names it
    message: str


@dataclass
class ImportReport:
    total: int = 0
    enrolled: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    cancelled: bool = False

    @property
    def summary(self) -> str:
        if self.cancelled:
            return f"导入已取消，未写入任何记录（共{self.total}行）"
        return (
            f"共{self.total}行：新参保{self.enrolled}人，已参保未变{self.unchanged}人，"
            f"退回{len(self.rejected)}行"
        )


def import_roster(
    ctx: Context,
    path: str | os.PathLike[str],
    year: Any,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import `path` (.xlsx/.csv) as enrollments for `year`. `progress(done, total)` is called
    every PROGRESS_EVERY rows; `cancelled()` returning True stops and rolls back."""
    require(ctx, "handle", "roster_import")
    target = fields.year(year, ctx.today())
    header, rows = read_rows(path)
    known = {COLUMNS[h] for h in header if h in COLUMNS}
    for name in REQUIRED:
        if name not in known:
            raise Refusal("missing_column", f"花名册缺少“{HEADERS[name]}”列", HEADERS[name])
    report = ImportReport(total=len(rows))
    # The same figures for every row of a category: ask the calculator once per distinct request.
    memo: dict[str, dict] = {}

    def cached(request: dict) -> dict:
        key = to_json(request)
        if key not in memo:
            memo[key] = ctx.ask(request)
        return memo[key]

    rules: dict[int, dict] = {}

    def category_rules(year: int) -> dict:
        if year not in rules:
            rules[year] = ctx.category_rules(year)
        return rules[year]

    row_ctx = dataclasses.replace(ctx, answer=cached, rules=category_rules)
    seen: dict[str, int] = {}
    try:
        with write(ctx.db):
            for done, (number, raw) in enumerate(rows, start=1):
                if cancelled is not None and cancelled():
                    raise Cancelled
                values = {COLUMNS[h]: v for h, v in raw.items() if h in COLUMNS and v is not None}
                outcome = _import_row(row_ctx, target, number, values, seen)
                if isinstance(outcome, RejectedRow):
                    report.rejected.append(outcome)
                elif outcome == "enrolled":
                    report.enrolled += 1
                else:
                    report.unchanged += 1
                if progress is not None and (done % PROGRESS_EVERY == 0 or done == len(rows)):
                    progress(done, len(rows))
            if report.enrolled:  # a re-import that changes nothing leaves no trace either
                stamp = ctx.stamp()
                audit.append(
                    ctx.db,
                    stamp,
                    action="import",
                    business="roster_import",
                    entity="roster",
                    entity_id=new_id(),
                    payload={
                        "file": os.path.basename(path),
                        "year": target,
                        "total": report.total,
                        "enrolled": report.enrolled,
                        "unchanged": report.unchanged,
                        "rejected": len(report.rejected),
                    },
                )
    except Cancelled:
        return ImportReport(total=len(rows), cancelled=True)
    return report


def _import_row(
    ctx: Context, year: int, number: int, values: dict[str, Any], seen: dict[str, int]
) -> RejectedRow | str:
    """One row, inside the import's transaction and without a savepoint of its own: every check
    (the person's fields and the whole enrollment) runs before the row writes anything, so a
    refused row leaves nothing behind. The ID number is parsed once and the person read once."""
    try:
        for name in REQUIRED:
            if values.get(name) in (None, ""):
                raise Refusal("missing_field", f"请填写{HEADERS[name]}", name)
        parsed = parse_id_number(values["id_number"], today=ctx.today())
        id_number = parsed.number
        if id_number in seen:
            raise Refusal("duplicate", f"身份证号与第{seen[id_number]}行重复", "id_number")
        seen[id_number] = number
        existing = persons.get_by_id_number(ctx.db, id_number)
        new_person: dict[str, Any] | None = None
        if existing is not None:
            held = enrollments.active(ctx.db, existing["id"], year)
            if held is not None:
                return _unchanged_or_conflict(ctx, existing, held, values)
            require_same_name(existing, values["name"])
            person = existing
        else:
            new_person = validate_person(
                ctx,
                parsed,
                values["name"],
                **{k: _text(values.get(k)) for k in ("phone", "address", "school", "school_kind")},
            )
            # What the enrollment's checks read of a person about to be registered.
            person = {**new_person, "id": None, "status": "正常", "category": None}
        planned = enrollment.plan(
            ctx,
            person,
            year,
            "enroll",
            category=_text(values["category"]),
            category_reason=_text(values.get("category_reason")),
            assistance=_text(values.get("assistance")),
            tier=_text(values.get("tier")),
            special_group=None,
            student_proof=str(values.get("student_proof", "")).strip() in _YES,
            paid_on=None,
            continuous_years=None,
            gap_months=None,
        )
        stamp = ctx.stamp()
        if new_person is not None:
            person = add_validated(ctx, stamp, new_person, category=planned.contribution.category)
        enrollment.write_plan(ctx, stamp, person, planned)
        return "enrolled"
    except Refusal as refusal:
        return RejectedRow(
            number, HEADERS.get(refusal.field or "", refusal.field or ""), refusal.message
        )


def _unchanged_or_conflict(ctx: Context, person: dict, held: dict, values: dict[str, Any]) -> str:
    """Same person, same year: unchanged when the roster agrees, else the enrollment refusal."""
    if normalize_name(values["name"]) != person["name"]:
        raise Refusal(
            "name_mismatch", f"姓名“{values['name']}”与已登记的“{person['name']}”不一致", "name"
        )
    category = calc.contribution(
        ctx, held["year"], _text(values["category"]), held["tier"], None
    ).category
    if category == held["category"]:
        return "unchanged"
    raise enrollment.already_enrolled_refusal(person, held)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return str(value).strip() or None


def write_rejections(report: ImportReport, path: str | os.PathLike[str]) -> os.PathLike[str]:
    """The rejected rows as a list to hand back to the village (xlsx/csv by suffix)."""
    rows = [{"row": r.row, "field": r.field, "message": r.message} for r in report.rejected]
    return write_rows(path, (("row", "行号"), ("field", "列"), ("message", "退回原因")), rows)
