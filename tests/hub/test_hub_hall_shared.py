"""What a hall shares travels with its rows: an account disabled at one window is disabled at
every window of the hall at the next pull; a hall setting likewise. Another hall's are not."""

from __future__ import annotations

from datetime import datetime

import pytest
from argon2 import PasswordHasher

from desktop.records import accounts as account_rows
from desktop.services import accounts, hall
from desktop.services.context import CHINA
from desktop.sync import sync_once

PASSWORD = "Desk2026qq"


@pytest.fixture(autouse=True)
def fast_hashes(monkeypatch):
    # argon2id at the product's parameters takes ~0.5 s a hash; these tests are about sync
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    monkeypatch.setattr(accounts, "_dummy_hash", None)


def test_a_disabled_account_is_disabled_at_every_window_of_the_hall(make_node):
    nodes = {
        code: make_node(window, hall_code, role="admin", operator_id="admin", now=datetime(2025, 11, 15, 11 - i, 0, tzinfo=CHINA))
        # window 03 acts last (its clock is the latest): its change is the newest
        for i, (code, window, hall_code) in enumerate(
            (("w3", "03", "320412"), ("w7", "07", "320412"), ("other", "03", "320411"))
        )
    }
    for code, (ctx, url) in list(nodes.items()):
        # each window configured with its administrator; a Context comes only from a login
        hall.configure_hall(ctx.db, "武进区", "武进区医保中心", ctx.hall_code, ctx.window, "admin", "Guard2026zz",
                            "王管理", now=ctx.clock())
        admin = hall.context_for(ctx.db, accounts.login(ctx.db, "admin", "Guard2026zz", ctx.clock()), ctx.clock)
        accounts.create_account(admin, "clerk02", PASSWORD, "李经办", ["clerk"])
        sync_once(ctx.db, url)
        nodes[code] = (admin, url)
    w3 = nodes["w3"][0]
    accounts.disable_account(w3, "clerk02", "调离")
    hall.set_setting(w3, "elderly_from_age", "60")
    for ctx, url in nodes.values():
        sync_once(ctx.db, url)
    assert account_rows.get(nodes["w7"][0].db, "clerk02")["disabled_at"] is not None
    assert account_rows.settings(nodes["w7"][0].db)["elderly_from_age"] == "60"
    # a window of another hall keeps its own clerk02 and settings
    assert account_rows.get(nodes["other"][0].db, "clerk02")["disabled_at"] is None
    assert "elderly_from_age" not in account_rows.settings(nodes["other"][0].db)

