"""The QR code on receipts and notices, drawn straight onto the canvas.

reportlab's QrCodeWidget encodes the text twice per document (bounds, then drawing), tries all
eight mask patterns and builds one validated shape per dark run: most of a receipt's render time.
Here the text is encoded once with a fixed mask (any of the eight is a valid QR code; the choice
only tunes contrast for scanners) and the dark runs are filled as one path.
"""

from __future__ import annotations

from reportlab.graphics.barcode import qrencoder
from reportlab.platypus import Flowable

QUIET_ZONE = 4  # modules of white border the standard asks for
MASK = 0


def modules(text: str) -> list[list[bool]]:
    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(text)
    qr.version = qr.calculate_version()
    qr.makeImpl(False, MASK)
    return [[bool(m) for m in row] for row in qr.modules]


class QrFlowable(Flowable):
    """A square QR code `size` points wide carrying `text`."""

    def __init__(self, text: str, size: float) -> None:
        super().__init__()
        self.text = text
        self.width = self.height = size
        self._modules = modules(text)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        rows = self._modules
        cell = self.width / (len(rows) + 2 * QUIET_ZONE)
        path = self.canv.beginPath()
        for r, row in enumerate(rows):
            y = self.height - (r + QUIET_ZONE + 1) * cell
            c = 0
            while c < len(row):
                if row[c]:
                    start = c
                    while c < len(row) and row[c]:
                        c += 1
                    # a hair taller than the cell so adjacent rows leave no hairline gaps
                    path.rect((start + QUIET_ZONE) * cell, y, (c - start) * cell, cell * 1.02)
                else:
                    c += 1
        self.canv.setFillGray(0)
        self.canv.drawPath(path, stroke=0, fill=1)
