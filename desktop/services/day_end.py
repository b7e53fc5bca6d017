"""The 日结 page's figures: the day's businesses by clerk and action, and the receipt serials
issued and voided (records.reports.day_end), for one clerk or the whole hall."""

from __future__ import annotations

from datetime import date

from desktop.records.reports import DayEnd
from desktop.records.reports import day_end as _day_end
from desktop.services.context import Context


def day_end(ctx: Context, day: date, *, operator_id: str | None = None) -> DayEnd:
    """The window's hall on `day`; `operator_id` None: everyone at the hall."""
    return _day_end(ctx.db, day, hall_code=ctx.hall_code, operator_id=operator_id)
