"""参保登记 and 续保 end to end, with fees from the 2026 常州 outline (002_791f68398226ecd0.txt)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from desktop.errors import Refusal
from desktop.records import enrollments, receipts
from desktop.services import enrollment, persons
from desktop.services.context import CHINA
from tests.support.services import counts, make_ctx, make_id, seed_enrollment

# 2025-11-15 (ctx fixture) is inside the 2026 window 2025-10 … 2025-12 (002 §一(一)).
GRANDMOTHER = make_id(date(1957, 3, 1), 1)  # 68
DAUGHTER_IN_LAW = make_id(date(1984, 6, 1), 2)  # 41
GRANDSON = make_id(date(2016, 5, 1), 3, male=True)  # 9


def _register(ctx, number, name="张三", **extra):
    return persons.register_person(ctx, number, name, **extra)


def test_a_family_renews_in_november(ctx):
    """visits.md #1: 老年居民 730, 非从业居民 830 (武进区), 未成年居民 380, benefits from 1 January."""
    for number, name in ((GRANDMOTHER, "王秀英"), (DAUGHTER_IN_LAW, "李娟"), (GRANDSON, "张小明")):
        _register(ctx, number, name)
    results = [enrollment.enroll(ctx, n, 2026) for n in (GRANDMOTHER, DAUGHTER_IN_LAW, GRANDSON)]
    # 老年居民 700 基本医保 + 30 长护险 = 730 元 (002 §一(三))
    # 非从业居民 武进区 800 + 30 = 830 元 (002 §一(三), 市区 fee group)
    # 未成年居民 380 + 长护险免缴 = 380 元 (002 §一(三))
    assert [(r.category, r.contribution.personal_fen) for r in results] == [
        ("老年居民", 73000),
        ("非从业居民", 83000),
        ("未成年居民", 38000),
    ]
    assert [r.contribution.ltc_fen for r in results] == [3000, 3000, 0]
    assert {(r.benefit.start, r.benefit.end, r.benefit.waiting_months) for r in results} == {
        (date(2026, 1, 1), date(2026, 12, 31), 0)
    }
    assert [r.receipt_serial for r in results] == [
        "320412-03-2025-000001",
        "320412-03-2025-000002",
        "320412-03-2025-000003",
    ]
    stored = enrollments.get(ctx.db, results[1].enrollment_id)
    assert stored["personal_fen"] == 83000 and stored["status"] == "active"
    assert (
        stored["operator_id"] == "clerk01"
        and stored["hall_code"] == "320412"
        and stored["window_code"] == "03"
    )


def test_liyang_non_employed_pays_the_county_fee(db):
    # 非从业居民 溧阳市 700 + 30 = 730 元 (002 §一(三), 溧阳市/金坛区 row)
    ctx = make_ctx(db, region="溧阳市", hall_code="320481")
    _register(ctx, DAUGHTER_IN_LAW)
    assert enrollment.enroll(ctx, DAUGHTER_IN_LAW, 2026).contribution.personal_fen == 73000


def test_assistance_group_pays_nothing_in_changzhou(ctx):
    """visits.md #4: 低保 — the government pays the whole personal part (002 §一(三) “政府承担”)."""
    _register(ctx, DAUGHTER_IN_LAW)
    r = enrollment.enroll(ctx, DAUGHTER_IN_LAW, 2026, assistance="最低生活保障家庭成员")
    c = r.contribution
    # standard 800 + 30 = 830; assisted 830 (100 %); personal 0
    assert (c.standard_fen, c.assisted_fen, c.personal_fen) == (83000, 83000, 0)


def test_late_enrollment_waits_two_months(db):
    """visits.md #3: paid 2026-03-10 → waiting March and April, benefits from 2026-05-01
    (002 §二(二)2, waiting counted from the month of payment as 000 §一(一))."""
    ctx = make_ctx(db, now=datetime(2026, 3, 10, 9, 0, tzinfo=CHINA))
    number = make_id(date(1981, 1, 1), 4)
    _register(ctx, number)
    r = enrollment.enroll(ctx, number, 2026)
    assert (r.benefit.start, r.benefit.waiting_months, r.benefit.retroactive) == (
        date(2026, 5, 1),
        2,
        False,
    )
    assert r.receipt_serial == "320412-03-2026-000001"  # a new calendar year starts a new sequence


