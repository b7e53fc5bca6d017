"""Paper, type sizes and the build engine every document goes through.

A document supplies a function from (`Styles`) to a list of flowables; `build_pdf` lays it out
once: the page furniture that needs the whole document ("第 1 页 / 共 N 页", the length of an
80 mm slip) is drawn when the document is finished (`_PageCanvas`).
"""

from __future__ import annotations

import copy
import functools
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
from reportlab.lib.rl_accel import sameFrag
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph
from reportlab.platypus.paragraph import (
    FragLine,
    ParaLines,
    _handleBulletWidth,
    cleanBlockQuotedText,
)
from reportlab.platypus.paraparser import ParaFrag
from reportlab.rl_config import _FUZZ

from desktop.documents import fonts, linebreak
from desktop.documents.model import Paper

LARGE_PRINT = 1.4  # 适老化: at least 1.4 × the normal sizes
_ROLL_MAX = 14400.0  # PDF's largest page side in points (~5 m): the roll's page before its cut
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


# (font, size) -> {character: its width}: what reportlab's CJK breaking measures, one character
# at a time, for every paragraph
_char_widths: dict[tuple[str, float], dict[str, float]] = {}


class Para(Paragraph):
    """A Paragraph that breaks its lines once per width, and a line that fits at once.

    A table wraps each cell when it is measured and again when it is drawn: the second wrap at
    the same width reuses the first one's lines. reportlab's CJK breaking measures and regroups
    the text character by character; a paragraph of several runs that fits on its first line
    (most labels, values and headings) gets the very same line (`_one_line`) run by run."""

    def breakLinesCJK(self, maxWidths):  # noqa: N802, N803 (reportlab's names)
        line = self._one_line(maxWidths)
        if line is not None:
            return line
        frags, style = self.frags, self.style
        if not frags or getattr(self, "_splitpara", 0) or style.endDots \
                or any(hasattr(f, "cbDefn") for f in frags):
            return super().breakLinesCJK(maxWidths)
        # reportlab's two cases, with figures kept whole and ，；： never starting a line
        if not isinstance(maxWidths, (list, tuple)):
            maxWidths = [maxWidths]
        self.height = 0
        _handleBulletWidth(self.bulletText, style, maxWidths)
        if len(frags) == 1:  # one run in one face (most wrapped text): by the string, as reportlab
            f = frags[0]
            text = f.text if hasattr(f, "text") else "".join(getattr(f, "words", []))
            lines = linebreak.split_text(text, maxWidths, f.fontName, f.fontSize)
            return f.clone(kind=0, lines=[(sp, [line]) for sp, line in lines], ascent=f.fontSize,
                           descent=-0.2 * f.fontSize)
        auto = getattr(self, "autoLeading", getattr(style, "autoLeading", ""))
        return linebreak.split(frags, maxWidths, auto not in ("", "off"))

    def _one_line(self, maxWidths):  # noqa: N803
        """What `cjkFragSplit` (reportlab.platypus.paragraph) returns for frags that fit on the
        first line without a break; None when that is not the case or not certain."""
        frags, style = self.frags, self.style
        if len(frags) < 2 or getattr(self, "_splitpara", 0) \
                or getattr(self, "autoLeading", getattr(style, "autoLeading", "")) not in ("", "off"):
            return None
        widths = list(maxWidths) if isinstance(maxWidths, (list, tuple)) else [maxWidths]
        _handleBulletWidth(self.bulletText, style, widths)
        max_width = widths[0]
        used = 0
        for f in frags:
            text = getattr(f, "text", None)
            if not text or not isinstance(text, str) or hasattr(f, "cbDefn") \
                    or hasattr(f, "lineBreak"):
                return None
            font, size = f.fontName, f.fontSize
            known = _char_widths.get((font, size))
            if known is None:
                known = _char_widths[(font, size)] = {}
            for char in text:
                width = known.get(char)
                if width is None:
                    width = known[char] = stringWidth(char, font, size)
                used += width
        if used > max_width + _FUZZ or used <= 0:
            return None
        if isinstance(maxWidths, list):
            maxWidths[0] = max_width  # reportlab narrows the caller's first line for a bullet
        self.height = 0
        words = []
        max_size = max_ascent = min_descent = 0
        previous = FragLine()
        for f in frags:
            ascent, descent = getAscentDescent(f.fontName, f.fontSize)
            max_size = max(max_size, f.fontSize)
            max_ascent = max(max_ascent, ascent)
            min_descent = min(min_descent, descent)
            if words and sameFrag(previous, f):
                words[-1].text += f.text
            else:
                if not words and sameFrag(previous, f):
                    return None  # the empty FragLine matched: not a case this follows
                word = f.clone()
                word.text = f.text
                words.append(word)
                previous = f
        line = FragLine(kind=1, extraSpace=max_width - used, wordCount=1, words=words,
                        fontSize=max_size, ascent=max_ascent, descent=min_descent,
                        maxWidth=max_width, currentWidth=used, lineBreak=False)
        return ParaLines(kind=1, lines=[line])

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        memo = self.__dict__.get("_wrapped")
        if memo is not None and memo[0] == availWidth and memo[1] is self.frags \
                and memo[2] is self.style:
            self.width, self.height, self.blPara, self._wrapWidths = memo[3:]
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, self.frags, self.style, self.width, self.height, self.blPara,
                         self._wrapWidths)
        return size


