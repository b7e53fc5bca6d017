"""CJK line breaking: reportlab's `cjkFragSplit` / `dumbSplit` with two rules of Chinese text
they lack.

reportlab looks for a break before a Latin run (an amount, an ID number, a file name) only half
a line back, so a figure in a narrow cell could print as "23,4" / "56.00 元"; here the run moves
to the next line whole unless it alone is wider than a line. Its marks that may not start a
line are Japanese ones: the full-width ，；：！？ of Chinese text (GB/T 15834) are added, so they
hang at the line's end like 。 and ） do; and an opening （《“ never ends a line.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from unicodedata import category

from reportlab.lib.textsplit import ALL_CANNOT_START, getCharWidths
from reportlab.platypus.paragraph import ParaLines, cjkU, makeCJKParaLine
from reportlab.rl_config import _FUZZ

CANNOT_START = frozenset(ALL_CANNOT_START) | frozenset("，；：！？")
# opening marks end no line: they go down with what they open (GB/T 15834)
CANNOT_END = frozenset("（《“‘〔【〈「『(")


def _lines(chars: Sequence[str], widths: Sequence[float], max_widths: Sequence[float],
           forced: Collection[int] = ()) -> list[tuple[int, int, float, float, float, bool]]:
    """(start, end, max width, width used, extra space, forced break) of each line of `chars`:
    reportlab's loop, but for the search back for a break (to the line's start) and
    `CANNOT_START`. `forced`: indices of characters that end their line (a <br/>)."""
    out = []
    n = len(chars)
    i = used = start = 0
    max_width = max_widths[0]
    while i < n:
        c, w = chars[i], widths[i]
        i += 1
        used += w
        brk = i - 1 in forced
        if not (used > max_width + _FUZZ and used > 0) and not brk:
            continue
        extra = max_width - used
        if not brk:
            if c and ord(c) < 0x3000:  # inside a Latin run: break before it if it has a start here
                for j in range(i - 1, start - 1, -1):
                    cj = chars[j]
                    if cj and (category(cj) == "Zs" or ord(cj) >= 0x3000):
                        k = j + 1
                        if k < i:
                            extra += sum(widths[k + 1:i])
                            w, c, i = widths[k], chars[k], k + 1
                            break
            if c not in CANNOT_START and i > start + 1:
                i -= 1  # pushed to the next line; a mark that cannot start one hangs instead
                extra += w
            if chars[i - 1] in CANNOT_END and i > start + 1:
                i -= 1
                extra += widths[i]
        out.append((start, i, max_width, used, extra, brk))
        max_width = max_widths[min(len(out), len(max_widths) - 1)]
        start, used = i, 0
    if used > 0:
        out.append((start, n, max_width, used, max_width - used, False))
    return out


def split(frags: list, max_widths: list[float], calc_bounds: bool) -> ParaLines:
    """The lines of a paragraph of several runs (fonts), as `cjkFragSplit` makes them."""
    units = []
    for f in frags:
        if f.text:
            units.extend(cjkU(char, f, "utf8") for char in f.text)
        else:
            units.append(cjkU(f.text, f, "utf8"))
    widths = [u.width for u in units]
    forced = {n for n, u in enumerate(units) if hasattr(u.frag, "lineBreak")}
    return ParaLines(kind=1, lines=[
        makeCJKParaLine(units[s:e], mw, used, extra, brk, calc_bounds)
        for s, e, mw, used, extra, brk in _lines(units, widths, max_widths, forced)])


def split_text(text: str, max_widths: list[float], font_name: str, font_size: float) -> list[list]:
    """The lines of one run of text in one font, as `textsplit.wordSplit` makes them
    ([extra space, text] each): most wrapped paragraphs, all in the CJK face."""
    lines = _lines(text, getCharWidths(text, font_name, font_size), max_widths)
    last = len(lines) - 1
    return [[extra, text[s:e] if n == last and e == len(text) and not brk else text[s:e].strip()]
            for n, (s, e, _mw, _used, extra, brk) in enumerate(lines)]
