"""门诊慢特病待遇申请 (issue 14): the pack's diseases, 认定 hospitals and materials, a 受理回执,
and the reviewers' decision; a year whose source lists none is refused, never guessed."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

import pytest
from pypdf import PdfReader

from desktop.errors import Refusal
from desktop.policy.citation import shown
from desktop.services import (
    chronic_application,
    enrollment,
    person_history,
    persons,
    printing,
    review,
)
from desktop.services.context import CHINA
from tests.support.services import counts, make_ctx, make_id

ELDER = make_id(date(1957, 3, 2), 1)  # 68 in 2025: 老年居民
SPECIAL_MATERIALS = ["病史资料", "社保卡"]  # 002 §三(二)3.2


def _text(pdf: bytes) -> str:
    return "".join("".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages).split())


@pytest.fixture
def march(db):
    return make_ctx(db, now=datetime(2026, 3, 10, 9, 0, tzinfo=CHINA))


@pytest.fixture
def insured(ctx):
    """Enrolled for 2026 on 2025-11-15 (the 集中参保缴费期)."""
    persons.register_person(ctx, ELDER, "钱秀珍")
    return enrollment.enroll(ctx, ELDER, 2026)


def test_the_packs_special_diseases_with_their_hospitals_and_materials(march):
    opts = chronic_application.options(march, 2026, "门诊特殊病")
    assert opts.disease_source == "cz-resident-2026 §三(二)3"
    assert shown(opts.materials_source) == "《2026年度常州市城乡居民医疗保障政策宣传提纲》§三(二)3.2"
    assert [m["name"] for m in opts.materials] == SPECIAL_MATERIALS
    lupus = opts.disease("系统性红斑狼疮")
    # 002 §三(二)3.3: named hospitals, chosen from
    assert lupus.hospitals[:2] == ("常州一院", "常州二院") and "武进人民医院" in lupus.hospitals
    cancer = opts.disease("恶性肿瘤")
    # a description, not a list: the clerk types the hospital, the rule is shown
    assert cancer.hospitals == () and cancer.hospital_rule.startswith("开设肿瘤专科的二级")
    assert "化疗" in cancer.treatments and cancer.review == "1年"
    chronic = chronic_application.options(march, 2026, "门诊慢性病")
    assert chronic.diseases[0].name == "高血压" and chronic.disease_source == "cz-resident-2026 §三(二)2"


def test_a_year_without_materials_or_diseases_is_refused_with_the_years_that_have_them(db, march):
    # 2025: 003 (an enrollment notice) names the chronic diseases but no materials; the pack adopts
    # 2024's list (inherits), cited 沿用《…》 — the year is served, not refused (issue 14.4)
    adopted = chronic_application.options(march, 2025, "门诊慢性病")
    assert shown(adopted.materials_source).startswith("沿用《2024年度溧阳市城乡居民基本医疗保险政策》§")
    assert "高血压" in [d.name for d in adopted.diseases]
    tianjin = make_ctx(db, region="天津市", hall_code="120101", now=datetime(2024, 6, 1, 9, 0, tzinfo=CHINA))
    with pytest.raises(Refusal) as no_list:
        chronic_application.options(tianjin, 2024, "门诊特殊病")  # 004 names no diseases
    assert "未列出门诊特殊病的病种" in no_list.value.message and "都未列出" in no_list.value.message


def test_intake_review_and_the_receipt(db, march, insured):
    r = chronic_application.accept(march, ELDER, 2026, "门诊特殊病", "系统性红斑狼疮", "武进人民医院",
                                   SPECIAL_MATERIALS)
    assert r.receipt_serial == "320412-03-2026-000001"
    doc = printing.acceptance_receipt(march, r.receipt_serial)
    text = _text(printing.print_document(march, doc).pdf)
    assert "门诊慢特病待遇申请（门诊特殊病）" in text
    assert "2026年度门诊特殊病待遇申请：系统性红斑狼疮" in text and "认定医疗机构：武进人民医院" in text
    assert "已收材料：病史资料、社保卡" in text
    assert "政策依据：病种《2026年度常州市城乡居民医疗保障政策宣传提纲》§三(二)3，材料《2026年度常州市城乡居民医疗保障政策宣传提纲》§三(二)3.2" in text
    assert "提交复核人审核" in text
    pending = review.pending_reviews(march)
    assert [q["business"] for q in pending] == ["chronic_application"]
    with pytest.raises(Refusal) as clerk:
        review.decide(march, r.review_request_id, approve=True)
    assert clerk.value.code == "forbidden"
    head = make_ctx(db, role="head", now=datetime(2026, 3, 10, 9, 30, tzinfo=CHINA))  # the same clerk01
    with pytest.raises(Refusal) as own:
        review.decide(head, r.review_request_id, approve=True)
    assert own.value.code == "four_eyes"
    reviewer = make_ctx(db, operator_id="rev01", role="reviewer", now=datetime(2026, 3, 11, 9, 0, tzinfo=CHINA))
    assert review.decide(reviewer, r.review_request_id, approve=True)["state"] == "approved"
    again = _text(printing.print_document(march, printing.acceptance_receipt(march, r.receipt_serial)).pdf)
    assert "已于2026年3月11日审核通过" in again
    [line] = person_history.history(march, ELDER).chronic  # on the person's page
    assert (line.kind, line.disease, line.hospital, line.state) == ("门诊特殊病", "系统性红斑狼疮", "武进人民医院", "复核通过")
    # the same disease again, while the first stands: refused
    with pytest.raises(Refusal) as twice:
        chronic_application.accept(march, ELDER, 2026, "门诊特殊病", "系统性红斑狼疮", "武进人民医院",
                                   SPECIAL_MATERIALS)
    assert twice.value.code == "already_applied" and r.receipt_serial in twice.value.message


def test_refusals_write_nothing(db, march, insured):
    before = counts(db)
    cases = [
        (("门诊特殊病", "系统性红斑狼疮", "常州三院", SPECIAL_MATERIALS), "hospital"),  # not a 认定 hospital of it
        (("门诊特殊病", "系统性红斑狼疮", "武进人民医院", ["社保卡"]), "materials_received"),
        (("门诊特殊病", "痛风", "武进人民医院", SPECIAL_MATERIALS), "disease"),
        (("门诊特殊病", "恶性肿瘤", "武进人民医院", SPECIAL_MATERIALS, "针灸"), "treatment"),
    ]
    for args, field in cases:
        kind, disease, hospital, materials, *treatment = args
        with pytest.raises(Refusal) as refused:
            chronic_application.accept(march, ELDER, 2026, kind, disease, hospital, materials,
                                       treatment=treatment[0] if treatment else None)
        assert refused.value.field == field, refused.value
    assert counts(db) == before


def test_chronic_hypertension_with_one_identity_document_of_three(march, insured):
    """002 §三(二)2.2: 省社保卡/有效身份证/医保电子凭证 任选其一, the diagnosis; the 三级 records
    only for diseases other than 高血压、糖尿病 (conditional, not required here)."""
    r = chronic_application.accept(march, ELDER, 2026, "门诊慢性病", "高血压", "湖塘镇社区卫生服务中心",
                                   ["有效身份证", "定点医疗机构开具的有效诊断材料"])
    assert r.disease.name == "高血压"


def test_not_enrolled_for_the_year_is_refused(db, march):
    persons.register_person(march, ELDER, "钱秀珍")
    with pytest.raises(Refusal) as refused:
        chronic_application.accept(march, ELDER, 2026, "门诊特殊病", "恶性肿瘤", "武进人民医院", SPECIAL_MATERIALS)
    assert refused.value.code == "not_enrolled" and "2026年度" in refused.value.message
