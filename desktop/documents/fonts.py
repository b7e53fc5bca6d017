"""The shipped fonts and per-character fallback between them.

No single free TrueType font covers a clerk's world (Latin digits, common hanzi, the rare
characters GB 18030-2022 requires in names), so text is split into runs, each drawn with the
first font of `CHAIN` that has a glyph for it. Fonts are registered with reportlab on first
use only: importing this module touches no file.
"""

from __future__ import annotations

import functools
import itertools
import threading
from dataclasses import dataclass

from reportlab.graphics.shapes import Drawing
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont, TTFontFace
from reportlab.pdfgen.canvas import Canvas

from desktop.shipped import fonts_dir

# Fill-and-stroke with this line width (× font size) stands in for bold: none of the shipped
# CJK fonts has a bold face, and a synthetic one keeps Latin and hanzi the same weight.
BOLD_STROKE = 0.035


@dataclass(frozen=True)
class Face:
    name: str  # the name registered with reportlab
    file: str  # under resources/fonts


# Order matters: Latin first so digits and ASCII look like Latin, then the main CJK face, then
# the rare-character faces, which are opened only when a character needs them.
LATIN = Face("YB-Latin", "DejaVuSans.ttf")
CJK = Face("YB-CJK", "DroidSansFallbackFull.ttf")
CHAIN: tuple[Face, ...] = (
    LATIN,
    CJK,
    Face("YB-CJK-Symbols", "HanaMinA-subset.ttf"),  # CJK gaps, ☐ ☑ and other symbols
    Face("YB-CJK-ExtB-F", "HanaMinB-subset.ttf"),  # CJK Extensions B-F
    Face("YB-CJK-ExtG", "BabelStoneHan-subset.ttf"),  # CJK Extension G (e.g. 𰻝)
)

_lock = threading.Lock()


class _GlyphTable:
    """The `glyf` table as a view on the font file: reportlab's subsetter slices one glyph at a
    time out of it, and each slice is copied as bytes, as `get_table` would give them."""

    __slots__ = ("_view",)

    def __init__(self, view: memoryview) -> None:
        self._view = view

    def __getitem__(self, key: slice) -> bytes:
        return self._view[key].tobytes()


class _FallbackFace(TTFontFace):
    """reportlab's `makeSubset` asks for the whole `glyf` table, a copy of it (30 MB for the
    Extension B-F face, 3.5 MB for the main CJK face) for every subset of every document; it
    only slices glyphs out of it, so hand it a view instead."""

    def get_table(self, tag: str):
        if tag != "glyf":
            return super().get_table(tag)
        pos, length = self.get_table_pos(tag)
        return _GlyphTable(memoryview(self._ttf_data)[pos:pos + length])


class _FallbackTTFont(TTFont):
    """reportlab writes ToUnicode entries as 4 hex digits, which garbles characters beyond
    U+FFFF (rare name characters) when a PDF is searched or copied; rewrite those CMaps with
    UTF-16 surrogate pairs. Subsets are made without copying the glyph table (`_FallbackFace`)."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        self.face.__class__ = _FallbackFace

    def addObjects(self, doc) -> None:  # noqa: N802 (reportlab's name)
        state = self.state.get(doc)
        subsets = [list(s) for s in state.subsets] if state is not None else []
        super().addObjects(doc)
        for n, subset in enumerate(subsets):
            if max(subset, default=0) <= 0xFFFF:
                continue
            base = (SUBSETN(n) + b"+" + self.face.name + self.face.subfontNameX).decode("pdfdoc")
            doc.idToObject["toUnicodeCMap:" + base].content = _to_unicode_cmap(base, subset)


def _to_unicode_cmap(name: str, subset: list[int]) -> str:
    entries = [f"<{i:02X}> <{chr(code).encode('utf-16-be').hex().upper()}>"
               for i, code in enumerate(subset)]
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        f"/CIDSystemInfo << /Registry ({name}) /Ordering ({name}) /Supplement 0 >> def",
        f"/CMapName /{name} def", "/CMapType 2 def",
        "1 begincodespacerange", f"<00> <{len(subset) - 1:02X}>", "endcodespacerange",
        f"{len(subset)} beginbfchar", *entries, "endbfchar",
        "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])


_loaded: dict[Face, TTFont] = {}


def _load(face: Face) -> TTFont:
    font = _loaded.get(face)
    if font is None:
        with _lock:  # a render worker and the window may ask for the same face at once
            font = _loaded.get(face)
            if font is None:
                font = _FallbackTTFont(face.name, str(fonts_dir() / face.file))
                pdfmetrics.registerFont(font)
                _loaded[face] = font
    return font


def ensure_registered(face: Face = CJK) -> str:
    """Register `face` with reportlab (once) and return its name, for styles that name it."""
    return _load(face).fontName


def has_glyph(face: Face, char: str) -> bool:
    return _load(face).face.charToGlyph.get(ord(char), 0) != 0


@functools.lru_cache(maxsize=16384)
def font_for(char: str) -> str:
    """The registered name of the first font in `CHAIN` that can draw `char`."""
    for face in CHAIN:
        if has_glyph(face, char):
            return face.name
    return ensure_registered(CJK)  # nothing has it: print the main face's "missing" box


def runs(text: str) -> list[tuple[str, str]]:
    """Split `text` into (font name, chunk) runs of consecutive characters sharing a font."""
    return [(font, "".join(chars)) for font, chars in itertools.groupby(text, font_for)]


def string_width(text: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(chunk, font, size) for font, chunk in runs(text))


def drawing(width: float, height: float, **kw: object) -> Drawing:
    """A graphics Drawing whose default font is embedded (reportlab's default is Helvetica)."""
    return Drawing(width, height, initialFontName=ensure_registered(LATIN), **kw)


def draw_string(canvas: Canvas, x: float, y: float, text: str, size: float, *,
                anchor: str = "left", bold: bool = False) -> None:
    """Draw one line at baseline `y`; `anchor` says whether `x` is its left, centre or right."""
    width = string_width(text, size)
    start = {"left": x, "centre": x - width / 2, "right": x - width}[anchor]
    canvas.saveState()
    text_object = canvas.beginText(start, y)
    if bold:
        canvas.setLineWidth(size * BOLD_STROKE)
        text_object.setTextRenderMode(2)
    for font, chunk in runs(text):
        text_object.setFont(font, size)
        text_object.textOut(chunk)
    canvas.drawText(text_object)
    canvas.restoreState()
