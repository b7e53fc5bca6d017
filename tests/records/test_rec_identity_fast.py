"""The import's cheaper identity checks give exactly the results of the full ones."""

from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from desktop.errors import Refusal
from desktop.identity import _normalize_name, check_digit, normalize_name, parse_id_number

PLAIN = st.text(
    st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.characters(min_codepoint=0x3400, max_codepoint=0x4DBF),
    ),
    min_size=1,
    max_size=100,
)


@settings(max_examples=500, deadline=None)
@given(raw=PLAIN)
def test_plain_han_names_take_the_short_way_to_the_same_result(raw):
    assert normalize_name(raw) == _normalize_name(raw, "name", "姓名") == raw


@pytest.mark.parametrize(
    "raw", ["张 三", " 张三", "张三\u200b", "阿依古丽•买买提", "", "张3", "\ue85c张", "张" * 101, None]
)
def test_other_names_go_the_full_way(raw):
    try:
        expected = _normalize_name(raw, "name", "姓名")
    except Refusal as refusal:
        with pytest.raises(Refusal) as got:
            normalize_name(raw)
        assert (got.value.code, got.value.message, got.value.field) == (
            refusal.code,
            refusal.message,
            refusal.field,
        )
    else:
        assert normalize_name(raw) == expected


def test_check_digit_is_python_stdnums():
    rng = random.Random(7)
    for _ in range(20_000):
        body = "".join(rng.choice("0123456789") for _ in range(17))
        assert check_digit(body + "0") == ric.calc_check_digit(body + "0")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("32041219800230001", "2月只有29天"),
        ("32041219810229001", "2月只有28天"),
        ("32041219801301001", "月份“13”应在1到12之间"),
        ("32041200000101001", "年份不正确"),
    ],
)
def test_impossible_birth_dates_keep_their_messages(body, problem):
    with pytest.raises(Refusal) as refused:
        parse_id_number(body + ric.calc_check_digit(body + "0"), today=date(2025, 11, 15))
    assert "出生日期" in refused.value.message and problem in refused.value.message


def test_a_wrong_check_digit_names_the_right_one():
    body = "32041219800101001"
    right = ric.calc_check_digit(body + "0")
    wrong = "0" if right != "0" else "1"
    with pytest.raises(Refusal) as refused:
        parse_id_number(body + wrong, today=date(2025, 11, 15))
    assert f"第18位应为{right}" in refused.value.message
    assert parse_id_number(body + right, today=date(2025, 11, 15)).birth_date == date(1980, 1, 1)
