"""Where a hall's imported policy packs live and what its audit trail says they are: the
`packs/` folder beside the database file, and file name -> SHA-256 of each file's latest audited
import (an `import_pack` entry of this window's own chain, made here or applied from the hub)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop.records import audit, paths


def folder(db: Any) -> Path:
    """The hall's imported packs: `packs/` next to the database file (made when missing)."""
    path = paths.db_file(db)
    found = (path.parent if path else Path.cwd()) / "packs"
    found.mkdir(parents=True, exist_ok=True)
    return found


def imported(db: Any) -> dict[str, str]:
    """File name -> SHA-256 of each pack's latest audited import: what `folder` may hold."""
    found: dict[str, str] = {}
    for info in audit.payloads(db, "import_pack"):
        if isinstance(info.get("file"), str) and isinstance(info.get("sha256"), str):
            found[Path(info["file"]).name] = info["sha256"]
    return found
