"""Batch roster import: 10 000 rows with a sprinkling of bad ones (visits.md #11)."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from openpyxl import Workbook

from desktop.errors import Refusal
from desktop.records import tabular
from desktop.services import roster_import
from tests.support.services import counts, make_id

HEADER = ["序号", "姓名", "身份证号", "联系电话", "参保类别", "地址"]
ON = date(2025, 11, 15)  # the ctx fixture's day


def _category(birth: date) -> str:
    age = ON.year - birth.year - ((ON.month, ON.day) < (birth.month, birth.day))
    return "未成年居民" if age < 18 else "老年居民" if age >= 60 else "非从业居民"


def _roster(n: int) -> tuple[list[list], dict[int, str]]:
    """Rows (the spreadsheet's row r is rows[r - 2]) and the expected rejected column per row."""
    rows, bad = [], {}
    for i in range(n):
        birth = date(1940, 1, 1) + timedelta(days=(i * 7) % 30000)
        number = make_id(birth, 1 + i // 4300)
        rows.append(
            [
                i + 1,
                "张三丰"[: 2 + i % 2],
                number,
                f"138{i:08d}",
                _category(birth),
                f"武进区湖塘镇{i}号",
            ]
        )

    def spoil(index: int, column: int, value, expected_field: str) -> None:
        rows[index][column] = value
        bad[index + 2] = expected_field

    for index in range(17, n, 997):  # a wrong check digit
        number = rows[index][2]
        spoil(index, 2, number[:-1] + ("0" if number[-1] != "0" else "1"), "身份证号")
    spoil(5000, 2, rows[10][2], "身份证号")  # the same person twice in one list
    for index in range(33, n, 1499):  # missing category
        spoil(index, 4, None, "参保类别")
    spoil(777, 3, "1234", "联系电话")
    spoil(3333, 4, "退休居民", "参保类别")
    spoil(4444, 1, "张 三", "姓名")
    for index in range(6001, n):  # an adult listed as 老年居民 without a reason
        if rows[index][4] == "非从业居民" and index + 2 not in bad:
            spoil(index, 4, "老年居民", "类别变更原因")
            break
    return rows, bad


def _xlsx(path, rows):
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_ten_thousand_rows_with_bad_ones_and_an_idempotent_reimport(ctx, tmp_path):
    rows, bad = _roster(10_000)
    path = _xlsx(tmp_path / "roster.xlsx", rows)
    seen = []
    began = time.perf_counter()
    report = roster_import.import_roster(
        ctx, path, 2026, progress=lambda done, total: seen.append(done)
    )
    first_seconds = time.perf_counter() - began
    assert sorted((r.row, r.field) for r in report.rejected) == sorted(bad.items())
    by_row = {r.row: r.message for r in report.rejected}
    assert by_row[5002] == "身份证号与第12行重复"
    assert by_row[35] == "请填写参保类别"
    assert "校验位不正确" in by_row[19]
    assert "联系电话" in by_row[779]
    assert "退休居民" in by_row[3335]
    assert "空格" in by_row[4446]
    assert "请填写类别调整理由" in next(m for r, m in by_row.items() if bad[r] == "类别变更原因")
    assert (report.total, report.enrolled, report.unchanged) == (10_000, 10_000 - len(bad), 0)
    assert seen[-1] == 10_000 and len(seen) == 100
    assert "退回" in report.summary
    db = ctx.db
    assert db.execute("SELECT count(*) FROM enrollments").fetchone()[0] == 10_000 - len(bad)
    # the same files' rejected rows can be handed back
    back = roster_import.write_rejections(report, tmp_path / "rejected.xlsx")
    assert len(tabular.read_rows(back)[1]) == len(bad)

    before = counts(db)
    again = roster_import.import_roster(ctx, path, 2026)
    assert counts(db) == before  # re-importing the same file changes nothing
    assert (again.enrolled, again.unchanged) == (0, 10_000 - len(bad))
    assert [(r.row, r.field, r.message) for r in again.rejected] == [
        (r.row, r.field, r.message) for r in report.rejected
    ]
    print(f"first import {first_seconds:.1f} s")


def test_cancelled_import_keeps_committed_chunks_and_a_reimport_finishes(ctx, tmp_path, monkeypatch):
    """The import commits as it goes (so windows get the write lock, issue 13): cancelling keeps
    the chunks committed, rolls back the current one, and importing the file again finishes it.
    Committing after every chunk (HOLD_SECONDS = 0) makes the cut fall at a known row."""
    monkeypatch.setattr(roster_import, "HOLD_SECONDS", 0)
    monkeypatch.setattr(roster_import, "YIELD_SECONDS", 0)
    rows = _roster(10_000)[0][:500]
    path = tmp_path / "roster.csv"
    tabular.write_rows(
        path, [(h, h) for h in HEADER], [dict(zip(HEADER, r, strict=True)) for r in rows]
    )
    before = counts(ctx.db)
    calls = []
    report = roster_import.import_roster(
        ctx,
        path,
        2026,
        progress=lambda done, total: calls.append(done),
        cancelled=lambda: len(calls) >= 2,
    )
    assert report.cancelled and report.saved_rows == 200
    assert "前200行已保存" in report.summary and "其余300行未导入" in report.summary
    assert counts(ctx.db)["enrollments"] - before["enrollments"] == report.enrolled
    rest = roster_import.import_roster(ctx, path, 2026)
    assert rest.unchanged == report.enrolled and rest.enrolled + rest.unchanged + len(rest.rejected) == 500


def test_cancelled_within_the_first_transaction_writes_nothing(ctx, tmp_path):
    rows = _roster(10_000)[0][:300]
    path = tmp_path / "roster.csv"
    tabular.write_rows(
        path, [(h, h) for h in HEADER], [dict(zip(HEADER, r, strict=True)) for r in rows]
    )
    before = counts(ctx.db)
    report = roster_import.import_roster(ctx, path, 2026, cancelled=lambda: True)
    assert report.cancelled and "未写入" in report.summary
    assert counts(ctx.db) == before


def test_roster_without_a_required_column_is_refused(ctx, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("姓名,身份证号\n张三,320412198001010028\n", encoding="utf-8")
    with pytest.raises(Refusal) as refused:
        roster_import.import_roster(ctx, path, 2026)
    assert refused.value.field == "参保类别"


def test_a_row_refused_by_its_enrollment_registers_no_one(ctx, tmp_path):
    """The rows run without a savepoint each: a new person whose enrollment is refused (a
    category needing a reason, an unknown category) must leave no person, receipt or audit
    entry behind, because every check runs before the row writes anything."""
    rows = _roster(10_000)[0][2100:2112]  # 12 clean rows (the spoilt ones are elsewhere)
    adult = next(i for i, r in enumerate(rows) if i > 0 and r[4] == "非从业居民")
    rows[adult][4] = "老年居民"  # an override without a reason
    rows[0][4] = "退休居民"  # not a category of the pack
    path = tmp_path / "roster.csv"
    tabular.write_rows(
        path, [(h, h) for h in HEADER], [dict(zip(HEADER, r, strict=True)) for r in rows]
    )
    before = counts(ctx.db)
    report = roster_import.import_roster(ctx, path, 2026)
    assert {r.row for r in report.rejected} == {2, adult + 2}
    assert report.enrolled == 10
    db = ctx.db
    refused = {rows[0][2], rows[adult][2]}
    marks = ", ".join("?" * len(refused))
    assert db.execute(f"SELECT count(*) FROM persons WHERE id_number IN ({marks})", [*refused]).fetchone()[0] == 0
    after = counts(db)
    assert after["enrollments"] - before["enrollments"] == 10
    assert after["receipts"] - before["receipts"] == 10
    assert after["audit"] - before["audit"] == 2 * 10 + 1  # register + enroll each, one import


def _csv(tmp_path, rows, name="roster.csv"):
    path = tmp_path / name
    tabular.write_rows(
        path, [(h, h) for h in HEADER], [dict(zip(HEADER, r, strict=True)) for r in rows]
    )
    return path


def test_an_import_keeps_the_audit_chain_and_the_receipts_in_order(ctx, tmp_path, monkeypatch):
    """Bulk writes: the audit chain verifies, each enrollment's entry hashes the row exactly as
    SELECT * reads it, the receipt serials run on without a gap in row order, one import entry."""
    from desktop.records import audit, enrollments

    rows = _roster(10_000)[0][2100:2550]  # clean rows, across several chunks
    rows[7][4] = None  # refused: no category
    captured: list[dict] = []
    real = audit.append_many

    def capture(db, stamp, entries):
        entries = list(entries)
        captured.extend(entries)
        return real(db, stamp, entries)

    monkeypatch.setattr(audit, "append_many", capture)
    report = roster_import.import_roster(ctx, _csv(tmp_path, rows), 2026)
    assert report.enrolled == len(rows) - 1 and [r.row for r in report.rejected] == [9]
    db = ctx.db
    assert audit.verify_audit_chain(db) is None
    enrolled = [e for e in captured if e["entity"] == "enrollments"]
    assert len(enrolled) == report.enrolled
    for entry in enrolled[:5] + enrolled[-5:]:
        assert entry["row"] == enrollments.stored(db, entry["entity_id"])
    # registrations and enrollments alternate, in row order
    assert [e["action"] for e in captured[:4]] == ["register", "enroll", "register", "enroll"]
    assert [e["entity_id"] for e in captured if e["entity"] == "persons"] == [
        e["person_id"] for e in enrolled
    ]
    seqs = [
        r[0]
        for r in db.execute(
            "SELECT r.seq FROM enrollments e JOIN receipts r ON r.serial = e.receipt_serial "
            "ORDER BY e.rowid"
        )
    ]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    numbers = [r[0] for r in db.execute("SELECT p.id_number FROM enrollments e JOIN persons p "
                                        "ON p.id = e.person_id ORDER BY e.rowid")]
    assert numbers == [r[2] for i, r in enumerate(rows) if i != 7]
    assert db.execute("SELECT count(*) FROM audit WHERE action = 'import'").fetchone()[0] == 1
    # the person is stored with the category it was enrolled in, and found by name
    person = db.execute("SELECT num, name, category FROM persons WHERE id_number = ?", [rows[0][2]]).fetchone()
    assert person[2] == rows[0][4]
    from desktop.records import search

    assert rows[0][2] in [p["id_number"] for p in search.by_name_contains(db, person[1], 10_000)]

    # a counter enrollment after the import continues the serials and the chain
    again = roster_import.import_roster(ctx, _csv(tmp_path, rows[:3], "more.csv"), 2026)
    assert again.unchanged == 3 and audit.verify_audit_chain(db) is None


def test_existing_person_without_an_enrollment_is_enrolled_and_keeps_one_row(ctx, tmp_path):
    """A person registered before (no enrollment of the year) is enrolled, not registered again;
    a wrong name for them is refused; the category is written on the person."""
    from desktop.records import persons
    from desktop.services.persons import register_person

    rows = _roster(10_000)[0][3000:3004]
    register_person(ctx, rows[0][2], rows[0][1])
    register_person(ctx, rows[1][2], rows[1][1])
    rows[1][1] = "李四"
    report = roster_import.import_roster(ctx, _csv(tmp_path, rows), 2026)
    assert report.enrolled == 3 and [(r.row, r.field) for r in report.rejected] == [(3, "姓名")]
    assert persons.get_by_id_number(ctx.db, rows[0][2])["category"] == rows[0][4]
    assert ctx.db.execute("SELECT count(*) FROM persons WHERE id_number = ?", [rows[0][2]]).fetchone()[0] == 1
    from desktop.records import audit

    assert audit.verify_audit_chain(ctx.db) is None


@pytest.mark.parametrize("school_kind", [None, "school", "university"])
def test_a_shared_plan_is_the_plan_of_each_person(ctx, school_kind):
    """plan_shared gives every person exactly what plan gives them (or the same refusal)."""
    from desktop.services import enrollment

    memo: enrollment.PlanMemo = {}
    births = [ON - timedelta(days=d) for d in (0, 1, 200, 364, 365, 366, 3000)]
    births += [date(ON.year - age, ON.month, ON.day) + timedelta(days=s) for age in (17, 18, 60) for s in (-1, 0, 1)]
    for birth in births * 2:
        person = {"birth_date": birth.isoformat(), "school_kind": school_kind, "status": "正常",
                  "name": "张三", "id": None, "category": None}
        for category, reason, proof in [
            (None, None, False), ("非从业居民", None, False), ("老年居民", None, False),
            ("老年居民", "本人申请", False), ("未成年居民", None, True), ("退休居民", None, False),
        ]:
            options = dict(category=category, category_reason=reason, assistance=None, tier=None,
                           special_group=None, student_proof=proof, paid_on=None,
                           continuous_years=None, gap_months=None)
            try:
                expected = enrollment.plan(ctx, person, 2026, "enroll", **options)
            except Refusal as refusal:
                with pytest.raises(Refusal) as got:
                    enrollment.plan_shared(memo, ctx, person, 2026, "enroll", **options)
                assert (got.value.code, got.value.message, got.value.field) == (
                    refusal.code, refusal.message, refusal.field)
            else:
                assert enrollment.plan_shared(memo, ctx, person, 2026, "enroll", **options) == expected
    assert len(memo) < len(births) * 6
