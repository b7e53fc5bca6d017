"""Run as a subprocess by test_svc_crash.py: do businesses forever, printing each finished one."""

from __future__ import annotations

import sys
import time
from datetime import date, timedelta

from desktop.errors import Refusal
from desktop.records import accounts as account_rows
from desktop.records import receipts
from desktop.records.db import open_db
from desktop.services import accounts, change, enrollment, hall, persons, receipt
from tests.support.services import make_ctx, make_id

CLERK_PASSWORD = "Desk2026qq"  # tests.support.safety.PASSWORD


def pause_inside_transactions(after: int) -> None:
    """From the `after`-th receipt on, stop inside the business's transaction (the receipt
    row written, the business record not yet) and say so: the test kills us there."""
    issue = receipts.issue
    issued = 0

    def issue_then_wait(*args, **kwargs):
        nonlocal issued
        serial = issue(*args, **kwargs)
        issued += 1
        if issued >= after:
            print(f"in-transaction {serial}", flush=True)
            time.sleep(60)
        return serial

    receipts.issue = issue_then_wait


def main(path: str, start: int, pause_after: int, window: str) -> None:
    if pause_after:
        pause_inside_transactions(pause_after)
    db = open_db(path)
    ctx = make_ctx(db, window=window, operator_id=f"clerk-{window}")
    if account_rows.count(db):  # a configured hall: the clerk logs in (the safety suite's password)
        from argon2 import PasswordHasher

        accounts.HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        account = accounts.login(db, ctx.operator_id, CLERK_PASSWORD)
        ctx = hall.context_for(db, account, ctx.clock, window=window)
    i = start
    while True:
        number = make_id(date(1940, 1, 1) + timedelta(days=i % 20_000), 1 + i // 20_000)
        persons.register_person(ctx, number, "张三" + "丰" * (i % 3))
        result = enrollment.enroll(ctx, number, 2026)
        change.change(ctx, number, "phone", f"138{i:08d}")
        if i % 5 == 0:
            receipt.void_receipt(ctx, result.receipt_serial, "重打")
        try:  # a refusal in the middle of the batch writes nothing
            enrollment.enroll(ctx, number, 2026)
        except Refusal:
            pass
        print(i, flush=True)
        i += 1


if __name__ == "__main__":
    args = sys.argv[1:] + ["0", "03"][len(sys.argv) - 3 :]
    main(args[0], int(args[1]), int(args[2]), args[3])
