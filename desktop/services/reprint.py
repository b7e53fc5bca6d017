"""补打: a receipt, notice, slip or estimate of a recorded business printed again by its serial.

The paper says 补打 beside its title and shows the business's 办理时间 beside today's 打印时间;
what has passed since (a payment deadline) is not printed as if current (printing's terms are
worked out for the day of printing). Each reprint leaves an audit entry (`receipt`/`reprint`),
which the 日结 does not count as a business.

    doc = reprint.reprint_document(ctx, "320412-03-2025-000123", "payment_notice")
    printed = printing.print_document(ctx, doc)     # archived as a further copy, never over one
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from desktop.documents.model import Paper
from desktop.errors import Refusal
from desktop.records import audit, receipts
from desktop.records.tx import write
from desktop.services import fields, labels, printing
from desktop.services.context import Context
from desktop.services.permissions import require

# what can be reprinted: the CLI's kind names (printing.RECORD_KINDS) in the window's words
KINDS = {kind: labels.DOCUMENTS[kind]
         for kind in ("receipt", "payment_notice", "processing_slip", "offsite_receipt", "estimate")}


def reprint_document(ctx: Context, serial: Any, kind: Any = "receipt", *,
                     paper: Paper | str = Paper.A4) -> printing.Document:
    """The document `kind` of the business of receipt `serial`, marked 补打, audited."""
    number = fields.required_text(serial, "serial", "收据号", max_len=40)
    if kind not in KINDS:
        raise Refusal("unknown_kind", f"未知的单据类型“{kind}”（可选：{'、'.join(KINDS.values())}）", "kind")
    issued = receipts.get(ctx.db, number)
    require(ctx, "reprint", "receipt", subject=number, person_id=issued["person_id"] if issued else None)
    if issued is None:  # a serial only: a record id would let anyone reprint by guessing ids
        raise Refusal("not_found", f"找不到收据号“{number}”，请核对后重试", "serial")
    document = printing.for_record(ctx, kind, number, paper=paper)
    document = replace(document, header=replace(document.header, reprint=True))
    stamp = ctx.stamp()
    with write(ctx.db):
        audit.append(ctx.db, stamp, action="reprint", business="receipt", entity="receipts",
                     entity_id=number, person_id=issued["person_id"],
                     payload={"serial": number, "kind": kind, "business": issued["business"]})
    return document
