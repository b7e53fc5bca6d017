"""Blocks every document is built from: header, field tables, grids, boxes, QR, signatures.

Each block adapts to the paper through `Styles`: ruled tables on A4/A5, unruled label-value
lines on the 80 mm roll where rules waste width and thermal paper.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    HRFlowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from desktop.documents import fonts
from desktop.documents.format import mask_id, money, money_in_words, stamp
from desktop.documents.layout import Styles, paragraph
from desktop.documents.model import Header, Person
from desktop.documents.qr import QrFlowable

RULE = colors.HexColor("#444444")
SHADE = colors.HexColor("#EDEDED")
_PADDING = 14  # a cell's default left + right padding (12) and a little air
_DATE_BLANK = "年" + "\u00a0" * 5 + "月" + "\u00a0" * 5 + "日"  # nbsp: not collapsed
_NO_SIDE_PADDING = [("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]
Cell = str | Flowable


def _table(data: list[list], widths: Sequence[float], commands: list[tuple], **kw) -> Table:
    """A Table whose empty cells use an embedded font: reportlab's default there is Helvetica,
    which would put an unembedded font into the PDF."""
    table = Table(data, colWidths=list(widths), **kw)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.ensure_registered(fonts.LATIN)),
                               *commands]))
    return table


def _tight(style: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}-tight", parent=style, spaceBefore=0, spaceAfter=0)


def header_block(header: Header, title: str, s: Styles) -> list[Flowable]:
    """Hall, window, clerk, print time and serial, a rule, then the document's title."""
    who = f"{header.window}　经办人：{header.clerk}"
    when = f"打印时间：{stamp(header.printed_at)}"
    serial = f"编号：{header.serial}" if header.serial else None
    handled = None
    if header.reprint:  # 补打: never mistaken for the first print, nor its date for today's
        title = f"{title}（补打）"
        if header.handled_at is not None:
            handled = f"办理时间：{stamp(header.handled_at)}"
    if s.roll:
        lines: list[Flowable] = [s.para(header.hall, _tight(s.heading), bold=True, align="centre"),
                                 Spacer(1, 2), s.para(title, s.title, bold=True)]
        lines += [s.para(text, s.small) for text in (who, handled, when, serial) if text]
        return [*lines, HRFlowable(width="100%", thickness=0.6, dash=(2, 2), spaceBefore=3,
                                   spaceAfter=4, color=colors.black)]
    left = [s.para(header.hall, _tight(s.heading), bold=True), s.para(who, s.small)]
    right = [s.para(text, s.small, align="right") for text in (handled, when, serial) if text]
    table = _table([[left, right]], [s.width * 0.58, s.width * 0.42],
                   [("VALIGN", (0, 0), (-1, -1), "BOTTOM"), *_NO_SIDE_PADDING])
    return [table, HRFlowable(width="100%", thickness=1.2, color=colors.black, spaceBefore=2,
                              spaceAfter=s.title.fontSize * 0.6),
            s.para(title, s.title, bold=True)]


def section(title: str, s: Styles) -> Paragraph:
    return s.para(title, s.heading, bold=True)


def table_section(title: str, table: Table, s: Styles, *, rows: int = 3) -> list[Flowable]:
    """A heading over a long table that may run on to the next page: the heading moves on
    only when it and the table's first `rows` rows do not fit (keep-with-next would move
    the whole table and leave half a page blank)."""
    heading = ParagraphStyle(f"{s.heading.name}-open", parent=s.heading, keepWithNext=0)
    needed = s.heading.fontSize * 2.4 + (rows + 1) * s.cell.fontSize * 3.2
    return [CondPageBreak(needed), s.para(title, heading, bold=True), table]


def running_head(title: str, person: Person | None, *, full_id: bool = False) -> str:
    """What a continuation sheet carries at its top: the paper's title and whose it is."""
    if person is None or not person.name:
        return f"{title}（续）"
    return f"{title}（续）　{person.name}　{mask_id(person.id_number, full=full_id)}"


