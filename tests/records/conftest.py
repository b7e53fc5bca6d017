from __future__ import annotations

import pytest

from desktop.records.db import open_db


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "desk.sqlite3"


@pytest.fixture
def db(db_path):
    database = open_db(db_path)
    yield database
    database.close()
