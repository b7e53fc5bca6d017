"""Business labels have one home (services/labels.py): every business a receipt carries, every
document kind the papers print, every audited (business, action) of the 日结, in Chinese."""

from __future__ import annotations

import re
from pathlib import Path

from desktop.services import labels, printing, reprint, verification

SOURCES = Path(__file__).resolve().parents[2] / "desktop"


def _chinese(text: str) -> bool:
    return bool(text) and not any(ch.isascii() and ch.isalpha() for ch in text)


def test_every_receipt_business_and_document_kind_is_named_once():
    # issue 15.15: printing, the 日结 page and verification kept three copies
    assert set(verification.RECORD_TABLES) <= set(labels.BUSINESSES)
    assert set(printing.KIND_OF.values()) <= set(labels.DOCUMENTS)
    assert set(printing.RECORD_KINDS) <= set(labels.DOCUMENTS)
    assert all(reprint.KINDS[kind] == labels.DOCUMENTS[kind] for kind in reprint.KINDS)
    assert printing.DAY_LABELS is labels.DAY_LABELS
    assert not hasattr(verification, "BUSINESS_LABELS")


def test_every_label_is_chinese():
    for table in (labels.BUSINESSES, labels.AUDITED, labels.ACTIONS, labels.DAY_LABELS, labels.REVIEW_BUSINESS,
                  labels.REVIEW_ACTIONS, labels.DOCUMENTS, labels.STATUSES, labels.CHANGE_FIELDS,
                  labels.OFFSITE_ACTIONS):
        assert all(_chinese(label) for label in table.values()), table


def test_every_business_written_to_the_audit_or_a_receipt_has_a_name():
    written = set()
    for path in [*SOURCES.glob("services/**/*.py"), *SOURCES.glob("records/*.py"), *SOURCES.glob("sync/*.py")]:
        written |= set(re.findall(r'business="([a-z_]+)"', path.read_text(encoding="utf-8")))
    written |= set(verification.RECORD_TABLES)  # the businesses a receipt is issued for
    assert written - set(labels.AUDITED) == set()
