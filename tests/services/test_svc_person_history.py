"""参保人档案 (issue 14): one service read gives the person's page everything on file, audited."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from desktop.errors import Refusal
from desktop.services import (
    change,
    enrollment,
    offsite_filing,
    person_history,
    persons,
    receipt,
    review,
    termination,
)
from desktop.services.context import CHINA
from tests.support.services import counts, make_ctx, make_id

GRANDMOTHER = make_id(date(1957, 3, 2), 1)
DAUGHTER_IN_LAW = make_id(date(1984, 6, 1), 2)
GRANDSON = make_id(date(2016, 9, 9), 3, male=True)


@pytest.fixture
def family(ctx):
    """visits.md #1: the grandmother heads the household; the daughter-in-law (41) is enrolled
    for 2026 in 武进区 on 2025-11-15, inside the 2026 集中参保缴费期."""
    persons.register_person(ctx, GRANDMOTHER, "周桂兰")
    persons.register_person(ctx, DAUGHTER_IN_LAW, "陈静")
    persons.register_person(ctx, GRANDSON, "周子轩")
    persons.add_household_member(ctx, GRANDMOTHER, DAUGHTER_IN_LAW, "儿媳")
    persons.add_household_member(ctx, GRANDMOTHER, GRANDSON, "孙子女")
    return enrollment.enroll(ctx, DAUGHTER_IN_LAW, 2026)


def test_history_lists_household_enrollment_change_stop_filing_and_void(db, ctx, family):
    reviewer = make_ctx(db, operator_id="rev01", role="reviewer")
    change.change(ctx, DAUGHTER_IN_LAW, "phone", "13812345678")
    stop = termination.request_termination(ctx, DAUGHTER_IN_LAW, 2026, "停保", "参军")
    review.decide(reviewer, stop.review_request_id, approve=False, note="缺入伍通知书")
    march = make_ctx(db, now=datetime(2026, 3, 10, 9, 0, tzinfo=CHINA))
    filed = offsite_filing.file_offsite(
        march, DAUGHTER_IN_LAW, "异地长期居住人员", "江苏省", "苏州市", "2026-04-01",
        materials_received=["有效身份证件", "个人承诺书"])
    receipt.void_receipt(march, filed.receipt_serial, "就医地填错")

    h = person_history.history(march, DAUGHTER_IN_LAW)

    assert (h.details.name, h.details.age, h.details.sex) == ("陈静", 41, "女")
    assert h.details.id_number == DAUGHTER_IN_LAW  # a clerk sees the whole number
    assert h.details.phone == "13812345678"
    assert [(m.name, m.relationship, m.is_this_person) for m in h.household] == [
        ("周桂兰", "户主", False), ("陈静", "儿媳", True), ("周子轩", "孙子女", False)]  # head, then by age
    [e] = h.enrollments
    # 非从业居民 in 武进区 for 2026: 830 元 (002 §一(一) 表, 武进区 row), no waiting period
    # inside the 集中参保缴费期, benefits for the calendar year (002 §二(二))
    assert (e.year, e.category, e.personal, e.status) == (2026, "非从业居民", Decimal("830.00"), "有效")
    assert (e.benefit_start, e.benefit_end) == (date(2026, 1, 1), date(2026, 12, 31))
    assert e.serial == family.receipt_serial and not e.voided
    [c] = h.changes
    assert (c.field, c.after, c.state) == ("联系电话", "13812345678", "即时生效")
    [s] = h.stops
    assert (s.kind, s.year, s.reason, s.state) == ("停保", 2026, "参军", "复核驳回")
    [f] = h.filings
    assert (f.action, f.destination, f.start, f.voided) == ("备案", "江苏省苏州市", date(2026, 4, 1), True)
    assert [(r.business, r.voided) for r in h.receipts] == [
        ("参保登记", False), ("变更登记", False), ("停保", False), ("异地就医备案", True)]
    assert h.receipts[-1].void_reason == "就医地填错"


def test_reading_the_history_is_audited_and_writes_nothing_else(db, ctx, family):
    before = counts(db)
    person_history.history(ctx, DAUGHTER_IN_LAW)
    after = counts(db)
    assert after["audit"] == before["audit"] + 1
    assert {k: v for k, v in after.items() if k != "audit"} == {k: v for k, v in before.items() if k != "audit"}
    entry = db.execute("SELECT action, business, operator_id, person_id FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    assert entry[:3] == ("view", "person", "clerk01") and entry[3] is not None


def test_an_administrator_may_not_read_a_persons_history(db, family):
    admin = make_ctx(db, operator_id="admin01", role="admin")
    with pytest.raises(Refusal) as refused:
        person_history.history(admin, DAUGHTER_IN_LAW)
    assert refused.value.code == "forbidden" and "查阅参保人档案" in refused.value.message
    last = db.execute("SELECT action FROM audit ORDER BY seq DESC LIMIT 1").fetchone()[0]
    assert last == "refused"


def test_an_unregistered_number_is_refused_at_the_field(ctx):
    with pytest.raises(Refusal) as refused:
        person_history.history(ctx, GRANDSON)
    assert (refused.value.code, refused.value.field) == ("not_found", "id_number")
