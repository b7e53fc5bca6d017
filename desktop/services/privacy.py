"""Exports that carry personal data: a note in the file saying so, and an audit entry naming
who exported what and how many rows. ID numbers in lists: `mask_for(role, id_number)`."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlite_utils import Database

from desktop.errors import Refusal
from desktop.records import audit, exports
from desktop.records.rows import Stamp
from desktop.records.tx import write
from desktop.services.context import Context
from desktop.services.permissions import mask_for, require

__all__ = ["PERSONAL_LISTS", "PRIVACY_NOTE", "export_list", "export_list_as", "mask_for"]

# Lists holding names and ID numbers (audit and receipts hold operator names and record ids).
PERSONAL_LISTS = frozenset({"persons", "enrollments"})
PRIVACY_NOTE = (
    "本文件含参保人个人信息（姓名、身份证号码等），仅限医保经办使用；"
    "请妥善保管，不得外传，用毕及时删除。"
)


def _note(path: Path, name: str, rows: int, who: str, at: str) -> None:
    line = f"{PRIVACY_NOTE}导出：{who}，{at}，清单“{name}”，共{rows}行。"
    if path.suffix.lower() == ".csv":
        text = path.read_text(encoding="utf-8-sig")
        path.write_text(f"# {line}\n{text}", encoding="utf-8-sig", newline="")
        return
    book = load_workbook(path)
    sheet = book.create_sheet("个人信息说明", 0)
    sheet["A1"] = line
    book.active = 1  # open on the data, the note tab first in the row of tabs
    book.properties.description = line
    book.save(path)


def _count(path: Path) -> int:
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            return max(sum(1 for _ in csv.reader(f)) - 1, 0)
    book = load_workbook(path, read_only=True)
    try:
        return max(sum(1 for _ in book.worksheets[0].iter_rows(values_only=True)) - 1, 0)
    finally:
        book.close()


def export_list_as(
    db: Database, stamp: Stamp, name: str, path: str | os.PathLike[str], **params: Any
) -> dict[str, Any]:
    """Export one named list (records.exports.LISTS), note it when personal, audit it. For the
    CLI, which has a stamp but no logged-in Context; the window uses `export_list`."""
    out = exports.export_list(db, name, path, **params)
    rows = _count(out)
    personal = name in PERSONAL_LISTS
    if personal:
        _note(out, name, rows, stamp.operator_id, stamp.created_at)
    try:
        with write(db):
            audit.append(
                db,
                stamp,
                action="export",
                business="export",
                entity="exports",
                entity_id=name,
                payload={"list": name, "rows": rows, "file": str(out), "personal": personal, "params": {k: str(v) for k, v in params.items()}},
            )
    except Refusal:
        out.unlink(missing_ok=True)  # an export nobody can account for is not left behind
        raise
    return {"file": str(out), "rows": rows, "personal": personal}


def export_list(ctx: Context, name: Any, path: Any, **params: Any) -> dict[str, Any]:
    """导出清单 from the window: {file, rows, personal}."""
    require(ctx, "export", "export")
    if not isinstance(name, str) or not isinstance(path, str | os.PathLike):
        raise Refusal("invalid_field", "请选择清单和导出文件", "name")
    return export_list_as(ctx.db, ctx.stamp(), name, path, **params)
