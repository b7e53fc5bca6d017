"""打印预览: the documents of a visit as the services build them, on the chosen paper and
printer; 打印 archives every document (`printing.print_document`: the PDF with its QR check
value in the hall's archive) and sends the merged PDF to the printer. The last printer and
paper are remembered (QSettings).

A page hands over a `build(ctx, paper) -> [document]` function; it never lays out a document.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import Refusal
from desktop.ui.printing import PAPER_LABELS, merge_pdfs, pdf_text, render_pages
from desktop.ui.widgets import ErrorLabel

ORG = APP = "yibao-desk"
ARCHIVE_ONLY = "（不打印，仅存档PDF）"
Build = Callable[[Any, str], list]


class PrintPreviewDialog(QDialog):
    """Preview, choose printer and paper, print (= archive + print job)."""

    printed = Signal(list)  # [desktop.services.printing.Printed]

    def __init__(self, deps, title: str, build: Build, parent: QWidget | None = None, *,
                 roll_printer: str | None = None) -> None:
        super().__init__(parent)
        self.roll_printer = roll_printer  # the hall's 80 mm printer: roll and printer preselected
        self.deps = deps
        self.build = build
        self.title = title
        self.store = QSettings(ORG, APP)
        self.result_printed: list = []
        self.pdf: bytes = b""
        self.setWindowTitle(f"打印预览 — {title}")
        self.setObjectName("printPreview")

        self.paper = QComboBox()
        self.printer = QComboBox()
        self.pages = QVBoxLayout()
        host = QWidget()
        host.setLayout(self.pages)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(host)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.hide()
        self.info = QLabel("")
        self.info.setWordWrap(True)
        self.info.setObjectName("note")
        self.archived = QLabel("")
        self.archived.setWordWrap(True)
        self.archived.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = ErrorLabel()
        self.print_button = QPushButton("打印并存档 (Enter)")
        self.print_button.setDefault(True)
        self.print_button.setAutoDefault(True)
        self.open_button = QPushButton("用系统查看器打开PDF")
        self.open_button.setEnabled(False)
        self.close_button = QPushButton("关闭 (Esc)")

        form = QFormLayout()
        form.addRow("打印机(&R)", self.printer)
        form.addRow("纸张(&Z)", self.paper)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        side = QVBoxLayout()
        side.addLayout(form)
        side.addWidget(self.info)
        side.addWidget(self.error)
        side.addWidget(self.archived)
        side.addStretch(1)
        side.addLayout(buttons)
        outer = QHBoxLayout(self)
        view = QVBoxLayout()
        view.addWidget(self.scroll, 1)
        view.addWidget(self.text, 1)
        outer.addLayout(view, 3)
        outer.addLayout(side, 2)

        self._fill_printers()
        self.print_button.clicked.connect(self.print_now)
        self.open_button.clicked.connect(self.open_archived)
        self.close_button.clicked.connect(self.reject)
        for key in ("Ctrl+P",):
            QShortcut(QKeySequence(key), self, activated=self.print_now)
        self.resize(1100, 700)
        self._fill_papers()
        self.paper.currentIndexChanged.connect(self.refresh)
        self.refresh()
        self.print_button.setFocus()

    # ------------------------------------------------------------------ choices

    def _fill_printers(self) -> None:
        printer = self.deps.printer_backend()
        names = printer.names()
        for name in names:
            self.printer.addItem(name, name)
        self.printer.addItem(ARCHIVE_ONLY, None)
        last = self.store.value("print/printer", "")
        default = printer.default_name() if hasattr(printer, "default_name") else None
        for wanted in (self.roll_printer, last, default):
            index = self.printer.findData(wanted) if wanted else -1
            if index >= 0:
                self.printer.setCurrentIndex(index)
                break

    def _documents(self, paper: str) -> list:
        ctx = self.deps.context()
        if ctx is None:
            raise Refusal("no_database", "未打开数据库：单据须由业务记录生成并存档，无法打印", "print")
        return self.build(ctx, paper)

    def _fill_papers(self) -> None:
        """Papers every document of this visit prints on (A4 / A5 / 80 mm roll)."""
        from desktop.documents.model import Paper

        try:
            docs = self._documents(Paper.A4.value)
        except Refusal:
            docs = []
        allowed = [p for p in Paper if all(p in type(d).PAPERS for d in docs)] or [Paper.A4]
        for p in allowed:
            self.paper.addItem(PAPER_LABELS.get(p.value, p.value), p.value)
        last = Paper.ROLL_80.value if self.roll_printer else self.store.value("print/paper", "")
        index = self.paper.findData(last) if last else -1
        self.paper.setCurrentIndex(max(index, 0))

    # ------------------------------------------------------------------ preview

    def refresh(self) -> None:
        from desktop.documents import render

        self.error.clear_message()
        while self.pages.count():
            item = self.pages.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        try:
            self.documents = self._documents(self.paper.currentData())
        except Refusal as refusal:
            self.documents = []
            self.error.show_message(refusal.message)
        self.print_button.setEnabled(bool(self.documents))
        if not self.documents:
            self.pdf = b""
            self.info.setText("没有可打印的单据")
            return
        self.pdf = merge_pdfs([render(d) for d in self.documents])
        images = render_pages(self.pdf, dpi=72)
        names = "、".join(dict.fromkeys(_label(d) for d in self.documents))
        if images:
            for image in images:
                label = QLabel()
                label.setPixmap(QPixmap.fromImage(image))
                label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
                label.setObjectName("previewPage")
                label.setStyleSheet("border: 1px solid #999; background: white;")
                self.pages.addWidget(label)
            self.pages.addStretch(1)
            self.scroll.show()
            self.text.hide()
        else:  # no PDF renderer on this machine: the text of each page
            self.scroll.hide()
            self.text.show()
            self.text.setPlainText("\n\n———— 下一页 ————\n\n".join(pdf_text(self.pdf)))
        self.page_count = len(images) if images else len(pdf_text(self.pdf))
        self.info.setText(f"共 {len(self.documents)} 份单据、{self.page_count} 页：{names}。\n"
                          "打印时每份单据存档为PDF（带二维码校验值）。")

    # ------------------------------------------------------------------ printing

    def print_now(self) -> list:
        """Archive every document, send the merged PDF to the chosen printer, remember choices."""
        if not self.print_button.isEnabled():
            return []
        from desktop.services import printing

        ctx = self.deps.context()
        self.error.clear_message()
        try:
            self.result_printed = [printing.print_document(ctx, d) for d in self.documents]
        except Refusal as refusal:
            self.error.show_message(refusal.message)
            return []
        except OSError as exc:
            self.error.show_message(f"存档失败：{exc.strerror or exc}")
            return []
        paths = [str(p.archived) for p in self.result_printed]
        self.archived.setText("✔ 已存档：\n" + "\n".join(paths))
        self.open_button.setEnabled(True)
        printer = self.printer.currentData()
        self.store.setValue("print/printer", printer or "")
        self.store.setValue("print/paper", self.paper.currentData())
        self.store.sync()
        if printer:
            try:
                self.deps.printer_backend().send(merge_pdfs([p.pdf for p in self.result_printed]), printer,
                                                 self.paper.currentData(), self.title)
            except Exception as exc:  # noqa: BLE001 - a printer problem is told in words; the archive stands
                self.error.show_message(f"打印机“{printer}”未能打印：{exc}。单据已存档，可打开PDF后打印。")
                self.printed.emit(self.result_printed)
                return self.result_printed
        self.printed.emit(self.result_printed)
        self.accept()
        return self.result_printed

    def open_archived(self) -> None:
        if self.result_printed:
            self.deps.open_file(Path(self.result_printed[0].archived))


def _label(document) -> str:
    from desktop.services.labels import DOCUMENTS
    from desktop.services.printing import KIND_OF

    return DOCUMENTS.get(KIND_OF.get(type(document), ""), "单据")


def summary(printed: list) -> str:
    """The outcome line a page shows after printing."""
    if not printed:
        return ""
    return f"✔ 已打印并存档 {len(printed)} 份单据：" + "；".join(Path(p.archived).name for p in printed)
