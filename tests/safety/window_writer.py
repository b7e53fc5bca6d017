"""A second window in its own process, for the lock tests: logs in and registers persons one
after another until the stop file appears, timing each business (its wait for the write lock
included); prints {"businesses", "busy", "other", "max_ms", "p95_ms"} as JSON."""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script: the checkout, for tests.support

from desktop.errors import Refusal  # noqa: E402
from desktop.records.db import open_db  # noqa: E402
from desktop.services import accounts, hall, persons  # noqa: E402
from tests.support.safety import FAST, NOW, PASSWORD  # noqa: E402
from tests.support.services import make_id  # noqa: E402


def main(db_path: str, stop: str, user: str) -> None:
    accounts.HASHER = FAST
    db = open_db(db_path)
    ctx = hall.context_for(db, accounts.login(db, user, PASSWORD, NOW), lambda: NOW)
    times: list[float] = []
    busy = other = 0
    i = 0
    print("ready", flush=True)
    while not Path(stop).exists():
        number = make_id(date(1930, 1, 1) + date.resolution * i, 9)
        i += 1
        began = time.perf_counter()
        try:
            persons.register_person(ctx, number, "窗口" + "甲" * (1 + i % 2))
        except Refusal as refusal:
            busy += refusal.code == "busy"
            other += refusal.code != "busy"
        times.append(time.perf_counter() - began)
        time.sleep(0.02)  # a clerk's next visit comes soon, not in a tight loop
    times.sort()
    print(json.dumps({
        "businesses": len(times), "busy": busy, "other": other,
        "max_ms": round(times[-1] * 1000, 1) if times else 0,
        "p95_ms": round(times[int(len(times) * 0.95)] * 1000, 1) if times else 0,
    }), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
