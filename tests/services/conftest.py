from __future__ import annotations

import pytest
from svc_helpers import make_ctx

from desktop.records.db import open_db


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "desk.sqlite3")
    yield database
    database.close()


@pytest.fixture
def ctx(db):
    """A 武进区 window on 2025-11-15, inside the 2026 enrollment window."""
    return make_ctx(db)
