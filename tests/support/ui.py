"""Helpers of the window's tests: the shared password, a signed-in Deps, showing a widget, typing
as a clerk does, a PDF's page texts."""

from __future__ import annotations

from tests.support.services import make_id

__all__ = ["PASSWORD", "make_id", "pdf_text", "show", "shown_window", "signed_in", "type_text"]

PASSWORD = "Desk2026qq"


def signed_in(deps, db, username: str):
    """`deps` on the configured hall `db`, logged in as `username`."""
    from dataclasses import replace

    from desktop.services import accounts

    out = replace(deps, db=db)
    out.sign_in(accounts.login(db, username, PASSWORD, now=deps.clock()))
    return out


def show(qtbot, widget):
    qtbot.addWidget(widget)
    with qtbot.waitActive(widget):
        widget.show()
        widget.activateWindow()
    return widget


def shown_window(qtbot, account):
    """The main window of `account` (a signed-in Deps), shown and active."""
    from desktop.ui.main_window import MainWindow

    return show(qtbot, MainWindow(account))


def type_text(qtbot, widget, text: str) -> None:
    """Type as a clerk does: ASCII key by key, Chinese as an input method commits it."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    chunk = ""
    for ch in text + "\0":
        if ch != "\0" and ch.isascii():
            chunk += ch
            continue
        if chunk:
            qtbot.keyClicks(widget, chunk)
            chunk = ""
        if ch != "\0":
            event = QInputMethodEvent()
            event.setCommitString(ch)
            QApplication.sendEvent(widget, event)


def pdf_text(pdf: bytes) -> list[str]:
    """Each page's text of a PDF (pypdf)."""
    from io import BytesIO

    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(BytesIO(pdf)).pages]
