"""停保/退保 and 退费: eligibility by region, four-eyes review, one refund per payment."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

import pytest

from desktop.errors import Refusal
from desktop.records import enrollments
from desktop.records import persons as person_rows
from desktop.services import enrollment, persons, refund, review, termination
from desktop.services.context import CHINA
from tests.support.services import counts, make_ctx, make_id, seed_enrollment

NUMBER = make_id(date(1984, 6, 1), 2)


def _at(db, when, **kw):
    return make_ctx(db, now=datetime(*when, 10, 0, tzinfo=CHINA), **kw)


# ---------------------------------------------------------------- 常州


@pytest.fixture
def enrolled(ctx):
    persons.register_person(ctx, NUMBER, "李娟")
    return enrollment.enroll(ctx, NUMBER, 2026)


@pytest.fixture
def reviewer(db):
    return make_ctx(db, operator_id="rev01", role="reviewer")


def test_joining_the_army_suspends_after_review(ctx, reviewer, enrolled):
    """visits.md #7: 停保 with the reason; a reviewer approves before it takes effect."""
    r = termination.request_termination(ctx, NUMBER, 2026, "停保", "参军")
    assert r.kind == "suspension"
    assert enrollments.get(ctx.db, enrolled.enrollment_id)["status"] == "active"
    review.decide(reviewer, r.review_request_id, approve=True)
    assert enrollments.get(ctx.db, enrolled.enrollment_id)["status"] == "suspended"
    # back from the army the same year: a new enrollment is possible again
    assert enrollment.enroll(ctx, NUMBER, 2026).enrollment_id != enrolled.enrollment_id


def test_death_terminates_and_marks_the_person(ctx, reviewer, enrolled):
    r = termination.request_termination(ctx, NUMBER, 2026, "退保", "死亡", death_date="2025-11-10")
    review.decide(reviewer, r.review_request_id, approve=True)
    assert enrollments.get(ctx.db, enrolled.enrollment_id)["status"] == "terminated"
    person = person_rows.get_by_id_number(ctx.db, NUMBER)
    assert (person["status"], person["death_date"]) == ("死亡", "2025-11-10")


def test_changzhou_termination_only_at_the_original_hall(db, enrolled):
    elsewhere = make_ctx(db, hall_code="320411", window="01")
    before = counts(db)
    with pytest.raises(Refusal) as refused:
        termination.request_termination(elsewhere, NUMBER, 2026, "退保", "参加职工医保")
    assert (
        refused.value.field == "hall_code"
        and "《2026年度常州市城乡居民医疗保障政策宣传提纲》§二(二)4" in refused.value.message
    )
    assert counts(db) == before


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "暂停", "reason": "参军"}, "kind"),
        ({"kind": "停保", "reason": "出国"}, "reason"),
        ({"kind": "退保", "reason": "其他"}, "reason_note"),
        ({"kind": "退保", "reason": "死亡"}, "death_date"),
        ({"kind": "退保", "reason": "死亡", "death_date": "2025-12-01"}, "death_date"),
        ({"kind": "停保", "reason": "参军", "effective_on": "2027-01-01"}, "effective_on"),
        ({"kind": "停保", "reason": "参军", "year": 2025}, "year"),
    ],
)
def test_bad_termination_requests_write_nothing(ctx, enrolled, kwargs, field):
    before = counts(ctx.db)
    args = {"year": 2026, **kwargs}
    with pytest.raises(Refusal) as refused:
        termination.request_termination(
            ctx, NUMBER, args.pop("year"), args.pop("kind"), args.pop("reason"), **args
        )
    assert refused.value.field == field
    assert counts(ctx.db) == before


def test_one_open_request_per_enrollment(ctx, enrolled):
    first = termination.request_termination(ctx, NUMBER, 2026, "停保", "外地就读")
    with pytest.raises(Refusal) as refused:
        termination.request_termination(ctx, NUMBER, 2026, "退保", "参加职工医保")
    assert refused.value.code == "pending_review" and first.receipt_serial in refused.value.message


def test_changzhou_has_no_refund_rule(ctx, enrolled):
    before = counts(ctx.db)
    with pytest.raises(Refusal) as refused:
        refund.request_refund(ctx, NUMBER, 2026, "参加职工医保")
    assert refused.value.code == "not_applicable"
    assert (
        "《2026年度常州市城乡居民医疗保障政策宣传提纲》§二(二)4" in refused.value.message
        and "没有居民医保退费的规定" in refused.value.message
        and "停保" in refused.value.message
    )
    assert counts(ctx.db) == before


