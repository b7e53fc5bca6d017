"""Validating the clerk's inputs: each refusal names the field, in Chinese, before anything is written."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, TypeVar

from desktop.errors import Refusal
from desktop.identity import parse_date, refuse_invisible
from desktop.records.money import to_fen

T = TypeVar("T")


def text(
    value: Any, field: str, label: str, *, required: bool = True, max_len: int = 200
) -> str | None:
    """Trimmed text (runs of white space one space), or None when optional and empty; control
    and format characters are refused (identity.refuse_invisible)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Refusal("missing_field", f"请填写{label}", field)
        return None
    if not isinstance(value, str):
        raise Refusal("invalid_field", f"{label}应为文字", field)
    value = refuse_invisible(" ".join(value.split()), field, label)
    if len(value) > max_len:
        raise Refusal("invalid_field", f"{label}最长{max_len}个字，现在是{len(value)}个", field)
    return value


def required_text(value: Any, field: str, label: str, *, max_len: int = 200) -> str:
    result = text(value, field, label, max_len=max_len)
    assert result is not None
    return result


def choice(value: Any, options: Mapping[str, T], field: str, label: str) -> T:
    """Map an accepted spelling to its code; refuses others, listing the choices."""
    shown = "、".join(dict.fromkeys(str(k) for k in options))
    if value is None or value == "":
        raise Refusal("missing_field", f"请选择{label}（{shown}）", field)
    key = value.strip() if isinstance(value, str) else value
    if not isinstance(key, str | int) or isinstance(key, bool) or key not in options:
        raise Refusal("invalid_field", f"{label}“{value}”无效（可选：{shown}）", field)
    return options[key]


def year(value: Any, today: date, field: str = "year") -> int:
    """A policy year a counter can still act on: last year, this year or next year."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise Refusal("invalid_field", f"参保年度“{value}”不是年份", field) from None
    if not today.year - 1 <= number <= today.year + 1:
        raise Refusal(
            "invalid_field",
            f"参保年度{number}超出可办理范围（{today.year - 1}至{today.year + 1}年）",
            field,
        )
    return number


def day(value: Any, field: str, label: str, *, required: bool = True) -> date | None:
    if value is None or value == "":
        if required:
            raise Refusal("missing_field", f"请填写{label}", field)
        return None
    return parse_date(value, field, label)


def required_day(value: Any, field: str, label: str) -> date:
    result = day(value, field, label)
    assert result is not None
    return result


def not_after(value: date, limit: date, field: str, label: str, limit_label: str) -> date:
    if value > limit:
        raise Refusal("invalid_date", f"{label}{value}晚于{limit_label}{limit}", field)
    return value


def fen(value: Any, field: str, label: str) -> int:
    if value is None or value == "":
        raise Refusal("missing_field", f"请填写{label}", field)
    return to_fen(value, field, label)
