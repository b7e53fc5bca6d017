"""复核队列: requests waiting for a reviewer (变更、停保退保、退费), approve or reject with a note.

Four-eyes rules are the services' (`desktop.services.review`); the panel only lists and asks.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import Refusal
from desktop.services import labels
from desktop.ui.deps import Deps
from desktop.ui.widgets import ErrorLabel, fill_table, table


class ReviewPanel(QGroupBox):
    decided = Signal(str)

    def __init__(self, deps: Deps, parent: QWidget | None = None) -> None:
        super().__init__("复核队列", parent)
        self.deps = deps
        self.queue: list[dict] = []
        self.table = table(["业务", "内容", "经办人", "提交时间", "可否由我复核"], [], stretch=1)
        self.note = QLineEdit()
        self.note.setPlaceholderText("复核意见（驳回时必填）")
        self.approve = QPushButton("通过")
        self.reject = QPushButton("驳回")
        self.refresh_button = QPushButton("刷新")
        self.error = ErrorLabel()
        self.info = QLabel("")
        self.info.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.note, 1)
        row.addWidget(self.approve)
        row.addWidget(self.reject)
        row.addWidget(self.refresh_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.info)
        lay.addWidget(self.table, 1)
        lay.addLayout(row)
        lay.addWidget(self.error)
        self.approve.clicked.connect(lambda: self.decide(True))
        self.reject.clicked.connect(lambda: self.decide(False))
        self.refresh_button.clicked.connect(self.refresh)
        self.note.returnPressed.connect(self.approve.setFocus)  # the opinion typed: next, 通过 (Tab: 驳回)
        # a clerk follows the queue but decides nothing: no approve buttons (the services refuse anyway)
        for w in (self.note, self.approve, self.reject):
            w.setVisible(deps.may("reviewer"))
        self.refresh()

    def refresh(self) -> None:
        ctx = self.deps.context()
        if ctx is None:
            self.info.setText("ℹ 未打开数据库")
            self.queue = []
        else:
            from desktop.services.review import pending_reviews

            self.queue = pending_reviews(ctx)
            if self.deps.may("reviewer"):
                who = "复核人（不能复核本人经办的申请）"
            else:
                who = "经办人（只能查看，复核须由复核人办理）"
            self.info.setText(f"待复核 {len(self.queue)} 件；当前身份：{who}")
        fill_table(self.table, [[labels.REVIEW_BUSINESS.get(q["business"], q["business"]), q.get("summary", ""), q["operator_id"],
                                 str(q["created_at"])[:16].replace("T", " "), "可以" if q.get("may_decide") else "不可以"]
                                for q in self.queue])
        can = any(q.get("may_decide") for q in self.queue)
        self.approve.setEnabled(can)
        self.reject.setEnabled(can)

    def decide(self, approve: bool) -> None:
        row = self.table.currentRow()
        self.error.clear_message()
        if row < 0 or row >= len(self.queue):
            self.error.show_message("请先在列表中选择一件申请")
            return
        ctx = self.deps.context()
        from desktop.services.review import decide

        try:
            result = decide(ctx, self.queue[row]["id"], approve, self.note.text().strip() or None)
        except Refusal as refusal:
            self.error.show_message(refusal.message)
            return
        state = {"approved": "✔ 已通过，业务已生效", "rejected": "✖ 已驳回", "pending": "✔ 本级已通过，等待下一级复核"}
        self.note.clear()
        self.decided.emit(state.get(result.get("state"), str(result.get("state"))))
        self.refresh()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
