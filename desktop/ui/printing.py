"""Paper out of the window: page images for the preview, the printers of this machine, and
sending a PDF to one of them. What is printed is built and archived by
`desktop.services.printing` (every paper carries its QR check value and is kept as a PDF);
this module only shows and prints the bytes it is handed.

Page images come from the first renderer available: PySide6.QtPdf (not part of
PySide6-Essentials), pypdfium2 (a dependency: what an installed program uses), the poppler
`pdftoppm` tool (when on PATH); should none of them load, the preview shows the document's text
and a print job goes to the spooler. Tests replace `Deps.printer` by a recorder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

PAPER_SIZES_MM = {"A4": (210.0, 297.0), "A5": (148.0, 210.0), "80mm": (80.0, 297.0)}
PAPER_LABELS = {"A4": "A4", "A5": "A5", "80mm": "80 毫米热敏卷纸"}


def merge_pdfs(parts: list[bytes]) -> bytes:
    """Several documents of one visit as one PDF (one print job)."""
    if len(parts) == 1:
        return parts[0]
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for data in parts:
        for page in PdfReader(BytesIO(data)).pages:
            writer.add_page(page)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_text(pdf: bytes) -> list[str]:
    """Each page's text (the preview without a renderer, and the tests)."""
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(BytesIO(pdf)).pages]


def render_pages(pdf: bytes, dpi: int = 80) -> list:
    """The pages as QImages, or [] when no renderer is available on this machine."""
    for renderer in (_qtpdf_pages, _pdfium_pages, _pdftoppm_pages):
        try:
            images = renderer(pdf, dpi)
        except Exception:  # noqa: BLE001 - a renderer that fails is skipped, the preview falls back to text
            images = None
        if images:
            return images
    return []


def _qtpdf_pages(pdf: bytes, dpi: int):
    try:
        from PySide6.QtPdf import QPdfDocument  # type: ignore[import-not-found]
    except ImportError:
        return None
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize

    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    doc = QPdfDocument()
    doc.load(buffer)
    out = []
    for i in range(doc.pageCount()):
        size = doc.pagePointSize(i)
        out.append(doc.render(i, QSize(int(size.width() * dpi / 72), int(size.height() * dpi / 72))))
    return out


def _pdfium_pages(pdf: bytes, dpi: int):
    try:
        import pypdfium2  # type: ignore[import-not-found]
    except ImportError:
        return None
    from PySide6.QtGui import QImage

    out = []
    for page in pypdfium2.PdfDocument(pdf):
        # rev_byteorder: RGB rather than pdfium's BGR, so Qt takes the bytes as they are
        bitmap = page.render(scale=dpi / 72, rev_byteorder=True)
        if bitmap.mode != "RGB":
            return None
        out.append(QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                          QImage.Format.Format_RGB888).copy())
    return out


def _pdftoppm_pages(pdf: bytes, dpi: int):
    tool = shutil.which("pdftoppm")
    if tool is None:
        return None
    from PySide6.QtGui import QImage

    with tempfile.TemporaryDirectory(prefix="yibao-preview-") as tmp:
        source = Path(tmp) / "doc.pdf"
        source.write_bytes(pdf)
        subprocess.run([tool, "-png", "-r", str(dpi), str(source), str(Path(tmp) / "p")],
                       check=True, capture_output=True, timeout=60)
        files = sorted(Path(tmp).glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        return [QImage(str(f)).copy() for f in files]


class SystemPrinter:
    """The machine's printers (QPrinterInfo) and a print job for a PDF on one of them: the page
    images painted with QPrinter at the chosen paper, else the PDF handed to the spooler."""

    def names(self) -> list[str]:
        try:
            from PySide6.QtPrintSupport import QPrinterInfo
        except ImportError:
            return []
        return [n for n in QPrinterInfo.availablePrinterNames() if n]

    def default_name(self) -> str | None:
        try:
            from PySide6.QtPrintSupport import QPrinterInfo
        except ImportError:
            return None
        return QPrinterInfo.defaultPrinterName() or None

    def send(self, pdf: bytes, printer: str, paper: str, title: str) -> None:
        images = render_pages(pdf, dpi=300)
        if images:
            self._paint(images, printer, paper, title)
        else:
            self._spool(pdf, printer, paper)

    @staticmethod
    def _paint(images: list, printer: str, paper: str, title: str) -> None:
        from PySide6.QtPrintSupport import QPrinter

        device = QPrinter(QPrinter.PrinterMode.HighResolution)
        device.setPrinterName(printer)
        device.setDocName(title)
        paint(images, device, paper)

    @staticmethod
    def _spool(pdf: bytes, printer: str, paper: str) -> None:
        """Hand the PDF (personal data) to the spooler through a file only its owner can read,
        removed once handed over: `lp` has copied it when it returns; the Windows viewer opens it
        later, so there the spool folder's files older than an hour go at the next print."""
        folder = spool_dir()
        with tempfile.NamedTemporaryFile(suffix=".pdf", dir=folder, delete=False) as out:  # 0600
            out.write(pdf)
        if sys.platform.startswith("win"):
            os.startfile(out.name, "print")  # type: ignore[attr-defined]  # the default PDF viewer prints it
            return
        try:
            tool = shutil.which("lp") or shutil.which("lpr")
            if tool is None:
                raise OSError("本机没有可用的打印程序（lp），请打开已存档的PDF文件后打印")
            media = {"A4": "A4", "A5": "A5", "80mm": "Custom.80x297mm"}.get(paper, "A4")
            args = [tool, "-d", printer, "-o", f"media={media}", out.name] if tool.endswith("lp") else \
                [tool, "-P", printer, out.name]
            subprocess.run(args, check=True, capture_output=True, timeout=60)
        finally:
            Path(out.name).unlink(missing_ok=True)


SPOOL_KEEP_SECONDS = 3600


def spool_dir() -> Path:
    """`spool/` in the data folder (0700), swept of print files older than an hour."""
    from desktop.services.database import spool_dir as data_spool

    folder = data_spool()
    now = time.time()
    for old in folder.glob("*.pdf"):
        with contextlib.suppress(OSError):
            if now - old.stat().st_mtime > SPOOL_KEEP_SECONDS:
                old.unlink()
    return folder


def paint(images: list, device, paper: str) -> None:
    """Page images onto a QPrinter (a printer, or a PDF file in the tests) at the paper size:
    A4, A5, or the 80 mm roll as long as the page."""
    from PySide6.QtCore import QMarginsF, QSizeF, Qt
    from PySide6.QtGui import QPageLayout, QPageSize, QPainter

    if paper == "A5":
        size = QPageSize(QPageSize.PageSizeId.A5)
    elif paper == "80mm":
        first = images[0]
        size = QPageSize(QSizeF(80.0, 80.0 * first.height() / max(first.width(), 1)), QPageSize.Unit.Millimeter)
    else:
        size = QPageSize(QPageSize.PageSizeId.A4)
    device.setPageLayout(QPageLayout(size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    device.setFullPage(True)
    painter = QPainter()
    if not painter.begin(device):
        raise OSError("打印机无法打开")
    try:
        for i, image in enumerate(images):
            if i:
                device.newPage()
            target = painter.viewport()
            scaled = image.scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                  Qt.TransformationMode.SmoothTransformation)
            painter.drawImage(target.x(), target.y(), scaled)
    finally:
        painter.end()


def open_path(path: Path) -> None:
    """The archived PDF in the system viewer."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