def test_newborn_within_90_days_is_covered_from_birth(db):
    """visits.md #2: 40 days after birth → benefits reach back to the birth date (002 §二(二)1)."""
    ctx = make_ctx(db, now=datetime(2026, 3, 15, 9, 0, tzinfo=CHINA))
    baby = make_id(date(2026, 2, 4), 5)
    _register(ctx, baby, "李小宝")
    r = enrollment.enroll(ctx, baby, 2026)
    assert r.category == "未成年居民"
    assert (r.benefit.start, r.benefit.retroactive) == (date(2026, 2, 4), True)


def test_newborn_after_90_days_waits(db):
    ctx = make_ctx(db, now=datetime(2026, 3, 15, 9, 0, tzinfo=CHINA))
    baby = make_id(date(2025, 10, 10), 6)  # five months old
    _register(ctx, baby, "王小宝")
    r = enrollment.enroll(ctx, baby, 2026)
    assert (r.benefit.start, r.benefit.retroactive) == (date(2026, 5, 1), False)


def test_second_enrollment_is_refused_pointing_at_the_first(ctx):
    _register(ctx, GRANDMOTHER, "王秀英")
    first = enrollment.enroll(ctx, GRANDMOTHER, 2026)
    before = counts(ctx.db)
    with pytest.raises(Refusal) as refused:
        enrollment.enroll(ctx, GRANDMOTHER, 2026)
    assert refused.value.code == "already_enrolled" and refused.value.field == "year"
    assert "2025-11-15" in refused.value.message and first.receipt_serial in refused.value.message
    assert counts(ctx.db) == before


def test_one_active_enrollment_is_enforced_by_the_database(ctx):
    _register(ctx, GRANDMOTHER)
    first = enrollment.enroll(ctx, GRANDMOTHER, 2026)
    import sqlite3

    row = enrollments.stored(ctx.db, first.enrollment_id)
    columns = [c for c in row if c != "id"]
    copy = f"INSERT INTO enrollments (id, {', '.join(columns)}) SELECT ?, {', '.join(columns)} FROM enrollments WHERE id = ?"
    with pytest.raises(sqlite3.IntegrityError, match="one active enrollment"):
        ctx.db.execute(copy, [first.enrollment_id + "-copy", first.enrollment_id])
    # once the first is no longer active (停保), another of the same year may be written
    enrollments.set_status(ctx.db, ctx.stamp(), first.enrollment_id, "suspended", "t1")
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE constraint failed: enrollments.receipt_serial"):
        ctx.db.execute(copy, [first.enrollment_id + "-copy", first.enrollment_id])  # (past the guard)
    with pytest.raises(sqlite3.IntegrityError, match="只增不删"):  # and a status is never taken back
        ctx.db.execute("DELETE FROM enrollment_status")


def test_override_needs_a_reason(ctx):
    _register(ctx, GRANDMOTHER)
    before = counts(ctx.db)
    with pytest.raises(Refusal) as refused:
        enrollment.enroll(ctx, GRANDMOTHER, 2026, category="非从业居民")
    assert refused.value.code == "override_without_reason"
    assert refused.value.field == "category_reason"
    assert "老年居民" in refused.value.message
    assert counts(ctx.db) == before
    r = enrollment.enroll(
        ctx,
        GRANDMOTHER,
        2026,
        category="非从业居民",
        category_reason="本人要求，提供退休证明复印件",
    )
    stored = enrollments.get(ctx.db, r.enrollment_id)
    assert (stored["category"], stored["proposed_category"]) == ("非从业居民", "老年居民")
    assert stored["category_reason"].startswith("本人要求")


def test_alias_of_the_proposed_category_needs_no_reason(ctx):
    student = make_id(date(2005, 9, 1), 7)
    _register(ctx, student, school="常州大学", school_kind="高等院校")
    proposal = enrollment.proposal(ctx, student, 2026)
    assert proposal.category == "大学生" and "学校统一办理" in proposal.note
    # 大学生 240 + 30 = 270 元 (002 §一(三)); 高校大学生 is the 2025 spelling of the same category
    r = enrollment.enroll(ctx, student, 2026, category="高校大学生")
    assert (r.category, r.contribution.personal_fen) == ("大学生", 27000)


