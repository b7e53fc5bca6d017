"""How the papers word stored values: fen amounts, stored dates, stored JSON lists, the kind of
a business, changed fields."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from desktop.documents.format import cn_date, money, money_in_words
from desktop.policy.money import from_fen
from desktop.services import labels


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


def enrollment_kind(business: str) -> str:
    return "续保" if business == "renewal" else "参保登记"


def change_subject(change: Mapping[str, Any]) -> tuple[str, str]:
    """What a change touched: the field's name and its level (重要信息 / 基础信息)."""
    level = "重要信息" if change["level"] == "important" else "基础信息"
    return labels.CHANGE_FIELDS.get(change["field"], change["field"]), level


def stop_kind(termination: Mapping[str, Any]) -> str:
    return "停保" if termination["kind"] == "suspension" else "退保"


def reason_text(termination: Mapping[str, Any]) -> str:
    """A termination's reason with the clerk's note."""
    note = termination["reason_note"]
    return termination["reason"] + (f"（{note}）" if note else "")


def year_text(enrollment: Mapping[str, Any] | None, missing: str = "") -> str:
    """`2026年度` of an enrollment, `missing` without one."""
    return f"{enrollment['year']}年度" if enrollment else missing


shown = labels.field_value  # a changed field's value as printed (one rule with the screen's)
