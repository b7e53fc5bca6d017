"""Fen to yuan has one home (desktop.policy.money): the papers' amount columns group thousands,
the screens and the wire do not; both round half-up once."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

import desktop
from desktop.policy.money import fen_text, from_fen, yuan_text


@pytest.mark.parametrize("fen, yuan", [(83000, Decimal("830")), (123450, Decimal("1234.5")), (1, Decimal("0.01")),
                                       (None, Decimal(0)), (0, Decimal(0))])
def test_from_fen_is_exact(fen, yuan):
    assert from_fen(fen) == yuan and isinstance(from_fen(fen), Decimal)


@pytest.mark.parametrize("fen, plain, grouped", [
    (123450, "1234.50", "1,234.50"),       # the 日结 page's column vs a paper's amount column
    (29900000, "299000.00", "299,000.00"),  # issue 15.7: 299000.00 in steps vs 299,000.00 in columns
    (5, "0.05", "0.05"),
    (None, "0.00", "0.00"),
])
def test_fen_text_plain_and_grouped(fen, plain, grouped):
    assert fen_text(fen) == plain and fen_text(fen, grouped=True) == grouped


def test_yuan_text_rounds_half_up_not_to_even():
    # Python's format() of a Decimal rounds half-even (0.125 -> "0.12"); money rounds half-up
    assert yuan_text(Decimal("0.125")) == "0.13" and yuan_text(Decimal("2.675"), grouped=True) == "2.68"


def test_no_other_module_turns_fen_into_yuan():
    # issue 15.15: about eight copies (x / 100 with :.2f, f"{fen // 100}.{fen % 100:02d}", …)
    root = Path(desktop.__file__).parent
    home = root / "policy" / "money.py"
    arithmetic = re.compile(r"/\s*100\b|\.2f\}")
    found = [f"{path.relative_to(root)}:{n}" for path in root.rglob("*.py") if path != home
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if arithmetic.search(line) and '"%"' not in line]  # a line reading "12%" is a ratio
    assert found == []
