"""Run as a subprocess by the restore tests: a logged-in clerk of a configured hall doing
counter visits until killed, printing the ID number of each finished one."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script: the checkout, for tests.support

from desktop.records.db import open_db  # noqa: E402
from desktop.services import accounts  # noqa: E402
from tests.support.safety import FAST, clerk_ctx, visit  # noqa: E402


def main(path: str, start: int) -> None:
    accounts.HASHER = FAST  # the test's hashes; the rules under test do not depend on the cost
    db = open_db(path)
    ctx = clerk_ctx(db)
    print("ready", flush=True)
    i = start
    while True:
        print(visit(ctx, i), flush=True)
        i += 1


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
