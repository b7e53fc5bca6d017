"""pytest-qt end-to-end tests of the window: QSettings under tmp_path, a configured hall, a
window's Deps with a recording printer (offscreen unless --onscreen: tests/conftest.py)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from tests.support.ui import PASSWORD


@pytest.fixture(autouse=True)
def qsettings_in_tmp(tmp_path, qapp):
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    QSettings("yibao-desk", "yibao-desk").clear()
    yield
    QSettings("yibao-desk", "yibao-desk").clear()


@pytest.fixture
def hall_db(db, clock):
    """A 武进区 hall configured with an administrator, a clerk, a reviewer (all PASSWORD) and
    老年居民 from 60 (a hall setting)."""
    from desktop.services import accounts, hall

    admin = hall.configure_hall(db, "武进区", "武进区医保中心", "320412", "03", "admin", PASSWORD, "钱管理",
                                now=clock())
    ctx = hall.context_for(db, admin, clock)
    hall.set_setting(ctx, "elderly_from_age", "60")
    accounts.create_account(ctx, "wang", PASSWORD, "王经办", ["clerk"])
    accounts.create_account(ctx, "li", PASSWORD, "李复核", ["reviewer"])
    return db


@pytest.fixture
def clock():
    from desktop.services.context import CHINA

    return lambda: datetime(2025, 11, 15, 10, 0, tzinfo=CHINA)


class RecordingPrinter:
    """Stands in for the machine's printers: records (title, pdf, printer, paper) of each job."""

    def __init__(self, jobs: list) -> None:
        self.jobs = jobs

    def names(self) -> list[str]:
        return ["柜台打印机", "热敏小票机"]

    def default_name(self) -> str:
        return "柜台打印机"

    def send(self, pdf: bytes, printer: str, paper: str, title: str) -> None:
        self.jobs.append((title, pdf, printer, paper))


@pytest.fixture
def printed():
    """Print jobs the pages sent (title, pdf, printer, paper), through the preview dialog."""
    return []


@pytest.fixture
def previews():
    """Print preview dialogs the pages opened (left open for the test to drive)."""
    return []


@pytest.fixture
def deps(clock, printed, previews):
    """A 武进区 window without a database (policy pages only)."""
    from desktop.policy import loader
    from desktop.ui.deps import Deps, Hall

    return Deps(packs=loader.bundled(), hall=Hall(region="武进区", hall_code="320412", hall_name="武进区医保中心",
                                                 window="03", clerk="王经办"),
                settings={"elderly_from_age": Decimal(60)}, clock=clock, printer=RecordingPrinter(printed),
                preview=lambda dialog: (previews.append(dialog), dialog.print_now()),
                open_path=lambda path: None)


@pytest.fixture
def db_deps(deps, db):
    deps.db = db
    return deps
