"""xlsx/csv reading and writing."""

from __future__ import annotations

import pytest
from openpyxl import Workbook, load_workbook

from desktop.errors import Refusal
from desktop.records import exports, tabular

COLUMNS = (("name", "姓名"), ("id_number", "身份证号"), ("note", "备注"), ("amount_fen", "金额"))
ROWS = [
    {
        "name": "阿依古丽·买买提",
        "id_number": "32041219800101001X",
        "note": '=HYPERLINK("x")',
        "amount_fen": 83000,
    },
    {"name": "陈\U00020087", "id_number": "320412198001010028", "note": None, "amount_fen": 0},
]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_round_trip_keeps_text_and_never_writes_formulas(tmp_path, suffix):
    path = exports.export_rows(tmp_path / f"list{suffix}", COLUMNS, ROWS)
    header, rows = tabular.read_rows(path)
    assert header == ["姓名", "身份证号", "备注", "金额"]
    assert [n for n, _ in rows] == [2, 3]
    assert rows[0][1]["姓名"] == "阿依古丽·买买提"
    assert rows[1][1]["姓名"] == "陈\U00020087"
    assert rows[0][1]["身份证号"] == "32041219800101001X"
    assert rows[0][1]["金额"] == "830.00"
    if suffix == ".xlsx":
        cell = load_workbook(path).active["C2"]
        assert cell.data_type == "s" and cell.value.startswith("=")
    else:
        assert rows[0][1]["备注"].startswith("'=")


def test_gb18030_csv_from_excel_is_read(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes("姓名,身份证号\r\n张三,320412198001010028\r\n\r\n".encode("gb18030"))
    header, rows = tabular.read_rows(path)
    assert header == ["姓名", "身份证号"]
    assert rows == [(2, {"姓名": "张三", "身份证号": "320412198001010028"})]


def test_numeric_cells_stay_numbers_for_the_validator_to_refuse(tmp_path):
    book = Workbook()
    book.active.append(["姓名", "身份证号"])
    book.active.append(["张三", 320412198001010000])
    book.save(tmp_path / "r.xlsx")
    _, rows = tabular.read_rows(tmp_path / "r.xlsx")
    assert isinstance(
        rows[0][1]["身份证号"], int | float
    )  # identity refuses it with a clear message


def test_unsupported_file_is_refused(tmp_path):
    with pytest.raises(Refusal) as refused:
        tabular.read_rows(tmp_path / "roster.xls")
    assert refused.value.field == "path"
