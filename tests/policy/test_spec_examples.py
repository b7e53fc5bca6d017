"""The worked examples of shared/spec/calc-api.md, verbatim: request as printed, answer as printed."""

from __future__ import annotations

import json

import pytest

from desktop.policy.api import answer

EXAMPLES = [
    # ### `contribution`
    (
        '{"calc": "contribution", "region": "钟楼区", "year": 2026, "category": "非从业居民"}',
        {"standard": "830.00", "ltc": "30.00", "assisted": "0.00", "personal": "830.00"},
    ),
    # ### `benefit_start`
    (
        '{"calc": "benefit_start", "region": "新北区", "year": 2026, "paid_on": "2025-12-01"}',
        {"benefit_start": "2026-01-01", "benefit_end": "2026-12-31", "waiting_months": 0},
    ),
    # ### `inpatient`
    (
        '{"calc": "inpatient", "region": "天宁区", "year": 2026, "scheme": "resident",'
        ' "category": "老年居民", "hospital_level": 2, "admission": 1, "compliant_cost": "10000"}',
        {"deductible": "600.00", "basic": "7520.00", "critical_illness": "0.00",
         "medical_assistance": "0.00", "personal": "2480.00"},
    ),
]


@pytest.mark.parametrize("request_text, expected", EXAMPLES)
def test_spec_example(request_text, expected):
    got = answer(json.loads(request_text))
    assert {k: got[k] for k in expected} == expected
    # every answer carries a trace of {step, amount, source} (the spec's machine form, a file name),
    # plus `cited`: what people read, the document's title and 文号 (never a file name)
    assert got["trace"] and all(set(s) == {"step", "amount", "source", "cited"} for s in got["trace"])
    assert all(".txt" not in s["cited"] and s["cited"].startswith("《") for s in got["trace"])


def test_inpatient_example_trace_shows_the_working():
    # 002 §三(一): 起付 600, 比例 80%: (10000-600)*0.8 = 7520.00
    got = answer(json.loads(EXAMPLES[2][0]))
    amounts = [s["amount"] for s in got["trace"]]
    assert "600.00" in amounts and "7520.00" in amounts
    assert all(s["source"].startswith("002_791f68398226ecd0.txt §") for s in got["trace"])
