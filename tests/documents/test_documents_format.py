from datetime import date, datetime
from decimal import Decimal

import pytest

from desktop.documents.format import cn_date, mask_id, money, money_in_words, stamp


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


# 金额大写 as 《会计基础工作规范》 第五十二条 writes it: 人民币 before, 整 after 元 or 角, none
# after 分; a 0 inside the figure is read 零. Worked by hand:
@pytest.mark.parametrize("amount, words", [
    ("830.00", "人民币捌佰叁拾元整"),
    ("0.05", "人民币伍分"),  # no 元 to write: the 分 alone
    ("100.50", "人民币壹佰元伍角整"),  # ends at 角: 整 follows
    ("1001.00", "人民币壹仟零壹元整"),  # the zeros inside read as one 零
    ("100.05", "人民币壹佰元零伍分"),  # 零 for the missing 角
    ("299000.00", "人民币贰拾玖万玖仟元整"),
    ("356789.12", "人民币叁拾伍万陆仟柒佰捌拾玖元壹角贰分"),
    ("10", "人民币壹拾元整"),  # 壹拾, never a bare 拾
    ("0", "人民币零元整"),
    ("1234.565", "人民币壹仟贰佰叁拾肆元伍角柒分"),  # half-up to the fen first
])
def test_money_in_words(amount, words):
    assert money_in_words(Decimal(amount)) == words


def test_money_in_words_refuses_floats_and_negatives():
    with pytest.raises(TypeError):
        money_in_words(830.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        money_in_words(Decimal("-1"))
