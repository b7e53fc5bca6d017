from __future__ import annotations

import argparse

from conftest import show
from PySide6.QtCore import QSettings

from desktop.ui.app import build_deps, hall_from_settings
from desktop.ui.main_window import MainWindow


def test_unconfigured_machine_starts_in_demo_mode_with_its_own_database(qtbot, tmp_path):
    deps = build_deps(argparse.Namespace(db=None))
    assert deps.demo and deps.db is not None
    path = deps.db.execute("PRAGMA database_list").fetchone()[2]
    assert "demo" in path and str(tmp_path) in path
    w = show(qtbot, MainWindow(deps))
    assert w.demo_label.isVisible()
    assert len(w.pages) == 9
    deps.db.close()


def test_configured_hall_is_read_from_settings(qtbot, tmp_path):
    store = QSettings("yibao-desk", "yibao-desk")
    for key, value in {"region": "钟楼区", "hall_code": "320404", "hall_name": "钟楼区医保中心", "window": "02",
                       "clerk": "赵经办", "role": "reviewer"}.items():
        store.setValue(f"hall/{key}", value)
    store.setValue("policy/elderly_from_age", "60")
    hall, demo = hall_from_settings(store)
    assert not demo and hall.region == "钟楼区" and hall.role == "reviewer"
    deps = build_deps(argparse.Namespace(db=str(tmp_path / "hall.sqlite3")))
    assert str(deps.settings["elderly_from_age"]) == "60"
    assert deps.context().region == "钟楼区"
    deps.db.close()


def test_many_qt_calls_do_not_exhaust_none(qapp):
    """PySide6 6.12 on CPython 3.11 drops a reference to None per void call (see qt_compat)."""
    import sys

    from PySide6.QtCore import QObject

    o = QObject()
    before = sys.getrefcount(None)
    for i in range(20000):
        o.setObjectName(str(i % 7))
    assert sys.getrefcount(None) > 10000 or before - sys.getrefcount(None) < 100
