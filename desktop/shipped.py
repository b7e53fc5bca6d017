"""Where the files shipped with the program are: the policy packs and the resources (fonts).

Both live inside the `desktop` package, so a checkout, an installed wheel and a PyInstaller
bundle find them the same way, from any working folder. The bundle keeps the package layout
under sys._MEIPASS (packaging/yibao-desk.spec)."""

from __future__ import annotations

import sys
from pathlib import Path


def package_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "desktop"
    return Path(__file__).resolve().parent


def policies_dir() -> Path:
    """The bundled policy packs (desktop/data/policies)."""
    return package_dir() / "data" / "policies"


def resources_dir() -> Path:
    """Fonts and their licences (desktop/resources)."""
    return package_dir() / "resources"


def fonts_dir() -> Path:
    return resources_dir() / "fonts"
