"""Starting the window: one QApplication, the hall's settings and database, the main window.

Nothing happens at import time; `build_deps` and `run` do the work when called.
"""

from __future__ import annotations

import argparse
import os
import sys
from decimal import Decimal, InvalidOperation

ORG = "yibao-desk"
APP = "yibao-desk"
DEMO_ENV = "YIBAO_DESK_DEMO"


def hall_from_settings(store) -> tuple[object, bool]:
    """The hall configured in 设置, or the demo hall (and demo=True) when none is set."""
    from desktop.ui.deps import Hall

    code = store.value("hall/hall_code", "")
    if not code:
        return Hall(), True
    hall = Hall(
        region=str(store.value("hall/region", "天宁区")),
        hall_code=str(code),
        hall_name=str(store.value("hall/hall_name", "")),
        window=str(store.value("hall/window", "01")),
        clerk=str(store.value("hall/clerk", "")),
        role=str(store.value("hall/role", "clerk")),
    )
    return hall, False


def policy_settings(store) -> dict[str, Decimal]:
    """Hall parameters the policy packs ask for (设置—大厅参数), as Decimal."""
    out: dict[str, Decimal] = {}
    store.beginGroup("policy")
    try:
        for key in store.childKeys():
            try:
                out[key] = Decimal(str(store.value(key)))
            except InvalidOperation:
                continue
    finally:
        store.endGroup()
    return out


def build_deps(args: argparse.Namespace | None = None):
    """Packs, hall, settings and database for the window (raises PackError on a bad pack)."""
    from PySide6.QtCore import QSettings

    from desktop.policy import loader
    from desktop.records import paths
    from desktop.records.db import open_db
    from desktop.ui.deps import Deps

    store = QSettings(ORG, APP)
    hall, demo = hall_from_settings(store)
    demo = demo or os.environ.get(DEMO_ENV) == "1"
    db_arg = getattr(args, "db", None)
    if db_arg:
        db_file = db_arg
    elif demo:
        db_file = paths.data_dir() / "demo" / "yibao-desk-demo.sqlite3"
    else:
        db_file = None
    db = open_db(db_file)
    return Deps(packs=loader.bundled(), hall=hall, settings=policy_settings(store), db=db, demo=demo)


def load_fonts() -> None:
    """The bundled CJK font, so every Chinese character shows even where the machine lacks one."""
    from pathlib import Path

    from PySide6.QtGui import QFontDatabase

    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[2])) / "resources" / "fonts"
    for name in ("DroidSansFallbackFull.ttf",):
        if (base / name).exists():
            QFontDatabase.addApplicationFont(str(base / name))


def run(args: argparse.Namespace) -> int:
    from PySide6.QtWidgets import QApplication, QMessageBox

    from desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    app.setOrganizationName(ORG)
    app.setApplicationName(APP)
    app.setApplicationDisplayName("医保窗口经办")
    load_fonts()
    try:
        deps = build_deps(args)
    except Exception as exc:  # a bad pack or an unreadable database: say so, do not start half-way
        QMessageBox.critical(None, "无法启动", f"启动失败：{exc}")
        return 1
    window = MainWindow(deps)
    window.show()
    return app.exec()
