"""CJK line breaking: reportlab's `cjkFragSplit` with two rules of Chinese text it lacks.

reportlab looks for a break before a Latin run (an amount, an ID number, a file name) only half
a line back, so a figure in a narrow cell could print as "23,4" / "56.00 元"; here the run moves
to the next line whole unless it alone is wider than a line. Its marks that may not start a
line are Japanese ones: the full-width ，；：！？ of Chinese text (GB/T 15834) are added, so they
hang at the line's end like 。 and ） do.
"""

from __future__ import annotations

from unicodedata import category

from reportlab.platypus.paragraph import ALL_CANNOT_START, ParaLines, cjkU, makeCJKParaLine
from reportlab.rl_config import _FUZZ

CANNOT_START = frozenset(ALL_CANNOT_START) | frozenset("，；：！？")


def split(frags: list, max_widths: list[float], calc_bounds: bool) -> ParaLines:
    """The lines of `frags`, as `reportlab.platypus.paragraph.cjkFragSplit` makes them but for
    the search back for a break (to the line's start) and `CANNOT_START`."""
    units = []
    for f in frags:
        if f.text:
            units.extend(cjkU(char, f, "utf8") for char in f.text)
        else:
            units.append(cjkU(f.text, f, "utf8"))
    lines = []
    i = used = start = 0
    max_width = max_widths[0]
    while i < len(units):
        u = units[i]
        i += 1
        w = u.width
        used += w
        line_break = hasattr(u.frag, "lineBreak")
        if not (used > max_width + _FUZZ and used > 0) and not line_break:
            continue
        extra = max_width - used
        if not line_break:
            if u and ord(u) < 0x3000:  # inside a Latin run: break before it if it has a start here
                for j in range(i - 1, start - 1, -1):
                    uj = units[j]
                    if uj and category(uj) == "Zs" or ord(uj) >= 0x3000:
                        k = j + 1
                        if k < i:
                            extra += sum(units[n].width for n in range(k + 1, i))
                            w, u, i = units[k].width, units[k], k + 1
                            break
            if u not in CANNOT_START and i > start + 1:
                i -= 1  # pushed to the next line; a mark that cannot start one hangs instead
                extra += w
        lines.append(makeCJKParaLine(units[start:i], max_width, used, extra, line_break, calc_bounds))
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        start, used = i, 0
    if used > 0:
        lines.append(makeCJKParaLine(units[start:], max_width, used, max_width - used, False,
                                     calc_bounds))
    return ParaLines(kind=1, lines=lines)
