"""How figures print: money, dates, ID numbers. Pure string work, no fonts or PDF."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from desktop.identity import mask_id  # noqa: F401 - the one rule (identity.py), imported from here by the papers

_FEN = Decimal("0.01")


def money(amount: Decimal) -> str:
    """`Decimal("1234.5")` -> `"1,234.50 元"`. Floats are refused: they cannot hold fen exactly."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"money must be Decimal, not {type(amount).__name__}")
    return f"{amount.quantize(_FEN, rounding=ROUND_HALF_UP):,.2f} 元"


def money_or_dash(amount: Decimal | None) -> str:
    return "—" if amount is None else money(amount)


def cn_date(day: date) -> str:
    """`2026-01-01` -> `2026年1月1日`, the form the policy documents use."""
    return f"{day.year}年{day.month}月{day.day}日"


def stamp(moment: datetime) -> str:
    """A print time short enough for the 80 mm roll: `2025-11-20 10:32`."""
    return moment.strftime("%Y-%m-%d %H:%M")
