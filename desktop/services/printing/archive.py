"""Print and keep: render a document to PDF and write the hall's archive copy
(`<folder>/YYYY/MM/<serial>-<kind>.pdf`, never overwritten, readable by the owner only)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from desktop.documents import render
from desktop.documents.model import DayReport
from desktop.records import accounts as account_rows
from desktop.records import paths, receipts
from desktop.services.context import Context
from desktop.services.printing.kinds import KIND_OF, Document

ARCHIVE_SETTING = "archive_folder"  # the hall setting naming the archive folder (services/hall.py)


@dataclass(frozen=True)
class Printed:
    pdf: bytes
    archived: Path  # the archive copy (never overwritten)
    kind: str
    serial: str | None


def db_file(ctx: Context) -> Path | None:
    """The database file the context's connection has open (None for an in-memory one)."""
    try:
        row = ctx.db.execute("PRAGMA database_list").fetchone()
    except Exception:  # noqa: BLE001 - a closed connection of either driver (sqlite3, SQLCipher)
        return None
    return Path(row[2]) if row and row[2] else None


def archive_folder(ctx: Context) -> Path:
    """The hall's archive folder: the `archive_folder` hall setting (services/hall.py), else
    `archive/` beside the database file."""
    setting = (account_rows.settings(ctx.db).get(ARCHIVE_SETTING) or "").strip()
    return paths.archive_dir(setting or None, db=db_file(ctx))


def archive(pdf: bytes, *, folder: Path, kind: str, name: str, month: date) -> Path:
    """Write `<folder>/YYYY/MM/<name>-<kind>.pdf`; a reprint gets `-2`, `-3` … (never overwrites)."""
    target_dir = paths.private_dir(paths.private_dir(folder / f"{month.year:04d}") / f"{month.month:02d}")
    stem = f"{name}-{kind}"
    n = 1
    while True:
        target = target_dir / (f"{stem}.pdf" if n == 1 else f"{stem}-{n}.pdf")
        try:
            # exclusive: two windows printing at once never collide; 0600: personal data
            with os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                                   paths.PRIVATE_FILE), "wb") as out:
                out.write(pdf)
            return target
        except FileExistsError:
            n += 1


def _archive_name(ctx: Context, document: Document) -> tuple[str, date]:
    serial = document.header.serial
    if serial:
        receipt = receipts.get(ctx.db, serial)
        issued = datetime.fromisoformat(receipt["created_at"]).date() if receipt else ctx.today()
        return serial, issued
    if isinstance(document, DayReport):
        scope = "hall" if document.scope == "全厅" else "".join(ch for ch in document.scope if ch.isalnum())
        return f"{ctx.hall_code}-{document.day:%Y%m%d}-{scope}", document.day
    now = ctx.now()
    return f"{ctx.hall_code}-{ctx.window}-{now:%Y%m%d-%H%M%S}", now.date()


def print_document(ctx: Context, document: Document, *, kind: str | None = None,
                   folder: Path | None = None) -> Printed:
    """Render `document` and keep the PDF in the hall's archive; returns both."""
    pdf = render(document)
    name, month = _archive_name(ctx, document)
    chosen = kind or KIND_OF[type(document)]
    path = archive(pdf, folder=folder or archive_folder(ctx), kind=chosen, name=name, month=month)
    return Printed(pdf, path, chosen, document.header.serial)


def print_all(ctx: Context, documents: Iterable[Document], *, folder: Path | None = None) -> list[Printed]:
    return [print_document(ctx, d, folder=folder) for d in documents]
