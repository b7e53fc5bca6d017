"""Money crosses the policy boundary as yuan text ("830.00") and is stored as integer fen."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from desktop.errors import Refusal


def to_fen(value: str | int | Decimal, field: str = "amount", label: str = "金额") -> int:
    """'830.00' -> 83000. Refuses what is not an amount with two places at most."""
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise Refusal("invalid_amount", f"{label}「{value}」不是有效金额", field) from None
    if not amount.is_finite() or amount < 0 or amount > Decimal("100000000"):
        raise Refusal("invalid_amount", f"{label}「{value}」超出有效范围", field)
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise Refusal("invalid_amount", f"{label}「{value}」最多两位小数", field)
    return int(fen)


def to_yuan(fen: int) -> str:
    """83000 -> '830.00' (the spec's money text)."""
    return str((Decimal(fen) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
