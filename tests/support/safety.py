"""Helpers of the fault suite: a configured hall with staff, a few finished businesses, and the
whole-file consistency check (reused from the services' crash test)."""

from __future__ import annotations

from datetime import date, datetime

from desktop.services import accounts, change, enrollment, hall, persons, receipt
from desktop.services.context import CHINA
from tests.support.accounts import FAST  # noqa: F401 - re-exported
from tests.support.services import check_no_half_business, make_id  # noqa: F401 - re-exported

NOW = datetime(2025, 11, 15, 10, 0, tzinfo=CHINA)
PASSWORD = "Desk2026qq"


def configured(db, *, clerks=("clerk-03",)):
    """A 武进区 hall (window 03) with an administrator, the given clerks and a reviewer."""
    hall.configure_hall(db, "武进区", "湖塘便民服务中心", "320412", "03", "admin", "Guard2026zz", "王管理", now=NOW)
    admin = hall.context_for(db, accounts.login(db, "admin", "Guard2026zz", NOW), lambda: NOW)
    for name in clerks:
        accounts.create_account(admin, name, PASSWORD, "经办" + name, ["clerk"])
    accounts.create_account(admin, "rev", "Check2026ww", "赵复核", ["reviewer"])
    hall.set_setting(admin, "elderly_from_age", "60")  # 常州 leaves the age to the hall
    return admin


def clerk_ctx(db, name="clerk-03"):
    return hall.context_for(db, accounts.login(db, name, PASSWORD, NOW), lambda: NOW)


def visit(ctx, i: int) -> str:
    """One counter visit as the crash writer does it: register, enroll, change phone, maybe void."""
    number = make_id(date(1940, 1, 1) + date.resolution * (i % 20_000), 1 + i // 20_000)
    persons.register_person(ctx, number, "张三" + "丰" * (i % 3))
    result = enrollment.enroll(ctx, number, 2026)
    change.change(ctx, number, "phone", f"138{i:08d}")
    if i % 5 == 0:
        receipt.void_receipt(ctx, result.receipt_serial, "重打")
    return number


def all_counts(db) -> dict[str, int]:
    tables = [
        r[0]
        for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'person_name_fts%'"
        )
    ]
    return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
