"""Money and ratios: exact Decimal arithmetic, rounded half-up to the fen once per layer."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from desktop.errors import Refusal

FEN = Decimal("0.01")
ZERO = Decimal("0")
# Above this an amount is a typing slip, not a hospital bill (shared/spec/calc-api.md).
ABSURD = Decimal("100000000")


def fen(amount: Decimal) -> Decimal:
    """Round to the fen, half-up: the one rounding step of each layer."""
    return amount.quantize(FEN, ROUND_HALF_UP)


def from_fen(amount: int | None) -> Decimal:
    """Stored integer fen as Decimal yuan (exact: 83050 -> 830.5; None, no amount, -> 0)."""
    return Decimal(amount or 0) / 100


def yuan_text(amount: Decimal, *, grouped: bool = False) -> str:
    """Money as text with two places: "1234.50" (the wire form and the screen's), or with
    `grouped` "1,234.50" (the papers' amount columns)."""
    return f"{amount.quantize(FEN, ROUND_HALF_UP):{',' if grouped else ''}.2f}"


def fen_text(amount: int | None, *, grouped: bool = False) -> str:
    """Stored fen as text: 123450 -> "1234.50" (or "1,234.50" with `grouped`)."""
    return yuan_text(from_fen(amount), grouped=grouped)


def parse_amount(raw: object, field: str, label: str | None = None) -> Decimal:
    """Read money from a request: a decimal string or a JSON number, never negative or absurd."""
    name = label or field
    if isinstance(raw, bool) or raw is None:
        raise Refusal("invalid_amount", f"{name}必须是金额（元），例如 1234.50", field)
    if isinstance(raw, float):
        raw = repr(raw)  # the shortest text that round-trips: no binary noise enters Decimal
    try:
        value = Decimal((raw if raw.__class__ is str else str(raw)).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise Refusal("invalid_amount", f"{name}“{raw}”不是有效金额", field) from None
    if not value.is_finite():
        raise Refusal("invalid_amount", f"{name}“{raw}”不是有效金额", field)
    if value < 0:
        raise Refusal("invalid_amount", f"{name}不能为负数", field)
    if value > ABSURD:
        raise Refusal("invalid_amount", f"{name}超过 1 亿元，请核对", field)
    if value != value.quantize(FEN, ROUND_HALF_UP):
        raise Refusal("invalid_amount", f"{name}最多精确到分（两位小数）", field)
    return value


_PERCENT: dict[Decimal, str] = {}


def percent_text(ratio: Decimal) -> str:
    """0.85 -> "85%", 0.088 -> "8.8%" for trace sentences."""
    text = _PERCENT.get(ratio)
    if text is None:
        pct = (ratio * 100).normalize()
        text = f"{pct:f}%"
        if len(_PERCENT) < 4096:  # ratios come from packs: a handful
            _PERCENT[ratio] = text
    return text
