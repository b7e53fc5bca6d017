"""The check value printed in a receipt's QR code, and checking a scanned one.

The QR holds no amount, so a receipt whose printed amount was changed by pen still carries a
good check value: the answer shows what the database holds (business, amount, masked name and
ID number, time of issue) for the clerk to compare with the paper, and a voided receipt is not
valid.

QR text = `serial|check`, where `check` is a short HMAC-SHA256 (base32, 12 characters = 60 bits)
over the serial and the receipt's essential fields: the amount in fen, the person's ID number
(as it was when the receipt was issued) and the moment of issue. The key is a per-hall secret
generated once and kept in the database (`hall_secrets`, append-only). A receipt whose amount
was altered, on paper or in the database, no longer verifies.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from sqlite_utils import Database

from desktop.identity import mask_id, mask_name
from desktop.records import receipts
from desktop.records.money import to_yuan
from desktop.records.rows import one
from desktop.records.tx import write
from desktop.services import labels

CHECK_LENGTH = 12
SEPARATOR = "|"

# Business record table by receipt business, and the column that must equal the receipt's amount.
RECORD_TABLES: dict[str, tuple[str, str | None]] = {
    "enroll": ("enrollments", "personal_fen"),
    "renewal": ("enrollments", "personal_fen"),
    "change": ("changes", None),
    "suspension": ("terminations", None),
    "termination": ("terminations", None),
    "refund": ("refunds", "amount_fen"),
    "offsite_filing": ("offsite_filings", None),
    "manual_claim": ("manual_claims", "total_fen"),
    "certificate": ("certificates", "amount_fen"),
    "chronic_application": ("chronic_applications", None),
}


def check_value(serial: str, record_fields: Mapping[str, Any], secret: bytes | str) -> str:
    """HMAC-SHA256 over the serial and `amount_fen`, `id_number`, `issued_at`; base32, 12 chars."""
    key = secret.encode() if isinstance(secret, str) else secret
    amount = record_fields.get("amount_fen")
    message = SEPARATOR.join(
        [
            serial,
            "" if amount is None else str(int(amount)),
            str(record_fields.get("id_number") or ""),
            str(record_fields.get("issued_at") or ""),
        ]
    )
    digest = hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii")[:CHECK_LENGTH]


def hall_secret(db: Database, hall_code: str) -> bytes:
    """The hall's secret, generated (once, in its own transaction) when first needed."""
    row = one(db, "SELECT secret FROM hall_secrets WHERE hall_code = ?", [hall_code])
    if row is None:
        from desktop.services.context import china_now

        with write(db):
            db.execute(
                "INSERT OR IGNORE INTO hall_secrets (hall_code, secret, created_at) VALUES (?, ?, ?)",
                [hall_code, secrets.token_hex(32), china_now().isoformat(timespec="seconds")],
            )
        row = one(db, "SELECT secret FROM hall_secrets WHERE hall_code = ?", [hall_code])
    assert row is not None
    return bytes.fromhex(row["secret"])


def id_number_at(db: Database, person_id: str | None, moment: str) -> str:
    """The person's ID number as it was at `moment` (an ID-number change later does not break
    the receipts printed before it)."""
    if person_id is None:
        return ""
    person = one(db, "SELECT id_number FROM persons WHERE id = ?", [person_id])
    current = person["id_number"] if person else ""
    # Changes of the ID number that took effect after `moment`: the earliest one's `before`.
    for change in db.query(
        "SELECT * FROM changes WHERE person_id = ? AND field = 'id_number' ORDER BY created_at",
        [person_id],
    ):
        effective = _effective_at(db, change)
        if effective is not None and effective > moment:
            return change["before"] or current
    return current


def _effective_at(db: Database, change: Mapping[str, Any]) -> str | None:
    if not change["review_levels"]:
        return change["created_at"]
    request = one(db, "SELECT id, levels FROM review_requests WHERE subject_id = ?", [change["id"]])
    if request is None:
        return None
    decisions = list(
        db.query(
            "SELECT decision, created_at FROM reviews WHERE request_id = ? ORDER BY level",
            [request["id"]],
        )
    )
    approvals = [d for d in decisions if d["decision"] == "approve"]
    if any(d["decision"] == "reject" for d in decisions) or len(approvals) < request["levels"]:
        return None
    return approvals[-1]["created_at"]


