"""A broken pack is refused when it loads, with a message naming the file and the key."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from desktop.errors import Refusal
from desktop.policy.api import answer
from desktop.policy.loader import PackError, PackSet, bundled_dir, read_pack

ORIGINAL = bundled_dir() / "changzhou-resident-2026.yaml"
NAME = "broken-2026.yaml"


def corrupt(tmp_path: Path, old: str, new: str) -> Path:
    text = ORIGINAL.read_text(encoding="utf-8")
    if old not in text:  # a figure 2026 takes from 2024 (inherits.same): break it in 2024's file
        text = (bundled_dir() / "changzhou-resident-2024.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1, f"anchor not unique in the pack: {old!r}"
    path = tmp_path / NAME
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(PackError) as info:
        read_pack(path)
    return str(info.value)


def test_the_original_loads():
    pack = read_pack(ORIGINAL)
    assert pack.pack.id == "changzhou-resident-2026" and len(pack.pack.regions) == 7


def test_ratio_out_of_range(tmp_path):
    path = corrupt(tmp_path, "{group: adult, level: 1, bands: [{ratio: 90%}]}",
                   "{group: adult, level: 1, bands: [{ratio: 120%}]}")
    msg = error_of(path)
    assert msg.startswith(f"{NAME}: inpatient.ratio.0.bands.0.ratio:") and "120%" in msg


def test_descending_bands(tmp_path):
    path = corrupt(tmp_path, "    - {from: 20000, to: 100000, ratio: 60%}\n    - {from: 100000, ratio: 70%}\n",
                   "    - {from: 100000, ratio: 70%}\n    - {from: 20000, to: 100000, ratio: 60%}\n")
    msg = error_of(path)
    assert msg.startswith(f"{NAME}: critical_illness.bands:") and "升序" in msg


def test_overlapping_bands(tmp_path):
    path = corrupt(tmp_path, "      - {from: 10000, to: 50000, ratio: 50%}\n      - {from: 50000, ratio: 70%}\n",
                   "      - {from: 10000, to: 50000, ratio: 50%}\n      - {from: 40000, ratio: 70%}\n")
    assert error_of(path).startswith(f"{NAME}: medical_assistance.top_up.bands:")


def test_band_upper_below_lower(tmp_path):
    path = corrupt(tmp_path, "{from: 6000, to: 100000, ratio: 40%}\n          secondary:",
                   "{from: 6000, to: 5000, ratio: 40%}\n          secondary:")
    msg = error_of(path)
    assert msg.startswith(f"{NAME}: outpatient.general.rows.0.columns.primary.1:") and "5000" in msg


def test_missing_district(tmp_path):
    # 钟楼区 dropped from the 市区 row of the 非从业居民 fee: it has no standard any more
    path = corrupt(tmp_path, "regions: [武进区, 常州经开区, 新北区, 天宁区, 钟楼区], medical: 800",
                   "regions: [武进区, 常州经开区, 新北区, 天宁区], medical: 800")
    msg = error_of(path)
    assert msg.startswith(f"{NAME}: ") and "contribution" in msg and "钟楼区" in msg and "非从业居民" in msg


def test_district_outside_the_group(tmp_path):
    path = corrupt(tmp_path, "regions: [溧阳市, 金坛区], medical: 700", "regions: [溧阳市, 金坛区, 江阴市], medical: 700")
    msg = error_of(path)
    assert "contribution" in msg and "江阴市" in msg


def test_bad_source_citation(tmp_path):
    path = corrupt(tmp_path, "inpatient:\n  source: cz-resident-2026 §三(一)\n",
                   "inpatient:\n  source: 2026年提纲 三(一)\n")
    msg = error_of(path)
    assert msg.startswith(f"{NAME}: inpatient.source:") and "2026年提纲 三(一)" in msg


@pytest.mark.parametrize("old, new, key", [
    # a ratio written as a float instead of a percentage (0.9 could as well mean 0.9 %)
    ("{group: adult, level: 2, bands: [{ratio: 80%}]}", "{group: adult, level: 2, bands: [{ratio: 0.8}]}",
     "inpatient.ratio.1.bands.0.ratio"),
    # floats in exponent form, not-a-number and words are not amounts
    ("  cap: 350000\n", "  cap: 3.5e5\n", "inpatient.cap"),
    ("  cap: 500000\n", "  cap: .nan\n", "critical_illness.cap"),
    ("  threshold: 20000\n", "  threshold: 2万\n", "critical_illness.threshold"),
    ("{category: elderly, medical: 700, ltc: 30,", "{category: elderly, medical: -700, ltc: 30,",
     "contribution.0.medical"),
])
def test_float_and_other_bad_numbers(tmp_path, old, new, key):
    msg = error_of(corrupt(tmp_path, old, new))
    assert msg.startswith(f"{NAME}: {key}")


def test_unknown_key(tmp_path):
    path = corrupt(tmp_path, "  cap: 350000\n", "  cap: 350000\n  cap_per_stay: 1000\n")
    assert error_of(path).startswith(f"{NAME}: inpatient.cap_per_stay:")


def test_not_yaml(tmp_path):
    path = tmp_path / NAME
    path.write_text("pack: {id: [unclosed\n", encoding="utf-8")
    assert error_of(path).startswith(f"{NAME}: ")


def test_a_setting_is_refused_until_the_hall_enters_it(tmp_path):
    # the same pack with the 大病保险 threshold left to the hall: the calculator names the setting
    path = corrupt(tmp_path, "  # threshold, bands, assisted: as 2024 (inherits.same)\n",
                   "  threshold: {setting: critical_illness_threshold, label: 大病保险起付标准}\n")
    path.write_text(path.read_text(encoding="utf-8").replace("critical_illness.threshold, ", ""), encoding="utf-8")
    packs = PackSet([read_pack(path)])
    request = {"calc": "inpatient", "region": "天宁区", "year": 2026, "category": "老年居民", "hospital_level": 3,
               "compliant_cost": "300000"}
    with pytest.raises(Refusal) as info:
        answer(request, packs)
    assert (info.value.code, info.value.field) == ("missing_setting", "critical_illness_threshold")
    assert "大病保险起付标准" in info.value.message
    # entered as 20000 it gives the bundled answer: basic 299000*0.7 = 209300, burden 90700,
    # CI (90700-20000)*0.6 = 42420
    got = answer(request, packs, {"critical_illness_threshold": Decimal(20000)})
    assert (got["basic"], got["critical_illness"]) == ("209300.00", "42420.00")
    # entered as 30000: (90700-30000)*0.6 = 36420
    got = answer(request, packs, {"critical_illness_threshold": Decimal(30000)})
    assert got["critical_illness"] == "36420.00"


# ---------------------------------------------------------------- the procedure blocks (issue 15.12)


def test_a_change_field_twice(tmp_path):
    path = corrupt(tmp_path, "    - {field: address, level: basic, review_levels: 0,",
                   "    - {field: phone, level: basic, review_levels: 0,")
    assert "changes" in error_of(path) and "每个变更项目只能有一条规则" in error_of(path)


def test_review_levels_beyond_two(tmp_path):
    path = corrupt(tmp_path, "    - {field: name, level: important, review_levels: 0,",
                   "    - {field: name, level: important, review_levels: 3,")
    assert error_of(path).startswith(f"{NAME}: changes.fields.1.review_levels")


def test_a_refund_case_with_no_office(tmp_path):
    path = corrupt(tmp_path, "  next_step: 停保\n",
                   "  next_step: 停保\n  cases:\n    - {kind: before_benefit_start, number: 2, text: 待遇享受期前退费, "
                   "source: cz-resident-2026 §二(二)4}\n")
    assert "handling" in error_of(path)


def test_termination_flag_is_a_boolean(tmp_path):
    path = corrupt(tmp_path, "  original_hall_only: true\n", "  original_hall_only: maybe\n")
    assert error_of(path).startswith(f"{NAME}: termination.original_hall_only")


def test_category_proposals_need_known_categories_and_a_fallback(tmp_path):
    original = bundled_dir() / "tianjin-resident-2024.yaml"
    text = original.read_text(encoding="utf-8")
    bad = tmp_path / "tj.yaml"
    bad.write_text(text.replace("    - {category: 新生儿, under_age: 1,", "    - {category: 婴儿, under_age: 1,"),
                   encoding="utf-8")
    with pytest.raises(PackError) as info:
        read_pack(bad)
    assert "未知类别 婴儿" in str(info.value)
    last = "    - {category: 成年居民, text: 城乡未就业居民（成年）自愿选择高档或低档缴费,"
    assert text.count(last) == 1
    bad.write_text(text.replace(last, "    - {category: 成年居民, under_age: 200, text: 城乡未就业居民（成年）自愿选择高档或低档缴费,"),
                   encoding="utf-8")
    with pytest.raises(PackError) as info:
        read_pack(bad)
    assert "兜底规则" in str(info.value)
