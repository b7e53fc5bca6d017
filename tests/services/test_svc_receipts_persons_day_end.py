"""Receipts (gapless serials, voids), persons and households, and the day-end report data."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from desktop.errors import Refusal
from desktop.records import receipts, reports
from desktop.services import change, enrollment, persons, receipt
from desktop.services.context import CHINA
from tests.support.services import counts, make_ctx, make_id

A, B, C = (make_id(date(1984, 6, 1), i) for i in (1, 2, 3))


def test_serials_are_gapless_per_window_and_year(db):
    w3 = make_ctx(db)
    w4 = make_ctx(db, window="04", operator_id="clerk02")
    for number in (A, B):
        persons.register_person(w3, number, "张三")
    persons.register_person(w4, C, "李四")
    serials = [
        enrollment.enroll(w3, A, 2026).receipt_serial,
        enrollment.enroll(w4, C, 2026).receipt_serial,
        change.change(w3, A, "phone", "13800000000").receipt_serial,
    ]
    with pytest.raises(Refusal):
        enrollment.enroll(w3, A, 2026)  # a refusal consumes no number
    serials.append(enrollment.enroll(w3, B, 2026).receipt_serial)
    assert serials == [
        "320412-03-2025-000001",
        "320412-04-2025-000001",
        "320412-03-2025-000002",
        "320412-03-2025-000003",
    ]


def test_void_keeps_the_serial_with_reason_and_who(ctx, db):
    persons.register_person(ctx, A, "张三")
    serial = enrollment.enroll(ctx, A, 2026).receipt_serial
    before = counts(db)
    with pytest.raises(Refusal) as no_reason:
        receipt.void_receipt(ctx, serial, " ")
    assert no_reason.value.field == "reason"
    other_clerk = make_ctx(db, operator_id="clerk02")
    with pytest.raises(Refusal) as not_theirs:
        receipt.void_receipt(other_clerk, serial, "打印错误")
    assert not_theirs.value.code == "not_permitted"
    with pytest.raises(Refusal) as unknown:
        receipt.void_receipt(ctx, "320412-03-2025-999999", "打印错误")
    assert unknown.value.field == "serial"
    after = counts(db)  # the refused attempt on another clerk's receipt is audited, nothing else
    assert after.pop("audit") == before.pop("audit") + 1
    assert after == before
    voided = receipt.void_receipt(ctx, serial, "打印机卡纸，重打")
    assert (voided["serial"], voided["void_reason"], voided["voided_by"]) == (
        serial,
        "打印机卡纸，重打",
        "clerk01",
    )
    with pytest.raises(Refusal) as twice:
        receipt.void_receipt(make_ctx(db, operator_id="rev", role="reviewer"), serial, "重复")
    assert twice.value.code == "already_void"
    assert receipts.get(db, serial)["business"] == "enroll"  # the receipt row itself is untouched


def test_register_person_derives_sex_and_birth_and_refuses_bad_input(ctx, db):
    p = persons.register_person(
        ctx, A, "阿依古丽•买买提", phone="0519 8718 6108", school="常州一中", school_kind="中小学"
    )
    assert (p["name"], p["sex"], p["birth_date"], p["phone"]) == (
        "阿依古丽·买买提",
        "女",
        "1984-06-01",
        "0519-87186108",
    )
    assert p["school_kind"] == "school"
    long_name = "买" * 60
    assert persons.register_person(ctx, B, long_name)["name"] == long_name
    before = counts(db)
    for kwargs, field in (
        ({"id_number": A, "name": "张三"}, "id_number"),  # already registered
        ({"id_number": C, "name": "张 三"}, "name"),
        ({"id_number": C, "name": "张三", "phone": "123"}, "phone"),
        ({"id_number": C, "name": "张三", "school": "某校"}, "school_kind"),
        ({"id_number": C, "name": "张三", "school_kind": "高校"}, "school"),
        ({"id_number": "32041219840601", "name": "张三"}, "id_number"),
    ):
        with pytest.raises(Refusal) as refused:
            persons.register_person(ctx, kwargs.pop("id_number"), kwargs.pop("name"), **kwargs)
        assert refused.value.field == field, kwargs
    assert counts(db) == before


def test_household_members_with_relationship(ctx):
    for number, name in ((A, "王秀英"), (B, "李娟"), (C, "张小明")):
        persons.register_person(ctx, number, name)
    persons.add_household_member(ctx, A, B, "儿媳")
    persons.add_household_member(ctx, A, C, "孙子女")
    family = persons.household_of(ctx, C)
    assert [(m["name"], m["relationship"]) for m in family] == [
        ("王秀英", "户主"),
        ("李娟", "儿媳"),
        ("张小明", "孙子女"),
    ]
    with pytest.raises(Refusal) as twice:
        persons.add_household_member(ctx, A, B, "配偶")
    assert twice.value.field == "member_id_number"
    with pytest.raises(Refusal) as bad:
        persons.add_household_member(ctx, A, A, "配偶")
    assert bad.value.field == "member_id_number"
    with pytest.raises(Refusal) as relation:
        persons.add_household_member(ctx, B, C, "邻居")
    assert relation.value.field == "relationship"
    persons.remove_household_member(ctx, C)
    assert [m["name"] for m in persons.household_of(ctx, A)] == ["王秀英", "李娟"]


def test_day_end_per_clerk_and_hall(db):
    morning = datetime(2025, 11, 15, 9, 0, tzinfo=CHINA)
    w3 = make_ctx(db, now=morning)
    w4 = make_ctx(db, window="04", operator_id="clerk02", now=morning)
    persons.register_person(w3, A, "王秀英")  # 68 → 老年居民 730
    persons.register_person(w3, B, "李娟")
    persons.register_person(w4, C, "张小明")
    a = make_id(date(1957, 3, 1), 9)
    persons.register_person(w3, a, "老人")
    enrollment.enroll(w3, a, 2026)  # 730
    enrollment.enroll(w3, B, 2026)  # 830
    serial = enrollment.enroll(w4, C, 2026).receipt_serial  # 830
    receipt.void_receipt(w4, serial, "重打")
    tomorrow = make_ctx(db, now=datetime(2025, 11, 16, 9, 0, tzinfo=CHINA))
    enrollment.enroll(tomorrow, A, 2026)  # not today's work

    clerk1 = reports.day_end(db, date(2025, 11, 15), operator_id="clerk01")
    assert clerk1.total("enroll") == (2, 73000 + 83000)
    assert clerk1.total("person", "register") == (3, 0)
    assert [(r["issued"], r["voided"], r["first"], r["last"]) for r in clerk1.receipts] == [
        (2, 0, "320412-03-2025-000001", "320412-03-2025-000002")
    ]
    hall = reports.day_end(db, date(2025, 11, 15), hall_code="320412")
    assert hall.total("enroll") == (3, 73000 + 83000 + 83000)
    assert hall.total("receipt", "void") == (1, 83000)
    assert sum(r["issued"] for r in hall.receipts) == 3
    assert sum(r["voided"] for r in hall.receipts) == 1


def test_export_enrollment_list(ctx, tmp_path):
    from desktop.records import exports, tabular

    persons.register_person(ctx, A, "李娟")
    enrollment.enroll(ctx, A, 2026)
    path = exports.export_list(ctx.db, "enrollments", tmp_path / "2026.xlsx", year=2026)
    header, rows = tabular.read_rows(path)
    assert header[:4] == ["姓名", "身份证号", "年度", "参保类别"]
    assert (rows[0][1]["姓名"], rows[0][1]["个人缴费"], rows[0][1]["身份证号"]) == (
        "李娟",
        "830.00",
        A,
    )
    with pytest.raises(Refusal) as refused:
        exports.export_list(ctx.db, "enrollments", tmp_path / "x.csv")
    assert refused.value.field == "year"
