"""Showing a rendered PDF: written under the data directory's prints/ and opened by the system
viewer (the archive copy is the PDF itself). Tests replace `Deps.show_pdf`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path


def save_pdf(data: bytes, name: str, folder: Path | None = None) -> Path:
    from desktop.records import paths

    target_dir = folder or paths.data_dir() / "prints"
    target_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = target_dir / f"{stamp}-{name}.pdf"
    target.write_bytes(data)
    return target


def open_pdf(data: bytes, name: str) -> Path:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    path = save_pdf(data, name)
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
    return path


def merge_pdfs(parts: list[bytes]) -> bytes:
    """Several documents of one visit as one PDF (one print job, one archive file)."""
    if len(parts) == 1:
        return parts[0]
    from io import BytesIO

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for data in parts:
        for page in PdfReader(BytesIO(data)).pages:
            writer.add_page(page)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
