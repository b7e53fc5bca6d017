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


def get(db: Database, person_id: str) -> dict[str, Any] | None:
    return one(db, "SELECT * FROM persons WHERE id = ?", [person_id])


def get_by_id_number(db: Database, id_number: str) -> dict[str, Any] | None:
    return one(db, "SELECT * FROM persons WHERE id_number = ?", [id_number])


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
