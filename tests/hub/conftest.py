"""A real PostgreSQL for the hub tests: one throwaway cluster per session, one database per test."""

from __future__ import annotations

import os
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


@pytest.fixture
def hub_url(pg_server):
    """The admin URL of a new, empty hub database."""
    name = f"hub_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield pg_server.url.rsplit("/", 1)[0] + f"/{name}"
