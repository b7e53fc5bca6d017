"""Each permission rule attempted through the services directly (not the window): the refusal
is `forbidden` (or `four_eyes`) with a Chinese message, and the attempt is an audit entry while
the business writes nothing else."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from desktop.errors import Refusal
from desktop.records.audit import verify_audit_chain
from desktop.services import (
    accounts,
    change,
    enrollment,
    hall,
    manual_claim,
    offsite_filing,
    persons,
    receipt,
    refund,
    review,
    termination,
)
from tests.support.accounts import NOW
from tests.support.services import counts, make_id, seed_enrollment

NUMBER = make_id(date(1984, 6, 1), 2, region_code="120101")
OTHER = make_id(date(1990, 3, 3), 5, region_code="120101")
HIGH = {"tier": "高档", "standard_fen": 101000, "personal_fen": 101000}


def _refused(ctx, call, *args, code="forbidden", **kw) -> Refusal:
    """Call, expect a refusal; exactly one new audit entry (action refused) and nothing else."""
    before = counts(ctx.db)
    with pytest.raises(Refusal) as r:
        call(*args, **kw)
    assert r.value.code == code, r.value
    after = counts(ctx.db)
    assert after.pop("audit") == before.pop("audit") + 1
    assert after == before
    last = ctx.db.execute("SELECT action, operator_id FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    assert last == ("refused", ctx.operator_id)
    assert verify_audit_chain(ctx.db) is None
    return r.value


@pytest.fixture
def enrolled(staff):
    clerk = staff["clerk"]
    person = persons.register_person(clerk, NUMBER, "李娟")
    return seed_enrollment(clerk, person["id"], 2024, "成年居民", **HIGH)


def test_a_clerk_cannot_approve(staff, enrolled):
    r = refund.request_refund(staff["clerk"], NUMBER, 2024, "死亡")
    refusal = _refused(staff["clerk"], review.decide, staff["clerk"], r.review_request_id, True)
    assert "复核" in refusal.message and refusal.field == "role"
    review.decide(staff["rev"], r.review_request_id, True)  # a reviewer may


@pytest.mark.parametrize("business", ["refund", "termination", "important_change"])
def test_nobody_approves_their_own_request(staff, enrolled, business):
    both = staff["both"]  # holds clerk and reviewer: may do each, never on its own request
    if business == "refund":
        request_id = refund.request_refund(both, NUMBER, 2024, "死亡").review_request_id
    elif business == "termination":
        request_id = termination.request_termination(both, NUMBER, 2024, "停保", "参军").review_request_id
    else:
        request_id = change.change(both, NUMBER, "name", "李娟娟").review_request_id
    refusal = _refused(both, review.decide, both, request_id, True, code="four_eyes")
    assert "自己" in refusal.message
    state = review.decide(staff["rev"], request_id, True)["state"]
    assert state == "approved"


def test_second_level_needs_a_third_person(staff, enrolled):
    """天津 ID-number change: two levels, by two reviewers other than the clerk."""
    r = change.change(staff["clerk"], NUMBER, "id_number", OTHER)
    review.decide(staff["rev"], r.review_request_id, True)
    _refused(staff["rev"], review.decide, staff["rev"], r.review_request_id, True, code="four_eyes")
    assert review.decide(staff["both"], r.review_request_id, True)["state"] == "approved"


@pytest.mark.parametrize(
    "name",
    ["register", "enroll", "change", "refund", "termination", "offsite", "claim", "roster"],
)
def test_an_administrator_does_not_handle_businesses(staff, enrolled, tmp_path, name):
    admin = staff["admin"]
    calls = {
        "register": (persons.register_person, (admin, OTHER, "王五")),
        "enroll": (enrollment.enroll, (admin, NUMBER, 2024)),
        "change": (change.change, (admin, NUMBER, "phone", "13812345678")),
        "refund": (refund.request_refund, (admin, NUMBER, 2024, "死亡")),
        "termination": (termination.request_termination, (admin, NUMBER, 2024, "停保", "参军")),
        "offsite": (offsite_filing.file_offsite, (admin, NUMBER, "异地长期居住人员", "江苏省", "苏州市", "2024-04-01")),
        "claim": (manual_claim.accept_claim, (admin, NUMBER, [], [])),
        "roster": (__import__("desktop.services.roster_import", fromlist=["x"]).import_roster, (admin, tmp_path / "r.csv", 2024)),
    }
    call, args = calls[name]
    refusal = _refused(admin, call, *args)
    assert "管理员" in refusal.message


def test_an_administrator_who_is_also_a_clerk_may_handle(staff, enrolled):
    person = persons.register_person(staff["boss"], OTHER, "王五")
    assert person["operator_id"] == "boss"


def test_a_reviewer_alone_does_not_handle_businesses(staff, enrolled):
    refusal = _refused(staff["rev"], change.change, staff["rev"], NUMBER, "phone", "13812345678")
    assert "经办人" in refusal.message


def test_no_business_under_another_name(staff, enrolled):
    """A Context naming another person's account with a role it does not hold, an unknown
    operator or a disabled account is refused: roles come from the accounts table."""
    admin = staff["admin"]
    as_reviewer = dataclasses.replace(staff["clerk"], role="reviewer")
    _refused(as_reviewer, change.change, as_reviewer, NUMBER, "phone", "13812345678")
    ghost = dataclasses.replace(admin, operator_id="ghost", role="clerk")
    refusal = _refused(ghost, persons.register_person, ghost, OTHER, "王五")
    assert "不是本大厅已登录的有效账户" in refusal.message
    accounts.disable_account(admin, "clerk", "离职")
    gone = staff["clerk"]
    _refused(gone, persons.register_person, gone, OTHER, "王五")


def test_a_context_made_without_a_login_does_nothing(staff, enrolled):
    """Finding 3 of the hall's attack: a Context built by hand naming the administrator or a
    reviewer (no login in the chain) approved, created accounts and reset passwords."""
    from desktop.services.context import Context
    from desktop.services.session import Session, issue

    base = staff["clerk"]
    db = base.db
    forged = {role: Context(db=db, region=base.region, hall_code=base.hall_code, window=base.window,
                            operator_id=name, role=role, clock=base.clock)
              for name, role in (("admin", "admin"), ("rev", "reviewer"))}
    before = db.execute("SELECT count(*) FROM accounts").fetchone()[0]
    _refused(forged["admin"], accounts.create_account, forged["admin"], "intruder", "Intrude2026", "入侵", ["admin"])
    _refused(forged["admin"], accounts.reset_password, forged["admin"], "admin", "Taken2026xx")
    _refused(forged["admin"], hall.set_setting, forged["admin"], "idle_lock_minutes", "5")
    # another account's login carried over to a name it does not prove
    borrowed = dataclasses.replace(staff["clerk"], operator_id="admin", role="admin")
    _refused(borrowed, accounts.create_account, borrowed, "intruder", "Intrude2026", "入侵", ["admin"])
    r = refund.request_refund(staff["clerk"], NUMBER, 2024, "死亡")
    _refused(forged["reviewer"], review.decide, forged["reviewer"], r.review_request_id, True)
    assert db.execute("SELECT count(*) FROM accounts").fetchone()[0] == before
    # an Account built by hand proves nothing either, and a Session is made by a login only
    with pytest.raises(Refusal):
        hall.context_for(db, accounts.Account("x", "admin", "王管理", frozenset({"admin"})))
    with pytest.raises(TypeError):
        Session("admin", object())
    assert issue("admin").username == "admin"  # (the one door, used by login)


def test_clerks_and_reviewers_do_not_administer(staff, tmp_path):
    for who in ("clerk", "rev", "both"):
        ctx = staff[who]
        _refused(ctx, hall.set_setting, ctx, "idle_lock_minutes", "5")
        _refused(ctx, accounts.create_account, ctx, "intruder", "Intrude2026", "入侵", ["admin"])
        _refused(ctx, accounts.disable_account, ctx, "admin")
        _refused(ctx, accounts.reset_password, ctx, "admin", "Taken2026xx")
        _refused(ctx, hall.import_pack, ctx, tmp_path / "x.yaml")


def test_voiding_another_clerks_receipt_needs_a_reviewer(staff, enrolled):
    r = change.change(staff["clerk"], NUMBER, "phone", "13812345678")
    other = _refused(staff["boss"], receipt.void_receipt, staff["boss"], r.receipt_serial, "重打", code="not_permitted")
    assert "复核人" in other.message
    receipt.void_receipt(staff["rev"], r.receipt_serial, "重打")
    _refused(staff["admin"], receipt.void_receipt, staff["admin"], r.receipt_serial, "重打")


def test_window_can_ask_before_offering(staff):
    from desktop.services.permissions import allowed

    assert allowed(staff["clerk"], "handle") and not allowed(staff["clerk"], "approve")
    assert allowed(staff["admin"], "administer") and not allowed(staff["admin"], "handle")
    assert allowed(staff["boss"], "handle") and allowed(staff["boss"], "administer")
    pending = review.pending_reviews(staff["clerk"])
    assert pending == []


def test_login_contexts_follow_the_account(db, staff):
    both = accounts.login(db, "both", "Twin2026ee", NOW)
    ctx = hall.context_for(db, both, role="reviewer")
    assert (ctx.operator_id, ctx.role, ctx.region, ctx.hall_code, ctx.window) == ("both", "reviewer", "天津市", "120101", "01")
    with pytest.raises(Refusal):
        hall.context_for(db, both, role="admin")
