"""变更登记: one field of a registered person (category, name, ID number, phone, address,
户口性质). Whether it takes effect at once or waits for a reviewer is the services' rule of
the region (天津 重要信息 needs review); the person gets a 受理回执 either way."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QStackedWidget

from desktop.errors import Refusal
from desktop.ui.pages.base import BusinessPage, visit_build
from desktop.ui.review_panel import ReviewPanel
from desktop.ui.widgets import add_field, disabled_note


class ChangePage(BusinessPage):
    title = "变更登记"
    confirm_text = "确认变更"

    def build_fields(self) -> None:
        from desktop.services import change

        region = self.deps.hall.region
        try:
            self.rules = change.rules(region, self.deps.pack(region, self.deps.default_year()))
        except Refusal:  # no pack for the year shown: the latest bundled one
            self.rules = change.rules(region)
        self.field = QComboBox()
        for code, label in change.LABELS.items():
            if code in self.rules:
                self.field.addItem(label, code)
        self.rule_note = QLabel("")
        self.rule_note.setWordWrap(True)
        self.before = QLabel("—")
        self.value_text = QLineEdit()
        self.value_text.setPlaceholderText("新的内容")
        self.value_category = QComboBox()
        self.value = QStackedWidget()
        self.value.addWidget(self.value_text)
        self.value.addWidget(self.value_category)
        self.value.setFixedHeight(self.value_text.sizeHint().height())
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("如：户籍姓名变更、号码升位、年满60周岁")
        add_field(self.form, "变更项目(&B)", self.field, self.errors, "field")
        self.form.addRow("", self.rule_note)
        self.form.addRow("原内容", self.before)
        err = add_field(self.form, "新内容(&V)", self.value, self.errors, "new_value")
        for name, widget in (("name", self.value_text), ("phone", self.value_text), ("address", self.value_text),
                             ("hukou_nature", self.value_text), ("category", self.value_category)):
            self.errors.add(name, widget, err)
        add_field(self.form, "变更原因", self.reason, self.errors, "reason")
        try:
            pack = self.deps.pack(self.deps.hall.region, self.deps.default_year())
            self.value_category.addItems([c.label for c in pack.categories.items])
        except Refusal:
            pass
        self.field.currentIndexChanged.connect(self._field_changed)
        self.value_text.returnPressed.connect(self.reason.setFocus)
        self.reason.returnPressed.connect(self.confirm.setFocus)
        # the queue is a reviewer's (a clerk's outcome line says the request waits for review)
        self.reviews = ReviewPanel(self.deps) if self.deps.db is not None and self.deps.may("reviewer") else None
        if self.reviews is not None:
            self.reviews.decided.connect(self.status_message.emit)
            self.right.addWidget(self.reviews)
        else:
            self.right.addWidget(disabled_note("须复核的变更（如天津的姓名、身份证号）提交后进入复核人的“复核”队列，"
                                               "复核通过后生效；受理回执上写明办理进度。"))
            self.right.addStretch(1)
        self._field_changed()

    def _field_changed(self) -> None:
        code = self.field.currentData()
        level, reviews = self.rules.get(code, ("basic", 0))
        kind = "重要信息" if level == "important" else "基础信息"
        self.rule_note.setText(f"{kind}：" + ("即时生效" if not reviews else f"提交复核（{reviews} 级），复核通过后生效"))
        self.value.setCurrentWidget(self.value_category if code == "category" else self.value_text)
        self.person_changed()

    def person_changed(self) -> None:
        p = self.id_field.person
        code = self.field.currentData()
        self.before.setText(str(p.get(code) or "（空）") if p else "—")

    def new_value(self) -> str:
        return self.value_category.currentText() if self.field.currentData() == "category" else self.value_text.text()

    def do_submit(self, ctx):
        from desktop.services import change

        number = self.id_field.id_number.number
        r = change.change(ctx, number, self.field.currentData(), self.new_value(), reason=self.reason.text().strip() or None)
        label = self.field.currentText()
        if r.effective:
            outcome = f"✔ {label}已变更：{r.before or '（空）'} → {r.after}（即时生效），收据号 {r.receipt_serial}"
        else:
            limit = r.time_limit or "政策文件未规定，以经办机构通知为准"
            outcome = (f"◷ {label}变更已受理，等待{r.review_levels}级审核，审核通过后生效。收据号 {r.receipt_serial}"
                       f"\n审核时限：{limit}")
            if r.materials:
                outcome += "\n需提供：" + "；".join(r.materials)
        if self.reviews is not None:
            self.reviews.refresh()
        self.id_field.check()  # the person as now recorded
        return outcome, visit_build(r.receipt_serial)

    def reset_fields(self) -> None:
        self.value_text.clear()
        self.reason.clear()
