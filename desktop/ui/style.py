"""Looks: the style sheet (invalid fields, error lines, notes) and the high-contrast palette.

State is never shown by colour alone: error lines carry ⚠ and a sentence, results ✔.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

BASE_SHEET = """
*[invalid="true"] { border: 2px solid #c00000; }
QLabel#fieldError { color: #b00000; }
QLabel#note { color: #444444; }
QLabel#demoMarker { font-weight: bold; border: 1px solid #a05000; padding: 0 6px; }
QListWidget#navigation::item { padding: 6px 4px; }
"""

CONTRAST_SHEET = """
QWidget { background-color: #000000; color: #ffffff; selection-background-color: #ffff00;
          selection-color: #000000; }
QLineEdit, QComboBox, QSpinBox, QTableView, QListWidget, QTabWidget::pane, QGroupBox {
    border: 1px solid #ffffff; }
QLineEdit:focus, QComboBox:focus, QSpinBox:focus, QPushButton:focus, QTableView:focus, QListWidget:focus {
    border: 3px solid #00ffff; }
QPushButton { border: 2px solid #ffffff; padding: 4px 10px; }
QPushButton:disabled, QLineEdit:disabled, QComboBox:disabled { color: #a0a0a0; border-color: #808080; }
QHeaderView::section { background-color: #000000; color: #ffff00; border: 1px solid #ffffff; }
QTableView { gridline-color: #ffffff; alternate-background-color: #1a1a1a; }
QTabBar::tab { border: 1px solid #ffffff; padding: 4px 10px; }
QTabBar::tab:selected { background-color: #ffff00; color: #000000; }
QListWidget::item:selected, QMenuBar::item:selected, QMenu::item:selected { background-color: #ffff00; color: #000000; }
QLineEdit[invalid="true"], QComboBox[invalid="true"] { border: 3px solid #ffff00; }
*[invalid="true"] { border: 3px solid #ffff00; }
QLabel#fieldError { color: #ffff00; font-weight: bold; }
QLabel#note { color: #ffffff; }
QLabel#demoMarker { font-weight: bold; border: 2px solid #ffff00; padding: 0 6px; }
QGroupBox { margin-top: 1.2em; padding-top: 4px; }
QGroupBox::title { subcontrol-origin: margin; left: 6px; color: #ffff00; }
QListWidget#navigation::item { padding: 6px 4px; }
"""


def high_contrast_palette() -> QPalette:
    p = QPalette()
    black, white, yellow, cyan = QColor("#000000"), QColor("#ffffff"), QColor("#ffff00"), QColor("#00ffff")
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase,
                 QPalette.ColorRole.Button, QPalette.ColorRole.ToolTipBase):
        p.setColor(role, black)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText,
                 QPalette.ColorRole.ToolTipText, QPalette.ColorRole.BrightText):
        p.setColor(role, white)
    p.setColor(QPalette.ColorRole.Highlight, yellow)
    p.setColor(QPalette.ColorRole.HighlightedText, black)
    p.setColor(QPalette.ColorRole.Link, cyan)
    p.setColor(QPalette.ColorRole.PlaceholderText, QColor("#c0c0c0"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#a0a0a0"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#a0a0a0"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor("#a0a0a0"))
    return p
