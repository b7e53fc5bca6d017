from datetime import date, datetime
from decimal import Decimal

import pytest

from desktop.documents.format import cn_date, mask_id, money, stamp


@pytest.mark.parametrize("amount, printed", [
    (Decimal("1234.5"), "1,234.50 元"),
    (Decimal("0"), "0.00 元"),
    (Decimal("830.00"), "830.00 元"),
    (Decimal("1234567.005"), "1,234,567.01 元"),  # half-up, as the spec rounds
    (Decimal("-38"), "-38.00 元"),
])
def test_money_prints_yuan_with_two_places(amount, printed):
    assert money(amount) == printed


@pytest.mark.parametrize("value", [830.0, 830, "830.00"])
def test_money_refuses_anything_but_decimal(value):
    with pytest.raises(TypeError):
        money(value)


@pytest.mark.parametrize("number, masked", [
    ("320412195701011234", "320412********1234"),
    ("65010219840315002X", "650102********002X"),
    ("320412570101123", "320412********1123"),  # 15 digits: the star count hides the length
    ("E12345678", "********5678"),
    ("123", "********"),
])
def test_mask_id_keeps_first_six_and_last_four(number, masked):
    assert mask_id(number) == masked


def test_mask_id_full_when_asked():
    assert mask_id(" 320412195701011234 ", full=True) == "320412195701011234"


def test_dates():
    assert cn_date(date(2026, 1, 1)) == "2026年1月1日"
    assert stamp(datetime(2025, 11, 20, 9, 5)) == "2025-11-20 09:05"
