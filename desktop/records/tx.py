"""Write transactions: BEGIN IMMEDIATE at the outside, savepoints inside."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator

from sqlite_utils import Database


@contextlib.contextmanager
def write(db: Database) -> Iterator[Database]:
    """One write transaction (BEGIN IMMEDIATE), or a savepoint when already inside one.

    An exception rolls back everything done inside the block, so a refused business writes
    nothing; nesting lets a batch import run each row's business in a savepoint of one
    transaction. IMMEDIATE takes the write lock up front: a deferred transaction that reads
    first could not upgrade to a writer under WAL contention and would fail without waiting.
    """
    conn = db.conn
    if conn.in_transaction:
        name = f"sp_{secrets.token_hex(6)}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield db
        except BaseException:
            if conn.in_transaction:
                conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        conn.execute(f"RELEASE SAVEPOINT {name}")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