def test_changzhou_rules_cite_the_year_of_the_enrollment(db):
    # issue 15.12: the citation was fixed to 002 whatever the year; a 2024 enrollment cites 000
    ctx = _at(db, (2024, 3, 1))
    persons.register_person(ctx, NUMBER, "李娟")
    enrollment.enroll(ctx, NUMBER, 2024)
    with pytest.raises(Refusal) as refused:
        refund.request_refund(ctx, NUMBER, 2024, "参加职工医保")
    assert "《2024年度溧阳市城乡居民基本医疗保险政策》§二(二)4" in refused.value.message
    with pytest.raises(Refusal) as elsewhere:
        termination.request_termination(make_ctx(db, hall_code="320411", window="01",
                                                 now=datetime(2024, 3, 2, 10, 0, tzinfo=CHINA)),
                                        NUMBER, 2024, "停保", "参军")
    assert elsewhere.value.field == "hall_code" and "《2024年度溧阳市城乡居民基本医疗保险政策》§二(二)4" in elsewhere.value.message


def test_a_year_whose_source_names_no_termination_is_refused_naming_it(db):
    # 003 (2025) gives no 停保/退保 rule: refused with the document named, nothing written
    persons.register_person(_at(db, (2024, 11, 1)), NUMBER, "李娟")
    enrollment.enroll(_at(db, (2024, 11, 1)), NUMBER, 2025)  # in 2025's collection period
    ctx = _at(db, (2025, 3, 1))
    before = counts(db)
    with pytest.raises(Refusal) as refused:
        termination.request_termination(ctx, NUMBER, 2025, "停保", "参军")
    assert refused.value.code == "not_applicable" and "《关于2025年度常州市城乡居民基本医疗保险和长期护理保险参保缴费工作有关事项的通告》" in refused.value.message
    assert counts(db) == before


# ---------------------------------------------------------------- 天津 (004_72f39dcdf4d6177b.txt)


def _tianjin(db, when, operator="tj-clerk", role="clerk"):
    return _at(
        db, when, region="天津市", hall_code="120101", window="01", operator_id=operator, role=role
    )


def _seed(ctx, **money):
    person = persons.register_person(ctx, NUMBER, "李娟")
    return seed_enrollment(ctx, person["id"], 2024, "成年居民", **money)


HIGH = {
    "tier": "高档",
    "standard_fen": 101000,
    "personal_fen": 101000,
}  # 高档 1010 元 (004 §二(一))
# 低保: 低档 380 元, 90 % 定额资助 = 342 元, 个人 38 元 (004 §二(四))
ASSISTED = {
    "tier": "低档",
    "assistance": "低保对象",
    "standard_fen": 38000,
    "assisted_fen": 34200,
    "personal_fen": 3800,
}


def test_tianjin_case_1_next_year_refund_in_the_window(db):
    clerk = _tianjin(db, (2023, 11, 20))
    enrolled = _seed(clerk, **HIGH)
    r = refund.request_refund(clerk, NUMBER, 2024, "死亡")
    assert (r.case.case_no, r.case.amount_fen) == (1, 101000)
    assert "§七(一)1" in r.case.rule
    rev = _tianjin(db, (2023, 11, 21), operator="tj-rev", role="reviewer")
    review.decide(rev, r.review_request_id, approve=True)
    assert enrollments.get(db, enrolled["id"])["status"] == "refunded"
    with pytest.raises(Refusal) as again:
        refund.request_refund(clerk, NUMBER, 2024, "其他", reason_note="再次申请")
    assert again.value.code == "already_refunded"  # no refundable payment left for 2024: it was refunded


def test_tianjin_case_2_before_the_benefit_period_goes_to_the_tax_office(db):
    # issue 14.8 / 15.12: 004 §七(二): from 2024-01-01 the person applies to 税务 — the counter says so,
    # names the case that applies and offers 停保 (nothing written)
    clerk = _tianjin(db, (2024, 3, 1))
    # paid 2024-02-20 without continuity: 6-month waiting period (004 §八(四))
    _seed(clerk, **HIGH, paid_on="2024-02-20", benefit_start="2024-08-21", waiting_months=6)
    before = counts(db)
    with pytest.raises(Refusal) as refused:
        refund.request_refund(clerk, NUMBER, 2024, "其他", reason_note="外出务工")
    r = refused.value
    assert (r.code, r.field) == ("elsewhere", "kind")
    assert "税务部门" in r.message and "§七(二)" in r.message and "§七(一)2" in r.message
    assert "停保" in r.message
    assert counts(db) == before
    plan = refund.plan(clerk, NUMBER, 2024, "其他")
    assert (plan.case.number, plan.case.amount_fen, plan.at_counter, plan.next_step) == (2, 101000, False, "停保")
    assert plan.where.startswith("税务部门")


def test_tianjin_refund_after_the_benefit_period_began_is_refused(db):
    clerk = _tianjin(db, (2024, 3, 1))
    _seed(clerk, **HIGH)
    before = counts(db)
    with pytest.raises(Refusal) as refused:
        refund.request_refund(clerk, NUMBER, 2024, "其他", reason_note="不想参保")
    assert refused.value.code == "not_applicable" and refused.value.field == "reason"
    assert "2024-01-01" in refused.value.message and "§七(一)2" in refused.value.message
    assert "停保" in refused.value.message  # the next step the counter can take
    assert counts(db) == before
    plan = refund.plan(clerk, NUMBER, 2024, "其他")
    assert plan.case is None and plan.next_step == "停保" and "§七(一)2" in plan.message


