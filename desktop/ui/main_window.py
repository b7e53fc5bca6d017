"""The main window: navigation by business (F2…F11), a stack of pages, the search box (Ctrl+F),
the status bar (hall, window, the person logged in and their role, the audit chain, 演示数据),
the idle lock, font scaling and high contrast.

What a role sees: 复核 only for reviewers, 设置 only for administrators; a page reached anyway
shows the services' refusal (they enforce the roles)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping

from PySide6.QtCore import QEvent, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.ui import style
from desktop.ui.deps import Deps
from desktop.ui.widgets import Page

ORG = "yibao-desk"
APP = "yibao-desk"
DEFAULT_SIZE = (1366, 768)
MIN_PT, MAX_PT = 9, 22

PageFactory = Callable[[Deps], Page]


PAGES = (
    # (key, navigation title, module, class), in function-key order F2, F3, …
    ("enrollment", "参保登记/续保", "enrollment", "EnrollmentPage"),
    ("change", "变更登记", "change", "ChangePage"),
    ("termination", "停保/退保/退费", "termination", "TerminationPage"),
    ("offsite", "异地就医备案", "offsite", "OffsitePage"),
    ("claim", "零星报销", "claim", "ClaimPage"),
    ("calculator", "报销测算", "calculator", "CalculatorPage"),
    ("policy", "政策查询", "policy", "PolicyPage"),
    ("day_report", "日结", "day_report", "DayReportPage"),
    ("review", "复核", "review", "ReviewPage"),
    ("settings", "设置", "settings", "SettingsPage"),
    ("chronic", "门诊慢特病", "chronic", "ChronicPage"),
    ("history", "参保人档案", "history", "HistoryPage"),
    ("conflicts", "冲突", "conflicts", "ConflictsPage"),
)
# pages reached by a key of their own instead of the next function key
PAGE_KEYS = {"chronic": "Ctrl+M", "history": "Ctrl+H"}
LAST_FKEY = 11  # F12 reads the ID card (person_box): a page beyond F11 has no function key
# pages only some roles see (the services refuse the others anyway)
PAGE_ROLES = {"review": "reviewer", "conflicts": "reviewer", "settings": "admin"}
IDLE_EVENTS = (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel)


def _page_factory(module: str, cls: str) -> PageFactory:
    """The page class of `module`, imported when the page is first built (not at start)."""

    def build(deps: Deps) -> Page:
        return getattr(importlib.import_module(f"desktop.ui.pages.{module}"), cls)(deps)

    return build


def default_pages(roles: frozenset[str] | None = None) -> list[tuple[str, str, PageFactory]]:
    """(key, navigation title, factory) of every page the roles see (all when None)."""
    out = []
    for key, title, module, cls in PAGES:
        if roles is not None and key in PAGE_ROLES and PAGE_ROLES[key] not in roles:
            continue
        out.append((key, title, _page_factory(module, cls)))
    return out


class Pages(Mapping[str, Page]):
    """The window's pages by key, in navigation order, built on first use: `pages[key]` builds
    the page if it is not built yet (navigation, the search, tests), `built()` are those that
    exist. A page not built yet is a placeholder in the stack."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self._keys: list[str] = []
        self._built: dict[str, Page] = {}

    def __getitem__(self, key: str) -> Page:
        if key not in self._built:
            if key not in self._keys:
                raise KeyError(key)
            self._window._build_page(key)
        return self._built[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def add(self, key: str) -> None:
        """A page in navigation order, built on first use."""
        self._keys.append(key)

    def set_built(self, key: str, page: Page) -> None:
        self._built[key] = page

    def index(self, key: str) -> int:
        return self._keys.index(key)

    def is_built(self, key: str) -> bool:
        return key in self._built

    def built(self) -> list[Page]:
        return [self._built[k] for k in self._keys if k in self._built]


class MainWindow(QMainWindow):
    logout_requested = Signal()
    setup_requested = Signal()
    start_failed = Signal(str)  # the first page could not be built (a bad policy pack)

    def __init__(self, deps: Deps, pages: list[tuple[str, str, PageFactory]] | None = None, *,
                 signed_in: bool = True) -> None:
        """`signed_in=False`: only the frame (navigation, search box, menus, status bar, looks),
        built while the password is still being checked (`app.Session`) and shown by nobody;
        `attach()` adds what depends on who logged in and the hall (the pages their roles see,
        the status bar's text, the idle lock, the start-up checks) once the check succeeded."""
        super().__init__()
        self.deps = deps
        self.store = QSettings(ORG, APP)
        self.setWindowTitle("医保窗口经办" + ("（演示数据）" if deps.demo else ""))
        self.pages = Pages(self)
        self.keys: dict[str, str] = {}
        self._factories: dict[str, PageFactory] = {}
        self._first_painted = False
        self._first_page_shown = False
        # the person of this visit (their ID number), carried to every page that takes one
        # until the next visit (`select_person`, `_carry_person`)
        self.person_number: str | None = None
        self._carrying = False

        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText("查找参保人：姓名、身份证号（可输后几位）、手机号、收据号  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setObjectName("searchResults")
        self.results.hide()
        self.search_note = QLabel("")
        self.search_note.setObjectName("note")
        self.search_note.setWordWrap(True)
        self.search_note.hide()

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.stack = QStackedWidget()
        self._page_list = pages
        self.attached = False
        self.nav.currentRowChanged.connect(self._nav_changed)

        left = QVBoxLayout()
        left.addWidget(self.nav, 3)
        left.addWidget(self.search_note)
        left.addWidget(self.results, 2)
        top = QHBoxLayout()
        top.addWidget(QLabel("查找(&F)"))
        top.addWidget(self.search, 1)
        body = QHBoxLayout()
        body.addLayout(left)
        body.addWidget(self.stack, 1)
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.addLayout(top)
        outer.addLayout(body, 1)
        self.setCentralWidget(central)

        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.focus_search)
        self._search_timer = QTimer(self, singleShot=True, interval=150, timeout=self._run_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._search_enter)
        self.results.itemActivated.connect(self._open_result)
        self.search.installEventFilter(self)

        self._build_menu()
        self._build_status()
        self.lock_overlay = None  # made when the window first locks (`_overlay`)
        self.lockable = False
        self.idle_timer = QTimer(self, singleShot=True, timeout=self.idle_lock)
        self.font_pt = int(self.store.value("ui/font_pt", QApplication.font().pointSize() or 10))
        self.high_contrast = self.store.value("ui/high_contrast", False, type=bool)
        self._apply_looks()
        size = self.store.value("window/size")
        self.resize(size if isinstance(size, QSize) and size.isValid() else QSize(*DEFAULT_SIZE))
        if self.store.value("window/maximized", False, type=bool):
            self.setWindowState(Qt.WindowState.WindowMaximized)
        if signed_in:
            self.attach()

    def attach(self) -> None:
        """What depends on who is logged in (`deps.account`, `deps.hall`): the pages their roles
        see (navigation, F-keys, the 业务 menu), the status bar, the account menu, the idle lock,
        and the start-up checks once the window is up. Once, before the window is shown."""
        if self.attached:
            return
        self.attached = True
        deps = self.deps
        pages = self._page_list if self._page_list is not None else default_pages(deps.roles)
        self.nav.blockSignals(True)
        fkeys = 0
        for key, title, factory in pages:
            # each page is built when first shown (`_build_page`); until then a placeholder
            self.pages.add(key)
            self._factories[key] = factory
            # a scroll area per page: at large font sizes a page scrolls instead of widening the window
            scroller = QScrollArea()
            scroller.setWidgetResizable(True)
            scroller.setFrameShape(QFrame.Shape.NoFrame)
            placeholder = QLabel(f"正在打开“{title}”…")
            placeholder.setObjectName("pagePlaceholder")
            placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            scroller.setWidget(placeholder)
            self.stack.addWidget(scroller)
            fkey = PAGE_KEYS.get(key)
            if fkey is None:
                fkey = f"F{fkeys + 2}" if fkeys + 2 <= LAST_FKEY else ""
                fkeys += 1
            self.keys[key] = fkey
            item = QListWidgetItem(f"{fkey or '   '}  {title}")
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.nav.addItem(item)
            if fkey:
                shortcut = QShortcut(QKeySequence(fkey), self)
                shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
                shortcut.activated.connect(lambda k=key: self.show_page(k))
            action = QAction(f"{title}\t{fkey}" if fkey else title, self)
            action.triggered.connect(lambda _c=False, k=key: self.show_page(k))
            self.business_menu.addAction(action)
        self.nav.blockSignals(False)
        self.nav.setFixedWidth(self.nav.sizeHintForColumn(0) + 40)
        for action in self._account_actions:
            action.setEnabled(deps.account is not None)
        self.refresh_status()
        self.lockable = deps.account is not None and deps.db is not None
        if self.lockable:
            from desktop.services.accounts import idle_lock_minutes

            self.idle_minutes = idle_lock_minutes(deps.db)
            self.idle_timer.setInterval(self.idle_minutes * 60_000)
            self.idle_timer.start()
            QApplication.instance().installEventFilter(self)
        QTimer.singleShot(0, self.check_audit_chain)  # after the first paint
        QTimer.singleShot(0, self.start_sync)
        self.checkpoint_timer.start(30_000)
        if self.nav.count():
            # the first page is selected but built right after the window's first paint
            # (`event`), or at once when something asks for it (`current_page`, `pages[key]`)
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(0)
            self.nav.blockSignals(False)
            self.stack.setCurrentIndex(0)

    # ------------------------------------------------------------------ navigation

    def show_page(self, key: str) -> None:
        row = self.pages.index(key)
        self.nav.setCurrentRow(row)
        self.pages[key].focus_first()

    def current_key(self) -> str | None:
        row = self.stack.currentIndex()
        return list(self.pages)[row] if row >= 0 else None

    def current_page(self) -> Page:
        key = self.current_key()
        if key is None:
            return self.stack.currentWidget().widget()  # type: ignore[union-attr]
        return self.pages[key]

    def _nav_changed(self, row: int) -> None:
        if row < 0:
            return
        page = self.pages[list(self.pages)[row]]
        self._carry_person(page)
        self.stack.setCurrentIndex(row)
        QTimer.singleShot(0, page.focus_first)

    # ------------------------------------------------------------------ the person of the visit

    def select_person(self, number: str | None) -> None:
        """A page's ID field now holds `number` (None: cleared, a new visit begins)."""
        if not self._carrying:
            self.person_number = number

    def _carry_person(self, page: Page) -> None:
        """The page shows the visit's person: loaded when it holds another (or none), cleared
        when the visit ended while it still held the previous one."""
        if not getattr(page, "carries_person", False):
            return
        field = page.id_field  # type: ignore[attr-defined]
        held = field.id_number.number if field.id_number is not None else None
        if held == self.person_number:
            return
        self._carrying = True
        try:
            if self.person_number is not None:
                page.load_person(self.person_number)
            elif held is not None:
                page.back_out()
        finally:
            self._carrying = False

    def _build_page(self, key: str) -> Page:
        """Build the page `key` into its place in the stack (first navigation, or first use)."""
        page = self._factories[key](self.deps)
        page.setObjectName(f"page_{key}")
        self.pages.set_built(key, page)
        scroller = self.stack.widget(self.pages.index(key))
        scroller.setWidget(page)  # type: ignore[union-attr]  # the placeholder goes
        page.status_message.connect(self.show_status)
        from desktop.ui.person_box import IdField

        field = getattr(page, "id_field", None)
        if isinstance(field, IdField):  # every ID field names the visit's person
            field.checked.connect(lambda number, _person: self.select_person(number.number))
            # the visit ends with Esc or 新的来访, not when a page clears its field for the next
            # household member
            for shortcut in page.findChildren(QShortcut):
                if shortcut.key() == QKeySequence(Qt.Key.Key_Escape):
                    shortcut.activated.connect(lambda: self.select_person(None))
            new_visit = getattr(page, "new_visit", None)
            if isinstance(new_visit, QAbstractButton):
                new_visit.clicked.connect(lambda: self.select_person(None))
        page.status_message.connect(self._business_done)
        if hasattr(page, "hall_changed"):
            page.hall_changed.connect(self.settings_changed)
        if hasattr(page, "synced") and self.hub_sync is not None:  # 冲突: listed again after each sync
            self.hub_sync.attempted.connect(page.synced)
        if hasattr(page, "restored"):  # restored from a backup: the accounts may differ, log in again
            page.restored.connect(self.logout_requested)
        if self.is_locked():
            for shortcut in page.findChildren(QShortcut):
                shortcut.setEnabled(False)
        return page

    def event(self, event) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.Paint and not getattr(self, "_first_painted", True):
            # the window is on the screen: now the page it shows (and the packs it reads)
            self._first_painted = True
            QTimer.singleShot(0, self, self._show_first_page)
        elif event.type() == QEvent.Type.Show and not getattr(self, "_first_painted", True):
            QTimer.singleShot(1000, self, self._show_first_page)  # should no paint come (minimised)
        return handled

    def _show_first_page(self) -> None:
        key = self.current_key()
        if key is None or self._first_page_shown or not self.isVisible():
            return  # (a window closed before its first page: none to build)
        self._first_page_shown = True
        try:
            page = self.pages[key]
        except Exception as exc:  # a bad pack: the session says so and stops (as before the window)
            self.start_failed.emit(f"{exc}")
            return
        if not self.is_locked():
            page.focus_first()

    # ------------------------------------------------------------------ search

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        timer = getattr(self, "idle_timer", None)
        if timer is not None and event.type() in IDLE_EVENTS and timer.isActive():
            timer.start()  # any key or mouse use counts as activity
        if obj is self.search and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Down and self.results.count():
                self.results.setFocus()
                self.results.setCurrentRow(0)
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.search.clear()
                self.current_page().focus_first()
                return True
        return super().eventFilter(obj, event)

    def _run_search(self) -> None:
        text = self.search.text().strip()
        self.results.clear()
        self.search_note.hide()
        if not text:
            self.results.hide()
            return
        if self.deps.db is None:
            self.search_note.setText("ℹ 未打开数据库，无法查找参保人")
            self.search_note.show()
            self.results.hide()
            return
        from desktop.errors import Refusal
        from desktop.identity import mask_id

        try:
            found = self.deps.search(text)
        except Refusal as refusal:
            self.search_note.setText("⚠ " + refusal.message)
            self.search_note.show()
            return
        for row in found:
            number = row.get("id_number", "")
            extra = f"  收据 {row['serial']}" if row.get("serial") else ""
            item = QListWidgetItem(f"{row.get('name', '')}  {mask_id(number) if number else ''}{extra}")
            item.setData(Qt.ItemDataRole.UserRole, number)
            self.results.addItem(item)
        if not found:
            self.search_note.setText("没有找到匹配的参保人")
            self.search_note.show()
        self.results.setVisible(bool(found))

    def _search_enter(self) -> None:
        self._search_timer.stop()
        self._run_search()
        if self.results.count() == 1:
            self._open_result(self.results.item(0))
        elif self.results.count():
            self.results.setFocus()
            self.results.setCurrentRow(0)

    def _open_result(self, item: QListWidgetItem) -> None:
        number = item.data(Qt.ItemDataRole.UserRole)
        page = self.current_page()
        if page.load_person(number):
            return
        # a page without a person (测算, 政策, 日结 …): the person's own page
        for key in ("history", "enrollment"):
            if key in self.pages:
                self.person_number = number
                self.show_page(key)  # a page that carries the person loads it on the way
                if not getattr(self.pages[key], "carries_person", False):
                    self.pages[key].load_person(number)
                return

    # ------------------------------------------------------------------ menu, status

    def _build_menu(self) -> None:
        view = self.menuBar().addMenu("视图(&V)")
        bigger = QAction("放大字体", self, shortcuts=[QKeySequence("Ctrl+="), QKeySequence("Ctrl++")])
        bigger.triggered.connect(lambda: self.scale_font(+1))
        smaller = QAction("缩小字体", self, shortcut=QKeySequence("Ctrl+-"))
        smaller.triggered.connect(lambda: self.scale_font(-1))
        reset = QAction("默认字体", self, shortcut=QKeySequence("Ctrl+0"))
        reset.triggered.connect(self.reset_font)
        self.contrast_action = QAction("高对比度", self, checkable=True, shortcut=QKeySequence("Ctrl+Shift+H"))
        self.contrast_action.toggled.connect(self.set_high_contrast)
        for action in (bigger, smaller, reset, self.contrast_action):
            view.addAction(action)
            self.addAction(action)
        account = self.menuBar().addMenu("账户(&A)")
        self.lock_action = QAction("锁定窗口", self, shortcut=QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(lambda: self.idle_lock(idle=False))
        password = QAction("修改密码…", self)
        password.triggered.connect(self.change_password)
        switch = QAction("切换账户（注销）", self)
        switch.triggered.connect(self.logout_requested)
        self._account_actions = (self.lock_action, password, switch)
        for action in self._account_actions:
            account.addAction(action)
            self.addAction(action)
            action.setEnabled(False)  # `attach`: once someone is logged in
        if self.deps.demo:
            setup = QAction("首次设置本大厅（正式使用）…", self)
            setup.triggered.connect(self.setup_requested)
            account.addSeparator()
            account.addAction(setup)
        self.business_menu = self.menuBar().addMenu("业务(&B)")  # filled by `attach`

    def _build_status(self) -> None:
        self.person_label = QLabel()
        self.person_label.setObjectName("personLabel")
        self.audit_label = QLabel()
        self.audit_label.setObjectName("auditLabel")
        self.sync_label = QLabel()
        self.sync_label.setObjectName("syncLabel")
        self.sync_label.hide()  # shown once the file remembers a hub (`start_sync`)
        self.statusBar().addPermanentWidget(self.sync_label)
        self.statusBar().addPermanentWidget(self.person_label)
        self.statusBar().addPermanentWidget(self.audit_label)
        self.startup_worker = None
        from desktop.services.database import db_file

        self.hub_sync = None
        self.db_path = db_file(self.deps.db) if self.deps.db is not None else None
        self.checkpoint_timer = QTimer(self)  # started by `attach`
        self.checkpoint_timer.timeout.connect(self._checkpoint)
        self.hall_label = QLabel()
        self.demo_label = QLabel("演示数据")
        self.demo_label.setObjectName("demoMarker")
        self.demo_label.setToolTip("演示模式：数据仅供练习，不是真实参保记录")
        self.demo_label.setVisible(self.deps.demo)
        self.statusBar().addPermanentWidget(self.hall_label)
        self.statusBar().addPermanentWidget(self.demo_label)

    def check_audit_chain(self) -> None:
        """Start-up checks on a worker (services.safety.startup_checks): integrity, the day's backup and
        the whole audit chain read every page of the file, so the window does not wait for them."""
        if self.db_path is None or not self.isVisible():
            self.audit_label.setText("")
            return
        from desktop.services.safety import startup_checks
        from desktop.ui.worker import Worker

        path = self.db_path
        self.audit_label.setText("… 正在核对数据库和审计链")
        self.audit_label.setToolTip("启动后在后台进行完整性检查、当日备份和审计哈希链核对")
        self.startup_worker = Worker(lambda progress, cancelled: startup_checks(path), self)
        self.startup_worker.finished.connect(self._checks_done)
        self.startup_worker.failed.connect(lambda message: self.audit_label.setText(f"⚠ 启动检查未完成：{message}"))
        self.startup_worker.start()

    def _checks_done(self, checked) -> None:
        self.deps.integrity = checked.integrity
        if not checked.integrity.ok:
            from desktop.services.safety import last_good_backup

            good = last_good_backup(self.db_path)
            advice = f"最近一次通过校验的备份：{good}" if good else "没有找到可用的备份"
            self.audit_label.setText("⚠ 数据库完整性检查未通过")
            self.audit_label.setToolTip(f"{checked.integrity.message()}。{advice}。请停止办理并联系管理员恢复。")
            QMessageBox.warning(self, "数据库检查未通过", f"{checked.integrity.message()}\n\n{advice}\n请停止办理，由管理员恢复备份。")
            return
        broken = checked.audit_broken
        if broken is None:
            self.audit_label.setText("✔ 审计链完整")
            self.audit_label.setToolTip("启动后已逐条核对业务日志的哈希链" + (f"；今日备份：{checked.daily_backup}" if checked.daily_backup else ""))
        else:
            self.audit_label.setText(f"⚠ 审计链在第 {broken.seq} 条断开")
            self.audit_label.setToolTip(f"第 {broken.seq} 条：{broken.reason}。请联系管理员，用备份核对。")

    def start_sync(self) -> None:
        """When this file remembers a county hub: sync on a worker every few seconds (hall
        setting `sync_interval_seconds`), the status bar saying how it stands (ui/hub_sync.py)."""
        if self.db_path is None or self.hub_sync is not None or not self.isVisible():
            return  # (a window closed before the event loop came round: its file may be closed)
        from desktop.services.hall import settings
        from desktop.ui.hub_sync import HubSync

        sync = HubSync(self.deps.db, self.db_path, self.sync_label, settings(self.deps.db)["sync_interval_seconds"], self)
        if sync.start():
            self.hub_sync = sync
            if self.pages.is_built("conflicts"):
                sync.attempted.connect(self.pages["conflicts"].synced)

    def _business_done(self, _message: str) -> None:
        """A page reported a business: the sync pushes it now, not at the next interval."""
        if self.hub_sync is not None:
            self.hub_sync.soon()

    def _checkpoint(self) -> None:
        """Idle WAL checkpoint (the connection defers them out of business commits)."""
        if self.deps.db is not None and self.isVisible():
            from desktop.services.database import checkpoint

            checkpoint(self.deps.db)

    def refresh_status(self) -> None:
        from desktop.services.permissions import ACCOUNT_ROLES, ROLE_LABELS

        h = self.deps.hall
        db = "" if self.deps.db is not None else " · 未打开数据库"
        # short labels: the business messages at the left of the status bar (a receipt serial
        # at their end) must fit beside them at 1366 px; the rest is in the tooltips
        self.hall_label.setText(f"{h.hall_name} · {h.window}号窗口{db}")
        self.hall_label.setToolTip(f"{h.hall_name}（统筹区：{h.region}），{h.window}号窗口")
        account = self.deps.account
        if account is not None:
            roles = "、".join(ROLE_LABELS[r] for r in ACCOUNT_ROLES if r in account.roles)
            self.person_label.setText(f"{account.display_name}（{roles}）")
            self.person_label.setToolTip(f"登录账户：{account.username}（{account.display_name}，{roles}）")
        else:
            self.person_label.setText(f"{h.clerk}（{ROLE_LABELS.get(h.role, h.role)}）")
            self.person_label.setToolTip(f"经办人：{h.clerk}")
        self.demo_label.setVisible(self.deps.demo)
        self.setWindowTitle("医保窗口经办" + ("（演示数据）" if self.deps.demo else ""))

    def show_status(self, message: str) -> None:
        self.statusBar().showMessage(message, 15000)

    # ------------------------------------------------------------------ looks

    def scale_font(self, step: int) -> None:
        self.font_pt = max(MIN_PT, min(MAX_PT, self.font_pt + step))
        self._apply_looks()
        self.store.setValue("ui/font_pt", self.font_pt)

    def reset_font(self) -> None:
        self.font_pt = QApplication.font().pointSize() or 10
        self._apply_looks()
        self.store.setValue("ui/font_pt", self.font_pt)

    def set_high_contrast(self, on: bool) -> None:
        self.high_contrast = bool(on)
        self._apply_looks()
        self.store.setValue("ui/high_contrast", self.high_contrast)

    def _apply_looks(self) -> None:
        font = self.font()
        font.setPointSize(self.font_pt)
        self.setFont(font)
        # the size goes into the style sheet too: with a sheet set, Qt resolves child fonts from it
        size = f"QWidget {{ font-size: {self.font_pt}pt; }}\n"
        if self.high_contrast:
            self.setPalette(style.high_contrast_palette())
            self.setStyleSheet(size + style.CONTRAST_SHEET)
        else:
            self.setPalette(QApplication.palette())
            self.setStyleSheet(size + style.BASE_SHEET)
        self.contrast_action.blockSignals(True)
        self.contrast_action.setChecked(self.high_contrast)
        self.contrast_action.blockSignals(False)
        self.nav.setFixedWidth(self.nav.sizeHintForColumn(0) + 40)

    # ------------------------------------------------------------------ idle lock, account

    def settings_changed(self) -> None:
        """设置 saved: the status bar and the idle-lock minutes follow at once."""
        self.refresh_status()
        if self.hub_sync is not None:
            from desktop.services.hall import settings

            self.hub_sync.set_interval(settings(self.deps.db)["sync_interval_seconds"])
        if self.lockable:
            from desktop.services.accounts import idle_lock_minutes

            self.idle_minutes = idle_lock_minutes(self.deps.db)
            self.idle_timer.setInterval(self.idle_minutes * 60_000)
            self.idle_timer.start()

    def idle_lock(self, idle: bool = True) -> None:
        """Cover the window until the password is typed again (accounts.unlock)."""
        if not self.lockable or self.is_locked():
            return
        overlay = self._overlay()
        self.idle_timer.stop()
        self._set_locked(True)
        hint = ""
        if self.deps.demo:
            from desktop.ui.demo import DEMO_PASSWORD

            hint = f"（演示数据：密码为 {DEMO_PASSWORD}）"
        overlay.lock(self.deps.db, self.deps.account, self.idle_minutes if idle else None,
                     now=self.deps.clock, hint=hint)
        self.show_status("窗口已锁定")

    def _overlay(self):
        """The lock's cover (desktop.ui.login.LockOverlay), made the first time it is needed."""
        if self.lock_overlay is None:
            from desktop.ui.login import LockOverlay

            self.lock_overlay = LockOverlay(self)
            self.lock_overlay.unlocked.connect(self._unlocked)
            self.lock_overlay.switch_account.connect(self.logout_requested)
        return self.lock_overlay

    def _set_locked(self, locked: bool) -> None:
        """While locked nothing behind the overlay reacts: no page, menu or shortcut."""
        self.centralWidget().setEnabled(not locked)
        self.menuBar().setEnabled(not locked)
        for shortcut in self.findChildren(QShortcut):
            shortcut.setEnabled(not locked)
        for action in self.actions():
            action.setEnabled(not locked and (self.deps.account is not None or action not in self._account_actions))

    def is_locked(self) -> bool:
        return self.lock_overlay is not None and self.lock_overlay.isVisible()

    def _unlocked(self) -> None:
        self._set_locked(False)
        self.idle_timer.start()
        self.show_status("✔ 已解锁")
        self.current_page().focus_first()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self.lock_overlay is not None and self.lock_overlay.isVisible():
            self.lock_overlay.setGeometry(self.rect())

    def change_password(self) -> None:
        from desktop.ui.login import PasswordDialog

        dialog = PasswordDialog(self.deps.db, self.deps.account, self)
        dialog.accepted.connect(lambda: self.show_status("✔ 密码已修改"))
        dialog.open()

    def closeEvent(self, event) -> None:  # noqa: N802
        self.idle_timer.stop()
        self.checkpoint_timer.stop()
        if self.startup_worker is not None and self.startup_worker.is_running():
            self.startup_worker.wait()  # read-only checks: let them finish rather than kill them
        if self.hub_sync is not None:
            self.hub_sync.stop()  # an attempt under way ends with its batch
        if self.lockable:
            QApplication.instance().removeEventFilter(self)
        for page in self.pages.built():  # a long job is cancelled (rolled back) and waited for
            worker = getattr(page, "worker", None)
            if worker is not None and worker.is_running():
                worker.cancel()
                worker.wait()
        if not self.isMaximized():
            self.store.setValue("window/size", self.size())
        self.store.setValue("window/maximized", self.isMaximized())
        self.store.sync()
        super().closeEvent(event)
