"""变更登记: 常州 at once; 天津 基础信息 at once, 重要信息 through review (004 §六)."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.errors import Refusal
from desktop.records import persons as person_rows
from desktop.records import search
from desktop.services import change, persons, review
from tests.support.services import counts, make_ctx, make_id

NUMBER = make_id(date(1984, 6, 1), 2)
NEW_NUMBER = make_id(date(1984, 6, 2), 2)


@pytest.fixture
def tianjin(db):
    return {
        "clerk": make_ctx(
            db, region="天津市", hall_code="120101", window="01", operator_id="tj-clerk"
        ),
        "reviewer1": make_ctx(
            db,
            region="天津市",
            hall_code="120101",
            window="01",
            operator_id="tj-rev1",
            role="reviewer",
        ),
        "reviewer2": make_ctx(
            db,
            region="天津市",
            hall_code="120101",
            window="02",
            operator_id="tj-rev2",
            role="reviewer",
        ),
    }


def test_changzhou_changes_are_effective_at_once_keeping_before_and_after(ctx):
    person = persons.register_person(ctx, NUMBER, "李娟", phone="13812345678")
    r = change.change(ctx, NUMBER, "phone", "139 0000 1111")
    assert (r.effective, r.before, r.after, r.level) == (
        True,
        "13812345678",
        "13900001111",
        "important",
    )
    assert person_rows.get(ctx.db, person["id"])["phone"] == "13900001111"
    stored = change.get(ctx, r.change_id)
    assert (stored["before"], stored["after"], stored["receipt_serial"]) == (
        "13812345678",
        "13900001111",
        r.receipt_serial,
    )
    renamed = change.change(ctx, NUMBER, "name", "李娟娟", reason="户籍更名")
    assert renamed.effective
    assert [p["name"] for p in search.by_name_contains(ctx.db, "娟娟")] == ["李娟娟"]


def test_changzhou_id_number_change_rederives_sex_and_birth_date(ctx):
    persons.register_person(ctx, NUMBER, "李娟")
    change.change(ctx, NUMBER, "id_number", NEW_NUMBER, reason="公安机关更正出生日期")
    moved = person_rows.get_by_id_number(ctx.db, NEW_NUMBER)
    assert moved["birth_date"] == "1984-06-02"
    assert person_rows.get_by_id_number(ctx.db, NUMBER) is None


def test_changzhou_category_change_is_checked_against_the_pack(ctx):
    persons.register_person(ctx, NUMBER, "李娟")
    r = change.change(ctx, NUMBER, "category", "老年居民")
    assert r.after == "老年居民"
    with pytest.raises(Refusal) as refused:
        change.change(ctx, NUMBER, "category", "退休居民")
    assert refused.value.field == "category"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("name", "李 娟", "invalid_name"),
        ("name", "李娟", "unchanged"),
        ("phone", "12345", "invalid_phone"),
        ("id_number", "320412198406010001", "invalid_id_number"),
        ("address", "  ", "missing_field"),
        ("sex", "男", "invalid_field"),
    ],
)
def test_bad_changes_are_refused_naming_the_field_and_write_nothing(ctx, field, value, code):
    persons.register_person(ctx, NUMBER, "李娟")
    before = counts(ctx.db)
    with pytest.raises(Refusal) as refused:
        change.change(ctx, NUMBER, field, value)
    assert refused.value.code == code
    assert refused.value.field == ("field" if field == "sex" else field)
    assert counts(ctx.db) == before


def test_id_number_of_someone_else_is_refused(ctx):
    persons.register_person(ctx, NUMBER, "李娟")
    persons.register_person(ctx, NEW_NUMBER, "王芳")
    with pytest.raises(Refusal) as refused:
        change.change(ctx, NUMBER, "id_number", NEW_NUMBER)
    assert refused.value.code == "already_registered" and "王芳" in refused.value.message


def test_tianjin_basic_information_is_effective_at_once(tianjin):
    clerk = tianjin["clerk"]
    persons.register_person(clerk, NUMBER, "李娟")
    r = change.change(clerk, NUMBER, "address", "天津市和平区南京路1号")
    assert (r.level, r.effective, r.review_request_id) == ("basic", True, None)
    r = change.change(clerk, NUMBER, "hukou_nature", "非农业")
    assert r.effective


def test_tianjin_name_change_waits_for_one_review(tianjin):
    """visits.md #6: a name change needs a reviewer; the request waits in the queue."""
    clerk, reviewer = tianjin["clerk"], tianjin["reviewer1"]
    person = persons.register_person(clerk, NUMBER, "李娟")
    r = change.change(clerk, NUMBER, "name", "李娟娟")
    assert (r.level, r.effective) == ("important", False)
    assert person_rows.get(clerk.db, person["id"])["name"] == "李娟"
    queue = review.pending_reviews(reviewer)
    assert [(q["id"], q["may_decide"]) for q in queue] == [(r.review_request_id, True)]
    assert review.pending_reviews(clerk)[0]["may_decide"] is False
    # a second request for the same field waits for the first
    with pytest.raises(Refusal) as waiting:
        change.change(clerk, NUMBER, "name", "李娟儿")
    assert waiting.value.code == "pending_review" and r.receipt_serial in waiting.value.message
    done = review.decide(reviewer, r.review_request_id, approve=True)
    assert done["state"] == "approved"
    assert person_rows.get(clerk.db, person["id"])["name"] == "李娟娟"


