"""`inherits:` (15.13, 14.4): a pack takes blocks from an earlier pack of its group and scheme.

2025 (003, an enrollment notice) gives no inpatient, off-site or special-disease rules and no
零星报销 checklist: it adopts 2024's (000), and the trace says 沿用《…》. A hall that switches
沿用 off gets today's refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.errors import Refusal
from desktop.policy.api import answer
from desktop.policy.loader import PackError, PackSet, bundled, bundled_dir, read_all, read_pack

Y2024 = "《2024年度溧阳市城乡居民基本医疗保险政策》"
Y2025 = "《关于2025年度常州市城乡居民基本医疗保险和长期护理保险参保缴费工作有关事项的通告》"
INPATIENT = {"calc": "inpatient", "region": "武进区", "year": 2025, "scheme": "resident", "category": "老年居民",
             "hospital_level": 2, "admission": 1, "compliant_cost": "10000"}


def test_2025_inpatient_is_estimated_with_2024s_table_said_adopted():
    a = answer(INPATIENT)
    # 000 §三(一): 老年居民 二级 起付 600, 80 %: (10000 − 600) × 80 % = 7520.00; burden 2480 < 大病 20000
    assert (a["deductible"], a["basic"], a["critical_illness"], a["personal"]) == ("600.00", "7520.00", "0.00", "2480.00")
    inpatient_steps = [s for s in a["trace"] if s["source"].startswith("000_62dcf2fad95857e3.txt §三(一)")]
    assert inpatient_steps and all(s["cited"] == f"沿用{Y2024}§三(一)" for s in inpatient_steps)
    # 大病保险 is 2025's own (003 §(四)), not adopted
    ci = [s for s in a["trace"] if s["step"].startswith("大病保险")]
    assert ci and all(s["cited"] == f"{Y2025}§(四)" for s in ci)


def test_2025_offsite_and_special_disease_are_adopted():
    # 000 §六(三)2: 异地急诊 same ratio as at home → 7520.00 as above
    a = answer({**INPATIENT, "offsite": "异地急诊"})
    assert a["basic"] == "7520.00"
    assert any(s["cited"] == f"沿用{Y2024}§六(三)2" for s in a["trace"])
    # 000 §三(二)4.2: 双通道 60 %, no deductible: 1000 × 60 % = 600.00
    b = answer({"calc": "outpatient", "region": "武进区", "year": 2025, "category": "老年居民", "benefit": "双通道",
                "facility": "国谈药定点药店", "compliant_cost": "1000", "diseases": ["双通道管理及单独支付药品、特定病药品"]})
    assert b["basic"] == "600.00"


def test_2025_claim_checklist_is_adopted():
    a = answer({"calc": "materials", "region": "武进区", "year": 2025, "item": "零星报销",
                "person_type": "办理市外转院转诊手续人员在异地未联网刷卡"})
    assert a["materials"] and a["cited"].startswith(f"沿用{Y2024}§")
    assert a["source"].startswith("000_62dcf2fad95857e3.txt §")


def test_the_hall_can_switch_adoption_off():
    bare = bundled().without_adoption()
    with pytest.raises(Refusal) as info:
        answer(INPATIENT, bare)
    assert (info.value.code, info.value.field) == ("not_applicable", "year") and "住院" in info.value.message
    with pytest.raises(Refusal) as info:
        answer({"calc": "materials", "region": "武进区", "year": 2025, "item": "零星报销"}, bare)
    assert info.value.code == "unknown_item"
    # the years that give their own rules are untouched
    assert answer({**INPATIENT, "year": 2026}, bare)["basic"] == "7520.00"


def test_the_2025_pack_says_what_it_adopts():
    pack = bundled().find("武进区", 2025, "resident")
    assert pack.inherits.pack == "changzhou-resident-2024"
    assert {"inpatient", "offsite", "outpatient.special"} <= set(pack.inherits.adopted)
    assert "零星报销" in pack.inherits.materials and pack.inherits.note


# ---------------------------------------------------------------- the validator


def _with(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = (bundled_dir() / "changzhou-resident-2025.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(PackError) as info:
        read_pack(path)
    return str(info.value)


def test_the_inherited_pack_must_exist(tmp_path):
    path = _with(tmp_path, "x.yaml", "  pack: changzhou-resident-2024\n", "  pack: changzhou-resident-2019\n")
    assert "inherits.pack" in error_of(path) and "changzhou-resident-2019" in error_of(path)


def test_the_inherited_pack_must_be_earlier(tmp_path):
    path = _with(tmp_path, "x.yaml", "  pack: changzhou-resident-2024\n", "  pack: changzhou-resident-2026\n")
    assert "inherits.pack" in error_of(path) and "不早于" in error_of(path)


def test_the_inherited_pack_must_be_of_the_same_group(tmp_path):
    path = _with(tmp_path, "x.yaml", "  pack: changzhou-resident-2024\n", "  pack: tianjin-resident-2024\n")
    assert "inherits.pack" in error_of(path) and "天津市" in error_of(path)


def test_a_block_given_and_adopted_is_refused(tmp_path):
    path = _with(tmp_path, "x.yaml", "  adopted: [", "  adopted: [critical_illness, ")
    assert "inherits.adopted" in error_of(path) and "critical_illness" in error_of(path)


def test_a_cited_part_cannot_be_same(tmp_path):
    path = _with(tmp_path, "x.yaml", "  adopted: [", "  same: [outpatient.general]\n  adopted: [")
    assert "inherits.same" in error_of(path)


def test_a_broken_pack_is_left_out_and_named_the_others_load(tmp_path):
    bad = _with(tmp_path, "a-bad.yaml", "  pack: changzhou-resident-2024\n", "  pack: nowhere\n")
    good = tmp_path / "b-good.yaml"
    good.write_text((bundled_dir() / "tianjin-resident-2024.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    packs, problems = read_all([bad, good], bundled().packs)
    assert [p.pack.id for p in packs] == ["tianjin-resident-2024"]
    assert len(problems) == 1 and problems[0].startswith("a-bad.yaml: inherits.pack")
    assert PackSet(packs, problems).problems == problems


def test_the_claim_checklist_needs_no_person_type_where_the_source_has_one_list():
    # 000 §六(四): the three kinds of 零星报销 share one column of seven materials
    for year in (2024, 2025):
        a = answer({"calc": "materials", "region": "武进区", "year": year, "item": "零星报销"})
        assert [m["name"] for m in a["materials"]][:3] == ["医保电子凭证或有效身份证件或社保卡", "医疗收费票据", "费用明细清单"]
        assert len(a["materials"]) == 7 and "所需材料相同" in a["trace"][0]["step"]
