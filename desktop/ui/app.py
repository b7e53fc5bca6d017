"""Starting the window: one QApplication, the hall's database, who is at the window, the main
window.

- `yibao-desk --demo`, or no arguments on a machine whose hall is not configured yet: the demo
  hall (演示数据, its own database), logged in as the demo clerk; its menu offers 首次设置本大厅.
- a configured hall (the default database, or `--db FILE`): the login dialog, then the window.
- `--db FILE` of a database without a hall: the first-start setup dialog, then the login.

Nothing happens at import time; `Session` does the work when `run` is called.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

ORG = "yibao-desk"
APP = "yibao-desk"
DEMO_ENV = "YIBAO_DESK_DEMO"


def demo_db_path() -> Path:
    from desktop.services import database

    return database.demo_path()


def wants_demo(args: argparse.Namespace | None) -> bool:
    """The demo hall: asked for, or no arguments and no configured hall in the default database."""
    if getattr(args, "demo", False) or os.environ.get(DEMO_ENV) == "1":
        return True
    if getattr(args, "db", None):
        return False
    from desktop.services import database, hall

    target = database.default_path()
    if not target.exists():
        return True
    db = database.open_database(target)
    try:
        return hall.hall(db) is None
    finally:
        db.close()


def build_deps(args: argparse.Namespace | None = None, *, demo: bool | None = None):
    """The database for the window; the packs are read on first use (`Deps.packs`, PackError on
    a bad pack). The demo database is filled on first use; a hall's start-up checks (integrity,
    daily backup, audit chain) run on a worker once the window is up."""
    from desktop.services.database import defer_checkpoints, open_database
    from desktop.ui.deps import Deps

    demo = wants_demo(args) if demo is None else demo
    if demo:
        from desktop.ui.demo import ensure_demo

        path = Path(getattr(args, "db", None) or demo_db_path()) if getattr(args, "demo", False) else demo_db_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        db = open_database(path)
        ensure_demo(db)
        integrity = None
    else:
        # quick_check, the daily backup and the audit chain read the whole file: on a big hall
        # they take tens of seconds, so the window runs them on a worker once it is up
        db = open_database(getattr(args, "db", None))
        integrity = None
    defer_checkpoints(db)  # the window checkpoints the WAL when idle (MainWindow's timer)
    # the packs are read on first use (`Deps.packs`): the window paints first, then its first
    # page reads them (a bad pack stops the start there, see `Session._packs_failed`)
    return Deps(db=db, demo=demo, integrity=integrity)


def load_fonts() -> None:
    """Every bundled face (resources/fonts, the chain the printed documents use), so a name with a
    rare character (𠇹 in Extension B, 𰻝 in G) shows on screen as it prints, whatever fonts the
    machine has. Qt maps the files rather than reading them: about 5 ms for all five."""
    from PySide6.QtGui import QFontDatabase

    from desktop import shipped

    for face in sorted(shipped.fonts_dir().glob("*.ttf")):
        QFontDatabase.addApplicationFont(str(face))


class Session:
    """The start-up flow and what follows a logout or the first-start setup: which database,
    who logs in, which main window is open. One per run; tests drive it with `ask` replaced."""

    def __init__(self, args: argparse.Namespace | None = None, *, ask=None) -> None:
        self.args = args or argparse.Namespace(db=None, demo=False)
        self.deps: Any = None
        self.window: Any = None
        self.prepared: Any = None  # the main window's frame built during the password check
        # shows a modal dialog and returns whether it was accepted (tests answer it themselves)
        self.ask = ask or (lambda dialog: dialog.exec() == dialog.DialogCode.Accepted)

    def start(self) -> bool:
        """Open the demo hall or the configured one (setup and login first); False: the person
        closed the dialogs, nothing to show."""
        self.deps = build_deps(self.args)
        if self.deps.demo:
            return self._open_demo()
        return self._enter_hall()

    def _open_demo(self) -> bool:
        from desktop.services import accounts
        from desktop.ui.demo import DEMO_CLERK, DEMO_PASSWORD

        self.deps.sign_in(accounts.login(self.deps.db, DEMO_CLERK, DEMO_PASSWORD))
        self._show_window()
        return True

    def _enter_hall(self) -> bool:
        from desktop.services import hall
        from desktop.ui.login import SetupDialog

        if hall.hall(self.deps.db) is None:
            setup = SetupDialog(self.deps.db, self.deps.regions())
            if not self.ask(setup):
                self.deps.db.close()
                self.deps = build_deps(self.args, demo=True)
                return self._open_demo()
            self._show_recovery_code(setup)
        return self.login()

    def _show_recovery_code(self, setup: Any) -> None:
        from desktop.ui.login import RecoveryCodeDialog

        if setup.account is not None and setup.account.recovery_code:
            self.ask(RecoveryCodeDialog(setup.account.recovery_code, self.window))

    def login(self) -> bool:
        from desktop.services import hall
        from desktop.ui.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
        from desktop.ui.login import LoginDialog

        config = hall.hall(self.deps.db)
        hint = ""
        if self.deps.demo:
            names = "、".join(f"{u}（{n}）" for u, n, _ in DEMO_ACCOUNTS)
            hint = f"演示数据：账户 {names}，密码均为 {DEMO_PASSWORD}"
        # while argon2 checks the password on a worker thread, the main thread builds the window's
        # frame (hidden, nothing of the hall in it); a refused password discards it
        dialog = LoginDialog(self.deps.db, config["hall_name"], hint=hint, prepare=self._prepare_window,
                             discard=self._discard_window)
        if not self.ask(dialog):
            self._discard_window()
            return False
        self.deps.sign_in(dialog.account)
        self._show_window()
        return True

    def _prepare_window(self) -> None:
        """The main window's frame, whoever logs in: its modules, widgets, menus and looks, built
        hidden while the password is checked. No page, no person, no figure and not the hall's
        name: `MainWindow.attach` adds those after the check succeeded, then it is shown."""
        import desktop.services.hall  # noqa: F401  (Deps.sign_in)
        import desktop.services.permissions  # noqa: F401  (the status bar)
        from desktop.ui.main_window import MainWindow

        if self.prepared is None:
            self.prepared = MainWindow(self.deps, signed_in=False)

    def _discard_window(self) -> None:
        """The password was refused (or the login given up): the prepared frame goes unseen."""
        window, self.prepared = self.prepared, None
        if window is not None:
            window.close()
            window.deleteLater()

    def _show_window(self) -> None:
        from desktop.ui.main_window import MainWindow

        window, self.prepared = self.prepared, None
        if window is not None and window.deps is self.deps and self.deps.account is not None:
            window.attach()  # the frame built during the password check, now for this account
        else:
            if window is not None:
                window.deleteLater()
            window = MainWindow(self.deps)
        self.window = window
        self.window.logout_requested.connect(self.logout)
        self.window.setup_requested.connect(self.setup_hall)
        self.window.start_failed.connect(self._start_failed)
        self.window.show()
        try:
            problems = self.deps.packs.problems
        except Exception:  # noqa: BLE001 - a bundled pack that cannot be read stops the first page
            problems = []
        if problems:  # files of packs/ left out (not imported through 政策包导入, changed, broken)
            names = "、".join(p.split(":", 1)[0] for p in problems)
            self.window.show_status(f"⚠ 有 {len(problems)} 个政策包文件未使用：{names}（详见“政策包”页）")

    def _start_failed(self, message: str) -> None:
        """The window's first page could not read the packs (a bad pack): say so and stop, as a
        bad pack did before the window existed."""
        from PySide6.QtWidgets import QApplication, QMessageBox

        if self.window is not None:
            self.window.hide()
        QMessageBox.critical(None, "无法启动", f"启动失败：{message}")
        if self.window is not None:
            self.window.close()
        QApplication.exit(1)

    def logout(self) -> None:
        """切换账户: the window closes, the login dialog comes back (the same database)."""
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            self.window = None
        self.deps.account = None
        self.login()

    def setup_hall(self) -> None:
        """From the demo: configure the hall's own database (default location or --db), log in."""
        from desktop.ui.login import SetupDialog

        args = argparse.Namespace(db=getattr(self.args, "db", None), demo=False)
        real = build_deps(args, demo=False)
        from desktop.services import hall

        if hall.hall(real.db) is None:
            setup = SetupDialog(real.db, real.regions(), self.window)
            if not self.ask(setup):
                real.db.close()
                return
            self._show_recovery_code(setup)
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            self.window = None
        self.deps.db.close()
        self.deps, self.args = real, args
        self.login()


