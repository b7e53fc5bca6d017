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


@pytest.fixture
def clock():
    from desktop.services.context import CHINA

    return lambda: datetime(2025, 11, 15, 10, 0, tzinfo=CHINA)


@pytest.fixture
def printed():
    """Documents the pages hand over (instead of opening a viewer)."""
    return []


@pytest.fixture
def deps(clock, printed):
    """A 武进区 window without a database (policy pages only)."""
    from desktop.policy import loader
    from desktop.ui.deps import Deps, Hall

    return Deps(packs=loader.bundled(), hall=Hall(region="武进区", hall_code="320412", hall_name="武进区医保中心",
                                                 window="03", clerk="王经办"),
                settings={"elderly_from_age": Decimal(60)}, clock=clock, show_pdf=lambda data, name: printed.append((name, data)))


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
