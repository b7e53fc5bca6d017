"""Record -> document: the one place that turns stored businesses into printed documents.

Qt-free. The window, `yibao-desk render` and the tests call these functions; the documents
layer (`desktop.documents`) only lays out what it is given. Each builder takes a `Context`
(database, clock, hall settings, calculator) and a reference to a business: its receipt serial
(`320412-03-2025-000123`) or its record id (the UUID of the enrollment, change, filing …).

    doc = printing.acceptance_receipt(ctx, serial)          # 受理回执, any business
    printed = printing.print_document(ctx, doc)              # PDF bytes + the archive copy's path

One module per document family: `receipt` (受理回执), `payment` (缴费通知单 and the payment
terms), `slip` (综合业务处理单), `offsite` (异地就医备案回执), `estimate` (报销测算单),
`checklist` (一次性告知单), `day_report` (日结报表); beside them `lookup` (the business of a
serial), `furniture` (header: hall, window, clerk), `review`, `text` (wording of stored values),
`visit` (what a business prints) and `archive` (print and keep). ID numbers are masked (first 6,
last 4) on every document.
"""

from desktop.services.labels import DAY_LABELS
from desktop.services.printing.archive import (
    ARCHIVE_SETTING,
    Printed,
    archive,
    archive_folder,
    db_file,
    print_all,
    print_document,
)
from desktop.services.printing.checklist import (
    MATERIALS_ITEMS,
    checklist,
    checklist_for,
    checklist_from_answer,
)
from desktop.services.printing.day_report import day_report
from desktop.services.printing.estimate import (
    estimate_facts,
    estimate_from_answer,
    reimbursement_estimate,
)
from desktop.services.printing.furniture import (
    UNKNOWN_HALL,
    Furniture,
    clerk_name,
    counter_header,
    furniture,
    header,
    header_of,
)
from desktop.services.printing.kinds import KIND_OF, Document
from desktop.services.printing.lookup import Source, find, hotline
from desktop.services.printing.offsite import offsite_receipt
from desktop.services.printing.payment import PASSED, PayTerms, enrollment_terms, payment_notice
from desktop.services.printing.receipt import acceptance_receipt
from desktop.services.printing.review import ReviewState, review_state
from desktop.services.printing.slip import processing_slip
from desktop.services.printing.visit import RECORD_KINDS, for_record, visit_documents

__all__ = [
    "ARCHIVE_SETTING", "DAY_LABELS", "KIND_OF", "MATERIALS_ITEMS", "PASSED", "RECORD_KINDS", "UNKNOWN_HALL",
    "Document", "Furniture", "PayTerms", "Printed", "ReviewState", "Source",
    "acceptance_receipt", "archive", "archive_folder", "checklist", "checklist_for", "checklist_from_answer",
    "clerk_name", "counter_header", "day_report", "db_file", "enrollment_terms", "estimate_facts",
    "estimate_from_answer", "find", "for_record", "furniture", "header", "header_of", "hotline",
    "offsite_receipt", "payment_notice", "print_all", "print_document", "processing_slip",
    "reimbursement_estimate", "review_state", "visit_documents",
]
