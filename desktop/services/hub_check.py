"""Before an enrollment, a window that is in touch with its county hub asks the hub whether
another window has already enrolled the person for the year and this file has not pulled it
yet (`desktop.sync.hub_has_enrollment`): online halls then rarely make a double enrollment.

The counter must never wait on the network: the hub is asked only while the sync worker's last
attempt succeeded (`sync_node.last_error` is empty; the worker keeps it), and the answer is
waited for at most `DEADLINE_S`. No answer in time, or no hub, and the business goes on from the
local file as it always did (the hub still flags a double enrollment at the next push).
"""

from __future__ import annotations

import threading
from typing import Any

from desktop.errors import Refusal
from desktop.records.rows import one
from desktop.services.context import Context

DEADLINE_S = 0.3


def _reachable_ref(ctx: Context) -> str | None:
    """The remembered hub's reference while the last sync attempt succeeded, else None."""
    node = one(ctx.db, "SELECT hub_ref, last_error FROM sync_node WHERE one = 1")
    if node is None or not node["hub_ref"] or node["last_error"] is not None:
        return None
    return node["hub_ref"]


def on_hub(ctx: Context, id_number: str, year: int, *, deadline_s: float = DEADLINE_S) -> dict[str, Any] | None:
    """An enrollment in force on the hub for this ID number and year that this file does not
    hold; None when there is none, no hub is reachable, or the hub did not answer in time."""
    ref = _reachable_ref(ctx)
    if ref is None:
        return None
    from desktop.sync import credentials, engine

    path = engine.db_file(ctx.db)
    answer: dict[str, Any] = {}

    def ask() -> None:  # its own connection to the hub; never touches the SQLite connection
        try:
            url = credentials.load(path, ref)
            if url:
                answer["found"] = engine.hub_has_enrollment(url, id_number, year)
        except Exception:  # noqa: BLE001 - an unreachable hub is the counter's normal case
            pass

    asking = threading.Thread(target=ask, name="hub-check", daemon=True)
    asking.start()
    asking.join(deadline_s)
    found = answer.get("found")
    if found is None:
        return None
    if one(ctx.db, "SELECT id FROM enrollments WHERE id = ?", [found["enrollment_id"]]) is not None:
        return None  # pulled already: the local file knows its status better (a newer 退保)
    return found


def refuse_if_enrolled_on_hub(ctx: Context, id_number: str, name: str | None, year: int) -> None:
    """Refusal `already_enrolled` naming the other window and its receipt serial."""
    found = on_hub(ctx, id_number, year)
    if found is None:
        return
    when = str(found["created_at"])[:10]
    raise Refusal(
        "already_enrolled",
        f"{name or '该参保人'}已于{when}在{found['node']}窗口办理{year}年度参保登记"
        f"（收据号{found['receipt_serial']}），本窗口尚未同步到这笔记录，不能重复登记",
        "year",
    )
