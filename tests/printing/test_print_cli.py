"""`yibao-desk render` and `yibao-desk verify` through the real command line, and the archive."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime

import pytest

from desktop.records.db import open_db
from desktop.services import enrollment, persons, printing, verification
from desktop.services.context import CHINA
from tests.support.printing import (
    CLERK_PASSWORD,
    cli_json,
    flat,
    make_ctx,
    make_id,
    run_cli,
    with_accounts,
)

ELDER = make_id(date(1950, 2, 1), 1)
INPATIENT = {"calc": "inpatient", "region": "天宁区", "year": 2026, "scheme": "resident",
             "category": "老年居民", "hospital_level": 2, "admission": 1, "compliant_cost": "10000"}


@pytest.fixture
def enrolled(ctx):
    persons.register_person(ctx, ELDER, "王𠇹")
    return enrollment.enroll(ctx, ELDER, 2026)


def _tamper_amount(db_path, serial: str, fen: int) -> None:
    """What someone with the file and sqlite3 could do: drop the trigger, change the amount."""
    with sqlite3.connect(db_path) as raw:
        raw.execute("DROP TRIGGER receipts_no_update")
        raw.execute("UPDATE receipts SET amount_fen = ? WHERE serial = ?", [fen, serial])


def test_check_value_is_short_base32_and_covers_the_essential_fields():
    fields = {"amount_fen": 73000, "id_number": ELDER, "issued_at": "2025-11-15T10:00:00+08:00"}
    value = verification.check_value("320402-03-2025-000001", fields, b"k" * 32)
    assert len(value) == 12 and set(value) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert value == verification.check_value("320402-03-2025-000001", dict(fields), b"k" * 32)
    for key, other in (("amount_fen", 73001), ("id_number", ELDER[:-1] + "X"), ("issued_at", "2025-11-16")):
        assert verification.check_value("320402-03-2025-000001", {**fields, key: other}, b"k" * 32) != value
    assert verification.check_value("320402-03-2025-000002", fields, b"k" * 32) != value
    assert verification.check_value("320402-03-2025-000001", fields, b"x" * 32) != value


def test_the_hall_secret_is_made_once_and_cannot_be_replaced(ctx):
    first = verification.hall_secret(ctx.db, "320402")
    assert verification.hall_secret(ctx.db, "320402") == first and len(first) == 32
    assert verification.hall_secret(ctx.db, "320412") != first
    with pytest.raises(sqlite3.IntegrityError):
        ctx.db.execute("UPDATE hall_secrets SET secret = ?", ["0" * 64])


def test_qr_verifies_through_the_cli_and_a_tampered_amount_does_not(ctx, enrolled, db_path):
    qr = printing.acceptance_receipt(ctx, enrolled.receipt_serial).qr_text
    assert qr == printing.payment_notice(ctx, enrolled.receipt_serial).qr_text
    done = run_cli("verify", qr, db=db_path)
    answer = cli_json(done)
    assert done.returncode == 0
    assert answer["serial"] == enrolled.receipt_serial and answer["valid"] is True
    assert answer["voided"] is False and answer["business"] == "enroll"
    assert answer["issued_at"].startswith("2025-11-15")

    forged = qr[:-1] + ("A" if qr[-1] != "A" else "B")
    assert cli_json(bad := run_cli("verify", forged, db=db_path))["valid"] is False and bad.returncode == 1

    ctx.db.close()
    _tamper_amount(db_path, enrolled.receipt_serial, 1000)
    done = run_cli("verify", qr, db=db_path)
    answer = cli_json(done)
    assert done.returncode == 1 and answer["valid"] is False
    assert "不一致" in answer["message"]


def test_a_tampered_business_record_amount_is_caught_too(ctx, enrolled, db_path):
    qr = verification.qr_text(ctx.db, enrolled.receipt_serial)
    ctx.db.close()
    with sqlite3.connect(db_path) as raw:
        raw.execute("DROP TRIGGER enrollments_no_update")
        raw.execute("UPDATE enrollments SET personal_fen = 100 WHERE receipt_serial = ?", [enrolled.receipt_serial])
    answer = cli_json(done := run_cli("verify", qr, db=db_path))
    assert done.returncode == 1 and answer["valid"] is False and "业务记录" in answer["message"]


def test_unknown_serial_and_garbage_answer_invalid_in_chinese(ctx, enrolled, db_path):
    answer = cli_json(done := run_cli("verify", "320402-03-2025-999999|AAAAAAAAAAAA", db=db_path))
    assert done.returncode == 1 and answer["valid"] is False and "不存在" in answer["message"]
    answer = cli_json(done := run_cli("verify", "not a receipt", db=db_path))
    assert done.returncode == 1 and "格式" in answer["message"]


def test_an_id_number_change_does_not_break_earlier_receipts(ctx, enrolled):
    from desktop.services import change

    qr = verification.qr_text(ctx.db, enrolled.receipt_serial)
    later = make_ctx(ctx.db, now=datetime(2025, 11, 20, 9, 0, tzinfo=CHINA))
    change.change(later, ELDER, "id_number", make_id(date(1950, 2, 1), 9))  # 常州: effective at once
    assert verification.verify(ctx.db, qr).valid


def test_the_answer_shows_what_the_paper_must_say_so_a_hand_altered_amount_is_caught(ctx, enrolled, db_path):
    """Issue 13, finding 8: the QR holds only the serial and a check value, so a receipt whose
    printed amount was changed by pen still verifies; the answer therefore shows the stored
    business, amount, masked name and ID number and the time of issue for the clerk to compare."""
    qr = verification.qr_text(ctx.db, enrolled.receipt_serial)
    answer = cli_json(done := run_cli("verify", qr, db=db_path))
    assert done.returncode == 0 and answer["valid"] is True
    # 常州 2026 老年居民: the personal contribution the enrollment assessed, in yuan
    stored = f"{enrolled.contribution.personal_fen / 100:.2f}"
    assert answer["amount"] == stored and answer["amount_fen"] == enrolled.contribution.personal_fen
    assert answer["business_label"] == "参保登记"
    assert answer["person"] == "王*" and answer["id_number"] == ELDER[:6] + "********" + ELDER[-4:]
    assert answer["issued_at"].startswith("2025-11-15T")
    for shown in (f"金额{stored}元", "王*", ELDER[-4:], "2025-11-15", "请核对"):
        assert shown in answer["message"].replace(" ", ""), shown
    assert ELDER not in json.dumps(answer, ensure_ascii=False)  # masked everywhere
    # the pen changed 730.00 into 30.00 on paper: the clerk reads 730.00 in the answer
    assert "30.00" != answer["amount"]


def test_a_voided_receipt_is_not_valid(ctx, enrolled, db_path):
    from desktop.services import receipt

    receipt.void_receipt(ctx, enrolled.receipt_serial, "重复开具")
    result = verification.verify(ctx.db, verification.qr_text(ctx.db, enrolled.receipt_serial))
    assert result.valid is False and result.voided is True
    assert result.void_reason == "重复开具" and result.voided_at.startswith("2025-11-15")
    assert "作废" in result.message and "重复开具" in result.message
    answer = cli_json(done := run_cli("verify", verification.qr_text(ctx.db, enrolled.receipt_serial), db=db_path))
    assert done.returncode == 1 and answer["valid"] is False and answer["voided"] is True
    assert answer["void_reason"] == "重复开具"


def test_render_estimate_from_a_json_request(tmp_path):
    request = tmp_path / "inpatient.json"
    request.write_text(json.dumps(INPATIENT, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "estimate.pdf"
    done = run_cli("render", "estimate", "--input", str(request), "--out", str(out), "--paper", "A5",
                   db=tmp_path / "hall.sqlite3")
    assert done.returncode == 0, done.stderr
    answer = cli_json(done)
    text = flat(out.read_bytes())
    # 002 §三(一): (10000 − 600) × 80% = 7520
    assert "7520.00" in text and "2480.00" in text and "报销测算单" in text
    archived = tmp_path / "archive"
    assert answer["archived"].startswith(str(archived)) and answer["archived"].endswith("-estimate.pdf")


def test_render_checklist_ticks_provided_materials_large_print(tmp_path):
    request = {"calc": "materials", "region": "武进区", "year": 2026, "item": "零星报销",
               "provided": ["医疗收费票据", "费用明细清单"]}
    out = tmp_path / "checklist.pdf"
    done = run_cli("render", "checklist", "--large-print", "--out", str(out), db=tmp_path / "hall.sqlite3",
                   stdin=json.dumps(request, ensure_ascii=False))
    assert done.returncode == 0, done.stderr
    text = flat(out.read_bytes())
    assert "一次性告知单" in text and "零星报销" in text and "本人银行借记卡" in text
    assert "请补齐以下材料后再来办理" in text


def test_render_refusals_are_the_calculators_json_with_exit_2(tmp_path):
    db = tmp_path / "hall.sqlite3"
    bad_region = json.dumps({**INPATIENT, "region": "火星区"}, ensure_ascii=False)
    done = run_cli("render", "estimate", db=db, stdin=bad_region)
    assert done.returncode == 2 and cli_json(done)["error"]["code"] == "unknown_region"
    done = run_cli("render", "estimate", db=db, stdin="{not json")
    assert done.returncode == 2 and cli_json(done)["error"]["code"] == "invalid_json"
    done = run_cli("render", "checklist", db=db, stdin=json.dumps(INPATIENT, ensure_ascii=False))
    assert done.returncode == 2 and cli_json(done)["error"]["code"] == "unknown_calc"
    done = run_cli("render", "receipt", "--record", "nope", db=db)  # the account first: no hint whether it exists
    assert done.returncode == 2 and cli_json(done)["error"]["code"] == "missing_user"
    done = run_cli("render", "checklist", "--paper", "80mm", db=db, stdin="{}")
    assert done.returncode == 2 and cli_json(done)["error"]["code"] == "invalid_paper"
    # issue 15.11: a hall setting no pack reads is refused, not silently ignored
    done = run_cli("render", "estimate", "--setting", "critical_illness_threshold=27500", db=db,
                   stdin=json.dumps(INPATIENT, ensure_ascii=False))
    assert done.returncode == 2 and cli_json(done)["error"]["code"] == "unknown_setting"


def test_render_record_documents_from_the_cli_and_archive_reprints(ctx, enrolled, db_path, tmp_path):
    serial = enrolled.receipt_serial
    ctx.db.close()
    with_accounts(db_path)
    out = tmp_path / "notice.pdf"
    clerk = ("--user", "clerk01")
    # without an account, with a wrong password, as an administrator: refused, nothing printed
    for argv, password, code in ((("render", "payment_notice", "--record", serial), None, "missing_user"),
                                 (("render", "payment_notice", "--record", serial, *clerk), "Wrong2026xx", "login_failed"),
                                 (("render", "payment_notice", "--record", serial, "--user", "admin"), "Guard2026zz", "forbidden")):
        done = run_cli(*argv, "--out", str(out), db=db_path, password=password)
        assert done.returncode == 2 and cli_json(done)["error"]["code"] == code, done.stdout
    assert not out.exists() and not (tmp_path / "archive" / "2025").exists()
    done = run_cli("render", "payment_notice", "--record", serial, "--paper", "80mm", "--out", str(out), *clerk,
                   db=db_path, password=CLERK_PASSWORD)
    assert done.returncode == 0, done.stderr
    assert "缴费通知单" in flat(out.read_bytes())
    first = cli_json(done)["archived"]
    again = cli_json(run_cli("render", "payment_notice", "--record", serial, *clerk, db=db_path,
                             password=CLERK_PASSWORD))["archived"]
    assert first == str(tmp_path / "archive" / "2025" / "11" / f"{serial}-payment_notice.pdf")
    assert again == first.replace("-payment_notice.pdf", "-payment_notice-2.pdf")
    done = run_cli("render", "day_report", "--day", "2025-11-15", "--operator", "clerk01", *clerk, db=db_path,
                   password=CLERK_PASSWORD)
    assert done.returncode == 0, done.stderr
    assert cli_json(done)["archived"].endswith("day_report.pdf")
    db = open_db(db_path)
    printed = [(r["operator_id"], r["entity_id"]) for r in db.query("SELECT * FROM audit WHERE action = 'print' ORDER BY seq")]
    db.close()
    assert printed == [("clerk01", serial), ("clerk01", serial), ("clerk01", "2025-11-15")]


def test_archive_never_overwrites(ctx, enrolled, tmp_path):
    doc = printing.acceptance_receipt(ctx, enrolled.receipt_serial)
    paths = [printing.print_document(ctx, doc, folder=tmp_path / "arc").archived for _ in range(3)]
    serial = enrolled.receipt_serial
    assert [p.name for p in paths] == [f"{serial}-receipt.pdf", f"{serial}-receipt-2.pdf", f"{serial}-receipt-3.pdf"]
    assert all(p.parent == tmp_path / "arc" / "2025" / "11" for p in paths)
    # default folder: archive/ beside the database file
    default = printing.print_document(ctx, doc).archived
    assert default.parent.parent.parent == ctx_db_dir(ctx) / "archive"


def ctx_db_dir(ctx):
    return printing.db_file(ctx).parent


def test_render_sample_needs_no_database(tmp_path):
    out = tmp_path / "sample.pdf"
    done = run_cli("render", "receipt", "--sample", "--out", str(out), home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF")
    assert "样张" in flat(out.read_bytes())  # a specimen never passes for a real receipt


def test_archive_folder_hall_setting_is_honoured(ctx, enrolled, tmp_path):
    from desktop.records import accounts

    accounts.put_setting(ctx.db, "archive_folder", str(tmp_path / "hall-archive"), "2025-11-15T10:00:00+08:00", "admin")
    printed = printing.print_document(ctx, printing.processing_slip(ctx, enrolled.receipt_serial))
    assert printed.archived == (tmp_path / "hall-archive" / "2025" / "11"
                                / f"{enrolled.receipt_serial}-processing_slip.pdf")


def test_render_claim_estimate_and_checklist_by_record(db, db_path, tmp_path):
    from desktop.services import manual_claim

    ctx = make_ctx(db, region="武进区", hall_code="320412", now=datetime(2026, 5, 6, 9, 0, tzinfo=CHINA))
    persons.register_person(ctx, ELDER, "王𠇹")
    bill = {"kind": "住院", "amount": "12000", "compliant_amount": "10000", "hospital_level": 3,
            "start_on": "2026-02-01", "end_on": "2026-02-10"}
    r = manual_claim.accept_claim(ctx, ELDER, [bill], ["医疗收费票据"], category="老年居民", offsite="")
    db.close()
    with_accounts(db_path, region="武进区", hall_code="320412")
    out = tmp_path / "claim-estimate.pdf"
    clerk = ("--user", "clerk01")
    done = run_cli("render", "estimate", "--record", r.receipt_serial, "--out", str(out), *clerk, db=db_path,
                   password=CLERK_PASSWORD)
    assert done.returncode == 0, done.stderr
    assert "6300.00" in flat(out.read_bytes())  # (10000 − 1000) × 70%, as stored with the claim
    done = run_cli("render", "checklist", "--record", r.claim_id, "--out", str(out), *clerk, db=db_path,
                   password=CLERK_PASSWORD)
    assert done.returncode == 0, done.stderr
    assert "请补齐以下材料后再来办理" in flat(out.read_bytes())


def test_reprint_from_the_cli_is_marked_archived_and_audited(ctx, enrolled, db_path, tmp_path):
    # the receipt was issued 2025-11-15 10:00 (the ctx's clock); the CLI prints today, after
    # the 2026 缴费截止日期 2025-12-31 (002 §二): the paper carries no deadline any more
    serial = enrolled.receipt_serial
    ctx.db.close()
    out = tmp_path / "again.pdf"
    done = run_cli("render", "payment_notice", "--record", serial, "--reprint", "--out", str(out), db=db_path)
    assert done.returncode == 0, done.stderr
    text = flat(out.read_bytes())
    assert "缴费通知单（补打）" in text and "办理时间：2025-11-1510:00" in text and "打印时间：" in text
    assert "缴费截止日期：2025年12月31日" not in text and "缴费期限已过" in text
    assert cli_json(done)["archived"].endswith(f"{serial}-payment_notice.pdf")
    with sqlite3.connect(db_path) as raw:
        rows = raw.execute("SELECT entity_id, json_extract(payload, '$.kind') FROM audit "
                           "WHERE action = 'reprint'").fetchall()
    assert rows == [(serial, "payment_notice")]


def test_reprint_from_the_cli_needs_a_login_once_the_hall_has_accounts(db, db_path, tmp_path):
    from desktop.services import hall

    hall.configure_hall(db, "天宁区", "天宁区医保经办大厅", "320402", "03", "admin", "Guard2026zz", "王管理")
    db.close()
    done = run_cli("render", "receipt", "--record", "320402-03-2025-000001", "--reprint", db=db_path)
    assert done.returncode == 2 and cli_json(done)["error"]["code"] == "missing_user"
