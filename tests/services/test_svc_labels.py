"""One name per business (services/labels.py): the 日结 page, receipt verification and a
person's history read the same mapping."""

from __future__ import annotations

import re
from pathlib import Path

from desktop.services import labels, verification

SOURCES = Path(__file__).resolve().parents[2] / "desktop"


def test_every_business_written_to_the_audit_or_a_receipt_has_a_name():
    written = set()
    for path in [*SOURCES.glob("services/*.py"), *SOURCES.glob("records/*.py")]:
        written |= set(re.findall(r'business="([a-z_]+)"', path.read_text(encoding="utf-8")))
    written |= set(verification.RECORD_TABLES)  # the businesses a receipt is issued for
    assert written - set(labels.BUSINESS_LABELS) == set()


def test_verification_and_the_day_page_use_the_one_mapping():
    from desktop.ui.pages import day_report

    assert verification.BUSINESS_LABELS is labels.BUSINESS_LABELS
    assert day_report.BUSINESS_LABELS is labels.BUSINESS_LABELS
    assert day_report.ACTION_LABELS is labels.ACTION_LABELS
