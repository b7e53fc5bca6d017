"""Persons: the current master data of each insured person, keyed by the ID number.

Rows are mutable (a phone number changes), but only through `change` and the person services,
which keep the before/after values in the append-only `changes` table and the audit trail.
The UUID `id` is what every business record points at, so an ID-number correction does not
cascade through the business tables.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from desktop.records import search
from desktop.records.rows import Stamp, one

FIELDS = (
    "id_number",
    "name",
    "sex",
    "birth_date",
    "phone",
    "hukou_region",
    "residence_region",
    "address",
    "hukou_nature",
    "school",
    "school_kind",
    "category",
    "status",
    "death_date",
    "death_reason",
)

_FIELD_SET = frozenset(FIELDS)


def get(db: Database, person_id: str) -> dict[str, Any] | None:
    return one(db, "SELECT * FROM persons WHERE id = ?", [person_id])


def get_by_id_number(db: Database, id_number: str) -> dict[str, Any] | None:
    """The person registered under the number (not an alias: see migrations v8)."""
    return one(db, "SELECT * FROM persons WHERE id_number = ? AND alias_of IS NULL", [id_number])


def get_many_by_id_number(db: Database, id_numbers: list[str]) -> dict[str, dict[str, Any]]:
    """The registered persons among `id_numbers`, by number (one query per 500 numbers)."""
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(id_numbers), 500):
        part = id_numbers[start : start + 500]
        cur = db.conn.execute(
            f"SELECT * FROM persons WHERE id_number IN ({', '.join('?' * len(part))}) "
            "AND alias_of IS NULL",
            part,
        )
        keys = [d[0] for d in cur.description]
        for values in cur:
            row = dict(zip(keys, values, strict=True))
            found[row["id_number"]] = row
    return found


def add(db: Database, stamp: Stamp, fields: dict[str, Any]) -> dict[str, Any]:
    """Insert a new person (fields already validated); returns the stored row."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown person fields: {sorted(unknown)}")
    row = {
        **stamp.meta(),
        "updated_at": stamp.created_at,
        **fields,
        "id_number_rev": fields["id_number"][::-1],
    }
    cur = db.conn.execute(
        f"INSERT INTO persons ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
        list(row.values()),
    )
    stored = one(db, "SELECT * FROM persons WHERE num = ?", [cur.lastrowid])
    assert stored is not None
    search.index_name(db, stored["num"], stored["name"])
    return stored


def add_many(
    db: Database, stamp: Stamp, rows: list[dict[str, Any]], *, index: bool = True
) -> list[dict[str, Any]]:
    """Insert several new persons (fields already validated, numbers not registered) in one
    executemany per column set, their names indexed likewise; the caller holds the write
    transaction. Returns each row as inserted, with its `id` and `num` (the rowid, allocated
    here above every existing one, as SQLite itself would). `index` False leaves the names to
    the caller's own `search.index_new_names` before its transaction ends (a roster import
    indexes all its names at once: one FTS segment instead of one per chunk)."""
    if not rows:
        return []
    last = db.conn.execute("SELECT max(num) FROM persons").fetchone()[0] or 0
    out: list[dict[str, Any]] = []
    groups: dict[tuple[str, ...], list[tuple]] = {}
    for num, fields in enumerate(rows, start=last + 1):
        unknown = fields.keys() - _FIELD_SET
        if unknown:
            raise ValueError(f"unknown person fields: {sorted(unknown)}")
        row = {
            "num": num,
            **stamp.meta(),
            "updated_at": stamp.created_at,
            **fields,
            "id_number_rev": fields["id_number"][::-1],
        }
        out.append(row)
        groups.setdefault(tuple(row), []).append(tuple(row.values()))
    for columns, values in groups.items():
        db.conn.executemany(
            f"INSERT INTO persons ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            values,
        )
    if index:
        search.index_new_names(db, [(row["num"], row["name"]) for row in out])
    return out


def update(db: Database, stamp: Stamp, person_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Write new values of some fields, keeping the search columns in step; returns the row."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown person fields: {sorted(unknown)}")
    values = {**fields, "updated_at": stamp.created_at}
    if "id_number" in fields:
        values["id_number_rev"] = fields["id_number"][::-1]
    assignments = ", ".join(f"{k} = ?" for k in values)
    db.execute(f"UPDATE persons SET {assignments} WHERE id = ?", [*values.values(), person_id])
    stored = get(db, person_id)
    assert stored is not None
    if "name" in fields:
        search.index_name(db, stored["num"], stored["name"])
    return stored
