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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the packs (pydantic models) are read on first use, not at import
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
    # the policy packs (desktop.policy.loader.PackSet); None: read on first use, the bundled
    # packs plus those the hall imported (see `packs` below: the window paints before they load)
    packs: PackSet | None = field(default=None, repr=False, compare=False)
    hall: Hall = field(default_factory=Hall)
    settings: Mapping[str, Decimal] = field(default_factory=dict)
    db: Any = None  # sqlite_utils.Database, or None when no database is open
    clock: Callable[[], datetime] | None = None
    demo: bool = False
    # the machine's printers (desktop.ui.printing.SystemPrinter when None); tests pass a recorder
    printer: Any = None
    # shows a print preview dialog (default: dlg.open(), window-modal); tests may confirm it at once
    preview: Callable[[Any], Any] | None = None
    # opens an archived PDF in the system viewer (default: QDesktopServices)
    open_path: Callable[[Any], Any] | None = None
    # an ID card reader SDK (desktop.ui.reader.CardReader); None: keyboard-wedge readers only
    reader: Any = None
    # the logged-in account (desktop.services.accounts.Account); None: a database without
    # accounts (tests of single pages), where `hall.role` stands in
    account: Any = None
    # the start-up check of the hall's database (records.db.IntegrityResult); None: not run
    integrity: Any = None

    # ------------------------------------------------------------------ who is at the window

    def sign_in(self, account: Any) -> None:
        """After `accounts.login`: the hall as configured, the person and their role, the hall's
        settings and packs (bundled + imported) for every Context from now on."""
        from desktop.services import hall

        config = hall.hall(self.db)
        self.account = account
        self.hall = Hall(region=config["region"], hall_code=config["hall_code"], hall_name=config["hall_name"],
                         window=config["window_code"], clerk=account.display_name, role=account.primary_role)
        self.settings = hall.policy_settings(self.db)
        self.refresh_packs()

    def refresh_packs(self) -> None:
        """The bundled packs plus those the hall imported (`packs/` beside the database): read
        again on the next use (`packs`)."""
        if self.db is None:
            return
        self.__dict__["_packs"] = None

    def load_packs(self) -> PackSet:
        """The packs now (raises PackError on a bad pack); `packs` calls it on first use."""
        packs = self.__dict__.get("_packs")
        if packs is None:
            from desktop.policy import loader

            if self.db is None:
                packs = loader.bundled()
            else:
                from desktop.services import hall

                packs = hall.hall_packs(self.db)
            self.__dict__["_packs"] = packs
        return packs

    def packs_loaded(self) -> bool:
        return self.__dict__.get("_packs") is not None

    @property
    def roles(self) -> frozenset[str]:
        """The roles of the person at the window (经办人 clerk, 复核人 reviewer, 管理员 admin)."""
        if self.account is not None:
            return frozenset(self.account.roles)
        return frozenset({"clerk", "reviewer", "admin"} if self.hall.role == "head" else {self.hall.role})

    def may(self, role: str) -> bool:
        return role in self.roles

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

    def receipt_printer(self) -> str | None:
        """The hall's 80 mm receipt printer (setting `receipt_printer`), or None."""
        if self.db is None:
            return None
        from desktop.services import hall

        return hall.settings(self.db).get("receipt_printer") or None

    def printer_backend(self) -> Any:
        if self.printer is None:
            from desktop.ui.printing import SystemPrinter

            self.printer = SystemPrinter()
        return self.printer

    def open_file(self, path: Any) -> Any:
        if self.open_path is not None:
            return self.open_path(path)
        from desktop.ui.printing import open_path

        return open_path(path)

    def print_preview(self, parent: Any, title: str, build: Callable[[Any, str], list],
                      on_printed: Callable[[list], Any] | None = None, *, receipt_roll: bool = False) -> Any:
        """Open the 打印预览 of the documents `build(ctx, paper)` returns (services.printing).
        `receipt_roll`: a receipt the hall prints on its 80 mm printer when it has one."""
        from desktop.ui.print_preview import PrintPreviewDialog

        roll = self.receipt_printer() if receipt_roll else None
        dialog = PrintPreviewDialog(self, title, build, parent, roll_printer=roll)
        if on_printed is not None:
            dialog.printed.connect(on_printed)
        if self.preview is not None:
            self.preview(dialog)
        else:
            from PySide6.QtCore import Qt

            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()
        return dialog

    def missing_next_year(self, region: str | None = None):
        """The coming year's pack when its collection period is under way and it is not loaded
        (services.policy_year), else None."""
        from desktop.services.policy_year import missing_pack

        return missing_pack(self.packs, region or self.hall.region, self.today())

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
        if self.account is not None:
            from desktop.services import hall

            return hall.context_for(self.db, self.account, self.clock)
        from desktop.services.context import Context

        kwargs: dict[str, Any] = {}
        if self.clock is not None:
            kwargs["clock"] = self.clock
        return Context(
            db=self.db, region=self.hall.region, hall_code=self.hall.hall_code,
            window=self.hall.window, operator_id=self.hall.clerk, role=self.hall.role,  # type: ignore[arg-type]
            settings=dict(self.settings), packs=self.packs, **kwargs,
        )

    def plan_context(self):
        """A Context for the services' plans (which write nothing): the window's, or without a
        database one that plans from the packs alone (no history on file)."""
        ctx = self.context()
        if ctx is not None:
            return ctx
        from desktop.services.context import Context

        kwargs: dict[str, Any] = {"clock": self.clock} if self.clock is not None else {}
        return Context(
            db=None, region=self.hall.region, hall_code=self.hall.hall_code,  # type: ignore[arg-type]
            window=self.hall.window, operator_id=self.hall.clerk or "-", settings=dict(self.settings),
            packs=self.packs, **kwargs,
        )

    def search(self, text: str, limit: int = 20) -> list[dict]:
        """The search box (services.persons.search)."""
        if self.db is None or not text.strip():
            return []
        from desktop.services.persons import search

        return search(self.db, text, limit)


# `Deps.packs` is read lazily: importing pydantic and validating the packs costs more than the
# whole window's first paint, and the first paint needs none of it. Given (tests, a page's own
# Deps), it is that PackSet; None: `load_packs` on first use.
Deps.packs = property(Deps.load_packs, lambda self, value: self.__dict__.__setitem__("_packs", value))  # type: ignore[assignment]
