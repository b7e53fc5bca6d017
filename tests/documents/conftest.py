"""Render every sample document once per session and read the PDFs back with pypdf."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from desktop.documents import render
from desktop.documents.samples import samples


@dataclass
class Pdf:
    """What a test needs to know about one rendered PDF."""

    data: bytes

    @property
    def reader(self) -> PdfReader:
        return PdfReader(io.BytesIO(self.data))

    @property
    def text(self) -> str:
        return "\n".join(page.extract_text() for page in self.reader.pages)

    @property
    def sizes(self) -> list[tuple[float, float]]:
        return [(float(p.mediabox.width), float(p.mediabox.height)) for p in self.reader.pages]

    def fonts(self) -> dict[str, dict]:
        """BaseFont -> font dictionary, over all pages."""
        found = {}
        for page in self.reader.pages:
            for ref in page["/Resources"]["/Font"].values():
                font = ref.get_object()
                found[str(font["/BaseFont"])] = font
        return found

    def font_sizes(self) -> Counter:
        """How often each font size is set (Tf operators) in the page content streams."""
        counts: Counter = Counter()
        reader = self.reader
        for page in reader.pages:
            for operands, operator in ContentStream(page.get_contents(), reader).operations:
                if operator == b"Tf":
                    counts[round(float(operands[1]), 2)] += 1
        return counts

    def text_spans(self) -> list[tuple[str, float, float]]:
        """(text, x, font size) of every shown string, in page coordinates."""
        spans = []

        def visit(text, cm, tm, font, size):
            if text.strip():
                spans.append((text, tm[4] * cm[0] + cm[4], size * tm[0] * cm[0]))

        for page in self.reader.pages:
            page.extract_text(visitor_text=visit)
        return spans


@pytest.fixture(scope="session")
def pdfs() -> dict[str, Pdf]:
    return {stem: Pdf(render(document)) for stem, document in samples().items()}


@pytest.fixture(scope="session")
def render_pdf():
    return lambda document: Pdf(render(document))
