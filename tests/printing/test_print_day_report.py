"""日结报表 from a real hall's day: businesses only in the 合计, receipts with their amounts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest

from desktop.documents import render
from desktop.services import accounts, enrollment, hall, persons, printing, receipt
from desktop.services.context import CHINA
from tests.support.printing import flat, make_id

NOW = datetime(2025, 11, 15, 10, 0, tzinfo=CHINA)
PASSWORD = "Guard2026zz"


@pytest.fixture
def fast_hashes(monkeypatch):
    from argon2 import PasswordHasher

    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setattr(accounts, "_dummy_hash", None)


def test_the_day_counts_businesses_not_logins_accounts_or_settings(db, fast_hashes):
    admin = hall.configure_hall(db, "天宁区", "天宁区医保经办大厅", "320402", "03", "admin", PASSWORD, "钱管理", now=NOW)
    boss = hall.context_for(db, admin, lambda: NOW)
    hall.set_setting(boss, "elderly_from_age", "60")
    accounts.create_account(boss, "wang", PASSWORD, "王经办", ["clerk"])
    clerk = hall.context_for(db, accounts.login(db, "wang", PASSWORD, now=NOW), lambda: NOW)
    # 2026 常州: 老年居民 730.00 (700 + 30 长护险), 非从业居民 830.00 (800 + 30) (002 §一(三))
    elder, adult = make_id(date(1950, 2, 1), 1), make_id(date(1980, 3, 1), 2)
    persons.register_person(clerk, elder, "王一")
    persons.register_person(clerk, adult, "王二")
    first = enrollment.enroll(clerk, elder, 2026)
    second = enrollment.enroll(clerk, adult, 2026)
    receipt.void_receipt(clerk, second.receipt_serial, "类别选错")
    report = printing.day_report(clerk, date(2025, 11, 15))  # the whole hall
    counted = {b.business: b.count for b in report.businesses}
    # 2 人员登记 + 2 参保登记 = 4 businesses; the logins, the account, the setting, the void apart
    assert sum(counted.values()) == 4, counted
    assert not any(word in name for name in counted for word in ("登录", "账户", "参数", "作废"))
    others = {o.business: o.count for o in report.others}
    # 新建账户: the administrator at 首次设置 and 王经办
    assert others["登录"] == 1 and others["新建账户"] == 2 and others["修改大厅参数"] == 1
    assert "作废收据" not in others  # listed one by one under 作废回执
    amounts = {r.serial: r.amount for r in report.receipts}
    assert amounts[first.receipt_serial] == Decimal("730.00") and amounts[second.receipt_serial] == Decimal("830.00")
    text = flat(render(report))
    # valid receipts: only the 730.00 one (the 830.00 one is void): 合计 730.00 元
    assert "业务合计4" in text
    assert "有效回执金额合计730.00元" in text and "人民币柒佰叁拾元整" in text
    assert "其他操作（不计入业务笔数）" in text


def test_continuation_pages_carry_the_date_scope_and_serial_range(db, fast_hashes):
    from desktop.documents.samples import DAY

    entry = DAY.receipts[0]
    receipts = tuple(replace(entry, serial=f"320412-03-2025-{n:06d}") for n in range(1, 71))
    pdf = render(replace(DAY, receipts=receipts))
    import io

    from pypdf import PdfReader

    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) >= 2
    for page in pages[1:]:
        text = "".join(page.split())
        assert "日结报表（续）" in text and "2025年11月20日" in text and "3号窗口张敏" in text
        assert "320412-03-2025-000001至320412-03-2025-000070" in text


def test_a_certificate_is_not_money_in_the_days_totals(db, fast_hashes):
    """A 参保证明 carries the contributions it certifies as its receipt's amount (its QR check value
    covers them), but no money changes hands: the 日结 must not add it to the day's totals."""
    from desktop.services import certificate

    admin = hall.configure_hall(db, "天宁区", "天宁区医保经办大厅", "320402", "03", "admin", PASSWORD, "钱管理", now=NOW)
    boss = hall.context_for(db, admin, lambda: NOW)
    hall.set_setting(boss, "elderly_from_age", "60")
    accounts.create_account(boss, "wang", PASSWORD, "王经办", ["clerk"])
    clerk = hall.context_for(db, accounts.login(db, "wang", PASSWORD, now=NOW), lambda: NOW)
    elder = make_id(date(1950, 2, 1), 1)
    persons.register_person(clerk, elder, "王一")
    enrolled = enrollment.enroll(clerk, elder, 2026)  # 老年居民 730.00 (002 §一(三): 700 + 30)
    issued = certificate.issue(clerk, elder, "2026")  # certifies the 730.00 paid for 2026
    report = printing.day_report(clerk, date(2025, 11, 15))
    amounts = {r.serial: r.amount for r in report.receipts}
    assert amounts[enrolled.receipt_serial] == Decimal("730.00") and amounts[issued.receipt_serial] is None
    assert all("金额" not in b.business for b in report.businesses if "参保证明" in b.business)
    text = flat(render(report))
    # money of the day: the 730.00 contribution only (not 730.00 + 730.00 certified)
    assert "有效回执金额合计730.00元" in text
