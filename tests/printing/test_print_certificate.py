"""参保证明 (issue 14, visits.md #15): a certificate of enrollment for a period, from the records,
with a QR check value that `yibao-desk verify` accepts, on A4, archived, audited."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from desktop.errors import Refusal
from desktop.services import certificate, enrollment, persons, printing, receipt, verification
from desktop.services.context import CHINA
from tests.support.printing import cli_json, flat, make_ctx, make_id, run_cli

CHILD = make_id(date(2016, 9, 9), 3)  # 9 in 2025: 未成年居民


def _at(db, y, m, d, **kw):
    return make_ctx(db, now=datetime(y, m, d, 10, 0, tzinfo=CHINA), **kw)


@pytest.fixture
def insured(db):
    """A pupil enrolled for 2025 (on 2024-11-15) and for 2026 (on 2025-11-15) in 天宁区."""
    first = _at(db, 2024, 11, 15)
    persons.register_person(first, CHILD, "欧阳𠇹")
    e2025 = enrollment.enroll(first, CHILD, 2025)
    e2026 = enrollment.enroll(_at(db, 2025, 11, 15), CHILD, 2026)
    return e2025, e2026


def test_certificate_lists_the_years_with_fees_and_verifies(db, db_path, insured):
    ctx = _at(db, 2025, 12, 1)
    issued = certificate.issue(ctx, CHILD, "2025", "2026", purpose="子女入学")
    # 未成年居民 personal contributions: 2025 390 元 (360 + 长护险 30, 003 §三、§变化二(三));
    # 2026 380 元 (002 §一(一)); together 390 + 380 = 770 元
    assert [line["personal_fen"] for line in issued.plan.lines] == [39000, 38000]
    assert issued.plan.amount_fen == 77000
    doc = certificate.document(ctx, issued.receipt_serial)
    printed = printing.print_document(ctx, doc)
    text = flat(printed.pdf)
    assert "城乡居民基本医疗保险参保缴费证明" in text
    assert "兹证明欧阳𠇹（公民身份号码：" + CHILD[:6] + "********" + CHILD[-4:] + "）" in text
    assert CHILD not in text  # masked, first 6 and last 4
    assert "于2025年1月至2026年12月期间参加城乡居民基本医疗保险" in text
    assert "2025天宁区未成年居民390.00" in text and "2026天宁区未成年居民380.00" in text
    assert "个人缴费合计770.00元" in text and "特此证明" in text and "本证明用于子女入学。" in text
    assert "经办机构（盖章）" in text and "2025年12月1日" in text
    assert printed.archived.exists() and printed.archived.name == f"{issued.receipt_serial}-certificate.pdf"
    # the QR check value, through the real command line
    qr = doc.qr_text
    assert qr.startswith(issued.receipt_serial + "|")
    done = run_cli("verify", qr, db=db_path)
    answer = cli_json(done)
    assert done.returncode == 0 and answer["valid"] is True and answer["business"] == "certificate"
    assert "参保证明" in answer["message"]
    assert verification.verify(db, qr[:-1] + ("A" if qr[-1] != "A" else "B")).valid is False


def test_issuing_is_one_business_with_its_serial_and_audit_entry(db, insured):
    ctx = _at(db, 2025, 12, 1)
    before = db.execute("SELECT count(*) FROM audit").fetchone()[0]
    issued = certificate.issue(ctx, CHILD, "2026-03", "2026-06")
    assert [line["year"] for line in issued.plan.lines] == [2026]
    row = db.execute("SELECT business, amount_fen FROM receipts WHERE serial = ?", [issued.receipt_serial]).fetchone()
    assert row == ("certificate", 38000)
    entry = db.execute("SELECT action, business, amount_fen FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    assert entry == ("issue", "certificate", 38000)
    assert db.execute("SELECT count(*) FROM audit").fetchone()[0] == before + 1
    doc = certificate.document(ctx, issued.certificate_id)
    assert "于2026年3月至2026年6月期间" in flat(printing.print_document(ctx, doc).pdf)


def test_a_voided_enrollment_receipt_is_not_certified(db, insured):
    e2025, _ = insured
    ctx = _at(db, 2025, 12, 1)
    receipt.void_receipt(_at(db, 2024, 11, 15), e2025.receipt_serial, "重复开具")
    issued = certificate.issue(ctx, CHILD, "2025", "2026")
    assert [line["year"] for line in issued.plan.lines] == [2026]


def test_a_period_without_enrollment_is_refused_and_nothing_written(db, insured):
    ctx = _at(db, 2025, 12, 1)
    receipts_before = db.execute("SELECT count(*) FROM receipts").fetchone()[0]
    with pytest.raises(Refusal) as refused:
        certificate.issue(ctx, CHILD, "2023", "2024")
    assert refused.value.code == "not_enrolled" and "2023年1月至2024年12月" in refused.value.message
    with pytest.raises(Refusal) as bad:
        certificate.issue(ctx, CHILD, "2026-13")
    assert bad.value.field == "period_from" and "1至12" in bad.value.message
    with pytest.raises(Refusal) as backwards:
        certificate.issue(ctx, CHILD, "2026", "2025")
    assert backwards.value.field == "period_to"
    assert db.execute("SELECT count(*) FROM receipts").fetchone()[0] == receipts_before


def test_an_administrator_may_not_issue(db, insured):
    admin = _at(db, 2025, 12, 1, operator_id="admin01", role="admin")
    with pytest.raises(Refusal) as refused:
        certificate.issue(admin, CHILD, "2026")
    assert refused.value.code == "forbidden"


def test_the_command_line_issues_with_a_clerks_login_and_prints_it_again(db, db_path, insured, tmp_path,
                                                                         monkeypatch):
    from desktop.services import accounts, hall

    password = "Desk2026qq"
    admin = hall.configure_hall(db, "天宁区", "天宁区医保中心", "320402", "03", "admin", password, "钱管理",
                                now=datetime(2025, 11, 30, 9, 0, tzinfo=CHINA))
    accounts.create_account(hall.context_for(db, admin), "wang", password, "王经办", ["clerk"])
    args = ("certificate", CHILD, "--from", "2025", "--to", "2026", "--purpose", "子女入学")
    refused = run_cli(*args, db=db_path, home=tmp_path / "home")
    assert refused.returncode == 2 and cli_json(refused)["error"]["field"] == "user"
    done = run_cli(*args, "--user", "wang", "--out", str(tmp_path / "c.pdf"), db=db_path, home=tmp_path / "home",
                   password=password)
    answer = cli_json(done)
    assert done.returncode == 0 and answer["years"] == [2025, 2026] and answer["personal"] == "770.00"
    text = flat((tmp_path / "c.pdf").read_bytes())
    assert "天宁区医保中心" in text and "王经办" in text and "个人缴费合计770.00元" in text
    entry = db.execute("SELECT action, operator_id FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    assert entry == ("issue", "wang")
    assert verification.verify(db, verification.qr_text(db, answer["serial"])).valid
    again = run_cli("render", "certificate", "--record", answer["serial"], "--out", str(tmp_path / "again.pdf"),
                    "--user", "wang", db=db_path, home=tmp_path / "home", password=password)
    assert again.returncode == 0, again.stdout
    assert "个人缴费合计770.00元" in flat((tmp_path / "again.pdf").read_bytes())
