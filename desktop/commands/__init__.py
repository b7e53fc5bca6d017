"""The subcommands of `yibao-desk`, one module each; every module offers `register(sub)`."""

from __future__ import annotations

import json

from desktop.errors import Refusal


def refuse(r: Refusal) -> int:
    """Print a refusal as the JSON the calculator uses; exit status 2."""
    print(json.dumps({"error": r.as_dict()}, ensure_ascii=False))
    return 2
