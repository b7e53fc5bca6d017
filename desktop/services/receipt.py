"""Voiding a receipt: the serial stays used, with the reason and who voided it."""

from __future__ import annotations

from typing import Any

from desktop.errors import Refusal
from desktop.records import audit, receipts
from desktop.records.tx import write
from desktop.services import fields
from desktop.services.context import Context
from desktop.services.permissions import allowed, record_refusal, require


def void_receipt(ctx: Context, serial: Any, reason: Any) -> dict[str, Any]:
    """作废收据 by the clerk who issued it, or by a reviewer or the hall head."""
    require(ctx, "void", "receipt")
    number = fields.required_text(serial, "serial", "收据号", max_len=40)
    why = fields.required_text(reason, "reason", "作废原因")
    issued = receipts.get(ctx.db, number)  # receipts never change: safe to read before the lock
    if issued is not None and issued["operator_id"] != ctx.operator_id and not allowed(ctx, "approve"):
        refusal = Refusal(
            "not_permitted", "只能作废本人开具的收据；其他收据请由复核人作废", "serial"
        )
        record_refusal(ctx, refusal, business="receipt", action="void", subject=number, person_id=issued["person_id"])
        raise refusal
    stamp = ctx.stamp()
    with write(ctx.db):
        receipt = receipts.get(ctx.db, number)
        row = receipts.void(ctx.db, stamp, number, why)
        audit.append(
            ctx.db,
            stamp,
            action="void",
            business="receipt",
            entity="receipt_voids",
            entity_id=row["id"],
            person_id=receipt["person_id"] if receipt else None,
            amount_fen=receipt["amount_fen"] if receipt else None,
            payload={
                "serial": number,
                "reason": why,
                "business": receipt["business"] if receipt else None,
            },
        )
    return receipts.get(ctx.db, number) or {}
