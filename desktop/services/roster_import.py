"""Batch roster import (花名册): each row checked and planned by the same services as the
counter (`validate_person`, `enrollment.plan`), the valid rows written in one transaction, a
report of the rejected rows.

Rows go a chunk of PROGRESS_EVERY at a time: every row of the chunk is checked first (a refused
row writes nothing), then the chunk's persons, receipts, enrollments and audit entries are
written with one executemany per table through the records functions the counter uses for one
(`records.persons.add_many`, `receipts.issue_many`, `enrollments.add_many`,
`audit.append_many`). Plans are shared between persons whose plan cannot differ
(`enrollment.plan_shared`).

Re-importing a file changes nothing: a row whose person already holds an active enrollment of
that year in the same category is reported unchanged. The import reports progress and can be
cancelled through callbacks, so the window runs it on a worker thread (with its own Context
and connection: sqlite3 connections stay on their thread).

The windows of the hall write to the same file, so the import never holds the write lock for
long: it commits whenever a transaction has run HOLD_SECONDS (whole chunks, each chunk's rows
with their audit entries and name index), then pauses YIELD_SECONDS, longer than SQLite's
busy handler sleeps between two tries, so a window waiting for the lock gets it. Cancelling
(or a failure) keeps the chunks already committed and rolls back the current one; importing
the same file again skips the persons already enrolled and finishes the rest.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from desktop.errors import Refusal
from desktop.identity import IdNumber, normalize_name, parse_id_number
from desktop.records import audit, enrollments, persons, search
from desktop.records.rows import Stamp, new_id, to_json
from desktop.records.tabular import read_rows, write_rows
from desktop.records.tx import write
from desktop.services import calc, enrollment, fields
from desktop.services.context import Context
from desktop.services.permissions import require
from desktop.services.persons import add_validated_many, require_same_name, validate_person

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
    "类别调整理由": "category_reason",
    "类别变更原因": "category_reason",  # the header of earlier templates
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
# The longest the import holds the write lock at a time, and its pause between transactions
# (SQLite's busy handler retries a waiting writer every 100 ms at most).
HOLD_SECONDS = 0.5
YIELD_SECONDS = 0.12

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
    saved_rows: int = 0  # rows of the file whose outcome is committed

    @property
    def summary(self) -> str:
        if self.cancelled and not self.saved_rows:
            return f"导入已取消，未写入任何记录（共{self.total}行）"
        if self.cancelled:
            return (
                f"导入已取消：前{self.saved_rows}行已保存（新参保{self.enrolled}人，已参保未变"
                f"{self.unchanged}人，退回{len(self.rejected)}行），其余{self.total - self.saved_rows}行"
                "未导入；再次导入同一文件会跳过已参保的人"
            )
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

    batch = _Batch(dataclasses.replace(ctx, answer=cached, rules=category_rules), target)
    saved = ImportReport(total=len(rows))  # what is committed
    start = 0
    try:
        with _page_cache(ctx.db):
            while start < len(rows):
                if start:
                    time.sleep(YIELD_SECONDS)  # a waiting window's turn
                report = dataclasses.replace(saved, rejected=list(saved.rejected))
                began = time.monotonic()
                with write(ctx.db):
                    while start < len(rows) and (start == saved.saved_rows or time.monotonic() - began < HOLD_SECONDS):
                        chunk = rows[start : start + PROGRESS_EVERY]
                        for outcome in batch.run(chunk, cancelled):
                            if isinstance(outcome, RejectedRow):
                                report.rejected.append(outcome)
                            elif outcome == "enrolled":
                                report.enrolled += 1
                            else:
                                report.unchanged += 1
                        start += len(chunk)
                        if progress is not None:
                            progress(start, len(rows))
                    search.index_new_names(ctx.db, batch.names)
                    if start == len(rows):
                        _audit_import(ctx, path, target, report)
                batch.names = []
                report.saved_rows = start
                saved = report
    except Cancelled:
        if saved.saved_rows:
            with write(ctx.db):
                _audit_import(ctx, path, target, saved, cancelled=True)
        return dataclasses.replace(saved, cancelled=True)
    except Refusal as refusal:
        if not saved.saved_rows:
            raise
        raise Refusal(
            refusal.code,
            f"{refusal.message}（本文件前{saved.saved_rows}行已导入并保存；再次导入同一文件会跳过"
            "已参保的人，接着导入其余各行）",
            refusal.field,
        ) from refusal
    return saved


def _audit_import(ctx: Context, path: Any, year: int, report: ImportReport, *, cancelled: bool = False) -> None:
    """The import's own entry (its rows have theirs); none for a re-import that changed nothing."""
    if not report.enrolled:
        return
    payload = {
        "file": os.path.basename(path),
        "year": year,
        "total": report.total,
        "enrolled": report.enrolled,
        "unchanged": report.unchanged,
        "rejected": len(report.rejected),
    }
    if cancelled:
        payload.update(cancelled=True, saved_rows=report.saved_rows)
    audit.append(ctx.db, ctx.stamp(), action="import", business="roster_import", entity="roster",
                 entity_id=new_id(), payload=payload)


# The import's connection keeps more of the file in memory while it runs (the persons' indexes
# take a new row each at random places): KiB, as PRAGMA cache_size takes a negative number.
IMPORT_CACHE_KIB = 256 * 1024


