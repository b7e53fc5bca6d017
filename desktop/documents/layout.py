"""Paper, type sizes and the build engine every document goes through.

A document supplies a function from (`Styles`) to a list of flowables; `build_pdf` lays it out
twice: the first pass counts the pages (for "第 1 页 / 共 N 页") or, on the 80 mm roll, measures
how long the slip must be, and the second pass prints with that knowledge.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph

from desktop.documents import fonts
from desktop.documents.model import Paper

LARGE_PRINT = 1.4  # 适老化: at least 1.4 × the normal sizes
_ROLL_MAX = 14400.0  # PDF's largest page side in points (~5 m): the measuring pass's page
# reportlab's registries are global and its fonts hold per-document subset state: one at a time.
_render_lock = threading.Lock()
# A word printed large and light across every page (`marked`): 样张 on the samples.
_mark: ContextVar[str | None] = ContextVar("document_mark", default=None)
MARK_GREY = colors.HexColor("#D0D0D0")
_ROLL_MARK_EVERY = 320.0  # on the roll: one mark per this many points of slip


@contextmanager
def marked(text: str | None) -> Iterator[None]:
    """Documents built inside carry `text` across every page (behind the content) and in the
    PDF title: `with marked("样张"): render(sample)`."""
    token = _mark.set(text or None)
    try:
        yield
    finally:
        _mark.reset(token)


def _draw_mark(canvas: Canvas, text: str, page: PageSpec, height: float) -> None:
    canvas.saveState()
    canvas.setFillColor(MARK_GREY)
    if page.roll:
        size = page.content_width * 0.3
        y = height - page.top - _ROLL_MARK_EVERY / 2
        while True:
            fonts.draw_string(canvas, page.width / 2, max(y, page.bottom), text, size, anchor="centre")
            y -= _ROLL_MARK_EVERY
            if y < page.bottom:
                break
    else:
        size = page.width * 0.22
        canvas.translate(page.width / 2, height / 2)
        canvas.rotate(35)
        fonts.draw_string(canvas, 0, -size / 3, text, size, anchor="centre")
    canvas.restoreState()


@dataclass(frozen=True)
class PageSpec:
    paper: Paper
    width: float
    height: float | None  # None: a roll, cut to the content
    side: float  # left and right margin
    top: float
    bottom: float
    # Kept free at the right for the closing punctuation reportlab hangs past a CJK line's end
    # (GB/T 15834 style); on A4/A5 the margin takes it, on the roll it must stay printable.
    hang: float = 0.0

    @property
    def content_width(self) -> float:
        return self.width - 2 * self.side - self.hang

    @property
    def roll(self) -> bool:
        return self.height is None


PAGES: dict[Paper, PageSpec] = {
    Paper.A4: PageSpec(Paper.A4, A4[0], A4[1], side=18 * mm, top=15 * mm, bottom=16 * mm),
    Paper.A5: PageSpec(Paper.A5, A5[0], A5[1], side=12 * mm, top=10 * mm, bottom=12 * mm),
    # 80 mm paper, 72 mm printable on common receipt printers.
    Paper.ROLL_80: PageSpec(Paper.ROLL_80, 80 * mm, None, side=4 * mm, top=4 * mm, bottom=8 * mm,
                            hang=9),
}

# Base sizes in points: body, small, table cell, heading, title, the amount to pay.
_SIZES: dict[Paper, tuple[float, ...]] = {
    Paper.A4: (10.5, 8.5, 10, 12, 18, 16),
    Paper.A5: (9.5, 8, 9, 11, 15, 14),
    Paper.ROLL_80: (9, 8, 8.5, 10, 12.5, 14),
}


class BoldParagraph(Paragraph):
    """A paragraph drawn fill-and-stroke, the synthetic bold of `fonts.BOLD_STROKE`."""

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setLineWidth(self.style.fontSize * fonts.BOLD_STROKE)
        canvas.setStrokeColor(self.style.textColor)
        canvas.addLiteral("2 Tr")  # text render mode lives in the graphics state: Q restores it
        super().draw()
        canvas.restoreState()


def markup(text: str) -> str:
    """Plain text -> Paragraph markup: XML-escaped, each run in the font that has its glyphs."""
    lines = []
    for line in text.split("\n"):
        lines.append("".join(f'<font face="{font}">{escape(chunk)}</font>'
                             for font, chunk in fonts.runs(line)))
    return "<br/>".join(lines)


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of one document on one paper; `para` makes the paragraphs."""

    page: PageSpec
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    heading: ParagraphStyle
    title: ParagraphStyle
    amount: ParagraphStyle

    @property
    def width(self) -> float:
        return self.page.content_width

    @property
    def roll(self) -> bool:
        return self.page.roll

    def para(self, text: str, style: ParagraphStyle | None = None, *, bold: bool = False,
             align: str | None = None) -> Paragraph:
        style = style or self.body
        if align is not None:
            style = ParagraphStyle(f"{style.name}-{align}", parent=style,
                                   alignment={"left": TA_LEFT, "centre": TA_CENTER,
                                              "right": TA_RIGHT}[align])
        return (BoldParagraph if bold else Paragraph)(markup(text), style)


