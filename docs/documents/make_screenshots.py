"""Render every sample document and rasterise it for review: `python docs/documents/make_screenshots.py`.

Needs poppler's pdftoppm (apt-get install poppler-utils); the application itself does not.
Page 1 becomes <stem>.png, further pages <stem>-p2.png …; PDFs go to --pdf-dir if given.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from desktop.documents import render  # noqa: E402
from desktop.documents.samples import samples  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pdf-dir", type=Path)
    parser.add_argument("--dpi", type=int, default=80)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pdf_dir = args.pdf_dir or Path(tmp)
        pdf_dir.mkdir(parents=True, exist_ok=True)
        for stem, document in samples().items():
            pdf = pdf_dir / f"{stem}.pdf"
            pdf.write_bytes(render(document))
            prefix = Path(tmp) / stem
            subprocess.run(["pdftoppm", "-png", "-r", str(args.dpi), str(pdf), str(prefix)],
                           check=True)
            for stale in [HERE / f"{stem}.png", *HERE.glob(f"{stem}-p[0-9]*.png")]:
                stale.unlink(missing_ok=True)
            pages = sorted(Path(tmp).glob(f"{stem}-*.png"))
            for number, page in enumerate(pages, start=1):
                target = HERE / (f"{stem}.png" if number == 1 else f"{stem}-p{number}.png")
                page.replace(target)
                print(target.name, target.stat().st_size)


if __name__ == "__main__":
    main()