def person_fields(person: Person, *, full_id: bool, agent: Person | None = None,
                  role: str = "参保人") -> list[tuple[str, str]]:
    """Name and (masked) ID of the person, and of the agent who came for them."""
    rows = [(f"{role}姓名", person.name),
            ("证件号码", mask_id(person.id_number, full=full_id))]
    if agent is not None:
        rows += [("代办人姓名", agent.name), ("代办人证件号码", mask_id(agent.id_number, full=full_id))]
    return rows


def fields(rows: Sequence[tuple[str, str]], s: Styles, *, columns: int = 1) -> Table:
    """Label/value pairs, `columns` pairs to a row on A4/A5; one pair a row on the roll."""
    columns = 1 if s.roll else columns
    labels = [label for label, _ in rows]
    label_width = max(fonts.string_width(label, s.cell.fontSize) for label in labels) + _PADDING
    value_width = s.width / columns - label_width
    data = []
    for start in range(0, len(rows), columns):
        row: list[Cell] = []
        for label, value in rows[start:start + columns]:
            row += [s.para(label, s.cell, bold=not s.roll), s.para(value, s.cell)]
        row += [""] * (2 * columns - len(row))
        data.append(row)
    commands: list[tuple] = [("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    lone = columns > 1 and len(rows) % columns  # a lone last pair: its value takes the row
    if s.roll:
        commands += [("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 1),
                     ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]
    else:
        commands += [("GRID", (0, 0), (-1, -1), 0.5, RULE)]
        commands += [("BACKGROUND", (2 * c, 0), (2 * c, -2 if lone and c else -1), SHADE)
                     for c in range(columns)]
    if lone:
        commands.append(("SPAN", (1, len(data) - 1), (2 * columns - 1, len(data) - 1)))
    return _table(data, [label_width, value_width] * columns, commands)


def grid(head: Sequence[str], rows: Sequence[Sequence[Cell]], s: Styles, *,
         widths: Sequence[float | None], align: dict[int, str] | None = None,
         bold_last_row: bool = False, min_widths: dict[int, float] | None = None) -> Table:
    """A ruled table whose header repeats on every page.

    `widths` are shares of the width left over once the `None` columns (numbers, amounts,
    marks: never to be wrapped) have taken the width of their longest text. `min_widths`
    (points, padding included) widens a shared column at the expense of the widest one, e.g.
    so that a file name is not broken in the middle on A5.
    """
    align = align or {}
    fitted = {c: max(fonts.string_width(str(row[c]), s.cell.fontSize) for row in [head, *rows]
                     if isinstance(row[c], str)) + _PADDING
              for c, share in enumerate(widths) if share is None}
    spare = s.width - sum(fitted.values())
    shares = sum(share for share in widths if share is not None)
    column_widths = [fitted[c] if share is None else spare * share / shares
                     for c, share in enumerate(widths)]
    for c, least in (min_widths or {}).items():
        deficit = least - column_widths[c]
        widest = max(range(len(widths)), key=lambda i: column_widths[i] if i != c else -1)
        if deficit > 0 and column_widths[widest] - deficit > s.width * 0.3:
            column_widths[c] += deficit
            column_widths[widest] -= deficit

    def cell(value: Cell, column: int, bold: bool = False) -> Cell:
        if isinstance(value, str):
            return s.para(value, s.cell, bold=bold, align=align.get(column))
        return value

    data = [[cell(text, c, bold=True) for c, text in enumerate(head)]]
    for r, row in enumerate(rows):
        bold = bold_last_row and r == len(rows) - 1
        data.append([cell(value, c, bold) for c, value in enumerate(row)])
    return _table(data, column_widths,
                  [("GRID", (0, 0), (-1, -1), 0.5, RULE), ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                   ("VALIGN", (0, 0), (-1, -1), "MIDDLE")], repeatRows=1)


def numbered(lines: Sequence[str], s: Styles, *, style: ParagraphStyle | None = None,
             bullet: str | None = None) -> list[Flowable]:
    """One paragraph per line with a hanging number (or `bullet`)."""
    base = style or s.body
    hang = ParagraphStyle(f"{base.name}-list", parent=base, leftIndent=base.fontSize * 1.6,
                          bulletIndent=0, bulletFontName=fonts.LATIN.name,
                          bulletFontSize=base.fontSize, spaceAfter=base.fontSize * 0.2)
    return [paragraph(line, hang, bullet=bullet or f"{i}.")
            for i, line in enumerate(lines, start=1)]


def box(content: Sequence[Flowable], s: Styles, *, thickness: float = 1.2,
        shade: colors.Color | None = None, width: float | None = None) -> Table:
    """A framed block that catches the eye: amounts to pay, missing materials, disclaimers."""
    # CJK wrapping lets a closing punctuation mark hang past the line end: keep it off the frame.
    commands: list[tuple] = [("BOX", (0, 0), (-1, -1), thickness, colors.black),
                             ("RIGHTPADDING", (0, 0), (-1, -1), 6 + s.body.fontSize),
                             ("TOPPADDING", (0, 0), (-1, -1), 5),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]
    if shade is not None:
        commands.append(("BACKGROUND", (0, 0), (-1, -1), shade))
    return _table([[list(content)]], [width or s.width], commands)


def amount_box(label: str, amount: Decimal, s: Styles, *, note: str | None = None,
               qr_text: str | None = None) -> list[Flowable]:
    """The one figure the person must act on, large and framed, with its deadline under it;
    with `qr_text` the QR code stands beside the frame (A5, where a line of its own is dear)."""
    lines: list[Flowable] = [s.para(f"{label}：{money(amount)}", s.amount, bold=True),
                             s.para(f"大写：{money_in_words(amount)}", _tight(s.body))]
    if note:
        lines.append(s.para(note, _tight(s.body), bold=True))
    if qr_text is None or s.roll:
        return [Spacer(1, s.body.fontSize * 0.8), box(lines, s, thickness=1.6)]
    size = 22 * mm
    framed = box(lines, s, thickness=1.6, width=s.width - size - 8)
    table = _table([[framed, qr_drawing(qr_text, size)]], [s.width - size - 6, size + 6],
                   [("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                    *_NO_SIDE_PADDING])
    return [Spacer(1, s.body.fontSize * 0.8), table]


def in_words(label: str, amount: Decimal, s: Styles) -> Paragraph:
    """A total written out (金额大写) under the table that sums it."""
    style = ParagraphStyle(f"{s.body.name}-words", parent=s.body, spaceBefore=s.body.fontSize * 0.4)
    return s.para(f"{label}（大写）：{money_in_words(amount)}", style, bold=True)


def qr_drawing(text: str, size: float) -> QrFlowable:
    return QrFlowable(text, size)


def qr_block(text: str | None, caption: Sequence[str], s: Styles) -> list[Flowable]:
    """The services' `serial|check-value` as a QR code beside (on the roll: under) its caption."""
    lines = [s.para(line, s.small, align="centre" if s.roll else None) for line in caption]
    if text is None:
        return lines
    if s.roll:
        code = qr_drawing(text, 30 * mm)
        code.hAlign = "CENTER"
        return [Spacer(1, 4), code, *lines]
    size = 26 * mm if s.page.width > 500 else 22 * mm
    table = _table([[lines, qr_drawing(text, size)]], [s.width - size - 6, size + 6],
                   [("VALIGN", (0, 0), (-1, -1), "MIDDLE"), *_NO_SIDE_PADDING])
    return [Spacer(1, 6), table]


SEAL_LABEL = "经办机构（盖章）"
SEAL_HINT = "业务专用章"
_SEAL_GREY = colors.HexColor("#9A9A9A")


class SealArea(Flowable):
    """Where the 业务专用章 is pressed: a dashed circle, light, with its name inside, so the
    clerk stamps the right place and a sheet without the stamp shows it lacks one."""

    def __init__(self, diameter: float, hint_size: float) -> None:
        super().__init__()
        self.diameter = diameter
        self.hint_size = hint_size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, self.diameter + 4

    def draw(self) -> None:
        canvas = self.canv
        radius = self.diameter / 2
        centre = self.width / 2
        canvas.saveState()
        canvas.setStrokeColor(_SEAL_GREY)
        canvas.setFillColor(_SEAL_GREY)
        canvas.setLineWidth(0.6)
        canvas.setDash(2, 2)
        canvas.circle(centre, radius + 2, radius, stroke=1, fill=0)
        fonts.draw_string(canvas, centre, radius + 2 - self.hint_size / 3, SEAL_HINT,
                          self.hint_size, anchor="centre")
        canvas.restoreState()


def sign_and_seal(signers: Sequence[str], s: Styles, *, date_label: str = "日期",
                  beside: Sequence[Flowable] = ()) -> Flowable:
    """The foot of a paper handed over: a line for each signer and the date on the left (under
    `beside`, e.g. a caption), the 经办机构's seal area on the right; on the roll, one under the
    other."""
    rows: list[list[Cell]] = [[s.para(f"{label}：", s.body), ""] for label in signers]
    rows.append([s.para(f"{date_label}：", s.body), s.para(_DATE_BLANK, align="right")])
    label_width = max(fonts.string_width(f"{label}：", s.body.fontSize)
                      for label in [*signers, date_label]) + _PADDING
    diameter = (20 if s.page.width < 500 else 24) * mm
    # long labels (告知单, large print) take width from the seal's side, never the line to sign on
    left_width = s.width if s.roll else min(max(s.width * 0.66, label_width + s.width * 0.28),
                                            s.width - diameter - 12)
    lines = _table(rows, [label_width, left_width - label_width],
                   [("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (0, -1), 0),
                    *[("LINEBELOW", (1, r), (1, r), 0.6, colors.black) for r in range(len(rows))]],
                   rowHeights=[s.body.fontSize * 2.5] * len(rows))
    seal = [s.para(SEAL_LABEL, _tight(s.body), align="centre"), SealArea(diameter, s.small.fontSize)]
    if s.roll:
        return KeepTogether([Spacer(1, 4), *beside, lines, Spacer(1, 6), *seal])
    table = _table([[[*beside, lines], seal]], [left_width, s.width - left_width],
                   [("VALIGN", (0, 0), (-1, -1), "BOTTOM"), *_NO_SIDE_PADDING])
    return KeepTogether([Spacer(1, s.body.fontSize * 0.5), table])


def signatures(labels: Sequence[str], s: Styles) -> Table:
    """Lines to sign on, two to a row on A4/A5, then the date: 参保人/代办人签字, 经办人签字 …"""
    per_row = 1 if s.roll else 2
    cells: list[str] = [*labels, "日期"]
    data: list[list[Cell]] = []
    for start in range(0, len(cells), per_row):
        row: list[Cell] = []
        for label in cells[start:start + per_row]:
            blank = s.para(_DATE_BLANK, align="right") if label == "日期" else ""
            row += [s.para(f"{label}：", s.body), blank]
        row += [""] * (2 * per_row - len(row))
        data.append(row)
    widths: list[float] = []
    for column in range(per_row):
        label = max(fonts.string_width(f"{text}：", s.body.fontSize)
                    for text in cells[column::per_row]) + _PADDING
        widths += [label, s.width / per_row - label]
    commands: list[tuple] = [("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                             ("LEFTPADDING", (0, 0), (0, -1), 0)]
    for r, row in enumerate(data):
        commands += [("LINEBELOW", (c, r), (c, r), 0.6, colors.black)
                     for c in range(1, len(row), 2) if row[c - 1] != ""]
    return _table(data, widths, commands,
                  rowHeights=[s.body.fontSize * 3.2] * len(data))
