"""Reading rosters and writing lists: xlsx (openpyxl) and csv, chosen by the file's suffix."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

from desktop.errors import Refusal
from desktop.identity import visible

Row = tuple[int, dict[str, Any]]  # (spreadsheet row number, header -> value)
_FORMULA_START = ("=", "+", "-", "@")


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise Refusal(
            "invalid_file", f"只支持 .xlsx 和 .csv 文件，不支持“{path.suffix or path.name}”", "path"
        )
    return suffix


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, datetime):
        return value.date()
    return value


def read_rows(path: str | os.PathLike[str]) -> tuple[list[str], list[Row]]:
    """The header (first non-empty row) and the data rows, blank rows skipped."""
    path = Path(path)
    suffix = _suffix(path)
    if not path.is_file():
        raise Refusal("invalid_file", f"文件不存在：{path}", "path")
    text_only = suffix == ".csv"
    raw = _read_csv(path) if text_only else _read_xlsx(path)
    header: list[str] | None = None
    named: list[tuple[int, str]] = []  # (position, header) of the named columns
    rows: list[Row] = []
    for number, values in raw:
        if text_only:  # a CSV cell is always text: _clean without a call per cell
            cells: list[Any] = [v.strip() or None for v in values]
            if not any(cells):
                continue
        else:
            cells = [_clean(v) for v in values]
            if all(v is None for v in cells):
                continue
        if header is None:
            header = [str(v) if v is not None else "" for v in cells]
            named = [(i, h) for i, h in enumerate(header) if h]
            continue
        width = len(cells)
        rows.append((number, {h: cells[i] if i < width else None for i, h in named}))
    if header is None:
        raise Refusal("invalid_file", "文件中没有表头和数据", "path")
    return header, rows


def _read_xlsx(path: Path) -> Iterable[tuple[int, Sequence[Any]]]:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a bad file
        raise Refusal("invalid_file", f"无法读取Excel文件：{exc}", "path") from None
    try:
        sheet = book.worksheets[0]
        return [
            (i, list(values)) for i, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        book.close()


def _read_csv(path: Path) -> Iterable[tuple[int, Sequence[Any]]]:
    data = path.read_bytes()
    # Excel in China saves CSV as GB 18030 (GBK); everything else as UTF-8, often with a BOM.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes every byte sequence
        raise Refusal("invalid_file", "无法识别CSV文件的编码", "path")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, Sequence[Any]]] = []
    try:
        for values in reader:
            rows.append((len(rows) + 1, values))
    except csv.Error as exc:
        # A quote left open swallows the rest of the file into one cell until the csv module's
        # field limit (128 KB): refuse the file at the row where it went wrong, nothing read.
        raise Refusal("invalid_file", _csv_problem(len(rows) + 1, str(exc)), "path") from None
    return rows


def _csv_problem(row: int, reason: str) -> str:
    if "field larger than field limit" in reason:
        what = "有一个单元格超过128KB（多半是引号没有配对，后面的内容都被当成了这一格）"
    elif "unexpected end of data" in reason or "expected after" in reason:
        what = "的引号没有配对，文件在引号内结束"
    elif "NUL" in reason or "null" in reason.lower():
        what = "含有空字符（NUL），文件可能已损坏或不是文本文件"
    else:
        what = "格式有误"
    return f"CSV文件第{row}行{what}，未导入任何记录；请在Excel中打开核对后另存为CSV再导入"


def _text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        # a value stored before control characters were refused: shown, never a crash (xlsx
        # cannot hold most of them) nor a hidden bidi override
        return visible(value)
    return value


def write_rows(
    path: str | os.PathLike[str],
    columns: Sequence[tuple[str, str]],
    rows: Iterable[Mapping[str, Any]],
) -> Path:
    """Write `rows` with `columns` as (key, 表头) pairs. Text never becomes a formula."""
    path = Path(path)
    suffix = _suffix(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    headers = [header for _, header in columns]
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(headers)
            for row in rows:
                writer.writerow([_csv_safe(_text(row.get(key))) for key, _ in columns])
        return path
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, _text(row.get(key))) for key, _ in columns])
    book.save(path)
    return path


def _csv_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=None)
        cell.value = value
        cell.data_type = "s"  # openpyxl would treat "=..." as a formula
        return cell
    return value