def styles_for(paper: Paper, *, large_print: bool = False) -> Styles:
    scale = LARGE_PRINT if large_print else 1.0
    body, small, cell, heading, title, amount = (s * scale for s in _SIZES[paper])
    base = fonts.ensure_registered()

    def style(name: str, size: float, *, leading: float = 1.4, **kw: object) -> ParagraphStyle:
        kw.setdefault("textColor", colors.black)
        return ParagraphStyle(name, fontName=base, fontSize=size, leading=size * leading,
                              wordWrap="CJK", **kw)

    return Styles(
        page=PAGES[paper],
        body=style("body", body, spaceAfter=body * 0.3),
        small=style("small", small, textColor=colors.HexColor("#333333")),
        cell=style("cell", cell, leading=1.3),
        heading=style("heading", heading, spaceBefore=heading * 0.6, spaceAfter=heading * 0.3,
                      keepWithNext=1),
        title=style("title", title, leading=1.3, alignment=TA_CENTER, spaceAfter=title * 0.5),
        amount=style("amount", amount, leading=1.3),
    )


Story = Callable[[Styles], list[Flowable]]  # called once per pass: flowables are used up
PageDecor = Callable[[Canvas, int, int], None]  # (canvas, page number, page count)


class _Doc(BaseDocTemplate):
    def __init__(self, buffer: io.BytesIO, page: PageSpec, height: float, *, title: str,
                 subject: str, decorate: PageDecor, pages: int) -> None:
        super().__init__(buffer, pagesize=(page.width, height), leftMargin=page.side,
                         rightMargin=page.side + page.hang, topMargin=page.top,
                         bottomMargin=page.bottom,
                         title=title, subject=subject, author="yibao-desk", creator="yibao-desk",
                         # a TrueType initial font keeps the unembedded Helvetica out of the PDF
                         initialFontName=fonts.ensure_registered(fonts.LATIN))
        frame = Frame(page.side, page.bottom, page.content_width, height - page.top - page.bottom,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
        self.addPageTemplates([PageTemplate(
            id="page", frames=[frame], onPage=lambda c, d: decorate(c, d.page, pages))])
        self.lowest = height

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 (reportlab's name)
        # Frame keeps its cursor in `_y` (no public accessor); `frame` is None while a
        # keep-with-next group is being gathered.
        if self.frame is not None:
            self.lowest = min(self.lowest, self.frame._y)


def build_pdf(paper: Paper, story: Story, *, title: str, serial: str | None = None,
              large_print: bool = False) -> bytes:
    """Lay out `story` on `paper`; sheets get "第 x 页 / 共 N 页" and the serial at the foot,
    so a loose second page can be matched to its first."""
    styles = styles_for(paper, large_print=large_print)
    page = styles.page
    mark = _mark.get()
    if mark:
        title = f"{title}（{mark}）"

    def decorate(canvas: Canvas, number: int, count: int) -> None:
        if mark:
            _draw_mark(canvas, mark, page, page_height[0])
        if page.roll:
            return  # one slip, nothing to number
        size = styles.small.fontSize
        y = page.bottom - size * 2
        fonts.draw_string(canvas, page.width - page.side, y, f"第 {number} 页 / 共 {count} 页",
                          size, anchor="right")
        if serial:
            fonts.draw_string(canvas, page.side, y, f"编号 {serial}", size)

    page_height = [page.height or _ROLL_MAX]  # the pass's page height, for the mark

    def run(height: float, pages: int) -> tuple[_Doc, bytes]:
        page_height[0] = height
        buffer = io.BytesIO()
        doc = _Doc(buffer, page, height, title=title, subject=serial or "", decorate=decorate,
                   pages=pages)
        doc.build(story(styles))
        return doc, buffer.getvalue()

    with _render_lock:
        if page.roll:
            measured, _ = run(_ROLL_MAX, 1)
            # content height = (_ROLL_MAX - top) - lowest; 2 pt spare against rounding
            return run(_ROLL_MAX - measured.lowest + page.bottom + 2, 1)[1]
        counted, _ = run(page.height, 0)
        return run(page.height, counted.page)[1]
