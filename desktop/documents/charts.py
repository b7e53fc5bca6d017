"""A small horizontal bar chart whose labels keep the per-character font fallback."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, Group, String
from reportlab.lib import colors

from desktop.documents import fonts

BAR = colors.HexColor("#5B7DB1")


def text_shapes(x: float, y: float, text: str, size: float, *, anchor: str = "left") -> Group:
    """`text` as String shapes, one per font run (a chart label has a single font otherwise)."""
    start = {"left": x, "centre": x - fonts.string_width(text, size) / 2,
             "right": x - fonts.string_width(text, size)}[anchor]
    group = Group()
    for font, chunk in fonts.runs(text):
        group.add(String(start, y, chunk, fontName=font, fontSize=size))
        start += fonts.string_width(chunk, size)
    return group


def nice_scale(top: int, *, most: int = 6) -> tuple[int, int]:
    """(step, ceiling) of a count axis: a step of 1, 2 or 5 × 10ⁿ with at most `most` steps up to
    the ceiling, the first multiple of it at or above `top` (27 -> 5 up to 30, never 9/18/27)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            candidate = step * factor
            if -(-top // candidate) <= most:
                return candidate, max(candidate, -(-top // candidate) * candidate)
        step *= 10


def count_bars(items: Sequence[tuple[str, int]], width: float, size: float) -> Drawing:
    """One bar per (label, count), top to bottom in the given order, the count at its end."""
    latin = fonts.ensure_registered(fonts.LATIN)
    row = size * 1.8
    label_width = max((fonts.string_width(label, size) for label, _ in items), default=0) + 8
    height = row * len(items) + size * 2.5
    drawing = fonts.drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, size * 2
    chart.width, chart.height = width - label_width - size * 3, row * len(items)
    chart.data = [[count for _, count in reversed(items)]]  # the chart draws bottom-up
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    chart.barWidth = row * 0.65
    chart.categoryAxis.categoryNames = [""] * len(items)  # labels drawn below, with fallback
    chart.categoryAxis.visibleTicks = False
    chart.categoryAxis.labels.fontName = latin
    chart.valueAxis.valueMin = 0
    step, ceiling = nice_scale(max((count for _, count in items), default=0))
    chart.valueAxis.valueMax = ceiling
    chart.valueAxis.valueStep = step
    chart.valueAxis.labels.fontName = latin
    chart.valueAxis.labels.fontSize = size * 0.85
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = latin
    chart.barLabels.fontSize = size * 0.85
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    for i, (label, _) in enumerate(items):
        centre = chart.y + chart.height - (i + 0.5) * row
        drawing.add(text_shapes(label_width - 6, centre - size * 0.35, label, size, anchor="right"))
    return drawing
