"""The window shows every character it may be given with the bundled faces, as the printed
documents do: rare characters of names (GB 18030-2022, beyond the BMP) and the status symbols
the pages put before their messages. A missing glyph is glyph 0 (the box)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from PySide6.QtGui import QFont, QTextLayout

from desktop.ui.app import load_fonts

ROOT = Path(__file__).resolve().parents[2]
# the families of resources/fonts/*.ttf (resources/fonts/README.md)
BUNDLED = {"DejaVu Sans", "Droid Sans Fallback", "HanaMinA", "HanaMinB", "BabelStone Han"}


def _glyphs(text: str) -> list[tuple[str, int]]:
    """(family, glyph index) for each glyph Qt lays out for `text` in the default font."""
    layout = QTextLayout(text, QFont())
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return [(run.rawFont().familyName(), index) for run in layout.glyphRuns() for index in run.glyphIndexes()]


def _ui_symbols() -> list[str]:
    """Symbols (✔ ⚠ …) written in the window's source: what pages put before a message."""
    found = set()
    for source in (ROOT / "desktop" / "ui").rglob("*.py"):
        for ch in source.read_text(encoding="utf-8"):
            if ord(ch) > 127 and unicodedata.category(ch) in ("So", "Sm"):
                found.add(ch)
    return sorted(found)


@pytest.mark.parametrize(
    "text",
    [
        "张𠇹",  # U+201F9, Extension B (the rare name of the bench and the samples)
        "䶮",  # Extension A
        "𪚥",  # Extension B
        "𰻝",  # Extension G (GB 18030-2022)
        "阿依古丽·买买提",  # the middle dot of Uyghur names
        "３２０４１２１９５７",  # full-width digits typed by an IME
    ],
)
def test_names_show_with_the_bundled_faces(qapp, text):
    load_fonts()
    glyphs = _glyphs(text)
    assert glyphs and all(index != 0 for _family, index in glyphs), glyphs
    assert {family for family, _ in glyphs} <= BUNDLED, glyphs


def test_every_status_symbol_of_the_pages_has_a_glyph(qapp):
    load_fonts()
    symbols = _ui_symbols()
    assert "✔" in symbols and "⚠" in symbols  # the scan sees the pages' messages
    missing = [ch for ch in symbols if any(index == 0 for _f, index in _glyphs(ch))]
    assert not missing, f"no bundled glyph for {missing}"