class BoldParagraph(Para):
    """A paragraph drawn fill-and-stroke, the synthetic bold of `fonts.BOLD_STROKE`."""

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setLineWidth(self.style.fontSize * fonts.BOLD_STROKE)
        canvas.setStrokeColor(self.style.textColor)
        canvas.addLiteral("2 Tr")  # text render mode lives in the graphics state: Q restores it
        super().draw()
        canvas.restoreState()


def _markup(lines: list[list[tuple[str, str]]]) -> str:
    return "<br/>".join("".join(f'<font face="{font}">{escape(chunk)}</font>' for font, chunk in line)
                        for line in lines)


def markup(text: str) -> str:
    """Plain text -> Paragraph markup: XML-escaped, each run in the font that has its glyphs."""
    return _markup([fonts.runs(line) for line in text.split("\n")])


_PLAIN = frozenset("&<>")  # characters the parser sees as entities or tags once escaped
# (style font, size, colour) -> {face, or None for a line break: the fragment reportlab's
# parser makes for a run in that face (or for a <br/>) in a paragraph of that style}
_templates: dict[tuple, dict[str | None, ParaFrag]] = {}


def _template(style: ParagraphStyle, faces: dict[str | None, ParaFrag],
              face: str | None) -> ParaFrag:
    frag = faces.get(face)
    if frag is None:
        if face is None:
            frag = Paragraph(f'<font face="{fonts.LATIN.name}">x</font><br/>', style).frags[1]
        else:
            frag = Paragraph(f'<font face="{face}">x</font>', style).frags[0]
        faces[face] = frag
    return frag


def fragments(text: str, markup_text: str, style: ParagraphStyle,
              lines: list[list[tuple[str, str]]] | None = None) -> list[ParaFrag] | None:
    """What reportlab's parser makes of `markup(text)` in `style`, without parsing it: one
    fragment per run (and per line break), copied from a parsed template of its face. None
    where the parser would change the text (whitespace it collapses, entities it splits at) or
    the style asks for more: such paragraphs are parsed. `lines`: the runs of each line."""
    if (not text or style.textTransform or not _PLAIN.isdisjoint(text)
            or cleanBlockQuotedText(markup_text) != markup_text):
        return None
    if lines is None:
        lines = [fonts.runs(line) for line in text.split("\n")]
    faces = _templates.setdefault((style.fontName, style.fontSize, repr(style.textColor)), {})
    link: list = []  # the parser's fragments of one paragraph share these two lists
    us_lines: list = []
    frags = []
    for n, line in enumerate(lines):
        if n:
            frags.append(_template(style, faces, None).clone(link=link, us_lines=us_lines))
        frags += [_template(style, faces, font).clone(text=chunk, link=link, us_lines=us_lines)
                  for font, chunk in line]
    return frags


def paragraph(text: str, style: ParagraphStyle, *, bold: bool = False,
              bullet: str | None = None) -> Paragraph:
    """A Paragraph of plain `text` (fallback fonts, line breaks at "\\n") in `style`."""
    lines = [fonts.runs(line) for line in text.split("\n")]
    source = _markup(lines)
    return (BoldParagraph if bold else Para)(source, style, bulletText=bullet,
                                              frags=fragments(text, source, style, lines))


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
        return paragraph(text, style, bold=bold)


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


Story = Callable[[Styles], list[Flowable]]  # called once per document: flowables are used up
PageDecor = Callable[[Canvas, int, int, float], None]  # (canvas, page number, page count, height)


