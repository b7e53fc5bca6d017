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


def test_many_qt_calls_keep_none_alive():
    """PySide6-Essentials 6.12.0 on CPython 3.11 drops a reference to None on every void call and
    aborts the interpreter after a few thousand (pyproject pins below 6.12). Run in a child so a
    regression shows as a failed test, not a crashed suite."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from PySide6.QtCore import QCoreApplication, QObject\n"
        "app = QCoreApplication(sys.argv)\n"
        "o = QObject()\n"
        "for i in range(100000):\n"
        "    o.setObjectName(str(i % 7))\n"
        "print('alive')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "alive" in out.stdout, out.stderr[-500:]