def essential_fields(db: Database, receipt: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "amount_fen": receipt["amount_fen"],
        "id_number": id_number_at(db, receipt["person_id"], receipt["created_at"]),
        "issued_at": receipt["created_at"],
    }


def check_for(db: Database, serial: str) -> str:
    """The check value of a stored receipt (KeyError when the serial is unknown)."""
    receipt = receipts.get(db, serial)
    if receipt is None:
        raise KeyError(serial)
    return check_value(serial, essential_fields(db, receipt), hall_secret(db, receipt["hall_code"]))


def qr_text(db: Database, serial: str) -> str:
    """What the receipt's QR code holds: `serial|check`."""
    return f"{serial}{SEPARATOR}{check_for(db, serial)}"


@dataclass(frozen=True)
class Verification:
    serial: str | None
    valid: bool
    voided: bool
    business: str | None
    issued_at: str | None
    message: str
    # what the stored receipt says, for the clerk to compare with the paper
    business_label: str | None = None
    amount: str | None = None  # yuan, "730.00"
    amount_fen: int | None = None
    person: str | None = None  # masked name
    id_number: str | None = None  # masked, as at the time of issue
    void_reason: str | None = None
    voided_at: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _record_amount_matches(db: Database, receipt: Mapping[str, Any]) -> bool:
    table, column = RECORD_TABLES.get(receipt["business"], (None, None))
    if table is None or column is None:
        return True
    record = one(db, f"SELECT {column} AS amount FROM {table} WHERE id = ?", [receipt["record_id"]])
    return record is not None and record["amount"] == receipt["amount_fen"]


def verify(db: Database, text: str) -> Verification:
    """Check a scanned QR text against the database; never raises on bad input."""
    serial, sep, check = (text or "").strip().partition(SEPARATOR)
    serial, check = serial.strip(), check.strip().upper()
    if not sep or not serial or not check:
        return Verification(
            serial or None, False, False, None, None,
            "二维码内容格式不正确，应为“收据号|校验码”",
        )
    receipt = receipts.get(db, serial)
    if receipt is None:
        return Verification(
            serial, False, False, None, None, f"收据号“{serial}”在本库中不存在，无法核验"
        )
    voided = receipt["void_reason"] is not None
    business = receipt["business"]
    issued = receipt["created_at"]
    essential = essential_fields(db, receipt)
    expected = check_value(serial, essential, hall_secret(db, receipt["hall_code"]))
    label = labels.BUSINESSES.get(business, business)
    person = one(db, "SELECT name FROM persons WHERE id = ?", [receipt["person_id"]]) if receipt["person_id"] else None
    fen = receipt["amount_fen"]
    stored = {
        "business_label": label,
        "amount": None if fen is None else to_yuan(fen),
        "amount_fen": fen,
        "person": mask_name(person["name"]) if person else None,
        "id_number": mask_id(essential["id_number"]) if essential["id_number"] else None,
        "void_reason": receipt["void_reason"],
        "voided_at": receipt["voided_at"],
    }

    def answer(valid: bool, message: str) -> Verification:
        return Verification(serial, valid, voided, business, issued, message, **stored)

    if not hmac.compare_digest(expected, check):
        return answer(False, "校验码不符：收据内容（金额、证件号码或开具时间）与库中记录不一致，可能被篡改")
    if not _record_amount_matches(db, receipt):
        return answer(False, "收据金额与业务记录中的金额不一致，库中数据可能被篡改")
    if voided:
        return answer(
            False,
            f"该{label}收据已于{receipt['voided_at'][:10]}作废（{receipt['void_reason']}），"
            "不能作为办理凭证；" + _what_it_says(stored, issued),
        )
    return answer(True, f"校验通过：{_what_it_says(stored, issued)}；请核对纸面上的业务、金额和姓名与此一致")


def _what_it_says(stored: Mapping[str, Any], issued: str) -> str:
    """The stored receipt in words: 参保登记收据，金额 730.00 元，王*（320412********0011），
    2025-11-15 10:00 开具."""
    parts = [f"{stored['business_label']}收据"]
    if stored["amount"] is not None:
        parts.append(f"金额 {stored['amount']} 元")
    if stored["person"]:
        parts.append(stored["person"] + (f"（{stored['id_number']}）" if stored["id_number"] else ""))
    parts.append(f"{issued[:10]} {issued[11:16]} 开具")
    return "，".join(parts)
