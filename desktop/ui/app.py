"""Starting the window: one QApplication, the hall's database, the main window."""

from __future__ import annotations

import argparse
import sys


def run(args: argparse.Namespace) -> int:
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    window = QMainWindow()
    window.setWindowTitle("医保窗口经办 yibao-desk")
    window.setCentralWidget(QLabel("yibao-desk"))
    window.resize(1366, 768)
    window.show()
    return app.exec()
