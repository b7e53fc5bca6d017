"""Child process of the start-up figure: `python -m bench.startup bare|app [DB]`.

Prints one line `painted` as soon as the first paint of the main window has been delivered,
then exits; the parent times from spawning the process to reading that line, so both the bare
QMainWindow and the application include the interpreter, the imports and Qt's start.

`app` goes through the real start path, `desktop.ui.app.run(args)`, with a configured hall
(QSettings in a private XDG_CONFIG_HOME set by the parent) and `--db` the big database.
"""

from __future__ import annotations

import os
import sys

_profiler = None


def _watch(app) -> None:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QMainWindow

    class FirstPaint(QObject):
        done = False

        def eventFilter(self, obj, event):  # noqa: N802
            if not self.done and event.type() == QEvent.Type.Paint and isinstance(obj, QMainWindow):
                self.done = True
                QTimer.singleShot(0, self._report)  # after this paint has finished
            return False

        def _report(self):
            sys.stdout.write("painted\n")
            sys.stdout.flush()
            import os

            if _profiler is not None:
                _profiler.stop()
                with open(os.environ["BENCH_PROFILE"], "w", encoding="utf-8") as out:
                    out.write(_profiler.output_text(unicode=True, show_all=False))
            os._exit(0)

    app._bench_filter = FirstPaint()
    app.installEventFilter(app._bench_filter)


def _skip_missing_pages() -> None:
    """Pages not written yet are left out (and named on stdout), so the figure measures what
    exists instead of failing; the parent reports them in the figure's note."""
    import ast
    from importlib.util import find_spec
    from pathlib import Path

    # PAGES read from the source and find_spec, not imports: the start path imports the main
    # window (while the password is checked) and each page when it first shows it; the figure
    # must not have them imported here beforehand
    source = (Path(find_spec("desktop.ui").origin).parent / "main_window.py").read_text(encoding="utf-8")
    pages = next(ast.literal_eval(node.value) for node in ast.parse(source).body
                 if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "PAGES")
    missing = [module for _key, _title, module, _cls in pages
               if find_spec(f"desktop.ui.pages.{module}") is None]
    if not missing:
        return
    from desktop.ui import main_window

    sys.stdout.write("missing " + ",".join(missing) + "\n")
    sys.stdout.flush()
    main_window.PAGES = tuple(p for p in main_window.PAGES if p[2] not in missing)


def _bench_clerk() -> tuple[str, str]:
    """bench/hall.py's BENCH_CLERK user name and BENCH_PASSWORD, read from its source: importing
    it would import the synthetic-hall generator (python-stdnum …) into the timed process."""
    import ast
    from pathlib import Path

    found = {}
    for node in ast.parse((Path(__file__).parent / "hall.py").read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id in ("BENCH_CLERK", "BENCH_PASSWORD"):
                found[node.targets[0].id] = ast.literal_eval(node.value)
    return found["BENCH_CLERK"][0], found["BENCH_PASSWORD"]


def _session_start(app, desktop_app, db: str) -> int:
    """`desktop.ui.app.run` with the login dialog answered by the benchmark clerk (its password
    typed into the dialog's fields and its own `login()` called), exactly as a clerk logs in."""
    from desktop.cli import build_parser

    clerk, password = _bench_clerk()

    _skip_missing_pages()

    def answer(dialog) -> bool:
        if type(dialog).__name__ != "LoginDialog":
            sys.stdout.write(f"dialog {type(dialog).__name__}: not a configured hall\n")
            sys.stdout.flush()
            return False
        dialog.username.setText(clerk)
        dialog.password.setText(password)
        dialog.login()
        return dialog.account is not None

    app.setOrganizationName(desktop_app.ORG)
    app.setApplicationName(desktop_app.APP)
    app.setApplicationDisplayName("医保窗口经办")
    desktop_app.load_fonts()
    session = desktop_app.Session(build_parser().parse_args(["--db", db]), ask=answer)
    if not session.start():
        return 1
    return app.exec()


def main(argv: list[str]) -> int:
    mode = argv[0]
    if os.environ.get("BENCH_PROFILE"):  # python -m bench --profile: where the start-up time goes
        global _profiler
        from pyinstrument import Profiler

        _profiler = Profiler(interval=0.0005)
        _profiler.start()
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    _watch(app)
    if mode == "bare":
        from PySide6.QtWidgets import QMainWindow

        window = QMainWindow()
        window.resize(1366, 768)
        window.show()
        return app.exec()
    from desktop.ui import app as desktop_app

    if hasattr(desktop_app, "Session"):
        return _session_start(app, desktop_app, argv[1])
    from PySide6.QtCore import QSettings

    store = QSettings(desktop_app.ORG, desktop_app.APP)
    for key, value in {"hall/hall_code": "320412", "hall/region": "武进区",
                       "hall/hall_name": "武进区医保经办大厅", "hall/window": "03",
                       "hall/clerk": "bench01", "hall/role": "clerk",
                       "policy/elderly_from_age": "60"}.items():
        store.setValue(key, value)
    store.sync()
    from desktop.cli import build_parser

    _skip_missing_pages()

    return desktop_app.run(build_parser().parse_args(["--db", argv[1]]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
