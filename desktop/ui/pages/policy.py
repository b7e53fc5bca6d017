"""政策查询: a year's pack as tables, each row with its source, and what changed between two
years of the same region.

A new year's pack (administrators): the file is read and validated, what changed against the
previous year is shown first, and only 确认导入并启用 stores it in the hall's pack folder
(`hall.import_pack`, audited), from where every later Context uses it."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import Refusal
from desktop.ui import pack_view
from desktop.ui.deps import Deps
from desktop.ui.widgets import ErrorLabel, Page, fill_table, table

SCHEMES = {"城乡居民医保": "resident", "职工医保": "employee"}
# the column that takes the remaining width (and wraps); the others fit their contents
STRETCH = ("说明", "标准", "所需材料", "地址 / 办理方式", "医疗救助", "内容")


def size_columns(t: QTableWidget, headers: list[str]) -> None:
    h = t.horizontalHeader()
    stretch = next((headers.index(n) for n in STRETCH if n in headers), 0)
    for c in range(len(headers)):
        h.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch if c == stretch else QHeaderView.ResizeMode.Interactive)
    t.resizeColumnsToContents()
    metrics = t.fontMetrics()
    for c in range(len(headers)):
        if c == stretch:
            continue
        widest = max([metrics.horizontalAdvance(headers[c])] +
                     [metrics.horizontalAdvance(t.item(r, c).text()) for r in range(t.rowCount()) if t.item(r, c)])
        cap = 10**4 if c == len(headers) - 1 else metrics.horizontalAdvance("字") * 12  # 依据 in full; others wrap
        t.setColumnWidth(c, min(widest + 16, cap))
    t.resizeRowsToContents()


class PolicyPage(Page):
    title = "政策查询"

    def __init__(self, deps: Deps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.deps = deps
        self.region = QComboBox()
        self.region.addItems(deps.regions())
        self.scheme = QComboBox()
        for label, code in SCHEMES.items():
            self.scheme.addItem(label, code)
        self.year = QComboBox()
        self.compare_from = QComboBox()
        self.title_label = QLabel()
        self.title_label.setWordWrap(True)
        self.adopted_label = QLabel()  # 沿用《…》 of a year whose source gives no benefit rules
        self.adopted_label.setObjectName("adoptedNote")
        self.adopted_label.setWordWrap(True)
        # pack files of the hall's packs/ folder left out at start (not imported, changed, broken)
        self.problems_note = ErrorLabel()
        problems = deps.packs.problems
        if problems:
            self.problems_note.show_message("以下政策包文件未使用，请管理员在本页“载入新政策包…”重新导入：\n"
                                            + "\n".join(problems))

        bar = QHBoxLayout()
        for text, w in (("统筹区(&R)", self.region), ("险种", self.scheme), ("年度(&Y)", self.year)):
            label = QLabel(text)
            label.setBuddy(w)
            bar.addWidget(label)
            bar.addWidget(w)
        bar.addStretch(1)
        self.import_button = QPushButton("载入新政策包…")
        self.import_button.setToolTip("读入市里公布的下一年度政策包文件，先查看“年度变化”再使用")
        self.import_button.clicked.connect(self.choose_pack)
        self.import_button.setVisible(deps.may("admin"))
        bar.addWidget(self.import_button)
        self.confirm_import = QPushButton("确认导入并启用")
        self.confirm_import.setObjectName("confirmImport")
        self.confirm_import.clicked.connect(self.import_candidate)
        self.confirm_import.hide()
        self.candidate = None  # (path, pack) read and shown, not yet imported

        self.tabs = QTabWidget()
        self.tables = {}
        for name, builder in pack_view.TABLES:
            t = table(["—"], [])
            self.tables[name] = (t, builder)
            self.tabs.addTab(t, name)

        # what changed
        self.diff_host = QWidget()
        dv = QVBoxLayout(self.diff_host)
        db = QHBoxLayout()
        lab = QLabel("与之对比的年度(&C)")
        lab.setBuddy(self.compare_from)
        db.addWidget(lab)
        db.addWidget(self.compare_from)
        db.addStretch(1)
        dv.addLayout(db)
        self.diff_note = QLabel()
        self.diff_note.setWordWrap(True)
        dv.addWidget(self.diff_note)
        self.diff_table = table(["项目", "原标准", "新标准", "依据"], [], stretch=0)
        dv.addWidget(self.diff_table, 1)
        self.tabs.addTab(self.diff_host, "年度变化")

        self.import_note = ErrorLabel()
        self.import_ok = QLabel("")
        self.import_ok.setWordWrap(True)
        outer = QVBoxLayout(self)
        outer.addLayout(bar)
        outer.addWidget(self.problems_note)
        outer.addWidget(self.import_note)
        note_row = QHBoxLayout()
        note_row.addWidget(self.import_ok, 1)
        note_row.addWidget(self.confirm_import)
        outer.addLayout(note_row)
        outer.addWidget(self.title_label)
        outer.addWidget(self.adopted_label)
        outer.addWidget(self.tabs, 1)

        self.region.currentIndexChanged.connect(self._years)
        self.scheme.currentIndexChanged.connect(self._years)
        self.year.currentIndexChanged.connect(self.refresh)
        self.compare_from.currentIndexChanged.connect(self.refresh_diff)
        if deps.hall.region in deps.regions():
            self.region.setCurrentText(deps.hall.region)
        self._years()

    def first_field(self) -> QWidget:
        return self.region

    def _years(self) -> None:
        years = self.deps.years(self.region.currentText(), self.scheme.currentData()) if self.region.count() else []
        self.year.blockSignals(True)
        self.year.clear()
        for y in years:
            self.year.addItem(f"{y}年度", y)
        if years:  # the newest pack first: in December that is next year's, with what changed
            self.year.setCurrentIndex(len(years) - 1)
        self.year.blockSignals(False)
        self.refresh()

    def pack(self):
        if self.year.currentData() is None:
            return None
        try:
            return self.deps.pack(self.region.currentText(), self.year.currentData(), self.scheme.currentData())
        except Refusal:
            return None

    def refresh(self) -> None:
        pack = self.pack()
        if pack is None:
            self.title_label.setText(f"ℹ {self.region.currentText()}没有已载入的{self.scheme.currentText()}政策包")
            for t, _ in self.tables.values():
                t.setRowCount(0)
            self._compare_years([])
            return
        document = pack.shown_document()
        same = document == f"《{pack.pack.title}》"  # the pack is named as its document: once is enough
        self.title_label.setText(f"《{pack.pack.title}》" + ("" if same else f"　依据文件：{document}"))
        adopted = self.deps.packs.adoption_text(pack)
        self.adopted_label.setText(f"ℹ {adopted}。" if adopted else "")
        self.adopted_label.setVisible(bool(adopted))
        for t, builder in self.tables.values():
            headers, rows = builder(pack)
            t.setColumnCount(len(headers))
            t.setHorizontalHeaderLabels(headers)
            fill_table(t, rows)
            size_columns(t, headers)
        years = [y for y in self.deps.years(self.region.currentText(), self.scheme.currentData())
                 if y < self.year.currentData()]
        self._compare_years(years)

    def _compare_years(self, years: list[int]) -> None:
        self.compare_from.blockSignals(True)
        self.compare_from.clear()
        for y in sorted(years, reverse=True):
            self.compare_from.addItem(f"{y}年度", y)
        self.compare_from.blockSignals(False)
        self.refresh_diff()

    def changes(self) -> list[list[str]]:
        pack, old_year = self.pack(), self.compare_from.currentData()
        if pack is None or old_year is None:
            return []
        region, scheme = self.region.currentText(), self.scheme.currentData()
        old = self.deps.pack(region, old_year, scheme)
        return pack_view.what_changed(old, pack, region, self._older(region, old_year, scheme))

    def _older(self, region: str, year: int, scheme: str) -> list:
        """The packs before `year`, newest first: where a block an old source lacks is compared."""
        return [self.deps.pack(region, y, scheme) for y in sorted(self.deps.years(region, scheme), reverse=True)
                if y < year]

    def refresh_diff(self) -> None:
        if self.compare_from.currentData() is None:
            self.diff_note.setText(f"ℹ {self.region.currentText()}没有更早年度的政策包可供对比")
            self.diff_table.setRowCount(0)
            return
        rows = self.changes()
        self.diff_note.setText(
            f"{self.compare_from.currentText()} → {self.year.currentText()}（{self.region.currentText()}）：共 {len(rows)} 项变化"
            if rows else "两个年度的缴费标准和待遇比例没有变化")
        fill_table(self.diff_table, rows)
        size_columns(self.diff_table, ["项目", "原标准", "新标准", "依据"])

    # ------------------------------------------------------------------ a new year's pack

    def choose_pack(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择政策包文件", "", "政策包 (*.yaml)")
        if path:
            self.load_pack(path)

    def load_pack(self, path) -> None:
        """Read and validate a pack file (the loader names the file and key of any error) and show
        what changed against the previous year; nothing is used before 确认导入并启用."""
        from pathlib import Path

        from desktop.policy.loader import PackError, read_pack

        self.import_note.clear_message()
        self.import_ok.setText("")
        self.confirm_import.hide()
        self.candidate = None
        try:
            pack = read_pack(Path(path), self.deps.packs.by_id)
        except PackError as exc:
            self.import_note.show_message(f"政策包无法使用：{exc}")
            return
        except Exception as exc:  # noqa: BLE001 - an unreadable file is told, not raised
            self.import_note.show_message(f"政策包无法读取：{Path(path).name}：{exc}")
            return
        meta = pack.pack
        region = self.region.currentText() if self.region.currentText() in meta.regions else meta.regions[0]
        earlier = [y for y in self.deps.years(region, meta.scheme) if y < meta.year]
        self.candidate = (Path(path), pack)
        self.tabs.setCurrentWidget(self.diff_host)
        if earlier:
            old = self.deps.pack(region, max(earlier), meta.scheme)
            rows = pack_view.what_changed(old, pack, region, self._older(region, max(earlier), meta.scheme))
            self.diff_note.setText(f"待导入：{max(earlier)}年度 → {meta.year}年度（{region}）：共 {len(rows)} 项变化。"
                                   "核对无误后按“确认导入并启用”。")
        else:
            rows = []
            self.diff_note.setText(f"待导入：{meta.year}年度（{region}）：没有更早年度的政策包可供对比")
        fill_table(self.diff_table, rows)
        size_columns(self.diff_table, ["项目", "原标准", "新标准", "依据"])
        self.import_ok.setText(f"已读取《{meta.title}》（{meta.year}年度，{'、'.join(meta.regions)}），校验通过，尚未启用。")
        self.confirm_import.show()

    def import_candidate(self) -> None:
        """确认导入并启用: `hall.import_pack` (administrators; the services refuse anyone else)."""
        if self.candidate is None:
            return
        from desktop.services import hall

        path, pack = self.candidate
        ctx = self.deps.context()
        if ctx is None:
            self.import_note.show_message("未打开数据库：政策包无法存入本大厅")
            return
        self.import_note.clear_message()
        try:
            info = hall.import_pack(ctx, path)
        except Refusal as refusal:
            self.import_note.show_message(refusal.message)
            return
        self.candidate = None
        self.confirm_import.hide()
        self.deps.refresh_packs()
        meta = pack.pack
        region = self.region.currentText() if self.region.currentText() in meta.regions else meta.regions[0]
        self.region.setCurrentText(region)
        self.scheme.setCurrentIndex(self.scheme.findData(meta.scheme))
        self._years()
        self.year.setCurrentIndex(self.year.findData(meta.year))
        self.tabs.setCurrentWidget(self.diff_host)
        self.import_ok.setText(
            f"✔ 已导入并启用《{meta.title}》（{meta.year}年度），存于 {info['file']}。"
            "新办理的业务即按此政策包计算；各业务页的年度选项在重新登录（账户→切换账户）后更新。")
        self.status_message.emit(self.import_ok.text())
