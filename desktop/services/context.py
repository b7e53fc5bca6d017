"""The explicit context every service takes: no globals, no singletons.

A window builds one Context per clerk session; a worker thread builds its own with its own
connection (sqlite3 connections stay on the thread that opened them); tests pass a fixed clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Literal

from sqlite_utils import Database

from desktop.records.rows import Stamp
from desktop.services.regions import region_group

Role = Literal["clerk", "reviewer", "head", "admin"]
ROLES: tuple[str, ...] = ("clerk", "reviewer", "head", "admin")  # admin: see services/permissions.py
# China has one time zone and no daylight saving: a fixed offset needs no tz database.
CHINA = timezone(timedelta(hours=8), "CST")

Answer = Callable[[dict], dict]
Settings = Mapping[str, Any]


def china_now() -> datetime:
    return datetime.now(CHINA)


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
    settings: Settings = field(default_factory=dict)  # hall settings the policy asks for
    answer: Answer | None = None  # replaces the policy layer (a test double); None: the real one
    packs: Any = None  # the hall's PackSet (bundled + imported); None: the bundled packs
    # Replaces `category_rules` (a batch's per-year memo, see roster_import); None: the pack's.
    rules: Callable[[int], dict] | None = None
    # The login this Context comes from (services/session.py); required once the hall has accounts.
    session: Any = field(default=None, compare=False, repr=False)

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
        region_group(self.region)  # raises on a region no policy pack names

    def now(self) -> datetime:
        moment = self.clock()
        return moment if moment.tzinfo else moment.replace(tzinfo=CHINA)

    def today(self) -> date:
        return self.now().date()

    def ask(self, request: dict) -> dict:
        """One calculation, through `desktop.policy.api.answer` with the hall's settings."""
        if self.answer is not None:
            return self.answer(request)
        from desktop.policy import api  # imported on first use: packs load lazily

        return api.answer(request, packs=self.packs, settings=self.settings)

    def category_rules(self, year: int) -> dict:
        """Labels and age limits of the region's categories for `year` (from the policy pack)."""
        if self.rules is not None:
            return self.rules(year)
        from desktop.policy import api

        return api.category_rules(self.region, year, self.settings, self.packs)

    def policy_year(self) -> int:
        """The year whose pack describes today's procedures: this year's, else the nearest one
        published (in November only next year's pack may be loaded)."""
        year = self.today().year
        if self.answer is not None:
            return year
        from desktop.policy import api

        years = api.years(self.region, packs=self.packs)
        if not years or year in years:
            return year
        return min(years, key=lambda y: (abs(y - year), -y))

    def pack(self, year: int | None = None) -> Any:
        """The region's resident pack whose procedures apply: `year`'s (an enrollment's year) when
        loaded, else the pack of `policy_year` (the one describing today's procedures)."""
        from desktop.errors import Refusal
        from desktop.policy import loader

        packs = self.packs or loader.bundled()
        if year is not None:
            try:
                return packs.find(self.region, year, "resident")
            except Refusal as refusal:
                if refusal.code != "no_policy_for_year":
                    raise
        return packs.find(self.region, self.policy_year(), "resident")

    def stamp(self) -> Stamp:
        """Provenance for the rows of one business (one moment for all of them)."""
        return Stamp(self.hall_code, self.window, self.operator_id, self.role, self.now())
