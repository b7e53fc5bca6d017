"""A real PostgreSQL for the hub tests: one throwaway cluster per session, one database per test."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import psycopg
import pytest

from desktop.hub.local_server import LocalServer


@pytest.fixture(scope="session")
def pg_server():
    # Not under pytest's tmp_path: as root the cluster runs as `postgres`, which must reach it.
    root = Path(tempfile.mkdtemp(prefix="yibao-hub-test-"))
    os.chmod(root, 0o755)
    server = LocalServer(root / "pg").start()
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def hub_url(pg_server):
    """The admin URL of a new, empty hub database."""
    name = f"hub_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield pg_server.url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture
def hub(hub_url):
    """An initialised hub: its admin URL."""
    from desktop.hub import schema

    schema.init_hub(hub_url)
    return hub_url


@pytest.fixture
def make_node(tmp_path, hub):
    """A window: its own SQLite file, its node role on the hub, a context at that window."""
    from desktop.hub import schema
    from desktop.records.db import open_db
    from tests.support.services import make_ctx

    opened = []

    def make(window: str, hall: str = "320412", own_folder: bool = False, **ctx_args):
        # own_folder: the window's file alone in a folder, as on its own machine (its packs/ beside it)
        folder = tmp_path / f"{hall}-{window}" if own_folder else tmp_path
        folder.mkdir(exist_ok=True)
        db = open_db(folder / f"{hall}-{window}.sqlite3")
        opened.append(db)
        node = schema.add_node(hub, hall, window)
        return make_ctx(db, hall_code=hall, window=window, **ctx_args), node["url"]

    yield make
    for db in opened:
        db.close()
