"""pytest-qt end-to-end tests of the window: offscreen unless --onscreen, QSettings under tmp_path."""

from __future__ import annotations

import os
from datetime import date, datetime
from decimal import Decimal

import pytest


def pytest_addoption(parser):
    parser.addoption("--onscreen", action="store_true", default=False, help="show the windows (needs a display)")


def pytest_configure(config):
    if not config.getoption("--onscreen"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


@pytest.fixture(autouse=True)
def qsettings_in_tmp(tmp_path, qapp):
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    QSettings("yibao-desk", "yibao-desk").clear()
    yield
    QSettings("yibao-desk", "yibao-desk").clear()


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("YIBAO_DESK_HOME", str(tmp_path / "home"))


@pytest.fixture(autouse=True)
def fast_hashes(monkeypatch):
    """argon2 at a test cost (the rules under test do not depend on it)."""
    from argon2 import PasswordHasher

    from desktop.services import accounts

    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setattr(accounts, "_dummy_hash", None)


PASSWORD = "Desk2026qq"


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


def signed_in(deps, db, username: str):
    """`deps` on the configured hall `db`, logged in as `username`."""
    from dataclasses import replace

    from desktop.services import accounts

    out = replace(deps, db=db)
    out.sign_in(accounts.login(db, username, PASSWORD, now=deps.clock()))
    return out


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
def db(tmp_path):
    from desktop.records.db import open_db

    database = open_db(tmp_path / "desk.sqlite3")
    yield database
    database.close()


@pytest.fixture
def db_deps(deps, db):
    deps.db = db
    return deps


def make_id(birth: date, seq: int = 1, *, male: bool = False, region_code: str = "320412") -> str:
    """A valid 18-digit number: region + birth date + sequence (odd = male) + check digit."""
    from stdnum.cn import ric

    order = (seq * 2 + (1 if male else 0)) % 1000
    body = f"{region_code}{birth:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


def show(qtbot, widget):
    qtbot.addWidget(widget)
    with qtbot.waitActive(widget):
        widget.show()
        widget.activateWindow()
    return widget


def type_text(qtbot, widget, text: str) -> None:
    """Type as a clerk does: ASCII key by key, Chinese as an input method commits it."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    chunk = ""
    for ch in text + "\0":
        if ch != "\0" and ch.isascii():
            chunk += ch
            continue
        if chunk:
            qtbot.keyClicks(widget, chunk)
            chunk = ""
        if ch != "\0":
            event = QInputMethodEvent()
            event.setCommitString(ch)
            QApplication.sendEvent(widget, event)


def pdf_text(pdf: bytes) -> list[str]:
    """Each page's text of a PDF (pypdf)."""
    from io import BytesIO

    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(BytesIO(pdf)).pages]