def test_student_over_18_keeps_minor_with_proof(ctx):
    """visits.md #5: 18+ at a vocational school keeps 未成年居民 with the 在校生证明 (002 §二(二)3)."""
    pupil = make_id(date(2007, 1, 5), 8)  # 18
    _register(ctx, pupil, school="常州技师学院", school_kind="职业院校")
    before = counts(ctx.db)
    with pytest.raises(Refusal) as refused:
        enrollment.enroll(ctx, pupil, 2026)
    assert refused.value.field == "student_proof" and "在校生证明" in refused.value.message
    assert counts(ctx.db) == before
    r = enrollment.enroll(ctx, pupil, 2026, student_proof=True)
    assert (r.category, r.contribution.personal_fen) == ("未成年居民", 38000)


def test_without_the_elderly_age_setting_the_clerk_chooses(db):
    ctx = make_ctx(db, settings={})
    _register(ctx, GRANDMOTHER)
    assert enrollment.proposal(ctx, GRANDMOTHER, 2026).category is None
    with pytest.raises(Refusal) as refused:
        enrollment.enroll(ctx, GRANDMOTHER, 2026)
    assert refused.value.field == "category" and "elderly_from_age" in refused.value.message
    assert enrollment.enroll(ctx, GRANDMOTHER, 2026, category="老年居民").category == "老年居民"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"year": 2030}, "year"),
        ({"year": "明年"}, "year"),
        ({"category": "退休居民"}, "category"),
        ({"assistance": "不存在的救助"}, "assistance"),
        ({"paid_on": "2025-13-01"}, "paid_on"),
        ({"paid_on": "2025-12-01"}, "paid_on"),  # after today
        ({"special_group": "退役军人"}, "special_group"),  # not an exempt group in 2026
    ],
)
def test_bad_input_is_refused_naming_the_field_and_writes_nothing(ctx, kwargs, field):
    _register(ctx, DAUGHTER_IN_LAW)
    before = counts(ctx.db)
    args = {"year": 2026, **kwargs}
    with pytest.raises(Refusal) as refused:
        enrollment.enroll(ctx, DAUGHTER_IN_LAW, **args)
    assert refused.value.field == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.message)
    assert counts(ctx.db) == before


def test_unknown_or_deceased_person_is_refused(ctx):
    with pytest.raises(Refusal) as refused:
        enrollment.enroll(ctx, DAUGHTER_IN_LAW, 2026)
    assert (refused.value.code, refused.value.field) == ("not_found", "id_number")
    with pytest.raises(Refusal) as bad:
        enrollment.enroll(ctx, DAUGHTER_IN_LAW[:-1] + "0", 2026)
    assert bad.value.field == "id_number"
    _register(ctx, GRANDMOTHER, "王秀英")
    persons.record_death(ctx, GRANDMOTHER, "2025-11-01", "病故")
    with pytest.raises(Refusal) as dead:
        enrollment.enroll(ctx, GRANDMOTHER, 2026)
    assert dead.value.code == "deceased"


def test_renewal_continues_last_years_category_and_group(ctx):
    person = _register(ctx, DAUGHTER_IN_LAW)
    seed_enrollment(ctx, person["id"], 2025, "非从业居民", assistance="低保边缘家庭成员")
    r = enrollment.renew(ctx, DAUGHTER_IN_LAW, 2026)
    stored = enrollments.get(ctx.db, r.enrollment_id)
    assert (stored["kind"], stored["category"], stored["assistance"]) == (
        "renewal",
        "非从业居民",
        "低保边缘家庭成员",
    )
    assert r.contribution.personal_fen == 0  # 830 standard, all of it 政府承担 (002 §一(三))


