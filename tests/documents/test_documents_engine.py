"""The short cuts of the build engine give what reportlab itself gives.

`layout.fragments` stands in for reportlab's markup parser, `layout.Para._one_line` for its CJK
line breaking, `qr.modules` for its QR encoder's error correction and data placement, and
`_FallbackFace` for its glyph table copy; each is checked here against reportlab's own result.
The single layout pass is checked by the page furniture it draws at the end.
"""

import io
import random
import string
from dataclasses import replace

import pytest
from pypdf import PdfReader
from reportlab.graphics.barcode import qrencoder
from reportlab.pdfbase.ttfonts import TTFontFile
from reportlab.platypus import Paragraph

from desktop.documents import fonts, layout, qr, render
from desktop.documents.model import Paper
from desktop.documents.samples import CHECKLIST, RECEIPT, samples

ALPHABET = [*"受理回执王𠇹䶮𡛟𪚥·abcXYZ0123456789 ：，。（）\n\u3000\xa0&<>\"'%-_/|☐☑", "  ", "\n\n", " \n "]


def _styles():
    found = []
    for paper in Paper:
        for large in (False, True):
            s = layout.styles_for(paper, large_print=large)
            found += [s.body, s.small, s.cell, s.heading, s.title, s.amount,
                      layout.ParagraphStyle("right", parent=s.cell, alignment=2)]
    return found


def _texts(n, seed):
    rnd = random.Random(seed)
    return ["".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 25))) for _ in range(n)]


def _plain(value):
    """A comparable picture of fragments and line structures (ABag objects)."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "__dict__") and not hasattr(value, "rgb"):
        return type(value).__name__, {k: _plain(v) for k, v in value.__dict__.items()}
    return value


def test_fragments_are_what_the_parser_makes():
    styles = _styles()
    rnd = random.Random(1)
    shortcut = 0
    texts = ["受理回执", "参保人姓名 王𠇹", "a\nb", "3号窗口　经办人：张敏", "x  y", " lead", "A&B",
             "320412********1234", "年\xa0\xa0月", *_texts(1500, 2)]
    for text in texts:
        style = rnd.choice(styles)
        source = layout.markup(text)
        frags = layout.fragments(text, source, style)
        if frags is None:
            continue
        shortcut += 1
        parsed = Paragraph(source, style).frags
        assert _plain(frags) == _plain(parsed), text
        assert len({id(f.link) for f in frags}) == len({id(f.link) for f in parsed}) == 1
    assert shortcut > 300


def test_one_line_breaking_is_what_reportlab_breaks():
    styles = _styles()
    rnd = random.Random(3)
    shortcut = 0
    for text in _texts(2500, 4):
        if not text:
            continue
        p = layout.paragraph(text, rnd.choice(styles), bullet=rnd.choice([None, "1."]))
        width = rnd.uniform(10, 300)
        line = p._one_line([width, width])
        if line is None:
            continue
        shortcut += 1
        assert _plain(line) == _plain(Paragraph.breakLinesCJK(p, [width, width])), text
    assert shortcut > 300


def _reference_modules(text):
    code = qrencoder.QRCode(None, qr.LEVEL)
    code.addData(text)
    code.version = code.calculate_version()
    code.makeImpl(False, qr.MASK)
    return [[bool(m) for m in row] for row in code.modules]


@pytest.mark.parametrize("alphabet", [string.digits, string.ascii_uppercase + string.digits + " $%*+-./:",
                                      string.printable, "受理回执𠇹王|-0123"])
def test_qr_modules_are_what_reportlab_encodes(alphabet):
    rnd = random.Random(alphabet)
    for length in [*range(1, 120, 7), 300, 700, 1200]:
        text = "".join(rnd.choice(alphabet) for _ in range(length))
        try:
            reference = _reference_modules(text)
        except Exception:  # more than a QR code holds: refused both ways
            with pytest.raises(ValueError):
                qr.modules(text)
            continue
        assert qr.modules(text) == reference, text
    assert qr.modules(RECEIPT.qr_text) == _reference_modules(RECEIPT.qr_text)


def test_font_subsets_are_what_reportlab_makes():
    for face in fonts.CHAIN:
        font = fonts._load(face)
        codes = sorted(font.face.charToGlyph)
        subset = random.Random(face.name).sample(codes, min(200, len(codes)))
        assert font.face.makeSubset(subset) == TTFontFile.makeSubset(_StockFace(font.face), subset)


class _StockFace:
    """The same face through reportlab's own `get_table` (a copy of the whole table)."""

    def __init__(self, face):
        self._face = face

    def __getattr__(self, name):
        return getattr(self._face, name)

    def get_table(self, tag):
        return TTFontFile.get_table(self._face, tag)


def test_page_numbers_and_marks_are_drawn_on_every_page_in_one_pass():
    document = replace(CHECKLIST, large_print=True)
    reader = PdfReader(io.BytesIO(render(document, mark="样张")))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"第 {number} 页 / 共 {len(pages)} 页" in text
        assert "样张" in text


def test_the_roll_is_cut_to_its_content():
    pdf = PdfReader(io.BytesIO(render(samples()["receipt-80mm"])))
    page = pdf.pages[0]
    height = float(page.mediabox.height)
    assert 300 < height < 1000
    spans = []
    page.extract_text(visitor_text=lambda text, cm, tm, font, size: text.strip() and spans.append(
        tm[5] * cm[3] + cm[5]))
    assert min(spans) > 0 and max(spans) < height
