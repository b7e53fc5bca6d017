"""What the 日结 counts as a business: the counter's work on a person's insurance. Logins,
accounts, hall settings, policy packs, exports, receipt voids and reprints, and refused attempts
are audited too but are not businesses: the printed 日结报表 and the 日结 page list them apart,
outside the 合计 (a day of 49 receipts was counted as 106 businesses with them)."""

from __future__ import annotations

# audit `business` values of the counter's businesses (review decisions are audited under the
# business they decide: change, termination, refund)
BUSINESSES = frozenset({
    "enroll", "renewal", "change", "suspension", "termination", "refund", "offsite_filing",
    "manual_claim", "person", "household", "roster_import", "review",
})


def is_business(business: str, action: str) -> bool:
    """Whether an audit entry is a business the 日结 counts."""
    return business in BUSINESSES and action != "refused"
