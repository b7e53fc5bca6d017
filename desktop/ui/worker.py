"""Long work off the UI thread: a QThread running one job with progress and cancel.

The job is a plain function `job(progress, cancelled) -> result` (progress(done, total);
cancelled() -> bool), so the same code runs headless in tests and the CLI. A job that needs the
database opens its own connection in the thread (sqlite3 connections stay on their thread).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal

from desktop.errors import Refusal

Job = Callable[[Callable[[int, int], None], Callable[[], bool]], Any]


class _Runner(QObject):
    progress = Signal(int, int)
    done = Signal(object)
    failed = Signal(str)

    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job
        self.cancel_requested = False

    def run(self) -> None:
        try:
            result = self.job(lambda d, t: self.progress.emit(int(d), int(t)), lambda: self.cancel_requested)
        except Refusal as refusal:
            self.failed.emit(refusal.message)
        except Exception as exc:  # shown to the clerk in words, never a traceback in a dialog
            from desktop.services import crash

            try:
                path = crash.write_report(exc, "后台任务")
            except OSError:
                path = None
            self.failed.emit(crash.clerk_message(path))
        else:
            self.done.emit(result)


class Worker(QObject):
    """Start with `start()`; listen to `progress`, `finished(result)`, `failed(message)`."""

    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, job: Job, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thread = QThread()
        self.runner = _Runner(job)
        self.runner.moveToThread(self.thread)
        self.thread.started.connect(self.runner.run)
        self.runner.progress.connect(self.progress)
        self.runner.done.connect(self._done)
        self.runner.failed.connect(self._failed)
        # the thread ends with its job, not when the GUI thread gets round to `_done`: a window
        # closing (its closeEvent waits for the worker) would otherwise wait out the full timeout
        for ended in (self.runner.done, self.runner.failed):
            ended.connect(self.thread.quit, Qt.ConnectionType.DirectConnection)

    def start(self) -> None:
        self.thread.start()

    def cancel(self) -> None:
        self.runner.cancel_requested = True

    def is_running(self) -> bool:
        return self.thread.isRunning()

    def _stop_thread(self) -> None:
        self.thread.quit()
        self.thread.wait()

    def _done(self, result: object) -> None:
        self._stop_thread()
        self.finished.emit(result)

    def _failed(self, message: str) -> None:
        self._stop_thread()
        self.failed.emit(message)

    def wait(self, ms: int = 30000) -> bool:
        return self.thread.wait(ms)