_CRASH_BOXES: list[Any] = []


def crash_hook(exc_type: type[BaseException], exc: BaseException, tb: Any) -> None:
    """sys.excepthook of the window: an exception that escaped a page's own boundary (a slot of
    any widget) is a crash report in the log and a Chinese message, never a traceback."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    from desktop.services import crash

    if exc.__traceback__ is None:
        exc = exc.with_traceback(tb)
    try:
        path = crash.write_report(exc, "窗口")
    except OSError:
        path = None
    box = QMessageBox(QMessageBox.Icon.Critical, "程序内部错误", crash.clerk_message(path))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _CRASH_BOXES.append(box)  # held until closed: a parentless box would be collected at once
    box.finished.connect(lambda _r: _CRASH_BOXES.remove(box))
    box.open()  # not exec(): the window keeps running behind it


def run(args: argparse.Namespace) -> int:
    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication.instance() or QApplication(sys.argv)
    sys.excepthook = crash_hook
    app.setOrganizationName(ORG)
    app.setApplicationName(APP)
    app.setApplicationDisplayName("医保窗口经办")
    load_fonts()
    session = Session(args)
    try:
        shown = session.start()
    except Exception as exc:  # a bad pack or an unreadable database: say so, do not start half-way
        QMessageBox.critical(None, "无法启动", f"启动失败：{exc}")
        return 1
    if not shown:
        return 0
    return app.exec()
