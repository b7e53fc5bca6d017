"""冲突 (reviewers): what the county hub found that must not be merged silently — one person
enrolled for a year at two windows while apart, one ID number registered twice, one field
changed at two windows — listed with the two sides side by side (for a double enrollment the two
receipts), and settled by a business: 退保/退费 of one enrollment, or a correcting 变更登记
(`services.conflicts`; the request then waits in 复核 like any other)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import Refusal
from desktop.policy.money import fen_text
from desktop.ui.deps import Deps
from desktop.ui.widgets import ErrorLabel, Page, disabled_note, fill_table, table

SIDE_ROWS = (("serial", "收据号"), ("amount", "金额（元）"), ("window", "窗口"), ("operator_id", "经办人"), ("at", "时间"),
             ("detail", "内容"))


def _yuan(fen) -> str:
    return "" if fen is None else fen_text(fen)


def _when(iso: str | None) -> str:
    return (iso or "")[:16].replace("T", " ")


class SideBox(QGroupBox):
    """One side of a conflict: its receipt and what it recorded."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.base_title = title
        form = QFormLayout(self)
        self.values: dict[str, QLabel] = {}
        for key, label in SIDE_ROWS:
            value = QLabel("")
            value.setObjectName(f"side_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            self.values[key] = value
            form.addRow(label, value)

    def show_side(self, side: dict | None) -> None:
        if side is None:
            self.setTitle(self.base_title)
            for value in self.values.values():
                value.setText("")
            return
        self.setTitle(f"{self.base_title}：{side['node']}")
        if not side.get("pulled"):
            detail = "本窗口尚未同步到这条记录"
        elif "field" in side:
            detail = f"{side['field']}：{side.get('before') or '（空）'} → {side.get('after')}"
        elif "category" in side:
            detail = f"参保类别：{side['category']}"
        elif "name" in side:
            detail = f"登记姓名：{side['name']}"
        else:
            detail = ""
        shown = {
            "serial": side.get("serial", ""),
            "amount": _yuan(side.get("amount_fen")),
            "window": side.get("window", side["node"]),
            "operator_id": side.get("operator", ""),
            "at": _when(side.get("at")),
            "detail": detail,
        }
        for key, value in self.values.items():
            value.setText(shown[key])


class ConflictsPage(Page):
    title = "冲突"

    def __init__(self, deps: Deps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.deps = deps
        self.conflicts: list[dict] = []
        lay = QVBoxLayout(self)
        heading = QLabel("中心库发现的冲突：两个窗口在未联网时办理了互相矛盾的业务。双方记录都保留，"
                         "请核对两边的收据后，办理一笔业务（退保、退费或更正变更）来处理。")
        heading.setWordWrap(True)
        lay.addWidget(heading)
        self.info = QLabel("")
        self.info.setObjectName("conflictInfo")
        self.info.setWordWrap(True)
        lay.addWidget(self.info)
        self.table = table(["编号", "类型", "参保人", "身份证号", "年度", "节点甲", "节点乙", "发现时间"], [], stretch=1)
        self.table.setObjectName("conflictTable")
        lay.addWidget(self.table, 2)
        sides = QHBoxLayout()
        self.side_a = SideBox("甲")
        self.side_b = SideBox("乙")
        sides.addWidget(self.side_a, 1)
        sides.addWidget(self.side_b, 1)
        lay.addLayout(sides)

        # 重复参保: end one of the two enrollments
        self.double_box = QGroupBox("处理重复参保：对其中一笔办理退保或退费")
        row = QHBoxLayout(self.double_box)
        self.which = QComboBox()
        self.which.setObjectName("whichEnrollment")
        self.business = QComboBox()
        self.business.addItems(["退保", "退费"])
        self.reason = QLineEdit("重复参保")
        self.reason.setPlaceholderText("原因说明")
        self.settle_button = QPushButton("办理并标记已处理")
        for label, widget in (("办理哪一笔", self.which), ("业务", self.business), ("原因说明", self.reason)):
            row.addWidget(QLabel(label))
            row.addWidget(widget, 1)
        row.addWidget(self.settle_button)
        lay.addWidget(self.double_box)

        # 同一信息两处变更 / 同一身份证号两处登记: a correcting change
        self.change_box = QGroupBox("处理：办理一笔更正变更")
        crow = QHBoxLayout(self.change_box)
        from desktop.services.change import LABELS

        self.field = QComboBox()
        for key, label in LABELS.items():
            self.field.addItem(label, key)
        self.value = QLineEdit()
        self.value.setPlaceholderText("更正后的内容")
        self.change_button = QPushButton("办理更正变更并标记已处理")
        for label, widget in (("变更项目", self.field), ("更正为", self.value)):
            crow.addWidget(QLabel(label))
            crow.addWidget(widget, 1)
        crow.addWidget(self.change_button)
        lay.addWidget(self.change_box)

        if not deps.may("clerk"):  # the services refuse anyway; say so before the click
            lay.addWidget(disabled_note("处理冲突要办理退保、退费或变更：须由同时具有经办人和复核人身份的账户办理。"))
        self.error = ErrorLabel()
        lay.addWidget(self.error)
        buttons = QHBoxLayout()
        self.refresh_button = QPushButton("刷新")
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        lay.addLayout(buttons)
        if deps.db is None:
            lay.addWidget(disabled_note("未打开数据库"))
        self.table.currentCellChanged.connect(lambda *_: self._selected())
        self.settle_button.clicked.connect(self.settle)
        self.change_button.clicked.connect(self.correct)
        self.refresh_button.clicked.connect(self.refresh)
        self.reason.returnPressed.connect(self.settle)
        self.value.returnPressed.connect(self.correct)
        self._selected()

    def first_field(self):
        return self.table

    def showEvent(self, event) -> None:  # noqa: N802
        self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        """List the open conflicts (a reviewer's audited read, `services.conflicts.review_list`)."""
        self.error.clear_message()
        ctx = self.deps.context()
        if ctx is None:
            return
        from desktop.services.conflicts import review_list

        keep = self.current()
        try:
            self.conflicts = review_list(ctx)
        except Refusal as refusal:
            self.conflicts = []
            self.error.show_message(refusal.message)
        fill_table(self.table, [[c["id"], c["kind_label"], c["name"], c["id_masked"], c["year"] or "",
                                 c["a_origin"], c["b_origin"], _when(c["found_at"])] for c in self.conflicts])
        self.info.setText(f"待处理冲突 {len(self.conflicts)} 个" if self.conflicts else "没有待处理的冲突")
        ids = [c["id"] for c in self.conflicts]
        row = ids.index(keep["id"]) if keep is not None and keep["id"] in ids else (0 if ids else -1)
        if row >= 0:
            self.table.setCurrentCell(row, 0)
        self._selected()

    def synced(self) -> None:
        """After each sync: say so when the hub's list has changed (listing again is the
        reviewer's act, and audited, so it is not done behind their back)."""
        if self.deps.db is None or not self.isVisible():
            return
        from desktop.sync import open_conflicts

        now = {c["id"] for c in open_conflicts(self.deps.db)}
        if now != {c["id"] for c in self.conflicts}:
            self.info.setText(f"中心库的冲突列表有变化（现有 {len(now)} 个待处理），请按“刷新”查看")

    def current(self) -> dict | None:
        row = self.table.currentRow()
        return self.conflicts[row] if 0 <= row < len(self.conflicts) else None

    def _selected(self) -> None:
        conflict = self.current()
        sides = conflict["sides"] if conflict else [None, None]
        self.side_a.show_side(sides[0])
        self.side_b.show_side(sides[1])
        double = conflict is not None and conflict["kind"] == "double_enrollment"
        self.double_box.setVisible(conflict is None or double)
        self.change_box.setVisible(conflict is not None and not double)
        self.settle_button.setEnabled(double)
        self.which.clear()
        if double:
            for name, side in zip(("甲", "乙"), sides, strict=True):
                self.which.addItem(f"{name}：{side.get('serial') or side['id']}（{side['node']}）", side["id"])
        elif conflict is not None and conflict["kind"] == "same_field":
            field = (conflict.get("detail") or "")
            for index in range(self.field.count()):
                if f'"{self.field.itemData(index)}"' in field:
                    self.field.setCurrentIndex(index)

    def _done(self, outcome: dict) -> None:
        message = (f"✔ 冲突 {outcome['conflict_id']} 已处理：已办理{outcome['business']}"
                   f"（收据号 {outcome['receipt_serial']}）")
        if outcome["business"] != "变更":
            message += "，请复核人在“复核”中审核"
        self.status_message.emit(message)
        self.refresh()
        self.info.setText(message)

    def settle(self) -> None:
        conflict = self.current()
        self.error.clear_message()
        if conflict is None:
            self.error.show_message("请先在列表中选择一个冲突")
            return
        from desktop.services.conflicts import settle_double

        try:
            outcome = settle_double(self.deps.context(), conflict["id"], self.which.currentData(),
                                    self.business.currentText(), reason_note=self.reason.text().strip() or None)
        except Refusal as refusal:
            self.error.show_message(refusal.message)
            return
        self._done(outcome)

    def correct(self) -> None:
        conflict = self.current()
        self.error.clear_message()
        if conflict is None:
            self.error.show_message("请先在列表中选择一个冲突")
            return
        from desktop.services.conflicts import settle_by_change

        try:
            outcome = settle_by_change(self.deps.context(), conflict["id"], self.field.currentData(), self.value.text())
        except Refusal as refusal:
            self.error.show_message(refusal.message)
            return
        self.value.clear()
        self._done(outcome)
