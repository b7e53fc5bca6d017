"""异地就医备案: file, change, cancel; materials from the pack's checklist."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from desktop.errors import Refusal
from desktop.records import receipts
from desktop.services import offsite_filing, persons
from desktop.services.context import CHINA
from tests.support.services import counts, make_ctx, make_id

NUMBER = make_id(date(1950, 2, 1), 1)
# 002 §六(二): 本人医保电子凭证或有效身份证件或社保卡; 居住证、居民户口簿任选其一，或个人承诺书
LONG_TERM_MATERIALS = ["有效身份证件", "个人承诺书"]


@pytest.fixture
def ctx(db):
    """March 2026: the 2026 outline (002) is the document in force."""
    return make_ctx(db, now=datetime(2026, 3, 10, 9, 0, tzinfo=CHINA))


@pytest.fixture
def person(ctx):
    return persons.register_person(ctx, NUMBER, "王秀英")


def _file(ctx, **kw):
    args = {
        "person_type": "异地长期居住人员",
        "destination_province": "江苏省",
        "destination_city": "苏州市",
        "start_on": "2026-04-01",
        "materials_received": LONG_TERM_MATERIALS,
        **kw,
    }
    return offsite_filing.file_offsite(ctx, NUMBER, **args)


def test_moving_in_with_a_son_in_suzhou(ctx, person):
    """visits.md #8: long-term residence, destination, start date, materials → 备案回执."""
    r = _file(ctx)
    assert (r.action, r.person_type) == ("file", "long_term_resident")
    assert receipts.get(ctx.db, r.receipt_serial)["business"] == "offsite_filing"
    current = offsite_filing.current_filing(ctx, NUMBER)
    assert (current["id"], current["person_type_label"], current["destination_city"]) == (
        r.filing_id,
        "异地长期居住人员",
        "苏州市",
    )
    assert current["valid_until"] is None  # the sources give no validity: in force until cancelled


def test_missing_material_is_refused_with_the_list(ctx, person):
    before = counts(ctx.db)
    with pytest.raises(Refusal) as refused:
        _file(ctx, materials_received=["有效身份证件"])
    assert refused.value.field == "materials_received"
    assert "居住证或居民户口簿(户口簿首页和本人常住人口登记卡)或个人承诺书" in refused.value.message
    assert counts(ctx.db) == before


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"person_type": "出差人员"}, "person_type"),
        ({"destination_province": ""}, "destination_province"),
        ({"destination_city": "常州市"}, "destination_city"),
        ({"start_on": "2025-02-30"}, "start_on"),
        ({"valid_until": "2026-03-01"}, "valid_until"),
        ({"materials_received": "身份证"}, "materials_received"),
    ],
)
def test_bad_filings_write_nothing(ctx, person, kwargs, field):
    before = counts(ctx.db)
    with pytest.raises(Refusal) as refused:
        _file(ctx, **kwargs)
    assert refused.value.field == field
    assert counts(ctx.db) == before


def test_change_and_cancel_are_new_records(ctx, person):
    first = _file(ctx)
    with pytest.raises(Refusal) as twice:
        _file(ctx)
    assert twice.value.code == "already_filed" and first.receipt_serial in twice.value.message
    changed = offsite_filing.change_offsite(
        ctx, first.filing_id, "随女儿迁居", destination_province="浙江省", destination_city="杭州市"
    )
    current = offsite_filing.current_filing(ctx, NUMBER)
    assert (current["id"], current["supersedes_id"], current["destination_city"]) == (
        changed.filing_id,
        first.filing_id,
        "杭州市",
    )
    with pytest.raises(Refusal) as stale:
        offsite_filing.cancel_offsite(ctx, first.filing_id, "回常州居住")
    assert stale.value.code == "superseded"
    with pytest.raises(Refusal) as no_reason:
        offsite_filing.cancel_offsite(ctx, changed.filing_id, "")
    assert no_reason.value.field == "reason"
    offsite_filing.cancel_offsite(ctx, changed.filing_id, "回常州居住")
    assert offsite_filing.current_filing(ctx, NUMBER) is None
    assert ctx.db.execute("SELECT count(*) FROM offsite_filings").fetchone()[0] == 3
    assert _file(ctx).action == "file"  # a new filing after the cancellation


def test_sub_types_and_types_without_a_checklist(ctx, person):
    # 异地安置退休人员 is one of the 异地长期居住人员 (glossary): its checklist is theirs
    with pytest.raises(Refusal):
        _file(ctx, person_type="异地安置退休人员", materials_received=["社保卡"])
    r = _file(ctx, person_type="异地安置退休人员", materials_received=["社保卡", "居住证"])
    assert r.person_type == "resettled_retiree"
    offsite_filing.cancel_offsite(ctx, r.filing_id, "录入错误")
    emergency = _file(ctx, person_type="异地急诊", materials_received=[])
    assert emergency.notes and "未列出" in emergency.notes[0]


def test_tianjin_files_only_outside_tianjin_and_notes_beijing(db):
    ctx = make_ctx(
        db,
        region="天津市",
        hall_code="120101",
        window="01",
        now=datetime(2024, 3, 10, 9, 0, tzinfo=CHINA),
    )
    persons.register_person(ctx, NUMBER, "王秀英")
    with pytest.raises(Refusal) as inside:
        _file(ctx, destination_province="天津市", destination_city=None)
    assert inside.value.field == "destination_province" and "§十一(一)" in inside.value.message
    r = _file(ctx, destination_province="北京市", destination_city=None, materials_received=[])
    assert "无需办理异地就医备案" in r.notes[0]


def test_changzhou_destination_rule_cites_the_year(ctx, person, db):
    # issue 15.12: the rule was Python without a citation; each year's pack states it
    with pytest.raises(Refusal) as inside:
        _file(ctx, destination_province="江苏省", destination_city="常州市")
    assert inside.value.field == "destination_city"
    assert "常州市以外" in inside.value.message and "《2026年度常州市城乡居民医疗保障政策宣传提纲》§六(一)" in inside.value.message
    in_2025 = make_ctx(db, now=datetime(2025, 3, 10, 9, 0, tzinfo=CHINA))
    with pytest.raises(Refusal) as inside:
        _file(in_2025, destination_province="江苏省", destination_city="常州市")
    assert "《关于2025年度常州市城乡居民基本医疗保险和长期护理保险参保缴费工作有关事项的通告》" in inside.value.message


def test_offsite_rule_text_has_one_home(db):
    # issue 15.12: the page and the 备案回执 worded the ratio rule differently (two copies)
    from desktop.policy import api

    text = api.offsite_rule("天宁区", 2026, "异地转诊人员")
    # 002 §六(三)2: 转诊 −10 on every benefit listed
    assert text.startswith("基本医保支付比例：住院降低10个百分点") and "《2026年度常州市城乡居民医疗保障政策宣传提纲》§六(三)2" in text
    assert api.offsite_rule("天宁区", 2026, "常驻异地工作人员").startswith("基本医保支付比例与参保地相应医疗机构一致")
    from desktop.services import printing

    assert not hasattr(printing, "offsite_rule")  # the paper asks the policy layer too
