"""One counter visit (register + school + household + enroll/renew) in one transaction."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.errors import Refusal
from desktop.records import households
from desktop.records import persons as person_rows
from desktop.services import persons
from desktop.services.enrollment_visit import enroll_visit
from tests.support.services import counts, make_id, seed_enrollment

# 2025-11-15 (ctx fixture) is inside the 2026 window 2025-10 … 2025-12.
GRANDMOTHER = make_id(date(1957, 3, 1), 1)  # 68
DAUGHTER_IN_LAW = make_id(date(1984, 6, 1), 2)  # 41
STUDENT = make_id(date(2007, 9, 1), 3)  # 18
SCHOOL = "常州刘国钧高等职业技术学校"


@pytest.fixture
def statements(ctx):
    """Every SQL statement the connection runs from here on."""
    seen: list[str] = []
    ctx.db.conn.set_trace_callback(seen.append)
    yield seen
    ctx.db.conn.set_trace_callback(None)


def commits(statements: list[str]) -> int:
    return sum(1 for s in statements if s.strip().upper() == "COMMIT")


def audit_actions(ctx) -> list[str]:
    return [r[0] for r in ctx.db.execute("SELECT action FROM audit ORDER BY seq")]


def test_a_new_person_is_registered_and_enrolled_in_one_commit(ctx, statements):
    before = counts(ctx.db)
    visit = enroll_visit(ctx, DAUGHTER_IN_LAW, 2026, name="李娟", phone="13812345678")
    assert commits(statements) == 1
    assert sum(1 for s in statements if s.strip().upper().startswith("BEGIN")) == 1
    after = counts(ctx.db)
    grown = {t: after[t] - before[t] for t in after if after[t] != before[t]}
    # (an active enrollment has no status row: schema v7)
    assert grown == {"persons": 1, "enrollments": 1, "receipts": 1, "audit": 2}
    assert audit_actions(ctx) == ["register", "enroll"]
    assert visit.person["name"] == "李娟" and visit.person["category"] == "非从业居民"
    assert (visit.enrollment.category, visit.enrollment.contribution.personal_fen) == ("非从业居民", 83000)
    assert visit.enrollment.receipt_serial == "320412-03-2025-000001"
    assert visit.enrollment.person_id == visit.person["id"]
    assert not ctx.db.conn.in_transaction


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"paid_on": "2025-12-01"}, "paid_on"),  # after today
        ({"paid_on": "2025-13-01"}, "paid_on"),
        ({"category": "老年居民"}, "category_reason"),  # an override without a reason
        ({"year": 2030}, "year"),
        ({"relationship": "朋友", "head_id_number": GRANDMOTHER}, "relationship"),
        ({"head_id_number": GRANDMOTHER}, "relationship"),  # joining needs a relationship: none assumed
        ({"name": ""}, "name"),
    ],
)
def test_a_refused_visit_leaves_nothing_behind(ctx, statements, kwargs, field):
    persons.register_person(ctx, GRANDMOTHER, "王秀英")  # the head, registered before the visit
    before = counts(ctx.db)
    statements.clear()
    args = {"year": 2026, "name": "李娟", **kwargs}
    with pytest.raises(Refusal) as refused:
        enroll_visit(ctx, DAUGHTER_IN_LAW, **args)
    assert refused.value.field == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.message)
    assert counts(ctx.db) == before  # no person, no audit entry, no receipt
    assert person_rows.get_by_id_number(ctx.db, DAUGHTER_IN_LAW) is None
    assert commits(statements) == 0 and not ctx.db.conn.in_transaction
    assert [s.strip().upper() for s in statements].count("ROLLBACK") == 1
    # corrected, the visit goes through; the receipt serials carry on with no gap
    visit = enroll_visit(ctx, DAUGHTER_IN_LAW, 2026, name="李娟", head_id_number=GRANDMOTHER,
                         relationship="儿媳")
    assert visit.enrollment.receipt_serial == "320412-03-2025-000001"
    assert counts(ctx.db)["persons"] == before["persons"] + 1


def test_the_household_joins_in_the_same_transaction_and_an_existing_member_stays(ctx, statements):
    enroll_visit(ctx, GRANDMOTHER, 2026, name="王秀英")
    statements.clear()
    visit = enroll_visit(ctx, DAUGHTER_IN_LAW, 2026, name="李娟", head_id_number=GRANDMOTHER,
                         relationship="儿媳")
    assert commits(statements) == 1
    member = households.membership(ctx.db, visit.person["id"])
    assert member is not None and member["relationship"] == "儿媳"
    assert audit_actions(ctx) == ["register", "enroll", "register", "add_member", "enroll"]

    # already in the household (a renewal next year, say): tolerated, the enrollment goes on
    student = persons.register_person(ctx, STUDENT, "吴佳怡")
    persons.add_household_member(ctx, GRANDMOTHER, STUDENT, "孙子女")
    statements.clear()
    visit = enroll_visit(ctx, STUDENT, 2026, head_id_number=GRANDMOTHER, relationship="孙子女")
    assert commits(statements) == 1
    assert visit.person["id"] == student["id"] and visit.enrollment.category == "非从业居民"
    assert households.membership(ctx.db, student["id"])["relationship"] == "孙子女"
    assert visit.relationship == "孙子女"  # what the page shows is what is stored


def test_a_member_already_in_a_household_needs_no_relationship_and_keeps_theirs(ctx):
    enroll_visit(ctx, GRANDMOTHER, 2026, name="王秀英")
    persons.register_person(ctx, STUDENT, "吴佳怡")
    persons.add_household_member(ctx, GRANDMOTHER, STUDENT, "孙子女")
    visit = enroll_visit(ctx, STUDENT, 2026, head_id_number=GRANDMOTHER)
    assert visit.relationship == "孙子女"
    assert audit_actions(ctx)[-1] == "enroll"  # no second add_member
    # the first person of a visit (no head named) is in no household yet
    assert enroll_visit(ctx, DAUGHTER_IN_LAW, 2026, name="李娟").relationship is None


def test_a_registered_students_school_is_updated_only_with_the_enrollment(ctx):
    persons.register_person(ctx, STUDENT, "吴佳怡")
    before = counts(ctx.db)
    with pytest.raises(Refusal) as refused:  # 未成年居民 at 18 needs the school certificate
        enroll_visit(ctx, STUDENT, 2026, school=SCHOOL, school_kind="职业院校", category="未成年居民")
    assert refused.value.field == "student_proof"
    assert counts(ctx.db) == before
    assert person_rows.get_by_id_number(ctx.db, STUDENT)["school"] is None

    visit = enroll_visit(ctx, STUDENT, 2026, school=SCHOOL, school_kind="职业院校",
                         category="未成年居民", student_proof=True)
    assert (visit.person["school"], visit.person["school_kind"]) == (SCHOOL, "school")
    assert visit.enrollment.category == "未成年居民"
    assert audit_actions(ctx) == ["register", "student", "enroll"]


def test_a_renewal_visit_renews_last_years_category(ctx, statements):
    head = persons.register_person(ctx, GRANDMOTHER, "王秀英")
    seed_enrollment(ctx, head["id"], 2025, "老年居民")
    statements.clear()
    visit = enroll_visit(ctx, GRANDMOTHER, 2026, mode="renewal")
    assert commits(statements) == 1
    assert (visit.enrollment.kind, visit.enrollment.year, visit.enrollment.category) == (
        "renewal", 2026, "老年居民")
    with pytest.raises(Refusal) as refused:  # a new person has no last year to renew
        enroll_visit(ctx, DAUGHTER_IN_LAW, 2026, mode="renewal", name="李娟")
    assert (refused.value.code, refused.value.field) == ("not_found", "year")
    assert person_rows.get_by_id_number(ctx.db, DAUGHTER_IN_LAW) is None


PLANNED = ("year", "kind", "category", "proposed_category", "category_reason", "assistance", "tier", "special_group",
           "student_proof", "standard_fen", "ltc_fen", "assisted_fen", "personal_fen", "paid_on", "benefit_start",
           "benefit_end", "waiting_months", "retroactive", "trace")


@pytest.mark.parametrize(
    ("number", "last_year", "visit"),
    [
        (GRANDMOTHER, None, {}),  # new: 老年居民 730 (002 §一(三))
        (DAUGHTER_IN_LAW, "非从业居民", {"assistance": "低保边缘家庭成员"}),  # 续保 with a group: 0 to pay
        (make_id(date(1965, 6, 1), 4), "非从业居民", {}),  # turned 60: 续保 as 老年居民 730
        (make_id(date(1965, 6, 1), 5), "非从业居民",
         {"category": "非从业居民", "category_reason": "本人申请"}),  # kept, with its reason: 830
        (STUDENT, None, {"school": SCHOOL, "school_kind": "职业院校", "student_proof": True}),  # 未成年居民 380
    ],
)
def test_the_plan_is_what_the_visit_writes(ctx, number, last_year, visit):
    """Issue 14 #1: what `plan_visit` shows is, column for column, the row `enroll_visit` writes."""
    from desktop.records import enrollments
    from desktop.services.enrollment_visit import plan_visit

    if last_year:
        seed_enrollment(ctx, persons.register_person(ctx, number, "周建华")["id"], 2025, last_year)
    before = counts(ctx.db)
    planned = plan_visit(ctx, number, 2026, name="周建华", **visit)
    assert planned.pending is None
    assert counts(ctx.db) == before  # the plan writes nothing
    written = enroll_visit(ctx, number, 2026, name="周建华", **visit)
    row = enrollments.get(ctx.db, written.enrollment.enrollment_id)
    expected = planned.columns(ctx.region)
    assert {k: row[k] for k in PLANNED} == {k: expected[k] for k in PLANNED}
    assert row["kind"] == ("renewal" if last_year else "enroll")
