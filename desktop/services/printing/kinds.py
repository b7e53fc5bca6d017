"""The documents this package builds, and their kind names (the CLI's, and the archive file
suffixes)."""

from __future__ import annotations

from desktop.documents import Document
from desktop.documents.certificate import EnrollmentCertificate
from desktop.documents.household_receipt import HouseholdReceipt
from desktop.documents.model import (
    AcceptanceReceipt,
    ChecklistNotice,
    DayReport,
    OffsiteFilingReceipt,
    PaymentNotice,
    ProcessingSlip,
    ReimbursementEstimate,
)

__all__ = ["KIND_OF", "Document"]

KIND_OF: dict[type, str] = {
    AcceptanceReceipt: "receipt",
    PaymentNotice: "payment_notice",
    OffsiteFilingReceipt: "offsite_receipt",
    ProcessingSlip: "processing_slip",
    ReimbursementEstimate: "estimate",
    ChecklistNotice: "checklist",
    DayReport: "day_report",
    EnrollmentCertificate: "certificate",
    HouseholdReceipt: "household_receipt",
}
