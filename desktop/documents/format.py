"""How figures print: money, dates, ID numbers. Pure string work, no fonts or PDF."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from desktop.identity import mask_id  # noqa: F401 - the one rule (identity.py), imported from here by the papers
from desktop.policy.money import yuan_text


def money(amount: Decimal) -> str:
    """`Decimal("1234.5")` -> `"1,234.50 元"`. Floats are refused: they cannot hold fen exactly."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"money must be Decimal, not {type(amount).__name__}")
    return f"{yuan_text(amount, grouped=True)} 元"


def money_in_words(amount: Decimal) -> str:
    """金额大写: `Decimal("830")` -> `"人民币捌佰叁拾元整"` (cn2an's `rmb` reading of the fen-rounded
    figure, with 整 also after a closing 角 as 《会计基础工作规范》 第五十二条 asks)."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"money must be Decimal, not {type(amount).__name__}")
    if amount < 0:
        raise ValueError(f"金额大写只用于非负金额: {amount}")
    import cn2an  # here: its import takes some 0.2 s, wanted only when a document prints money

    words = cn2an.an2cn(yuan_text(amount), "rmb")
    if words.endswith("角"):
        words += "整"
    return "人民币" + words


_AMOUNT_IN_TEXT = re.compile(r"(?<![\d.,])(\d{4,})(\.\d+)?(?=\s*元)")


def amounts_in_text(text: str) -> str:
    """Amounts inside a sentence (a calculation step's `计 299000.00 元`) written as the amount
    columns write them: `计 299,000.00 元`."""
    return _AMOUNT_IN_TEXT.sub(lambda m: f"{Decimal(m.group(0)):,f}", text)


def money_or_dash(amount: Decimal | None) -> str:
    return "—" if amount is None else money(amount)


def cn_date(day: date) -> str:
    """`2026-01-01` -> `2026年1月1日`, the form the policy documents use."""
    return f"{day.year}年{day.month}月{day.day}日"


def stamp(moment: datetime) -> str:
    """A print time short enough for the 80 mm roll: `2025-11-20 10:32`."""
    return moment.strftime("%Y-%m-%d %H:%M")
