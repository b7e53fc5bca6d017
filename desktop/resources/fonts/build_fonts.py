"""Rebuild the fonts in this folder from Debian's font packages (a maintainer tool, not run by the app).

    apt-get install fonts-dejavu-core fonts-droid-fallback fonts-hanazono fonts-babelstone-han \
        python3-fonttools
    /usr/bin/python3 desktop/resources/fonts/build_fonts.py

DejaVu Sans and Droid Sans Fallback are copied unchanged. The three fallback fonts are subsets
(fontTools) holding only what the fonts before them in the chain lack, so the rare-character
cover (CJK Extension A gaps, B-F and G) costs ~34 MB instead of ~100 MB. Each subset carries a
notice of the change in its name table, as the Arphic Public License asks.
"""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

HERE = Path(__file__).resolve().parent
DEBIAN = {
    "latin": Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    "cjk": Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    "hana_a": Path("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf"),
    "hana_b": Path("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"),
    "babelstone": Path("/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf"),
}
# Symbols, punctuation and ideographs worth taking from HanaMinA (Latin and Hangul are not).
SYMBOLS_AND_CJK = [(0x2000, 0x33FF), (0x3400, 0x9FFF), (0xF900, 0xFAFF), (0xFE10, 0xFE1F),
                   (0xFE30, 0xFE4F), (0x2F800, 0x2FA1F)]
EXT_B_TO_F = [(0x20000, 0x2EBEF)]
# Ideographs only: BabelStone Han's symbol glyphs carry a CC-BY-SA licence we do not want.
IDEOGRAPHS = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0x20000, 0x2FFFF), (0x30000, 0x3134F)]


def _cmap(path: Path) -> set[int]:
    return set(TTFont(path, lazy=True).getBestCmap())


def _within(codes: set[int], ranges: list[tuple[int, int]]) -> set[int]:
    return {c for c in codes if any(lo <= c <= hi for lo, hi in ranges)}


def _subset(src: Path, codes: set[int], out: Path, what: str) -> None:
    opts = subset.Options()
    opts.hinting = False  # hints help only small sizes on screen; they cost megabytes here
    opts.glyph_names = False
    opts.layout_features = []
    opts.notdef_outline = True
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.drop_tables += ["vhea", "vmtx", "VORG", "DSIG", "FFTM", "meta"]
    font = TTFont(src, recalcTimestamp=False)
    subsetter = subset.Subsetter(opts)
    subsetter.populate(unicodes=codes)
    subsetter.subset(font)
    notice = (f"Modified {datetime.date.today().isoformat()} for yibao-desk: subset of "
              f"{src.name} to {what} ({len(codes)} characters) with fontTools; outlines unchanged.")
    font["name"].removeNames(nameID=10)
    font["name"].setName(notice, 10, 3, 1, 0x409)
    font.save(out)
    print(f"{out.name}: {len(codes)} characters, {out.stat().st_size:,} bytes")


def main() -> None:
    for key in ("latin", "cjk"):
        shutil.copyfile(DEBIAN[key], HERE / DEBIAN[key].name)
    before = _cmap(DEBIAN["latin"]) | _cmap(DEBIAN["cjk"])
    hana_a = _within(_cmap(DEBIAN["hana_a"]) - before, SYMBOLS_AND_CJK)
    _subset(DEBIAN["hana_a"], hana_a, HERE / "HanaMinA-subset.ttf",
            "symbols and ideographs missing from DejaVu Sans and Droid Sans Fallback")
    before |= hana_a
    hana_b = _within(_cmap(DEBIAN["hana_b"]) - before, EXT_B_TO_F)
    _subset(DEBIAN["hana_b"], hana_b, HERE / "HanaMinB-subset.ttf",
            "CJK Unified Ideographs Extensions B-F")
    before |= hana_b
    babel = _within(_cmap(DEBIAN["babelstone"]) - before, IDEOGRAPHS)
    _subset(DEBIAN["babelstone"], babel, HERE / "BabelStoneHan-subset.ttf",
            "ideographs missing from the fonts above (mainly CJK Extension G)")


if __name__ == "__main__":
    main()
