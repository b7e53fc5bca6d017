"""异地就医备案: person type, destination, start date, the materials brought; the 备案回执
with the validity and the ratio rule of the pack (e.g. same ratio as at home, lower for
referrals). A filing in force is shown with its two ways on: 变更备案 (`change_offsite`, the
form's new content with a reason) and 取消备案 (`cancel_offsite`)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from desktop.errors import Refusal
from desktop.ui.materials_box import MaterialsBox
from desktop.ui.pages.base import BusinessPage, visit_build
from desktop.ui.widgets import ErrorLabel, add_field


class OffsitePage(BusinessPage):
    title = "异地就医备案"
    confirm_text = "确认备案"

    def build_fields(self) -> None:
        from desktop.services.offsite_filing import PERSON_TYPES

        self.person_type = QComboBox()
        self.person_type.addItems(list(PERSON_TYPES.values()))
        self.province = QLineEdit()
        self.province.setPlaceholderText("如：江苏省、上海市")
        self.city = QLineEdit()
        self.city.setPlaceholderText("如：苏州市")
        self.start = QLineEdit(self.deps.today().isoformat())
        self.start.setPlaceholderText("YYYY-MM-DD")
        self.until = QLineEdit()
        self.until.setPlaceholderText("YYYY-MM-DD，不填为长期有效（至取消备案）")
        self.rule = QLabel("")
        self.rule.setWordWrap(True)
        self.rule.setObjectName("offsiteRule")
        self.materials = MaterialsBox(self.deps, "异地就医备案")
        add_field(self.form, "人员类别(&T)", self.person_type, self.errors, "person_type")
        add_field(self.form, "就医地省份(&P)", self.province, self.errors, "destination_province")
        add_field(self.form, "就医地城市", self.city, self.errors, "destination_city")
        add_field(self.form, "备案开始日期", self.start, self.errors, "start_on")
        add_field(self.form, "有效期至", self.until, self.errors, "valid_until")
        self.form.addRow("待遇标准", self.rule)
        self.right.addWidget(QLabel("已收材料（请勾选）"))
        err = add_field(self.form, "", QLabel(""), None)
        self.errors.add("materials_received", self.materials, err)
        self.right.addWidget(self.materials)
        self.right.addStretch(1)
        self.current = QLabel("")
        self.current.setWordWrap(True)
        self.current.setObjectName("currentFiling")
        self.cancel_reason = QLineEdit()
        self.cancel_reason.setPlaceholderText("变更或取消的原因（必填）")
        self.change_button = QPushButton("按左侧内容变更备案")
        self.change_button.clicked.connect(self.change_filing)
        self.cancel_button = QPushButton("取消现有备案")
        self.cancel_button.clicked.connect(self.cancel_filing)
        self.cancel_error = ErrorLabel()
        cancel_row = QHBoxLayout()
        cancel_row.addWidget(self.cancel_reason, 1)
        cancel_row.addWidget(self.change_button)
        cancel_row.addWidget(self.cancel_button)
        self.filing_box = QGroupBox("现有备案")
        fb = QVBoxLayout(self.filing_box)
        fb.addWidget(self.current)
        fb.addLayout(cancel_row)
        fb.addWidget(self.cancel_error)
        self.filing_box.hide()
        self.right.insertWidget(0, self.filing_box)
        self.filing: dict | None = None
        self.person_type.currentIndexChanged.connect(self._type_changed)
        for a, b in ((self.province, self.city), (self.city, self.start), (self.start, self.until)):
            a.returnPressed.connect(b.setFocus)
        self.until.returnPressed.connect(self.confirm.setFocus)
        self._type_changed()

    def _type_changed(self) -> None:
        label = self.person_type.currentText()
        self.materials.load(label)
        if self.materials.answer is None and label in ("异地安置退休人员", "常驻异地工作人员"):
            self.materials.load("异地长期居住人员")
        self.rule.setText(self.rule_text(label))

    def rule_text(self, label: str) -> str:
        """The ratio rule the 备案回执 will print for this person type (desktop.policy.api: one
        wording on the screen and on the paper), for the year the filing is made under."""
        from desktop.policy import api

        ctx = self.deps.plan_context()
        try:
            return api.offsite_rule(ctx.region, ctx.policy_year(), label, ctx.packs)
        except Refusal as refusal:
            return refusal.message

    def do_submit(self, ctx):
        from desktop.services.offsite_filing import PERSON_TYPES, file_offsite

        number = self.id_field.id_number.number
        r = file_offsite(ctx, number, self.person_type.currentText(), self.province.text(), self.city.text(),
                         self.start.text().strip(), valid_until=self.until.text().strip() or None,
                         materials_received=self.materials.received())
        type_label = PERSON_TYPES.get(r.person_type, r.person_type)
        start = date.fromisoformat(self.start.text().strip())
        until = date.fromisoformat(self.until.text().strip()) if self.until.text().strip() else None
        destination = self.province.text().strip() + self.city.text().strip()
        valid = f"至 {until}" if until else "长期有效（至取消备案）"
        self.person_changed()
        outcome = f"✔ 已备案：{type_label}，就医地 {destination}，自 {start} 起{valid}。收据号 {r.receipt_serial}"
        if r.notes:
            outcome += "\n" + "\n".join(f"ℹ {n}" for n in r.notes)
        return outcome, visit_build(r.receipt_serial)

    def reset_fields(self) -> None:
        for w in (self.province, self.city, self.until):
            w.clear()
        self.start.setText(self.deps.today().isoformat())
        self.materials.clear_ticks()

    def person_changed(self) -> None:
        """A filing already in force is shown, with the way to cancel it."""
        self.filing = None
        ctx = self.deps.context()
        if ctx is not None and self.id_field.id_number is not None and self.id_field.person is not None:
            from desktop.services.offsite_filing import PERSON_TYPES, current_filing

            try:
                self.filing = current_filing(ctx, self.id_field.id_number.number)
            except Refusal:
                self.filing = None
            if self.filing is not None:
                f = self.filing
                until = f.get("valid_until") or "长期有效"
                self.current.setText(
                    f"{PERSON_TYPES.get(f['person_type'], f['person_type'])}，就医地 {f['destination_province']}"
                    f"{f.get('destination_city') or ''}，自 {f['start_on']} 起，至 {until}（收据号 {f['receipt_serial']}）"
                    "\n变更：在左侧改好人员类别、就医地或有效期，填写原因后按“变更备案”。")
                # the form starts from the filing in force, ready for a change
                self.person_type.setCurrentText(PERSON_TYPES.get(f["person_type"], f["person_type"]))
                self.province.setText(f["destination_province"])
                self.city.setText(f.get("destination_city") or "")
                self.start.setText(f["start_on"])
                self.until.setText(f.get("valid_until") or "")
        self.filing_box.setVisible(self.filing is not None)
        self.cancel_error.clear_message()

    def change_filing(self) -> None:
        """变更备案: a new record replacing the one in force; its 备案回执 to hand over."""
        ctx = self.deps.context()
        if ctx is None or self.filing is None:
            return
        from desktop.services.offsite_filing import PERSON_TYPES, change_offsite

        self.cancel_error.clear_message()
        self.errors.clear()
        try:
            r = change_offsite(ctx, self.filing["id"], self.cancel_reason.text(),
                               person_type=self.person_type.currentText(), destination_province=self.province.text(),
                               destination_city=self.city.text(), valid_until=self.until.text().strip() or None,
                               materials_received=self.materials.received() or None)
        except Refusal as refusal:
            if refusal.field == "reason":
                self.cancel_error.show_message(refusal.message)
            else:
                self.show_refusal(refusal)
            return
        destination = self.province.text().strip() + self.city.text().strip()
        self.outcome.setText(f"✔ 已变更异地就医备案：{PERSON_TYPES.get(r.person_type, r.person_type)}，"
                             f"就医地 {destination}。收据号 {r.receipt_serial}")
        self.print_build = visit_build(r.receipt_serial)
        self.served = self.id_field.id_number.number  # (a filing is shown for a checked number only)
        self.print_button.setEnabled(True)
        self.cancel_reason.clear()
        self.person_changed()

    def cancel_filing(self) -> None:
        ctx = self.deps.context()
        if ctx is None or self.filing is None:
            return
        from desktop.services.offsite_filing import cancel_offsite

        try:
            r = cancel_offsite(ctx, self.filing["id"], self.cancel_reason.text())
        except Refusal as refusal:
            self.cancel_error.show_message(refusal.message)
            return
        self.outcome.setText(f"✔ 已取消异地就医备案，收据号 {r.receipt_serial}")
        self.print_build = visit_build(r.receipt_serial)
        self.served = self.id_field.id_number.number  # (a filing is shown for a checked number only)
        self.print_button.setEnabled(True)
        self.cancel_reason.clear()
        self.person_changed()