class _PageCanvas(Canvas):
    """A canvas that lets the whole document be laid out once.

    The page furniture ("第 x 页 / 共 N 页", the mark) is drawn where the page template asks
    for it (`hold_place`, at the start of each page: behind the content), but only once what it
    needs is known. On sheets the finished pages are held (reportlab's numbered-canvas recipe)
    and get their footers at `save`, when the page count is known; on the roll the one page is
    cut to its content at `showPage` (laid out below y = 0 on a tall page, then moved up)."""

    def __init__(self, *args: object, decorate: PageDecor, page: PageSpec,
                 lowest: Callable[[], float], **kw: object) -> None:
        super().__init__(*args, **kw)
        self._decorate = decorate
        self._spec = page
        self._lowest = lowest  # the lowest point the content reached (the roll's cut)
        self._held: list[dict] = []
        self._furniture_at: tuple[int, dict] = (0, {})

    def hold_place(self) -> None:
        """Remember where in the page's stream, and in which graphics state, the furniture goes."""
        state = self.__dict__
        self._furniture_at = (len(self._code), {k: state[k] for k in self.STATE_ATTRIBUTES})

    def _furnish(self, number: int, count: int, height: float, shift: float = 0.0) -> None:
        at, state = self._furniture_at
        page_code = self._code
        page_state = {k: self.__dict__[k] for k in self.STATE_ATTRIBUTES}
        self._code = []
        self.__dict__.update(state)
        self._decorate(self, number, count, height)
        if shift:
            self.translate(0, shift)  # the content after it, laid out `shift` lower
        furniture = self._code
        self.__dict__.update(page_state)
        self._code = page_code[:at] + furniture + page_code[at:]

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        if self._spec.roll:
            # the page top is y = 0 (`_Doc`): content height = -top - lowest; 2 pt spare
            height = -self._lowest() + self._spec.bottom + 2
            self._pagesize = (self._pagesize[0], height)  # not setPageSize: keep the preamble
            self._furnish(1, 1, height, shift=height)
            super().showPage()
        else:
            self._held.append(dict(self.__dict__))
            self._startPage()

    def save(self) -> None:
        count = len(self._held)
        for state in self._held:
            self.__dict__.update(state)
            self._furnish(self._pageNumber, count, self._pagesize[1])
            Canvas.showPage(self)
        super().save()


class _Frame(Frame):
    """A Frame whose deep copy copies only what is mutable. platypus deep-copies the current
    frame each time a table cell holding a list of flowables is measured (`_listWrapOn`); a
    frame is a few numbers and a list, and `copy.deepcopy` walking it generically was a
    noticeable part of a receipt."""

    def __deepcopy__(self, memo: dict) -> _Frame:
        clone = copy.copy(self)
        for key, value in self.__dict__.items():
            if not isinstance(value, (str, int, float, type(None))):
                setattr(clone, key, copy.deepcopy(value, memo))
        return clone


class _Doc(BaseDocTemplate):
    def __init__(self, buffer: io.BytesIO, page: PageSpec, *, title: str, subject: str) -> None:
        height = page.height or _ROLL_MAX
        super().__init__(buffer, pagesize=(page.width, height), leftMargin=page.side,
                         rightMargin=page.side + page.hang, topMargin=page.top,
                         bottomMargin=page.bottom,
                         title=title, subject=subject, author="yibao-desk", creator="yibao-desk",
                         # a TrueType initial font keeps the unembedded Helvetica out of the PDF
                         initialFontName=fonts.ensure_registered(fonts.LATIN))
        # On the roll the page top is y = 0 and the content runs down into negative y, so the
        # coordinates keep the precision they will have on the cut slip (moved up by its height).
        top = 0.0 if page.roll else height
        frame = _Frame(page.side, top - height + page.bottom, page.content_width,
                       height - page.top - page.bottom,
                       leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame],
                                            onPage=lambda c, d: c.hold_place())])
        self.lowest = top

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 (reportlab's name)
        # Frame keeps its cursor in `_y` (no public accessor); `frame` is None while a
        # keep-with-next group is being gathered.
        if self.frame is not None:
            self.lowest = min(self.lowest, self.frame._y)


def build_pdf(paper: Paper, story: Story, *, title: str, serial: str | None = None,
              large_print: bool = False, running: str | None = None) -> bytes:
    """Lay out `story` on `paper`; sheets get "第 x 页 / 共 N 页" and the serial at the foot,
    so a loose second page can be matched to its first, and from the second sheet on the
    `running` head (the document's title and whose it is) at the top."""
    styles = styles_for(paper, large_print=large_print)
    page = styles.page
    mark = _mark.get()
    if mark:
        title = f"{title}（{mark}）"

    def decorate(canvas: Canvas, number: int, count: int, height: float) -> None:
        if mark:
            _draw_mark(canvas, mark, page, height)
        if page.roll:
            return  # one slip, nothing to number
        size = styles.small.fontSize
        y = page.bottom - size * 2
        fonts.draw_string(canvas, page.width - page.side, y, f"第 {number} 页 / 共 {count} 页",
                          size, anchor="right")
        if serial:
            fonts.draw_string(canvas, page.side, y, f"编号 {serial}", size)
        if running and number > 1:  # the page number stands at the foot, as on page 1
            top = height - page.top * 0.5
            fonts.draw_string(canvas, page.side, top, running, size, bold=True)
            canvas.saveState()
            canvas.setLineWidth(0.5)
            canvas.line(page.side, top - size * 0.5, page.width - page.side, top - size * 0.5)
            canvas.restoreState()

    with _render_lock:
        buffer = io.BytesIO()
        doc = _Doc(buffer, page, title=title, subject=serial or "")
        doc.build(story(styles), canvasmaker=functools.partial(
            _PageCanvas, decorate=decorate, page=page, lowest=lambda: doc.lowest))
        return buffer.getvalue()
