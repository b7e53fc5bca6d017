"""Issue 13, finding 6: bad text. Control and format characters (NUL, ESC, DEL, the bidi
override U+202E, zero-width characters) are refused in every free-text field with a Chinese
message naming the field and nothing written; a name keeps its 间隔号 and rare ideographs; a
CSV roster that the csv module cannot read is a clear refusal, never `_csv.Error`; xlsx lists
never crash on a value already stored."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from openpyxl import load_workbook

from desktop.errors import Refusal
from desktop.policy import loader
from desktop.records.db import open_db
from desktop.services import accounts, change, hall, persons, privacy, receipt, roster_import
from tests.support.safety import PASSWORD, all_counts, clerk_ctx, configured, visit
from tests.support.services import make_id

BAD = ["\x00", "\x1b", "\x7f", "\u202e", "\u200b", "\u2066", "\ufeff", "\x1b[31m"]


@pytest.fixture
def desk(tmp_path):
    db = open_db(tmp_path / "desk.sqlite3")
    admin = configured(db)
    return db, admin, clerk_ctx(db)


def _refused(db, field: str, label: str, call) -> None:
    before = all_counts(db)
    with pytest.raises(Refusal) as caught:
        call()
    assert caught.value.field == field, caught.value
    assert label in caught.value.message and ("控制字符" in caught.value.message or "格式字符" in caught.value.message), caught.value.message
    assert all_counts(db) == before  # nothing written (a refusal writes no audit entry here)


@pytest.mark.parametrize("bad", BAD)
def test_free_text_refuses_control_and_format_characters(desk, bad):
    db, admin, clerk = desk
    number = make_id(date(1980, 1, 1), 7)
    _refused(db, "address", "地址", lambda: persons.register_person(clerk, number, "张三", address=f"湖塘镇{bad}1号"))
    _refused(db, "school", "学校", lambda: persons.register_person(clerk, number, "张三", school=f"武进{bad}中学", school_kind="school"))
    visited = visit(clerk, 1)
    _refused(db, "reason", "变更原因", lambda: change.change(clerk, visited, "phone", "13912345678", reason=f"本人{bad}申请"))
    serial = db.execute("SELECT serial FROM receipts ORDER BY serial DESC LIMIT 1").fetchone()[0]
    _refused(db, "reason", "作废原因", lambda: receipt.void_receipt(clerk, serial, f"重{bad}打"))
    _refused(db, "display_name", "姓名", lambda: accounts.create_account(admin, "newbie", PASSWORD, f"新{bad}人", ["clerk"]))
    _refused(db, "archive_folder", "文书归档文件夹", lambda: hall.set_setting(admin, "archive_folder", f"/srv/{bad}x"))
    if bad in ("\u200b", "\ufeff"):
        # a name pasted from a spreadsheet loses these two (identity.normalize_name, by design):
        # nothing invisible is stored either way
        assert persons.register_person(clerk, number, f"张{bad}三")["name"] == "张三"
    else:
        before = all_counts(db)
        with pytest.raises(Refusal) as caught:
            persons.register_person(clerk, number, f"张{bad}三")
        assert caught.value.field == "name" and "姓名第2个字符" in caught.value.message
        assert all_counts(db) == before


def test_names_keep_the_middle_dot_and_rare_ideographs(desk):
    db, _, clerk = desk
    # 𠇹 (U+201F9, Extension B) and 㐂 (Extension A) are GB 18030 ideographs real names use.
    persons.register_person(clerk, make_id(date(1980, 1, 1), 8), "买买提·艾力", address="湖塘镇𠇹村·3组")
    persons.register_person(clerk, make_id(date(1980, 1, 1), 9), "王𠇹㐂")
    names = {r[0] for r in db.execute("SELECT name FROM persons")}
    assert {"买买提·艾力", "王𠇹㐂"} <= names


def _roster(tmp_path, rows: list[str], name="r.csv"):
    path = tmp_path / name
    path.write_text("姓名,身份证号,参保类别,地址\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_roster_cells_with_control_characters_are_row_errors(desk, tmp_path):
    db, _, clerk = desk
    good, bad = make_id(date(1990, 2, 2), 3), make_id(date(1990, 2, 3), 5)
    path = _roster(tmp_path, [f"李四,{good},非从业居民,湖塘镇", f"王五,{bad},非从业居民,湖塘\u202e镇"])
    report = roster_import.import_roster(clerk, path, 2026)
    assert report.enrolled == 1 and [(r.row, r.field) for r in report.rejected] == [(3, "地址")]
    out = roster_import.write_rejections(report, tmp_path / "rejected.xlsx")
    assert load_workbook(out).active.max_row == 2


def test_a_csv_field_over_the_limit_or_an_unbalanced_quote_is_a_refusal_not_csv_error(desk, tmp_path):
    db, _, clerk = desk
    number = make_id(date(1990, 2, 2), 3)
    huge = _roster(tmp_path, [f"李四,{number},非从业居民,{'湖' * 140_000}"], "huge.csv")
    quote = _roster(tmp_path, [f'李四,{number},非从业居民,"湖塘镇', f"王五,{number},非从业居民,x"], "quote.csv")
    for path in (huge, quote):
        before = all_counts(db)
        try:
            report = roster_import.import_roster(clerk, path, 2026)
        except Refusal as refusal:
            assert refusal.field == "path" and "第2行" in refusal.message, refusal.message
        else:
            assert report.enrolled == 0 and report.rejected and report.rejected[0].row == 2
        assert all_counts(db) == before


def test_exports_and_rejection_reports_survive_stored_bad_values(desk, tmp_path):
    """Values stored before this check (planted by SQL) are shown escaped, never crash the list."""
    db, _, clerk = desk
    visit(clerk, 2)
    db.close()
    conn = sqlite3.connect(str(tmp_path / "desk.sqlite3"))
    conn.execute("UPDATE persons SET address = ?, name = ?", ["a\x00b\x1bc\u202ed", "张\x07三"])
    conn.commit()
    conn.close()
    db = open_db(tmp_path / "desk.sqlite3")
    clerk = clerk_ctx(db)
    done = privacy.export_list(clerk, "persons", tmp_path / "persons.xlsx")
    sheet = load_workbook(done["file"]).active
    header = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    assert row[header.index("地址")] == "a[U+0000]b[U+001B]c[U+202E]d"
    assert row[header.index("姓名")] == "张[U+0007]三"
    report = roster_import.ImportReport(total=1, rejected=[roster_import.RejectedRow(2, "救助类别", "救助类别“\x1b\x00”无效")])
    out = roster_import.write_rejections(report, tmp_path / "rejected.xlsx")
    assert load_workbook(out).active.cell(2, 3).value == "救助类别“[U+001B][U+0000]”无效"


def test_pack_strings_refuse_format_characters(tmp_path):
    source = loader.bundled_dir() / "changzhou-resident-2026.yaml"
    text = source.read_text(encoding="utf-8")
    for bad in ("\u202e", "\u200b", "\\e"):  # "\e" is ESC in a double-quoted YAML string
        planted = tmp_path / "changzhou-resident-2027.yaml"
        title = next(line for line in text.splitlines() if line.strip().startswith("title:"))
        planted.write_text(text.replace(title, f'{title.split(":")[0]}: "常州{bad}2027"', 1), encoding="utf-8")
        with pytest.raises(loader.PackError) as caught:
            loader.read_pack(planted)
        assert "控制字符" in str(caught.value) or "格式字符" in str(caught.value), str(caught.value)
