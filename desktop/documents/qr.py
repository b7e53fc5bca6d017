"""The QR code on receipts and notices, drawn straight onto the canvas.

reportlab's QrCodeWidget encodes the text twice per document (bounds, then drawing), tries all
eight mask patterns and builds one validated shape per dark run: most of a receipt's render time.
Here the text is encoded once with a fixed mask (any of the eight is a valid QR code; the choice
only tunes contrast for scanners) and the dark runs are filled as one path. The Reed-Solomon
error correction is computed here (`codewords`) with the generator polynomials made once:
reportlab's encoder rebuilds its generator for every code, which was most of the encoding.
"""

from __future__ import annotations

import functools

from reportlab.graphics.barcode import qrencoder
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfgen.pathobject import PDFPathObject
from reportlab.platypus import Flowable

QUIET_ZONE = 4  # modules of white border the standard asks for
MASK = 0
LEVEL = qrencoder.QRErrorCorrectLevel.M
_EXP = qrencoder.EXP_TABLE
_LOG = qrencoder.LOG_TABLE


@functools.cache
def _generator(degree: int) -> tuple[int, ...]:
    """The RS generator polynomial prod(x - a^i), i < degree: coefficients, highest first."""
    return tuple(qrencoder.QRUtil.getErrorCorrectPolynomial(degree).num)


def _remainder(data: list[int], degree: int) -> list[int]:
    """data(x) * x^degree mod generator(x): the block's `degree` error-correction codewords."""
    generator = _generator(degree)[1:]  # monic: the leading 1 is implied
    log_generator = [_LOG[g] for g in generator]
    rest = [0] * degree
    for byte in data:
        factor = byte ^ rest[0]
        rest = rest[1:] + [0]
        if factor:
            log_factor = _LOG[factor]
            for i, log_g in enumerate(log_generator):
                rest[i] ^= _EXP[(log_g + log_factor) % 255]
    return rest


@functools.cache
def _positions(version: int) -> list[tuple[int, int]]:
    """Where the data bits go in a code of `version`: the same for every code of that size."""
    qr = qrencoder.QRCode(version, LEVEL)
    qr.moduleCount = version * 4 + 17
    return list(qr._dataPosIterator())


class _Bits:
    """reportlab's QRBitBuffer (`put`, `putBit`, `getLengthInBits`, `buffer`) on one integer
    rather than bit by bit."""

    def __init__(self) -> None:
        self.value = 0
        self.length = 0

    def put(self, num: int, length: int) -> None:  # the low `length` bits, highest first
        self.value = (self.value << length) | (num & ((1 << length) - 1))
        self.length += length

    def putBit(self, bit: bool) -> None:  # noqa: N802 (reportlab's name)
        self.put(1 if bit else 0, 1)

    def getLengthInBits(self) -> int:  # noqa: N802 (reportlab's name)
        return self.length

    @property
    def buffer(self) -> list[int]:
        size = (self.length + 7) // 8
        return list((self.value << (size * 8 - self.length)).to_bytes(size, "big"))


class _Code(qrencoder.QRCode):
    def mapData(self, data: list[int], maskPattern: int) -> None:  # noqa: N802, N803
        """reportlab's mapData: the data bits (then light) along the data positions, masked."""
        mask = qrencoder.QRUtil.getMask(maskPattern)
        bits = [bool(byte & bit) for byte in data for bit in (128, 64, 32, 16, 8, 4, 2, 1)]
        bits += [False] * (len(self.dataPosIterator()) - len(bits))
        modules = self.modules
        for (col, row), dark in zip(self.dataPosIterator(), bits, strict=True):
            modules[row][col] = dark ^ mask(row, col)


def codewords(version: int, data_list: list) -> list[int]:
    """What reportlab's `QRCode.createData` returns: data and error correction, interleaved."""
    blocks = qrencoder.QRRSBlock.getRSBlocks(version, LEVEL)
    buffer = _Bits()
    for data in data_list:
        data.write(buffer, version)
    capacity = sum(block.dataCount for block in blocks) * 8
    if buffer.getLengthInBits() > capacity:
        raise ValueError(f"code length overflow ({buffer.getLengthInBits()} > {capacity})")
    if buffer.getLengthInBits() + 4 <= capacity:
        buffer.put(0, 4)  # terminator
    while buffer.getLengthInBits() % 8:
        buffer.putBit(False)
    pads = (qrencoder.QRCode.PAD0, qrencoder.QRCode.PAD1)
    n = 0
    while buffer.getLengthInBits() < capacity:
        buffer.put(pads[n % 2], 8)
        n += 1
    data_blocks, ec_blocks, offset = [], [], 0
    codes = buffer.buffer
    for block in blocks:
        data_blocks.append(codes[offset:offset + block.dataCount])
        offset += block.dataCount
        ec_blocks.append(_remainder(data_blocks[-1], block.totalCount - block.dataCount))
    interleaved = []
    for group in (data_blocks, ec_blocks):
        for i in range(max(len(b) for b in group)):
            interleaved += [b[i] for b in group if i < len(b)]
    return interleaved


def modules(text: str) -> list[list[bool]]:
    qr = _Code(None, LEVEL)
    qr.addData(text)
    qr.version = qr.calculate_version()
    qr.dataCache = codewords(qr.version, qr.dataList)
    qr._dataPosList = _positions(qr.version)  # what its dataPosIterator would list first
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
        height = cell * 1.02  # a hair taller than the cell so adjacent rows leave no hairline gaps
        runs = ["n"]  # what PDFPathObject writes: "n", then one rect per dark run of a row
        for r, row in enumerate(rows):
            y = self.height - (r + QUIET_ZONE + 1) * cell
            start = None
            for c, dark in enumerate(row):
                if dark:
                    if start is None:
                        start = c
                elif start is not None:
                    runs.append(f"{fp_str((start + QUIET_ZONE) * cell, y, (c - start) * cell, height)} re")
                    start = None
            if start is not None:
                c = len(row)
                runs.append(f"{fp_str((start + QUIET_ZONE) * cell, y, (c - start) * cell, height)} re")
        self.canv.setFillGray(0)
        self.canv.drawPath(PDFPathObject(code=runs), stroke=0, fill=1)
