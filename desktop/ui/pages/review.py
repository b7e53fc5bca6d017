"""复核 (reviewers only): every request waiting for a second pair of eyes — 变更 (天津 重要信息),
停保/退保, 退费 — approved or rejected with a note (`services.review`); 零星报销 claims are
reviewed by their receipt serial on the 零星报销 page."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.ui.deps import Deps
from desktop.ui.review_panel import ReviewPanel
from desktop.ui.widgets import Page, disabled_note


class ReviewPage(Page):
    title = "复核"

    def __init__(self, deps: Deps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.deps = deps
        lay = QVBoxLayout(self)
        heading = QLabel("待复核的申请：选中一件，填写意见后“通过”或“驳回”。本人经办的申请须由其他复核人复核。")
        heading.setWordWrap(True)
        lay.addWidget(heading)
        self.panel = ReviewPanel(deps) if deps.db is not None else None
        if self.panel is not None:
            self.panel.decided.connect(self.status_message.emit)
            lay.addWidget(self.panel, 1)
        else:
            lay.addWidget(disabled_note("未打开数据库"))
        lay.addWidget(disabled_note("零星报销的审核：在“零星报销”页输入受理收据号查询后办理。"))

    def first_field(self):
        return self.panel.table if self.panel is not None else None

    def showEvent(self, event) -> None:  # noqa: N802
        if self.panel is not None:
            self.panel.refresh()
        super().showEvent(event)
