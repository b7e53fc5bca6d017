"""One SHA-256 over what goes into the bundle (the application's code, the policy packs and the
resources), written into the build and compared by tests/packaging/test_bundle.py: a bundle
built from an older tree is skipped as stale instead of failing everyone's `make test`."""

from __future__ import annotations

import hashlib
from pathlib import Path

FILE_NAME = "build-source.sha256"
PARTS = (("desktop", "*.py"), ("desktop/data/policies", "*"), ("desktop/resources", "*"),
         ("packaging/yibao-desk.spec", ""))


def source_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for folder, pattern in PARTS:
        base = root / folder
        files = [base] if base.is_file() else sorted(p for p in base.rglob(pattern) if p.is_file())
        for path in files:
            if "__pycache__" in path.parts:
                continue
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()
