"""The explicit context every service takes: no globals, no singletons.

A window builds one Context per clerk session; a worker thread builds its own with its own
connection (sqlite3 connections stay on the thread that opened them); tests pass a fixed clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Literal

from sqlite_utils import Database

from desktop.records.rows import Stamp

Role = Literal["clerk", "reviewer", "head"]
ROLES: tuple[str, ...] = ("clerk", "reviewer", "head")
# China has one time zone and no daylight saving: a fixed offset needs no tz database.
CHINA = timezone(timedelta(hours=8), "CST")

Answer = Callable[[dict], dict]


def china_now() -> datetime:
    return datetime.now(CHINA)


def policy_answer(request: dict) -> dict:
    """The policy layer's `answer`, imported on first use (policy packs load lazily)."""
    from desktop.policy.api import answer

    return answer(request)


@dataclass(frozen=True)
class Context:
    """Who is doing a business, where, when, and with which database and calculator.

    `region` is the hall's pooling region as the policy packs name it (武进区, 天津市 …),
    `hall_code` six digits (the receipt prefix), `window` two digits.
    """

    db: Database
    region: str
    hall_code: str
    window: str
    operator_id: str
    role: Role = "clerk"
    clock: Callable[[], datetime] = china_now
    answer: Answer = field(default=policy_answer)

    def __post_init__(self) -> None:
        # Configuration errors, not clerk input: fail loudly at start-up.
        if not re.fullmatch(r"\d{6}", self.hall_code):
            raise ValueError(f"hall_code must be six digits, got {self.hall_code!r}")
        if not re.fullmatch(r"\d{2}", self.window):
            raise ValueError(f"window must be two digits, got {self.window!r}")
        if not self.operator_id.strip():
            raise ValueError("operator_id is empty")
        if self.role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, got {self.role!r}")

    def now(self) -> datetime:
        moment = self.clock()
        return moment if moment.tzinfo else moment.replace(tzinfo=CHINA)

    def today(self) -> date:
        return self.now().date()

    def stamp(self) -> Stamp:
        """Provenance for the rows of one business (one moment for all of them)."""
        return Stamp(self.hall_code, self.window, self.operator_id, self.role, self.now())
