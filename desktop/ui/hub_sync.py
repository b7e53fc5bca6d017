"""The window's sync with its county hub: `desktop.sync.sync_once` on a worker thread every few
seconds (hall setting `sync_interval_seconds`) while the hub answers, and the status bar's word
for it: 已同步 / 待上传 N 笔 / 离线（自 HH:MM）.

Offline is not an error to the clerk: no dialog, the next attempt waits twice as long each time
(up to `MAX_BACKOFF_S`), and the first success goes back to the hall's interval. Each attempt is
its own `Worker` whose thread ends with the job, on a SQLite connection of its own (sqlite3
connections stay on their thread); the GUI thread only reads the small sync tables.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel

MAX_BACKOFF_S = 60


def status_text(status, today: datetime | None = None) -> str:
    """The status bar's words for a `desktop.sync.SyncStatus` ("" when no hub is remembered)."""
    if not status.configured:
        return ""
    if status.last_error is not None:
        since = status.last_sync_at or status.last_attempt_at
        when = _clock(since, today) if since else ""
        text = f"离线（自 {when}）" if when else "离线"
        return text + (f"，待上传 {status.pending} 笔" if status.pending else "")
    if status.pending:
        return f"待上传 {status.pending} 笔"
    return "已同步"


def _clock(iso: str, today: datetime | None) -> str:
    """HH:MM today, else M月D日 HH:MM."""
    moment = datetime.fromisoformat(iso)
    now = today or datetime.now(moment.tzinfo)
    if moment.date() == now.date():
        return f"{moment:%H:%M}"
    return f"{moment.month}月{moment.day}日 {moment:%H:%M}"


class HubSync(QObject):
    """Drives the sync of the window's database file `path` and keeps `label` up to date."""

    attempted = Signal()  # after every attempt, successful or not (the 冲突 page listens)

    def __init__(self, db, path: str, label: QLabel, interval_s: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db  # the GUI thread's connection: status reads only
        self.path = path
        self.label = label
        self.interval_s = max(1, int(interval_s))
        self.failures = 0
        self.worker = None
        self.last_message = ""
        self.running = False
        self.again = False
        self.timer = QTimer(self, singleShot=True, timeout=self._tick)

    # ------------------------------------------------------------------ control

    def configured(self) -> bool:
        from desktop.sync import state

        found = state.node(self.db)
        return bool(found and found["hub_ref"])

    def start(self) -> bool:
        """Begin syncing when this file remembers a hub (`yibao-desk sync --hub` once); else no-op."""
        self.refresh()
        if not self.configured():
            return False
        self.running = True
        self.timer.start(0)
        return True

    def stop(self) -> None:
        """No further attempts; an attempt under way is waited for (each batch is one
        transaction, so it stops cleanly at the end of its job)."""
        self.running = False
        self.timer.stop()
        if self.worker is not None and self.worker.is_running():
            self.worker.wait()

    def soon(self) -> None:
        """A business was just done here: push it now rather than at the next interval (other
        windows then see it within one of their intervals). Offline, the backoff stands."""
        if not self.running or self.failures:
            return
        if self.worker is not None and self.worker.is_running():
            self.again = True  # the attempt under way may have missed it: one more right after
            return
        self.timer.start(0)

    def set_interval(self, seconds: int) -> None:
        self.interval_s = max(1, int(seconds))
        if self.timer.isActive() and not self.failures:
            self.timer.start(self.interval_s * 1000)

    def next_delay_ms(self) -> int:
        """The hall's interval while online; doubling per failed attempt, at most MAX_BACKOFF_S."""
        if not self.failures:
            return self.interval_s * 1000
        return min(self.interval_s * 2 ** self.failures, max(MAX_BACKOFF_S, self.interval_s)) * 1000

    # ------------------------------------------------------------------ one attempt

    def _tick(self) -> None:
        if self.worker is not None and self.worker.is_running():
            return
        from desktop.ui.worker import Worker

        path = self.path

        def job(progress, cancelled):
            from desktop.services.database import connect
            from desktop.sync import sync_once

            db = connect(path)
            try:
                return sync_once(db)
            finally:
                db.close()

        self.worker = Worker(job, self)
        self.worker.finished.connect(self._done)
        self.worker.failed.connect(self._failed)
        self.worker.start()

    def _done(self, result) -> None:
        self.failures = 0
        self.last_message = ""
        self._after()

    def _failed(self, message: str) -> None:
        self.failures += 1
        self.last_message = message
        self._after()

    def _after(self) -> None:
        self.refresh()
        self.attempted.emit()
        if self.running:
            again, self.again = self.again and not self.failures, False
            self.timer.start(0 if again else self.next_delay_ms())

    def refresh(self) -> None:
        """The label from what the file says (pending businesses, the last attempt)."""
        from desktop.sync import last_sync

        status = last_sync(self.db)
        if self.last_message and status.configured and status.last_error is None:
            # failed outside sync_once's own bookkeeping (a busy file): offline all the same
            status = replace(status, last_error=self.last_message)
        text = status_text(status)
        self.label.setText(text)
        self.label.setVisible(bool(text))
        tip = f"中心库节点 {status.node}" if status.node else ""
        if status.last_error:
            tip += f"；最近一次连接失败：{status.last_error}；将自动重试"
        elif status.last_sync_at:
            tip += f"；最近同步：{status.last_sync_at[:19].replace('T', ' ')}"
        self.label.setToolTip(tip)
