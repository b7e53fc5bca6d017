"""Households: who lives with whom, and how each member relates to the head (户主)."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from desktop.records.rows import Stamp, insert, one

HEAD = "户主"


def membership(db: Database, person_id: str) -> dict[str, Any] | None:
    return one(db, "SELECT * FROM household_members WHERE person_id = ?", [person_id])


def create(db: Database, stamp: Stamp, head_person_id: str, address: str | None) -> str:
    household = {**stamp.meta(), "address": address}
    insert(db, "households", household)
    add_member(db, stamp, household["id"], head_person_id, HEAD)
    return household["id"]


def add_member(
    db: Database, stamp: Stamp, household_id: str, person_id: str, relationship: str
) -> dict[str, Any]:
    row = {
        **stamp.meta(),
        "household_id": household_id,
        "person_id": person_id,
        "relationship": relationship,
    }
    insert(db, "household_members", row)
    return row


def remove_member(db: Database, person_id: str) -> None:
    db.execute("DELETE FROM household_members WHERE person_id = ?", [person_id])


def members(db: Database, household_id: str) -> list[dict[str, Any]]:
    """Members with their names and birth dates, the head first."""
    return list(
        db.query(
            "SELECT m.relationship, p.* FROM household_members m JOIN persons p ON p.id = m.person_id "
            "WHERE m.household_id = ? ORDER BY m.relationship <> ?, p.birth_date",
            [household_id, HEAD],
        )
    )
