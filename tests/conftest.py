"""Fixtures every test directory shares: a real SQLite file in tmp_path (`db`), a window's
Context on it (`ctx`), argon2 at a test cost, and a home of the test's own (HOME, the XDG
folders, YIBAO_DESK_HOME, YIBAO_DESK_CACHE), so no test reads or writes the user's real files.
Helpers shared across directories are in `tests.support`. A directory's conftest overrides what
differs there (the printing tests' 天宁区 context, for one)."""

from __future__ import annotations

import os

import pytest

from tests.support.accounts import FAST
from tests.support.services import make_ctx


def pytest_addoption(parser):
    parser.addoption("--onscreen", action="store_true", default=False, help="show the windows (needs a display)")


def pytest_configure(config):
    if not config.getoption("--onscreen"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


@pytest.fixture(autouse=True)
def own_home(tmp_path, monkeypatch):
    """The test's own HOME, XDG folders, data home and pack cache (platformdirs reads them)."""
    home = tmp_path / "user"
    for name, sub in (("XDG_DATA_HOME", ".local/share"), ("XDG_CACHE_HOME", ".cache"),
                      ("XDG_CONFIG_HOME", ".config"), ("XDG_STATE_HOME", ".local/state")):
        monkeypatch.setenv(name, str(home / sub))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("YIBAO_DESK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("YIBAO_DESK_CACHE", str(tmp_path / "cache"))


@pytest.fixture(autouse=True)
def fast_hashes(monkeypatch):
    """argon2 at a test cost (the rules under test do not depend on it)."""
    from desktop.services import accounts

    monkeypatch.setattr(accounts, "HASHER", FAST)
    monkeypatch.setattr(accounts, "_dummy_hash", None)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "desk.sqlite3"


@pytest.fixture
def db(db_path):
    from desktop.records.db import open_db

    database = open_db(db_path)
    yield database
    database.close()


@pytest.fixture
def ctx(db):
    """A 武进区 window on 2025-11-15, inside the 2026 enrollment window."""
    return make_ctx(db)
