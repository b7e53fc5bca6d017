"""How the papers word stored values: fen amounts, stored dates, stored JSON lists, changed fields."""

from __future__ import annotations

import json
from datetime import date

from desktop.documents.format import cn_date, mask_id, money, money_in_words
from desktop.policy.money import from_fen


def fen_money(fen: int | None) -> str:
    """Stored fen as a paper writes it: `1,234.50 元`."""
    return money(from_fen(fen))


def fen_money_words(fen: int | None) -> str:
    """An amount the person pays or is paid, with its 金额大写: `730.00 元（人民币柒佰叁拾元整）`."""
    return f"{fen_money(fen)}（{money_in_words(from_fen(fen))}）"


def day_of(text: str | None) -> date | None:
    """The date of a stored date or moment (`2026-03-15`, `2026-03-15T09:30:00`)."""
    return date.fromisoformat(text[:10]) if text else None


def cn_day(text: str | None) -> str:
    """A stored date in Chinese (`2026年3月15日`), a dash when there is none."""
    day = day_of(text)
    return cn_date(day) if day else "—"


def loads(text: str | None) -> list:
    """A stored JSON list; anything else is an empty one."""
    try:
        value = json.loads(text or "[]")
    except json.JSONDecodeError:
        return []
    return value if isinstance(value, list) else []


def loads_obj(text: str | None) -> dict:
    """A stored JSON object; anything else is an empty one."""
    try:
        value = json.loads(text or "{}")
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def shown(field: str, value: str | None) -> str:
    """A changed field's value as printed: ID numbers masked."""
    if value is None:
        return "（空）"
    return mask_id(value) if field == "id_number" else value
