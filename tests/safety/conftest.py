from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))  # svc_helpers, crash_writer
sys.path.insert(0, str(Path(__file__).resolve().parent))  # safety_helpers

from safety_helpers import FAST  # noqa: E402

from desktop.services import accounts  # noqa: E402


@pytest.fixture(autouse=True)
def fast_hashes(monkeypatch):
    monkeypatch.setattr(accounts, "HASHER", FAST)
    monkeypatch.setattr(accounts, "_dummy_hash", None)
