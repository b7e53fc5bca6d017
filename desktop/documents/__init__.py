"""Printed documents: typed inputs in (`model`), PDF bytes out. No Qt, no database.

    from desktop.documents import render, save
    pdf = render(AcceptanceReceipt(...))      # bytes
    pdf = render(sample, mark="样张")          # a specimen, marked as such on every page
    save(PaymentNotice(...), "notice.pdf")     # writes the file, returns its Path
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from desktop.documents import (
    certificate,
    checklist,
    day_report,
    estimate,
    household_receipt,
    offsite_receipt,
    payment_notice,
    processing_slip,
    receipt,
)
from desktop.documents.household_receipt import HouseholdReceipt
from desktop.documents.layout import marked
from desktop.documents.model import (
    AcceptanceReceipt,
    ChecklistNotice,
    DayReport,
    OffsiteFilingReceipt,
    PaymentNotice,
    ProcessingSlip,
    ReimbursementEstimate,
)

Document = (AcceptanceReceipt | PaymentNotice | ChecklistNotice | ReimbursementEstimate
            | OffsiteFilingReceipt | ProcessingSlip | DayReport | certificate.EnrollmentCertificate
            | HouseholdReceipt)

_RENDERERS: dict[type, Callable] = {
    AcceptanceReceipt: receipt.render,
    PaymentNotice: payment_notice.render,
    ChecklistNotice: checklist.render,
    ReimbursementEstimate: estimate.render,
    OffsiteFilingReceipt: offsite_receipt.render,
    ProcessingSlip: processing_slip.render,
    DayReport: day_report.render,
    certificate.EnrollmentCertificate: certificate.render,
    HouseholdReceipt: household_receipt.render,
}


def render(document: Document, *, mark: str | None = None) -> bytes:
    """The PDF of any document input; `mark` (e.g. "样张") is printed large and light across
    every page and added to the PDF title."""
    try:
        renderer = _RENDERERS[type(document)]
    except KeyError:
        raise TypeError(f"not a document input: {type(document).__name__}") from None
    with marked(mark):
        return renderer(document)


def save(document: Document, path: str | Path) -> Path:
    """Render `document` and write it to `path` (parent folders created); returns the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(render(document))
    return target
