"""打印预览: documents from the services on the chosen paper and printer, archived with their QR
check value; the last printer and paper are remembered."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QSettings, Qt

from desktop.services.enrollment import enroll
from desktop.services.persons import register_person
from desktop.ui.pages.base import visit_build
from desktop.ui.print_preview import ARCHIVE_ONLY, PrintPreviewDialog
from tests.support.ui import make_id, pdf_text, show


def enrolled(deps):
    number = make_id(date(1957, 3, 2), 41)
    register_person(deps.context(), number, "张桂英")
    return enroll(deps.context(), number, 2026, category="老年居民")


def test_preview_prints_on_the_chosen_printer_and_paper_and_remembers_them(qtbot, db_deps, printed):
    result = enrolled(db_deps)
    dialog = show(qtbot, PrintPreviewDialog(db_deps, "缴费通知单与受理回执", visit_build(result.receipt_serial)))
    papers = [dialog.paper.itemData(i) for i in range(dialog.paper.count())]
    assert papers == ["A4", "A5", "80mm"]  # notice and receipt both print on the roll
    assert dialog.printer.itemText(dialog.printer.count() - 1) == ARCHIVE_ONLY
    assert dialog.page_count >= 2 and "缴费通知单" in dialog.info.text()
    dialog.paper.setCurrentIndex(papers.index("80mm"))
    dialog.printer.setCurrentIndex(dialog.printer.findData("热敏小票机"))
    assert all(d.paper == "80mm" for d in dialog.documents)
    qtbot.keyClick(dialog.print_button, Qt.Key.Key_Return)
    assert printed[-1][2:] == ("热敏小票机", "80mm")
    kinds = [p.kind for p in dialog.result_printed]
    assert kinds == ["payment_notice", "receipt"]
    text = "".join(pdf_text(dialog.result_printed[0].archived.read_bytes()))
    assert "730.00" in text and result.receipt_serial in text
    store = QSettings("yibao-desk", "yibao-desk")
    assert store.value("print/printer") == "热敏小票机" and store.value("print/paper") == "80mm"

    again = show(qtbot, PrintPreviewDialog(db_deps, "再次打印", visit_build(result.receipt_serial)))
    assert again.printer.currentData() == "热敏小票机" and again.paper.currentData() == "80mm"
    again.printer.setCurrentIndex(again.printer.count() - 1)  # archive only: nothing sent
    before = len(printed)
    again.print_now()
    assert len(printed) == before
    assert again.result_printed[0].archived != dialog.result_printed[0].archived  # a reprint never overwrites


def test_a_printer_failure_is_told_and_the_archive_stands(qtbot, db_deps):
    result = enrolled(db_deps)

    class Jammed:
        def names(self):
            return ["坏打印机"]

        def default_name(self):
            return "坏打印机"

        def send(self, *args):
            raise OSError("缺纸")

    db_deps.printer = Jammed()
    dialog = show(qtbot, PrintPreviewDialog(db_deps, "受理回执", visit_build(result.receipt_serial)))
    dialog.print_now()
    assert "缺纸" in dialog.error.text() and dialog.isVisible()
    assert all(p.archived.is_file() for p in dialog.result_printed)


def test_without_a_database_nothing_can_be_printed(qtbot, deps):
    dialog = show(qtbot, PrintPreviewDialog(deps, "测算单", lambda ctx, paper: []))
    assert not dialog.print_button.isEnabled() and "未打开数据库" in dialog.error.text()


def test_page_images_are_painted_on_the_chosen_paper(qtbot, db_deps, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    from desktop.services import printing
    from desktop.ui.printing import paint, render_pages

    result = enrolled(db_deps)
    doc = printing.acceptance_receipt(db_deps.context(), result.receipt_serial, paper="80mm")
    from desktop.documents import render

    images = render_pages(render(doc), dpi=100)
    assert images, "pypdfium2 is a dependency: page images must be available"
    device = QPrinter(QPrinter.PrinterMode.HighResolution)
    device.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    device.setOutputFileName(str(tmp_path / "roll.pdf"))
    paint(images, device, "80mm")
    from io import BytesIO

    from pypdf import PdfReader

    page = PdfReader(BytesIO((tmp_path / "roll.pdf").read_bytes())).pages[0]
    width_mm = float(page.mediabox.width) / 72 * 25.4
    assert abs(width_mm - 80) < 1 and float(page.mediabox.height) > float(page.mediabox.width)


def test_without_a_renderer_the_preview_shows_the_text(qtbot, db_deps, monkeypatch):
    from desktop.ui import print_preview

    monkeypatch.setattr(print_preview, "render_pages", lambda pdf, dpi=72: [])
    result = enrolled(db_deps)
    dialog = show(qtbot, PrintPreviewDialog(db_deps, "受理回执", visit_build(result.receipt_serial)))
    assert dialog.text.isVisibleTo(dialog) and not dialog.scroll.isVisibleTo(dialog)
    assert "730.00" in dialog.text.toPlainText() and "下一页" in dialog.text.toPlainText()


def test_pdfium_pages_are_the_pages_in_their_colours(qtbot, monkeypatch):
    """pypdfium2 alone (no QtPdf, no pdftoppm, as on a hall's Windows PC): one image per page, at
    the page's size for the dpi, red staying red (pdfium's native order is BGR)."""
    from io import BytesIO

    from reportlab.lib.pagesizes import A4, A5
    from reportlab.pdfgen.canvas import Canvas

    from desktop.ui import printing as ui_printing

    monkeypatch.setattr(ui_printing, "_qtpdf_pages", lambda pdf, dpi: None)
    monkeypatch.setattr(ui_printing, "_pdftoppm_pages", lambda pdf, dpi: None)
    buf = BytesIO()
    c = Canvas(buf, pagesize=A4)
    c.setFillColorRGB(1, 0, 0)
    c.rect(0, 0, 100, 100, stroke=0, fill=1)  # bottom-left 100 pt square
    c.showPage()
    c.setPageSize(A5)
    c.showPage()
    c.save()
    images = ui_printing.render_pages(buf.getvalue(), dpi=72)
    # A4 = 595.28 × 841.89 pt, A5 = 419.53 × 595.28 pt: at 72 dpi one pixel per point, pdfium
    # rounding each side up to a whole pixel
    assert [(i.width(), i.height()) for i in images] == [(596, 842), (420, 596)]
    red = images[0].pixelColor(10, 842 - 10)
    assert (red.red(), red.green(), red.blue()) == (255, 0, 0)
    white = images[0].pixelColor(300, 300)
    assert (white.red(), white.green(), white.blue()) == (255, 255, 255)
