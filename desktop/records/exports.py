"""Named lists a hall exports to xlsx/csv (and `export_rows` for any list the window shows)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from desktop.errors import Refusal
from desktop.records.money import to_yuan
from desktop.records.tabular import write_rows

Columns = Sequence[tuple[str, str]]

_LISTS: dict[str, tuple[str, Columns, tuple[str, ...]]] = {
    "persons": (
        "SELECT * FROM persons ORDER BY num",
        (
            ("name", "姓名"),
            ("id_number", "身份证号"),
            ("sex", "性别"),
            ("birth_date", "出生日期"),
            ("phone", "联系电话"),
            ("address", "地址"),
            ("category", "参保类别"),
            ("status", "状态"),
        ),
        (),
    ),
    "enrollments": (
        "SELECT e.*, p.name, p.id_number, coalesce(s.status, 'active') AS status FROM enrollments e "
        "JOIN persons p ON p.id = e.person_id LEFT JOIN enrollment_status s ON s.enrollment_id = e.id "
        "WHERE e.year = :year ORDER BY e.created_at",
        (
            ("name", "姓名"),
            ("id_number", "身份证号"),
            ("year", "年度"),
            ("category", "参保类别"),
            ("tier", "缴费档次"),
            ("assistance", "救助类别"),
            ("personal_fen", "个人缴费"),
            ("benefit_start", "待遇开始"),
            ("benefit_end", "待遇结束"),
            ("status", "状态"),
            ("receipt_serial", "收据号"),
            ("operator_id", "经办人"),
            ("created_at", "办理时间"),
        ),
        ("year",),
    ),
    "receipts": (
        "SELECT r.*, v.reason AS void_reason FROM receipts r LEFT JOIN receipt_voids v ON v.serial = r.serial "
        "WHERE r.created_at >= :day AND r.created_at < date(:day, '+1 day') ORDER BY r.serial",
        (
            ("serial", "收据号"),
            ("business", "业务"),
            ("amount_fen", "金额"),
            ("operator_id", "经办人"),
            ("created_at", "开具时间"),
            ("void_reason", "作废原因"),
        ),
        ("day",),
    ),
    "audit": (
        "SELECT * FROM audit WHERE created_at >= :day AND created_at < date(:day, '+1 day') ORDER BY seq",
        (
            ("seq", "序号"),
            ("created_at", "时间"),
            ("operator_id", "经办人"),
            ("business", "业务"),
            ("action", "操作"),
            ("entity_id", "记录"),
            ("amount_fen", "金额"),
            ("hash", "哈希"),
        ),
        ("day",),
    ),
}
LISTS = tuple(_LISTS)


def _money(rows: Iterable[Mapping[str, Any]]) -> Iterable[dict[str, Any]]:
    """Columns ending in _fen are shown in yuan."""
    for row in rows:
        yield {
            k: (to_yuan(v) if k.endswith("_fen") and v is not None else v) for k, v in row.items()
        }


def export_rows(
    path: str | os.PathLike[str], columns: Columns, rows: Iterable[Mapping[str, Any]]
) -> Path:
    """Any list to .xlsx or .csv (by suffix); *_fen columns become yuan text."""
    return write_rows(path, columns, _money(rows))


def export_list(db: Database, name: str, path: str | os.PathLike[str], **params: Any) -> Path:
    """One of LISTS (persons, enrollments[year], receipts[day], audit[day]) to a file."""
    if name not in _LISTS:
        raise Refusal(
            "invalid_field", f"没有名为“{name}”的清单（可选：{'、'.join(LISTS)}）", "name"
        )
    sql, columns, needed = _LISTS[name]
    missing = [p for p in needed if params.get(p) in (None, "")]
    if missing:
        raise Refusal("missing_field", f"导出“{name}”需要参数：{'、'.join(missing)}", missing[0])
    values = {p: str(params[p]) for p in needed}
    return export_rows(path, columns, db.query(sql, values))
