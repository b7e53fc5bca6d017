"""Small helpers every records module uses: the provenance stamp, inserts, single-row reads."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database


@dataclass(frozen=True)
class Stamp:
    """Who wrote a record, where and when: the columns that let files be merged later."""

    hall_code: str
    window_code: str
    operator_id: str
    operator_role: str
    at: datetime

    @property
    def created_at(self) -> str:
        return self.at.isoformat(timespec="seconds")

    def meta(self) -> dict[str, str]:
        """The common columns of a new row, with a fresh UUID."""
        return {
            "id": new_id(),
            "created_at": self.created_at,
            "hall_code": self.hall_code,
            "window_code": self.window_code,
            "operator_id": self.operator_id,
        }


META_KEYS = frozenset({"id", "created_at", "hall_code", "window_code", "operator_id"})


def content(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row without its provenance columns: what an audit payload records."""
    return {k: v for k, v in row.items() if k not in META_KEYS}


def new_id() -> str:
    return str(uuid.uuid4())


def insert(db: Database, table: str, row: Mapping[str, Any]) -> None:
    """INSERT one row (column names come from our code, never from user input)."""
    cols = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    db.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(row.values()))


def one(db: Database, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> dict | None:
    """The first row of a query as a dict, or None."""
    return next(iter(db.query(sql, list(params))), None)


def count(db: Database, table: str) -> int:
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def to_json(value: Any) -> str:
    """Canonical JSON text (sorted keys, Chinese unescaped) for payload columns and hashes."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
