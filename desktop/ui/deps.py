"""What the window is given: packs, hall settings, the database and the clock.

Built once by `app.run` (or by a test) and handed to every page in its constructor: no
singletons, nothing happens at import time. The UI holds no business rules: every figure comes
from `desktop.policy.api.answer`, every write from a `desktop.services` function.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from desktop.policy.loader import PackSet


@dataclass(frozen=True)
class Hall:
    """Where the window runs and who sits at it (shown in the status bar, stamped on records)."""

    region: str = "天宁区"
    hall_code: str = "320402"
    hall_name: str = "天宁区医保经办大厅"
    window: str = "01"
    clerk: str = "演示经办人"
    role: str = "clerk"


@dataclass
class Deps:
    packs: PackSet
    hall: Hall = field(default_factory=Hall)
    settings: Mapping[str, Decimal] = field(default_factory=dict)
    db: Any = None  # sqlite_utils.Database, or None when no database is open
    clock: Callable[[], datetime] | None = None
    demo: bool = False
    # shows a rendered PDF (preview / print); None: written to prints/ and opened by the system
    show_pdf: Callable[[bytes, str], Any] | None = None
    # an ID card reader SDK (desktop.ui.reader.CardReader); None: keyboard-wedge readers only
    reader: Any = None

    # ------------------------------------------------------------------ policy

    def answer(self, request: dict) -> dict:
        """One calculation through the policy front door (raises Refusal)."""
        from desktop.policy import api

        return api.answer(request, packs=self.packs, settings=dict(self.settings))

    def regions(self) -> list[str]:
        return self.packs.regions()

    def years(self, region: str, scheme: str = "resident") -> list[int]:
        return self.packs.years(region, scheme)

    def pack(self, region: str, year: int, scheme: str = "resident"):
        return self.packs.find(region, year, scheme)

    def now(self) -> datetime:
        if self.clock is not None:
            return self.clock()
        from desktop.services.context import china_now

        return china_now()

    def today(self) -> date:
        return self.now().date()

    def default_year(self, region: str | None = None) -> int:
        """This year's pack, else the nearest published one (in November, next year's)."""
        years = self.years(region or self.hall.region)
        year = self.today().year
        if not years or year in years:
            return year
        return min(years, key=lambda y: (abs(y - year), -y))

    def present_pdf(self, data: bytes, name: str) -> Any:
        if self.show_pdf is not None:
            return self.show_pdf(data, name)
        from desktop.ui.printing import open_pdf

        return open_pdf(data, name)

    def document_header(self, serial: str | None = None):
        from desktop.documents.model import Header

        return Header(hall=self.hall.hall_name, window=f"{self.hall.window}号窗口", clerk=self.hall.clerk,
                      printed_at=self.now().replace(tzinfo=None), serial=serial)

    def enrollment_year(self, region: str | None = None) -> int:
        """The policy year a clerk enrolls for today: the year whose 集中参保缴费期 is open
        (in November, next year), else the year of `default_year`."""
        region = region or self.hall.region
        today = self.today()
        for year in self.years(region):
            enrollment = self.pack(region, year).enrollment
            if enrollment is not None and enrollment.window.start <= today <= enrollment.window.end:
                return year
        return self.default_year(region)

    # ------------------------------------------------------------------ services

    def context(self):
        """The services' Context for this window, or None while no database is open."""
        if self.db is None:
            return None
        from desktop.services.context import Context

        kwargs: dict[str, Any] = {}
        if self.clock is not None:
            kwargs["clock"] = self.clock
        return Context(
            db=self.db, region=self.hall.region, hall_code=self.hall.hall_code,
            window=self.hall.window, operator_id=self.hall.clerk, role=self.hall.role,  # type: ignore[arg-type]
            settings=dict(self.settings), **kwargs,
        )

    def search(self, text: str, limit: int = 20) -> list[dict]:
        """The search box: a services search when it exists, else the records' read-only query."""
        if self.db is None or not text.strip():
            return []
        try:
            from desktop.services import search as service  # type: ignore[attr-defined]

            return list(service.search(self.context(), text, limit=limit))
        except ImportError:
            from desktop.records import search as records_search

            return records_search.search(self.db, text, limit)
