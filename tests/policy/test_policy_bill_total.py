"""A bill is more than its compliant part: 票据总额 − 合规费用 = 政策外自费, which the person pays on
top of the compliant part's 个人负担 (issue: 356 789.12 with 300 000 compliant printed 48 280)."""

from decimal import Decimal

import pytest

from desktop.errors import Refusal
from desktop.policy import api

BASE = {"calc": "inpatient", "region": "武进区", "year": 2026, "category": "老年居民",
        "hospital_level": 3, "admission": 1}


def test_bill_with_a_non_compliant_part():
    # 002 §三(一): 三级, adult, first stay: 起付 1 000, 70 % above it: (20 000 − 1 000) × 70 % =
    # 13 300; 个人负担 of the compliant part 20 000 − 13 300 = 6 700; 政策外 23 000 − 20 000 =
    # 3 000; the person pays 6 700 + 3 000 = 9 700
    answer = api.answer({**BASE, "compliant_cost": "20000", "bill_total": "23000"})
    assert answer["personal"] == "6700.00"
    assert (answer["bill_total"], answer["out_of_policy"], answer["personal_total"]) == \
        ("23000.00", "3000.00", "9700.00")
    last = answer["trace"][-1]
    assert last["step"].startswith("个人合计负担") and "政策外自费 3000.00 元" in last["step"]
    assert last["amount"] == "9700.00"


def test_large_bill_keeps_the_56_789_12_outside_the_policy():
    answer = api.answer({**BASE, "compliant_cost": "300000", "bill_total": "356789.12"})
    # the compliant part's 个人负担 48 280.00 (checked on paper in issue 15); 政策外 56 789.12
    assert answer["personal"] == "48280.00" and answer["out_of_policy"] == "56789.12"
    assert Decimal(answer["personal_total"]) == Decimal("48280.00") + Decimal("56789.12")


def test_without_a_bill_total_the_answer_is_as_before():
    answer = api.answer({**BASE, "compliant_cost": "20000"})
    assert "bill_total" not in answer and "personal_total" not in answer


def test_a_bill_smaller_than_its_compliant_part_is_refused():
    with pytest.raises(Refusal) as refused:
        api.answer({**BASE, "compliant_cost": "20000", "bill_total": "19999.99"})
    assert refused.value.field == "bill_total" and "票据总额" in refused.value.message

