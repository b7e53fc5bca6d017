from __future__ import annotations

import pytest

from desktop.services import accounts, hall
from tests.support.accounts import NOW, PASSWORDS


@pytest.fixture
def admin(db):
    """A 天津 hall configured, logged in as its first administrator."""
    hall.configure_hall(db, "天津市", "和平区便民服务中心", "120101", "01", "admin", PASSWORDS["admin"], "王管理", now=NOW)
    account = accounts.login(db, "admin", PASSWORDS["admin"], NOW)
    return hall.context_for(db, account, lambda: NOW)


@pytest.fixture
def staff(db, admin):
    """Contexts of: the administrator, a clerk, a reviewer, a clerk+reviewer, an admin+clerk."""
    accounts.create_account(admin, "clerk", PASSWORDS["clerk"], "李经办", ["clerk"])
    accounts.create_account(admin, "rev", PASSWORDS["rev"], "赵复核", ["reviewer"])
    accounts.create_account(admin, "both", PASSWORDS["both"], "钱兼任", ["经办人", "复核人"])
    accounts.create_account(admin, "boss", PASSWORDS["boss"], "孙站长", ["admin", "clerk"])
    out = {"admin": admin}
    for name in ("clerk", "rev", "both", "boss"):
        out[name] = hall.context_for(db, accounts.login(db, name, PASSWORDS[name], NOW), lambda: NOW)
    return out
