"""日结报表 of one clerk or of the whole hall for a day: the businesses counted and the
contributions assessed, the other audited actions apart, every receipt issued or voided."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from desktop.documents.model import BusinessCount, DayReport, ReceiptEntry
from desktop.policy.money import from_fen
from desktop.records import audit, reports
from desktop.records.rows import one
from desktop.services import day_end, labels
from desktop.services.context import Context
from desktop.services.printing.furniture import furniture, header
from desktop.services.printing.text import fen_money

# The 应缴金额合计 column holds what enrollments assessed (the contributions to be collected);
# other amounts (refunds asked, bills claimed, settled, voided) are shown in the row's label, so
# the column's total stays one kind of money.
ASSESSED = {"enroll", "renewal"}  # businesses whose amount is a contribution assessed
NOT_MONEY = reports.NOT_MONEY  # receipts whose amount is no money of the day (参保证明)
AMOUNT_WORDS = {"refund": "退费金额", "manual_claim": "金额", "receipt": "原收据金额"}


def _day_label(business: str, action: str) -> str:
    return labels.DAY_LABELS.get((business, action)) or (
        "无权限被拒绝" if action == "refused" else f"{business}（{action}）")


def _label(business: str, action: str) -> str:
    """A business row's label: a review names the business reviewed and the decision."""
    if business in labels.REVIEW_BUSINESS and action in labels.REVIEW_ACTIONS:
        return f"{labels.REVIEW_BUSINESS[business]}{labels.REVIEW_ACTIONS[action]}"
    return _day_label(business, action)


def day_report(ctx: Context, day: date, *, operator_id: str | None = None,
               hall_code: str | None = None, window_code: str | None = None) -> DayReport:
    """日结报表 of one clerk (`operator_id`), one window (`window_code`) or the whole hall for
    `day` (every window's businesses as far as pulled from the hub)."""
    hall = hall_code or ctx.hall_code
    data = reports.day_end(ctx.db, day, hall_code=hall, operator_id=operator_id, window_code=window_code)
    counts: dict[str, int] = {}
    assessed: dict[str, int] = {}  # label -> contributions assessed (fen)
    other: dict[str, tuple[str, int]] = {}  # label -> (what the amount is, fen)
    not_business: dict[str, int] = {}  # logins, accounts, settings, voids …: not in the 合计
    for r in data.businesses:
        if not day_end.is_business(r["business"], r["action"]):
            if (r["business"], r["action"]) == ("receipt", "void"):
                continue  # the 作废回执 list below names each one
            label = _day_label(r["business"], r["action"])
            not_business[label] = not_business.get(label, 0) + r["count"]
            continue
        label = _label(r["business"], r["action"])
        counts[label] = counts.get(label, 0) + r["count"]
        amount = 0 if r["business"] in NOT_MONEY else r["amount_fen"] or 0
        if r["business"] in ASSESSED:
            assessed[label] = assessed.get(label, 0) + amount
        elif amount:
            word, before = other.get(label, (AMOUNT_WORDS.get(r["business"], "金额"), 0))
            other[label] = (word, before + amount)
    businesses = tuple(
        BusinessCount(business=f"{label}（{other[label][0]}{fen_money(other[label][1])}）" if label in other else label,
                      count=count, assessed=from_fen(assessed.get(label, 0)))
        for label, count in counts.items()
    )
    lo, hi = day.isoformat(), (day + timedelta(days=1)).isoformat()
    where, params = "r.hall_code = ?", [hall]
    if operator_id:
        where += " AND r.operator_id = ?"
        params.append(operator_id)
    if window_code:
        where += " AND r.window_code = ?"
        params.append(window_code)
    entries = list(ctx.db.query(
        "SELECT r.serial, r.business, r.created_at, r.amount_fen, p.name, v.reason AS void_reason, "
        "v.created_at AS voided_at "
        "FROM receipts r LEFT JOIN persons p ON p.id = r.person_id "
        "LEFT JOIN receipt_voids v ON v.serial = r.serial "
        f"WHERE {where} AND ((r.created_at >= ? AND r.created_at < ?) OR (v.created_at >= ? AND v.created_at < ?)) "
        "ORDER BY r.serial", [*params, lo, hi, lo, hi]))
    receipt_rows = tuple(ReceiptEntry(
        serial=e["serial"], business=labels.BUSINESSES.get(e["business"], e["business"]),
        person_name=e["name"] or "", issued_at=datetime.fromisoformat(e["created_at"]).replace(tzinfo=None),
        voided=e["void_reason"] is not None, void_reason=e["void_reason"],
        amount=None if e["amount_fen"] is None or e["business"] in NOT_MONEY else from_fen(e["amount_fen"]))
        for e in entries)
    if operator_id:
        window = one(ctx.db, "SELECT window_code FROM receipts WHERE operator_id = ? AND hall_code = ? "
                     "ORDER BY created_at DESC LIMIT 1", [operator_id, hall])
        window_code = window["window_code"] if window else ctx.window
        f = furniture(ctx, hall, window_code, operator_id)
        scope = f"{f.window} {f.clerk}"
        head = header(ctx, hall_code=hall, window_code=window_code, operator_id=operator_id, serial=None)
    elif window_code:
        scope = f"{window_code}号窗口"
        head = header(ctx, hall_code=hall, window_code=window_code, operator_id=ctx.operator_id, serial=None)
    else:
        scope = "全厅"
        head = header(ctx, hall_code=hall, window_code=ctx.window, operator_id=ctx.operator_id, serial=None)
    chain = audit.head(ctx.db)
    return DayReport(header=head, day=day, scope=scope, businesses=businesses, receipts=receipt_rows,
                     others=tuple(BusinessCount(business=label, count=count, assessed=Decimal(0))
                                  for label, count in not_business.items()),
                     chain_head=chain.text if chain else None)