def test_tianjin_case_2_continuing_employee_insurance_goes_to_the_tax_office(db):
    # issue 14.8: 参加职工医保 was taken at the counter in 2024
    clerk = _tianjin(db, (2024, 6, 1))
    _seed(clerk, **HIGH)
    with pytest.raises(Refusal) as refused:
        refund.request_refund(clerk, NUMBER, 2024, "参加职工医保", employee_insurance_whole_year=True)
    assert refused.value.code == "elsewhere" and "税务部门" in refused.value.message
    plan = refund.plan(clerk, NUMBER, 2024, "参加职工医保", employee_insurance_whole_year=True)
    assert plan.case.number == 2 and "职工医保" in plan.case.rule and plan.next_step == "停保"


def test_tianjin_case_3_assisted_person_switching_tier(db):
    clerk = _tianjin(db, (2023, 12, 5))
    _seed(clerk, **ASSISTED)
    r = refund.request_refund(
        clerk, NUMBER, 2024, "其他", reason_note="改选高档", switch_to_higher_tier=True
    )
    assert (r.case.case_no, r.case.amount_fen) == (3, 3800)


def test_tianjin_case_3_needs_an_assisted_enrollment(db):
    clerk = _tianjin(db, (2023, 12, 5))
    _seed(clerk, **HIGH)
    with pytest.raises(Refusal) as refused:
        refund.request_refund(
            clerk, NUMBER, 2024, "其他", reason_note="改档", switch_to_higher_tier=True
        )
    assert refused.value.field == "switch_to_higher_tier"


def test_tianjin_case_4_duplicate_in_another_province(db):
    clerk = _tianjin(db, (2023, 12, 20))  # the counter took refunds in 2023-09..12 (004 §七(二))
    _seed(clerk, **HIGH)
    r = refund.request_refund(
        clerk, NUMBER, 2024, "其他", reason_note="江苏已参保", duplicate_other_province=True
    )
    assert r.case.case_no == 4 and "§七(一)4" in r.case.rule
    with pytest.raises(Refusal) as later:  # the same case from 2024 on: the tax office
        refund.plan(_tianjin(db, (2024, 9, 1)), NUMBER, 2024, "其他", duplicate_other_province=True).require_counter()
    assert later.value.code == "elsewhere"


def test_two_refunds_of_one_payment_are_impossible_in_the_database(db):
    clerk = _tianjin(db, (2023, 11, 20))
    enrolled = _seed(clerk, **HIGH)
    r = refund.request_refund(clerk, NUMBER, 2024, "死亡")
    review.decide(
        _tianjin(db, (2023, 11, 21), operator="tj-rev", role="reviewer"),
        r.review_request_id,
        approve=True,
    )
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        db.execute(
            "INSERT INTO refund_payouts (id, created_at, hall_code, window_code, operator_id, refund_id, "
            "enrollment_id, amount_fen) VALUES ('x', 'x', 'x', 'x', 'x', ?, ?, 1)",
            [r.refund_id + "-2", enrolled["id"]],
        )
    # and the service refuses before reaching the constraint
    with pytest.raises(Refusal) as refused:
        refund.apply(clerk, clerk.stamp(), refund.get(clerk, r.refund_id))
    assert refused.value.code == "already_refunded"


def test_a_second_refund_after_the_payout_names_the_first(db):
    # after the payout the year has no refundable payment: the refusal says it was refunded
    clerk = _tianjin(db, (2023, 11, 20))
    _seed(clerk, **HIGH)
    r = refund.request_refund(clerk, NUMBER, 2024, "死亡")
    review.decide(_tianjin(db, (2023, 11, 21), operator="tj-rev", role="reviewer"), r.review_request_id,
                  approve=True)
    before = db.execute("SELECT count(*) FROM audit").fetchone()[0]
    with pytest.raises(Refusal) as refused:
        refund.request_refund(_tianjin(db, (2023, 11, 22)), NUMBER, 2024, "死亡")
    assert (refused.value.code, refused.value.field) == ("already_refunded", "year")
    assert "2023-11-21" in refused.value.message and r.receipt_serial in refused.value.message
    assert "不能重复退费" in refused.value.message
    assert db.execute("SELECT count(*) FROM audit").fetchone()[0] == before


def test_rejected_refund_can_be_asked_again(db):
    clerk = _tianjin(db, (2023, 11, 20))
    _seed(clerk, **HIGH)
    first = refund.request_refund(clerk, NUMBER, 2024, "死亡")
    rev = _tianjin(db, (2023, 11, 21), operator="tj-rev", role="reviewer")
    review.decide(rev, first.review_request_id, approve=False, note="缺少死亡证明")
    second = refund.request_refund(clerk, NUMBER, 2024, "死亡")
    assert review.decide(rev, second.review_request_id, approve=True)["state"] == "approved"