@contextlib.contextmanager
def _page_cache(db: Any) -> Iterator[None]:
    before = db.conn.execute("PRAGMA cache_size").fetchone()[0]
    if before < 0 and -before < IMPORT_CACHE_KIB:
        db.conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        db.conn.execute(f"PRAGMA cache_size = {before}")


class _Batch:
    """The rows of one import, a chunk at a time, inside the import's single transaction and
    without a savepoint per row: every check of a row (the person's fields and the whole
    enrollment, by the counter's own `validate_person` and `enrollment.plan`) runs before any
    row of its chunk is written, so a refused row leaves nothing behind; the chunk's accepted
    rows are then written with one executemany per table, and their audit entries appended in
    row order (each new person's registration, then its enrollment)."""

    def __init__(self, ctx: Context, year: int) -> None:
        self.ctx = ctx
        self.year = year
        self.seen: dict[str, int] = {}  # ID number -> the first row that had it
        self.plans: enrollment.PlanMemo = {}
        self.names: list[tuple[int, str]] = []  # (num, name) of the persons registered

    def run(
        self, chunk: list[tuple[int, dict[str, Any]]], cancelled: Callable[[], bool] | None
    ) -> list[RejectedRow | str]:
        ctx = self.ctx
        outcomes: list[RejectedRow | str] = []
        parsed: list[tuple[int, int, dict[str, Any], IdNumber]] = []
        for number, raw in chunk:
            if cancelled is not None and cancelled():
                raise Cancelled
            values = {COLUMNS[h]: v for h, v in raw.items() if h in COLUMNS and v is not None}
            try:
                parsed.append((len(outcomes), number, values, self._identify(number, values)))
                outcomes.append("")
            except Refusal as refusal:
                outcomes.append(_rejected(number, refusal))
        found = persons.get_many_by_id_number(ctx.db, [p[3].number for p in parsed])
        # In row order: (outcome slot, person or None, validated values of a new person, plan)
        accepted: list[tuple[int, dict[str, Any] | None, dict[str, Any] | None, Any]] = []
        for slot, number, values, id_number in parsed:
            try:
                existing = found.get(id_number.number)
                if existing is not None:
                    held = enrollments.active(ctx.db, existing["id"], self.year)
                    if held is not None:
                        outcomes[slot] = _unchanged_or_conflict(ctx, existing, held, values)
                        continue
                    require_same_name(existing, values["name"])
                    planned = self._plan(existing, values)
                    accepted.append((slot, existing, None, planned))
                else:
                    new_person = validate_person(
                        ctx,
                        id_number,
                        values["name"],
                        **{k: _text(values.get(k)) for k in ("phone", "address", "school", "school_kind")},
                    )
                    # What the enrollment's checks read of a person about to be registered.
                    person = {**new_person, "id": None, "status": "正常", "category": None}
                    accepted.append((slot, None, new_person, self._plan(person, values)))
                outcomes[slot] = "enrolled"
            except Refusal as refusal:
                outcomes[slot] = _rejected(number, refusal)
        if accepted:
            self._write(accepted)
        return outcomes

    def _identify(self, number: int, values: dict[str, Any]) -> IdNumber:
        for name in REQUIRED:
            if values.get(name) in (None, ""):
                raise Refusal("missing_field", f"请填写{HEADERS[name]}", name)
        parsed = parse_id_number(values["id_number"], today=self.ctx.today())
        if parsed.number in self.seen:
            raise Refusal("duplicate", f"身份证号与第{self.seen[parsed.number]}行重复", "id_number")
        self.seen[parsed.number] = number
        return parsed

    def _plan(self, person: dict[str, Any], values: dict[str, Any]) -> enrollment.Plan:
        return enrollment.plan_shared(
            self.plans,
            self.ctx,
            person,
            self.year,
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

    def _write(self, accepted: list) -> None:
        ctx = self.ctx
        stamp = _BatchStamp(*dataclasses.astuple(ctx.stamp()))
        registered, registrations = add_validated_many(
            ctx,
            stamp,
            [(values, planned.contribution.category) for _, _, values, planned in accepted if values is not None],
            index=False,
        )
        self.names += [(row["num"], row["name"]) for row in registered]
        new_rows = iter(zip(registered, registrations, strict=True))
        items = []
        entries_before: list[dict[str, Any] | None] = []
        for _, existing, values, planned in accepted:
            if values is not None:
                row, entry = next(new_rows)
                items.append((row, planned))
                entries_before.append(entry)
            else:
                items.append((existing, planned))
                entries_before.append(None)
        _, enrolled = enrollment.write_plans(ctx, stamp, items)
        entries: list[dict[str, Any]] = []
        for before, entry in zip(entries_before, enrolled, strict=True):
            if before is not None:
                entries.append(before)
            entries.append(entry)
        audit.append_many(ctx.db, stamp, entries)


class _BatchStamp(Stamp):
    """A stamp whose `created_at` text is computed once: a chunk's rows and audit entries read it
    about seven times per roster row (the same value: a stamp is frozen)."""

    @cached_property
    def created_at(self) -> str:
        return self.at.isoformat(timespec="seconds")


def _rejected(number: int, refusal: Refusal) -> RejectedRow:
    return RejectedRow(number, HEADERS.get(refusal.field or "", refusal.field or ""), refusal.message)


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
