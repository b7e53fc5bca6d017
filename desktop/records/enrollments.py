"""Enrollments (append-only) and their current status.

An enrollment is active from the moment it is written; `enrollment_status` holds a row only for
one that no longer is (suspended, terminated, refunded: schema v7), so the common case costs no
row. The database refuses a second active enrollment of a person and year (trigger
`one_active_enrollment`).

The calculation trace of an enrollment is stored once per distinct text in `traces`, keyed by
its SHA-256 (`trace_sha256`); every read here returns it as the row's `trace` again.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlite_utils import Database

from desktop.records.rows import Stamp, one

# The status as a column expression over `enrollments e LEFT JOIN enrollment_status s`.
STATUS = "coalesce(s.status, 'active')"
_WITH_STATUS = (
    f"SELECT e.*, t.text AS trace, {STATUS} AS status, "
    "coalesce(s.changed_at, e.created_at) AS status_changed_at FROM enrollments e "
    "LEFT JOIN enrollment_status s ON s.enrollment_id = e.id "
    "LEFT JOIN traces t ON t.sha256 = e.trace_sha256"
)
# One enrollment row with its trace text, without the status (what a receipt's record is).
WITH_TRACE = (
    "SELECT e.*, t.text AS trace FROM enrollments e LEFT JOIN traces t ON t.sha256 = e.trace_sha256"
)


# A person's enrollments include those made under an alias of theirs: the same ID number
# registered at another window while apart (schema v8, desktop/sync).
_PERSON = "e.person_id IN (SELECT ? UNION ALL SELECT id FROM persons WHERE alias_of = ?)"


def row(db: Database, enrollment_id: str) -> dict[str, Any] | None:
    """The stored enrollment row (with its `trace` text), or None."""
    return one(db, f"{WITH_TRACE} WHERE e.id = ?", [enrollment_id])


def stored(db: Database, enrollment_id: str) -> dict[str, Any]:
    """The row exactly as stored (SELECT *, the trace by its key): what its audit entry hashes."""
    found = one(db, "SELECT * FROM enrollments WHERE id = ?", [enrollment_id])
    if found is None:
        raise LookupError(f"no enrollment {enrollment_id}")
    return found


def store_trace(db: Database, text: str) -> str:
    """Keep a trace text once; returns its key (hex SHA-256)."""
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()
    db.execute("INSERT OR IGNORE INTO traces (sha256, text) VALUES (?, ?)", [key, text])
    return key


def get(db: Database, enrollment_id: str) -> dict[str, Any] | None:
    return one(db, f"{_WITH_STATUS} WHERE e.id = ?", [enrollment_id])


def active(db: Database, person_id: str, year: int) -> dict[str, Any] | None:
    return one(
        db,
        f"{_WITH_STATUS} WHERE {_PERSON} AND e.year = ? AND s.enrollment_id IS NULL "
        "ORDER BY e.created_at, e.id",
        [person_id, person_id, year],
    )


def of_person(db: Database, person_id: str) -> list[dict[str, Any]]:
    """All enrollments of a person, newest year first."""
    return list(
        db.query(
            f"{_WITH_STATUS} WHERE {_PERSON} ORDER BY e.year DESC, e.created_at DESC",
            [person_id, person_id],
        )
    )


def latest_for_year(db: Database, person_id: str, year: int) -> dict[str, Any] | None:
    """The newest enrollment of that year that was not refunded (the basis of a renewal/claim)."""
    return one(
        db,
        f"{_WITH_STATUS} WHERE {_PERSON} AND e.year = ? AND {STATUS} <> 'refunded' "
        "ORDER BY e.created_at DESC LIMIT 1",
        [person_id, person_id, year],
    )


def add(db: Database, stamp: Stamp, row: dict[str, Any]) -> None:
    """Insert the enrollment (active: no status row). `row` holds every column, the calculation
    trace as text under `trace` (stored once in `traces`, the row keeps the key)."""
    add_many(db, stamp, [row])


def add_many(db: Database, stamp: Stamp, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Insert several enrollments (as `add`): one executemany per table.

    Returns each row exactly as stored, as `stored` (SELECT *) would read it back: every column,
    the trace by its key. It is built from what was inserted, without reading it back, where that
    is provably the same: each column given a value of its declared type (INTEGER: int, TEXT:
    str, or NULL), any column left out NULL by default; any other row is read back."""
    if not rows:
        return []
    columns = _columns(db)
    keys: dict[str, str] = {}  # trace text -> key (one hash per distinct text)
    inserts: dict[tuple[str, ...], list[tuple]] = {}
    stored_rows: list[dict[str, Any] | None] = []
    for row in rows:
        values = dict(row)
        text = values.pop("trace", None)
        if text is not None:
            key = keys.get(text)
            if key is None:
                key = keys[text] = hashlib.sha256(text.encode("utf-8")).hexdigest()
            values["trace_sha256"] = key
        inserts.setdefault(tuple(values), []).append(tuple(values.values()))
        stored_rows.append(_as_stored(columns, values))
    if keys:
        db.conn.executemany(
            "INSERT OR IGNORE INTO traces (sha256, text) VALUES (?, ?)",
            [(key, text) for text, key in keys.items()],
        )
    for cols, values in inserts.items():
        db.conn.executemany(
            f"INSERT INTO enrollments ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            values,
        )
    return [
        found if found is not None else stored(db, row["id"])
        for found, row in zip(stored_rows, rows, strict=True)
    ]


_TYPES = {"INTEGER": int, "TEXT": str}


def _columns(db: Database) -> list[tuple[str, type | None, bool]]:
    """(name, Python type of its declared type, whether its default is NULL) of each column."""
    return [
        (name, _TYPES.get(decl.upper()), default is None)
        for _, name, decl, _, default, _ in db.conn.execute("PRAGMA table_info(enrollments)")
    ]


def _as_stored(
    columns: list[tuple[str, type | None, bool]], values: dict[str, Any]
) -> dict[str, Any] | None:
    """The row SELECT * would return after inserting `values`, or None when that is not certain
    (a value SQLite's type affinity could convert, a column with a non-NULL default left out)."""
    out: dict[str, Any] = {}
    given = 0
    for name, kind, null_default in columns:
        if name in values:
            given += 1
            value = values[name]
            if value is not None and (kind is None or type(value) is not kind):
                return None
            out[name] = value
        elif null_default:
            out[name] = None
        else:
            return None
    if given != len(values):
        return None  # a value for a column the table does not have: let the INSERT say so
    return out


def set_status(db: Database, stamp: Stamp, enrollment_id: str, status: str, record_id: str) -> None:
    """Mark an enrollment suspended, terminated or refunded by the business `record_id`."""
    db.execute(
        "INSERT INTO enrollment_status (enrollment_id, status, changed_at, changed_by_record) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (enrollment_id) DO UPDATE SET status = excluded.status, "
        "changed_at = excluded.changed_at, changed_by_record = excluded.changed_by_record",
        [enrollment_id, status, stamp.created_at, record_id],
    )
