"""The 日结: the day's businesses by clerk and action, and the receipt serials issued and voided
(records.reports.day_end), for one clerk or the whole hall; and what it counts as a business.

Logins, accounts, hall settings, policy packs, exports, receipt voids and reprints, and refused
attempts are audited too but are not businesses: the printed 日结报表 and the 日结 page list them
apart, outside the 合计 (a day of 49 receipts was counted as 106 businesses with them)."""

from __future__ import annotations

from datetime import date

from desktop.records import audit
from desktop.records.reports import DayEnd
from desktop.records.reports import day_end as _day_end
from desktop.services.context import Context

# audit `business` values of the counter's businesses (review decisions are audited under the
# business they decide: change, termination, refund)
BUSINESSES = frozenset({
    "enroll", "renewal", "change", "suspension", "termination", "refund", "offsite_filing",
    "manual_claim", "person", "household", "roster_import", "review", "certificate", "chronic_application",
})


def is_business(business: str, action: str) -> bool:
    """Whether an audit entry is a business the 日结 counts."""
    return business in BUSINESSES and action != "refused"


def day_end(ctx: Context, day: date, *, operator_id: str | None = None,
            window_code: str | None = None) -> DayEnd:
    """The window's hall on `day` (every window as far as pulled from the hub); narrowed to one
    clerk (`operator_id`) and/or one window (`window_code`)."""
    return _day_end(ctx.db, day, hall_code=ctx.hall_code, operator_id=operator_id, window_code=window_code)


def chain_head_text(ctx: Context) -> str:
    """The audit chain's newest entry as the 日结 shows it, to be kept and checked later with
    `yibao-desk audit verify --anchor` ("" for a file without entries)."""
    head = audit.head(ctx.db)
    if head is None:
        return ""
    digest = head.hash.hex()
    grouped = " ".join(digest[i : i + 8] for i in range(0, len(digest), 8))  # wraps, reads aloud
    return f"审计链末条：第 {head.seq} 条，校验值 {grouped}"
