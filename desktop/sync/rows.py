"""Reading this window's own rows in push order, from a watermark, in batches.

The window's tables are append-only and their rowids only grow (an insert takes max+1, nothing
is deleted), so "rows after rowid N" are the rows written after the last push. Pulled rows of
other nodes land in the same tables: they are skipped (not own) and the watermark moves past
them. Receipts (keyed by serial) go by the node's own serial range, the audit trail by `seq`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlite_utils import Database

from desktop.hub import tables


def bounds(db: Database, hall: str, window: str) -> dict[str, Any]:
    """The newest row of every table now: a push sends nothing past these, so what it sends is
    one consistent state (a business written meanwhile goes whole at the next push)."""
    out: dict[str, Any] = {}
    with _read(db):
        for table in tables.ORDER:
            if table == "receipts":
                prefix = f"{hall}-{window}-"
                out[table] = db.conn.execute(
                    "SELECT max(serial) FROM receipts WHERE serial > ? AND serial < ?", [prefix, prefix + ":"]
                ).fetchone()[0]
            elif table == "audit":
                out[table] = db.conn.execute("SELECT max(seq) FROM audit").fetchone()[0]
            else:
                out[table] = db.conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0]
    return out


class _read:
    """One read transaction (a consistent snapshot) unless the caller is inside one already."""

    def __init__(self, db: Database) -> None:
        self.conn = db.conn
        self.mine = False

    def __enter__(self) -> None:
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN")
            self.mine = True

    def __exit__(self, *exc: object) -> None:
        if self.mine:
            self.conn.execute("COMMIT")


def own_batches(
    db: Database, table: str, hall: str, window: str, watermark: str | None, bound: Any, size: int
) -> Iterator[tuple[list[dict[str, Any]], str]]:
    """(own rows, new watermark) batches after `watermark`, up to `bound`."""
    if bound is None:
        return
    cols = tables.columns(table)
    select = ", ".join(cols)
    if table == "receipts":
        last = max(watermark or "", f"{hall}-{window}-")
        while last < bound:  # bound: the newest own serial (bounds())
            cur = db.conn.execute(
                f"SELECT {select} FROM receipts WHERE serial > ? AND serial <= ? ORDER BY serial LIMIT ?",
                [last, bound, size],
            )
            rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
            if not rows:
                return
            last = rows[-1]["serial"]
            yield rows, last
        return
    order = "seq" if table == "audit" else "rowid"
    last_n = int(watermark or 0)
    while last_n < bound:
        cur = db.conn.execute(
            f"SELECT {order}, {select} FROM {table} WHERE {order} > ? AND {order} <= ? ORDER BY {order} LIMIT ?",
            [last_n, bound, size],
        )
        fetched = cur.fetchall()
        if not fetched:
            return
        last_n = fetched[-1][0]
        rows = [dict(zip(cols, r[1:], strict=True)) for r in fetched]
        yield [r for r in rows if r["hall_code"] == hall and r["window_code"] == window], str(last_n)
