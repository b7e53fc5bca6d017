"""Header furniture: hall name, window and clerk of a paper, from the hall configuration and the
accounts when they are there, otherwise the codes (hall code, window number, operator id)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from desktop.documents.model import Header
from desktop.records import accounts as account_rows
from desktop.services.context import Context
from desktop.services.printing.lookup import Source

UNKNOWN_HALL = "000000"  # the command line without a hall configuration or any receipt


@dataclass(frozen=True)
class Furniture:
    hall: str
    window: str
    clerk: str
    from_config: bool  # False: the hall configuration / accounts were not there; codes printed


def clerk_name(ctx: Context, operator_id: str) -> str:
    """An operator's display name from the accounts, else the operator id itself."""
    row = account_rows.get(ctx.db, operator_id, checked=False) if account_rows.count(ctx.db) else None
    return row["display_name"] if row and row["display_name"] else operator_id


def furniture(ctx: Context, hall_code: str, window_code: str, operator_id: str) -> Furniture:
    """Hall name, window and clerk for a header: the hall configuration and the accounts
    (services/hall.py, services/accounts.py) when present, else the codes."""
    config = account_rows.hall(ctx.db)
    hall_name = config["hall_name"] if config and config["hall_code"] == hall_code else None
    clerk = clerk_name(ctx, operator_id)
    window = f"{int(window_code)}号窗口" if window_code.isdigit() else window_code
    fallback = f"{ctx.region}医保经办窗口" if hall_code == UNKNOWN_HALL else f"医保经办大厅（{hall_code}）"
    return Furniture(hall_name or fallback, window, clerk, hall_name is not None and clerk != operator_id)


def header(ctx: Context, *, hall_code: str, window_code: str, operator_id: str,
           serial: str | None) -> Header:
    f = furniture(ctx, hall_code, window_code, operator_id)
    return Header(hall=f.hall, window=f.window, clerk=f.clerk,
                  printed_at=ctx.now().replace(tzinfo=None, microsecond=0), serial=serial)


def header_of(ctx: Context, src: Source) -> Header:
    """The header of a recorded business: where and by whom it was handled, and when (办理时间)."""
    r = src.receipt
    head = header(ctx, hall_code=r["hall_code"], window_code=r["window_code"],
                  operator_id=r["operator_id"], serial=r["serial"])
    handled = datetime.fromisoformat(r["created_at"]).replace(tzinfo=None, microsecond=0)
    return replace(head, handled_at=handled)


def counter_header(ctx: Context) -> Header:
    """For documents without a record (a checklist or an estimate asked at the counter)."""
    return header(ctx, hall_code=ctx.hall_code, window_code=ctx.window, operator_id=ctx.operator_id,
                  serial=None)
