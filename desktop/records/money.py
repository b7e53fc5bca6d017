"""Money crosses the policy boundary as yuan text ("830.00") and is stored as integer fen."""

from __future__ import annotations

from decimal import Decimal

from desktop.policy.money import fen_text, parse_amount


def to_fen(value: str | int | Decimal, field: str = "amount", label: str = "金额") -> int:
    """'830.00' -> 83000. Refuses what is not an amount (the calculator's own rules)."""
    return int(parse_amount(value, field, label) * 100)


def to_yuan(fen_amount: int) -> str:
    """83000 -> '830.00' (the spec's money text)."""
    return fen_text(fen_amount)
