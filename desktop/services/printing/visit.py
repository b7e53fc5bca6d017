"""Which documents a business prints: the set a visit prints right after it, and one kind of a
recorded business by its CLI name."""

from __future__ import annotations

from desktop.documents.model import Paper, ReimbursementEstimate
from desktop.errors import Refusal
from desktop.services.context import Context
from desktop.services.printing.estimate import reimbursement_estimate
from desktop.services.printing.kinds import Document
from desktop.services.printing.lookup import find
from desktop.services.printing.offsite import offsite_receipt
from desktop.services.printing.payment import payment_notice
from desktop.services.printing.receipt import acceptance_receipt
from desktop.services.printing.slip import processing_slip


def visit_documents(ctx: Context, ref: str, *, paper: Paper | str = Paper.A4) -> list[Document]:
    """What the window prints right after a business: 缴费通知单 + 受理回执 for an enrollment,
    异地就医备案回执 for a filing, 受理回执 + 报销测算单 for a claim, else the 受理回执."""
    src = find(ctx, ref)
    if src.business in ("enroll", "renewal"):
        return [payment_notice(ctx, src.serial, paper=paper), acceptance_receipt(ctx, src.serial, paper=paper)]
    if src.business == "offsite_filing":
        return [offsite_receipt(ctx, src.serial, paper=paper)]
    if src.business == "manual_claim":
        estimate_paper = paper if Paper(paper) in ReimbursementEstimate.PAPERS else Paper.A4
        return [acceptance_receipt(ctx, src.serial, paper=paper),
                reimbursement_estimate(ctx, src.serial, paper=estimate_paper)]
    return [acceptance_receipt(ctx, src.serial, paper=paper)]


RECORD_KINDS = {
    "receipt": acceptance_receipt,
    "payment_notice": payment_notice,
    "offsite_receipt": offsite_receipt,
    "processing_slip": processing_slip,
    "estimate": reimbursement_estimate,
}


def for_record(ctx: Context, kind: str, ref: str, *, paper: Paper | str = Paper.A4) -> Document:
    """The document `kind` (receipt, payment_notice, offsite_receipt, processing_slip, estimate)
    of a recorded business; refuses a paper the document does not print on."""
    builder = RECORD_KINDS.get(kind)
    if builder is None:
        raise Refusal("unknown_kind", f"未知的单据类型“{kind}”（可选：{'、'.join(RECORD_KINDS)}）", "kind")
    try:
        return builder(ctx, ref, paper=Paper(paper))
    except ValueError as err:
        if "prints on" in str(err) or "is not a valid Paper" in str(err):
            raise Refusal("invalid_paper", f"该单据不能用{paper}纸张打印（{err}）", "paper") from None
        raise
