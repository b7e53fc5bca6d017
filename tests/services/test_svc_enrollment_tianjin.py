"""天津 2024 enrollment (004_72f39dcdf4d6177b.txt): tiers, student/child category, assistance."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from desktop.errors import Refusal
from desktop.services import enrollment, persons
from desktop.services.context import CHINA
from tests.support.services import counts, make_ctx, make_id

ADULT = make_id(date(1982, 6, 1), 1, region_code="120101")  # 41
CHILD = make_id(date(2014, 6, 1), 2, region_code="120101")  # 9
BABY = make_id(date(2023, 9, 10), 3, region_code="120101")


@pytest.fixture
def ctx(db):
    """2023-11-20: inside the 2024 window 2023-10-10 … 2023-12-31 (004 §三)."""
    return make_ctx(
        db,
        region="天津市",
        hall_code="120101",
        window="01",
        now=datetime(2023, 11, 20, 9, 0, tzinfo=CHINA),
    )


def test_adult_chooses_a_tier(ctx):
    persons.register_person(ctx, ADULT, "刘洋")
    before = counts(ctx.db)
    with pytest.raises(Refusal) as refused:
        enrollment.enroll(ctx, ADULT, 2024)
    assert refused.value.field == "tier"
    assert counts(ctx.db) == before
    r = enrollment.enroll(ctx, ADULT, 2024, tier="高档")
    # 高档 1010 元/人/年 (004 §二(一)); benefits from 2024-01-01 (§八(一))
    assert (r.category, r.contribution.personal_fen, r.benefit.start) == (
        "城乡未就业居民（成年）",
        101000,
        date(2024, 1, 1),
    )


def test_low_tier_and_dibao_pays_ten_percent(ctx):
    """visits.md #4: 低保 in 天津 pays 38 元: 低档 380 × (100% − 90% 定额资助) (004 §二(四))."""
    persons.register_person(ctx, ADULT, "刘洋")
    r = enrollment.enroll(ctx, ADULT, 2024, tier="低档", assistance="低保对象")
    c = r.contribution
    assert (c.standard_fen, c.assisted_fen, c.personal_fen) == (38000, 34200, 3800)


def test_child_pays_the_low_tier(ctx):
    """§二(二): 未成年居民 pays the low tier (380) and gets high-tier benefits."""
    persons.register_person(ctx, CHILD, "刘小宝")
    proposal = enrollment.proposal(ctx, CHILD, 2024)
    assert proposal.category == "未成年居民"
    r = enrollment.enroll(ctx, CHILD, 2024)
    assert (r.category, r.contribution.personal_fen) == ("在校学生", 38000)
    with pytest.raises(Refusal) as refused:
        enrollment.enroll(ctx, CHILD, 2024, tier="高档")
    assert refused.value.code in ("already_enrolled", "not_applicable")


def test_child_cannot_choose_the_high_tier(ctx):
    persons.register_person(ctx, BABY, "刘二宝")
    with pytest.raises(Refusal) as refused:
        enrollment.enroll(ctx, BABY, 2024, tier="高档")
    assert refused.value.field == "tier"
    assert enrollment.proposal(ctx, BABY, 2024).category == "新生儿"


def test_adult_student_at_the_street_hall_is_an_adult(ctx):
    student = make_id(date(2004, 3, 1), 4, region_code="120101")
    persons.register_person(ctx, student, "刘大学", school="天津大学", school_kind="高校")
    proposal = enrollment.proposal(ctx, student, 2024)
    assert proposal.category == "成年居民" and "§四(四)" in proposal.note


def test_tianjin_category_proposals_are_the_packs(tmp_path):
    # issue 15.12: the 天津 proposals were Python citing 004 whatever the year; a later pack's own
    # document is cited (a 2027 copy citing a made-up 005 file stands for a hall's imported pack)
    from desktop.policy import api, loader
    from desktop.services.categories import propose

    rules = api.category_rules("天津市", 2024)
    pupil = propose("天津市", date(2014, 6, 1), date(2023, 11, 20), school_kind="school", rules=rules)
    assert pupil.category == "在校学生" and "《关于印发〈2024年度城乡居民基本医疗保险政策宣传提纲〉的通知》（津医保局发〔2023〕72号）§四(一)" in pupil.note
    baby = propose("天津市", date(2023, 9, 10), date(2023, 11, 20), school_kind=None, rules=rules)
    assert baby.category == "新生儿" and "§二(二)" in baby.note
    adult = propose("天津市", date(1982, 6, 1), date(2023, 11, 20), school_kind=None, rules=rules)
    assert adult.category == "成年居民" and "§二(一)" in adult.note
    text = (loader.bundled_dir() / "tianjin-resident-2024.yaml").read_text(encoding="utf-8")
    # a 2027 pack whose source is a later notice: the proposals cite it, not 2024's document
    text = (text.replace("tj-resident-2024", "tj-resident-2027").replace("津医保局发〔2023〕72号", "津医保局发〔2026〕99号")
            .replace("year: 2024", "year: 2027", 1))
    (tmp_path / "tianjin-resident-2027.yaml").write_text(text, encoding="utf-8")
    packs = loader.PackSet([loader.read_pack(tmp_path / "tianjin-resident-2027.yaml")])
    later = propose("天津市", date(2020, 6, 1), date(2026, 11, 20), school_kind=None,
                    rules=api.category_rules("天津市", 2027, packs=packs))
    assert later.category == "未成年居民" and "津医保局发〔2026〕99号" in later.note and "〔2023〕72号" not in later.note