def test_tianjin_important_change_names_its_materials_and_time_limit(tianjin, db):
    # issue 14.8: 等待复核 with no 时限 and no materials. 004 §六(二): 高拍上传相关证件材料; the source gives
    # no time limit: the hall's setting, said plainly while unset
    clerk = tianjin["clerk"]
    persons.register_person(clerk, NUMBER, "李娟")
    r = change.change(clerk, NUMBER, "name", "李娟娟")
    assert r.materials == ("相关证件材料（高拍上传）",)
    assert r.time_limit is None and r.review_levels == 1
    assert r.source == "tj-resident-2024 §六(二)"
    set_days = make_ctx(db, region="天津市", hall_code="120101", window="01", operator_id="tj-clerk",
                        settings={"change_review_days": 5})
    persons.register_person(set_days, NEW_NUMBER, "王芳")
    r = change.change(set_days, NEW_NUMBER, "id_number", make_id(date(1984, 6, 3), 2))
    assert (r.review_levels, r.time_limit) == (2, "5个工作日")
    basic = change.change(clerk, NUMBER, "phone", "13900001111")
    assert basic.materials == ("变更事项的相关凭证",) and basic.source == "tj-resident-2024 §六(一)"


def test_changzhou_change_cites_the_year_in_force(db):
    from datetime import datetime

    from desktop.services.context import CHINA

    ctx = make_ctx(db, now=datetime(2024, 3, 1, 10, 0, tzinfo=CHINA))
    persons.register_person(ctx, NUMBER, "李娟", phone="13812345678")
    r = change.change(ctx, NUMBER, "phone", "13900001111")
    assert r.source == "ly-resident-2024 §二(一)" and r.effective


def test_tianjin_id_number_change_needs_two_different_reviewers(tianjin):
    clerk, first, second = tianjin["clerk"], tianjin["reviewer1"], tianjin["reviewer2"]
    person = persons.register_person(clerk, NUMBER, "李娟")
    r = change.change(clerk, NUMBER, "id_number", NEW_NUMBER)
    assert review.decide(first, r.review_request_id, approve=True)["state"] == "pending"
    assert person_rows.get(clerk.db, person["id"])["id_number"] == NUMBER
    with pytest.raises(Refusal) as same:
        review.decide(first, r.review_request_id, approve=True)
    assert same.value.code == "four_eyes"
    assert review.decide(second, r.review_request_id, approve=True)["state"] == "approved"
    assert person_rows.get(clerk.db, person["id"])["id_number"] == NEW_NUMBER


def test_review_refusals(tianjin, db):
    clerk, reviewer = tianjin["clerk"], tianjin["reviewer1"]
    persons.register_person(clerk, NUMBER, "李娟")
    r = change.change(clerk, NUMBER, "name", "李娟娟")
    before = counts(db)
    with pytest.raises(Refusal) as not_reviewer:
        review.decide(clerk, r.review_request_id, approve=True)
    assert not_reviewer.value.field == "role"
    own = make_ctx(
        db,
        region="天津市",
        hall_code="120101",
        window="01",
        operator_id="tj-clerk",
        role="reviewer",
    )
    with pytest.raises(Refusal) as own_work:
        review.decide(own, r.review_request_id, approve=True)
    assert own_work.value.code == "four_eyes"
    with pytest.raises(Refusal) as no_reason:
        review.decide(reviewer, r.review_request_id, approve=False)
    assert no_reason.value.field == "note"
    # the two refused attempts (not a reviewer, own work) are audit entries; nothing else written
    after = counts(db)
    assert after.pop("audit") == before.pop("audit") + 2
    assert after == before
    rejected = review.decide(
        reviewer, r.review_request_id, approve=False, note="户口簿姓名与申请不符"
    )
    assert rejected["state"] == "rejected"
    with pytest.raises(Refusal) as again:
        review.decide(tianjin["reviewer2"], r.review_request_id, approve=True)
    assert again.value.code == "not_pending"
    assert person_rows.get_by_id_number(db, NUMBER)["name"] == "李娟"