def test_renewal_of_a_minor_who_left_school_at_18_takes_the_new_category(ctx):
    """visits.md #5/#6: the renewal follows the rules' new proposal (issue 14: it kept
    未成年居民 and asked for a reason; the page showed one fee and wrote another)."""
    grown = make_id(date(2007, 6, 1), 9)  # 18 on 2025-11-15, not at school
    person = _register(ctx, grown)
    seed_enrollment(ctx, person["id"], 2025, "未成年居民")
    # 非从业居民 武进区 800 + 长护险 30 = 830 元 (002 §一(三))
    r = enrollment.renew(ctx, grown, 2026)
    assert (r.kind, r.category, r.contribution.personal_fen) == ("renewal", "非从业居民", 83000)
    stored = enrollments.get(ctx.db, r.enrollment_id)
    assert (stored["proposed_category"], stored["category_reason"]) == ("非从业居民", None)
    # keeping 未成年居民 is an override of the proposal: it needs its reason
    with pytest.raises(Refusal) as refused:
        enrollment.renew(ctx, grown, 2026, category="未成年居民")
    assert refused.value.code in ("already_enrolled", "override_without_reason")


def test_renewal_without_next_years_pack_is_refused(db):
    autumn = make_ctx(db, now=datetime(2025, 11, 15, 9, 0, tzinfo=CHINA))
    _register(autumn, DAUGHTER_IN_LAW)
    enrollment.enroll(autumn, DAUGHTER_IN_LAW, 2026, assistance="低保边缘家庭成员")
    next_autumn = make_ctx(db, now=datetime(2026, 11, 2, 9, 0, tzinfo=CHINA))
    # Without a 2027 pack the renewal is refused on the year, and nothing is written.
    before = counts(db)
    with pytest.raises(Refusal) as refused:
        enrollment.renew(next_autumn, DAUGHTER_IN_LAW, 2027)
    assert refused.value.field == "year"
    assert counts(db) == before


def test_renewal_needs_last_years_enrollment(ctx):
    _register(ctx, DAUGHTER_IN_LAW)
    with pytest.raises(Refusal) as refused:
        enrollment.renew(ctx, DAUGHTER_IN_LAW, 2026)
    assert refused.value.code == "not_found" and "2025年度" in refused.value.message


def test_receipt_is_allocated_with_the_enrollment(ctx):
    _register(ctx, GRANDSON)
    r = enrollment.enroll(ctx, GRANDSON, 2026)
    receipt = receipts.get(ctx.db, r.receipt_serial)
    assert (receipt["business"], receipt["record_id"], receipt["amount_fen"]) == (
        "enroll",
        r.enrollment_id,
        38000,
    )


# The 常州 student rules are each year's pack's, cited from that year's source. On 2025-11-15 a
# pupil born 2007-09-01 is 18: past minor_below_age (18) but still at school.
@pytest.mark.parametrize(
    ("year", "category", "words"),
    [
        (2024, "未成年居民", ["凭《在校生证明》按", "《2024年度溧阳市城乡居民基本医疗保险政策》§二(二)3"]),  # no 学生证 in 000
        (2026, "未成年居民", ["凭《在校生证明》或学生证按", "《2026年度常州市城乡居民医疗保障政策宣传提纲》§二(二)3"]),
        (2025, None, ["本年度政策文件未写年满18周岁仍在校学生的参保缴费身份"]),  # 003 is silent
    ],
)
def test_a_pupil_past_18_is_proposed_what_the_years_source_says(ctx, year, category, words):
    pupil = make_id(date(2007, 9, 1), 71)
    _register(ctx, pupil, "吴佳怡", school="常州市第一中学", school_kind="school")
    p = enrollment.proposal(ctx, pupil, year)
    assert p.category == category
    assert p.needs_student_proof == (category is not None)
    for w in words:
        assert w in p.note, p.note
    if year == 2024:
        assert "学生证" not in p.note


@pytest.mark.parametrize(
    ("year", "source"),
    [(2024, "《2024年度溧阳市城乡居民基本医疗保险政策》§二(一)、§二(三)"), (2025, "《关于2025年度常州市城乡居民基本医疗保险和长期护理保险参保缴费工作有关事项的通告》§四(二)、§五(二)"),
     (2026, "《2026年度常州市城乡居民医疗保障政策宣传提纲》§二(一)、§二(三)")],
)
def test_a_university_student_is_told_the_school_enrolls_them_citing_the_years_source(ctx, year, source):
    student = make_id(date(2005, 3, 1), 72)
    _register(ctx, student, "周一鸣", school="常州大学", school_kind="university")
    p = enrollment.proposal(ctx, student, year)
    assert p.note == f"高等院校在校学生由学校统一办理参保登记和缴费（{source}）"
