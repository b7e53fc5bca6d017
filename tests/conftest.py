"""Fixtures every test directory shares: a real SQLite file in tmp_path (`db`), a window's
Context on it (`ctx`), argon2 at a test cost, and a home of the test's own (HOME, the XDG
folders, YIBAO_DESK_HOME, YIBAO_DESK_CACHE), so no test reads or writes the user's real files.
Helpers shared across directories are in `tests.support`. A directory's conftest overrides what
differs there (the printing tests' 天宁区 context, for one)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.support.accounts import FAST
from tests.support.services import make_ctx


def pytest_addoption(parser):
    parser.addoption("--onscreen", action="store_true", default=False, help="show the windows (needs a display)")


def home_env(base: Path) -> dict[str, str]:
    """HOME, the XDG folders (platformdirs reads them), the data home and the pack cache, all
    under `base`."""
    user = base / "user"
    return {"HOME": str(user), "XDG_DATA_HOME": str(user / ".local/share"),
            "XDG_CACHE_HOME": str(user / ".cache"), "XDG_CONFIG_HOME": str(user / ".config"),
            "XDG_STATE_HOME": str(user / ".local/state"), "YIBAO_DESK_HOME": str(base / "home"),
            "YIBAO_DESK_CACHE": str(base / "cache")}


# Directory conftests and test modules that read the packs when imported (documents/samples.py),
# and session-scoped fixtures, run before any test's own home: a home for the whole run, set as
# this file is imported (before the other conftests) and removed at the run's end.
_RUN_HOME = Path(tempfile.mkdtemp(prefix="yibao-desk-tests-"))
_BEFORE = {name: os.environ.get(name) for name in home_env(_RUN_HOME)}
os.environ.update(home_env(_RUN_HOME))


def pytest_configure(config):
    if not config.getoption("--onscreen"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


def pytest_unconfigure(config):
    for name, value in _BEFORE.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    shutil.rmtree(_RUN_HOME, ignore_errors=True)


@pytest.fixture(autouse=True)
def own_home(tmp_path, monkeypatch):
    """The test's own home (`home_env`): nothing it writes outlives it or meets another test's."""
    for name, value in home_env(tmp_path).items():
        monkeypatch.setenv(name, value)


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
