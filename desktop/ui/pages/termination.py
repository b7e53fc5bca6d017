"""停保 / 退保 / 退费: the reason, the date, and — for a refund — whether this case qualifies
and how much (the services' rules of the region, e.g. 天津 §七). Every request goes to a
reviewer; nothing is paid before approval, and one payment is never refunded twice (services)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import Refusal
from desktop.policy.money import fen_text
from desktop.ui.pages.base import BusinessPage, visit_build
from desktop.ui.review_panel import ReviewPanel
from desktop.ui.widgets import add_field

KINDS = ("停保", "退保", "退费")


class TerminationPage(BusinessPage):
    title = "停保/退保/退费"
    confirm_text = "提交复核"

    def build_fields(self) -> None:
        from desktop.services.termination import REASONS

        self.year = QComboBox()
        for y in self.deps.years(self.deps.hall.region):
            self.year.addItem(f"{y}年度", y)
        index = self.year.findData(self.deps.default_year())
        self.year.setCurrentIndex(index if index >= 0 else self.year.count() - 1)
        self.kind = QComboBox()
        self.kind.addItems(KINDS)
        self.reason = QComboBox()
        self.reason.addItems(REASONS)
        self.note = QLineEdit()
        self.note.setPlaceholderText("原因为“其他”时必填")
        self.effective = QLineEdit()
        self.effective.setPlaceholderText("YYYY-MM-DD，不填为今天")
        self.death = QLineEdit()
        self.death.setPlaceholderText("YYYY-MM-DD")
        facts = QWidget()
        fv = QVBoxLayout(facts)
        fv.setContentsMargins(0, 0, 0, 0)
        self.fact_employee = QCheckBox("当年持续享受职工医保待遇")
        self.fact_tier = QCheckBox("资助参保对象退费后改按更高档次自主缴费")
        self.fact_duplicate = QCheckBox("外省市整年度重复参保")
        for box in (self.fact_employee, self.fact_tier, self.fact_duplicate):
            fv.addWidget(box)
            box.toggled.connect(self.refresh)
        self.eligibility = QLabel("")
        self.eligibility.setWordWrap(True)
        self.eligibility.setObjectName("eligibility")
        # when a refund cannot be taken here, the next step the year's rules offer (停保/退保)
        self.next_step = QPushButton("")
        self.next_step.setObjectName("next_step")
        self.next_step.clicked.connect(self._take_next_step)
        self.next_step.setVisible(False)
        add_field(self.form, "年度(&Y)", self.year, self.errors, "year")
        add_field(self.form, "业务(&K)", self.kind, self.errors, "kind")
        add_field(self.form, "原因(&R)", self.reason, self.errors, "reason")
        add_field(self.form, "原因说明", self.note, self.errors, "reason_note")
        add_field(self.form, "停保退保日期", self.effective, self.errors, "effective_on")
        add_field(self.form, "死亡日期", self.death, self.errors, "death_date")
        add_field(self.form, "退费情形", facts, self.errors, "switch_to_higher_tier", "employee_insurance_whole_year",
                  "duplicate_other_province")
        self.facts = facts
        box = QLabel("退费测算")
        self.right.addWidget(box)
        self.right.addWidget(self.eligibility)
        self.right.addWidget(self.next_step)
        # the queue is a reviewer's (a clerk's outcome line says the request waits for review)
        self.reviews = ReviewPanel(self.deps) if self.deps.db is not None and self.deps.may("reviewer") else None
        if self.reviews is not None:
            self.reviews.decided.connect(self.status_message.emit)
            self.right.addWidget(self.reviews, 1)
        else:
            self.right.addStretch(1)
        for combo in (self.kind, self.reason, self.year):
            combo.currentIndexChanged.connect(self.refresh)
        self.note.returnPressed.connect(self.confirm.setFocus)
        self.refresh()

    def person_changed(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        refund = self.kind.currentText() == "退费"
        self.form.setRowVisible(self.facts.parentWidget(), refund)
        self.form.setRowVisible(self.effective.parentWidget(), not refund)
        self.form.setRowVisible(self.death.parentWidget(), self.reason.currentText() == "死亡" and not refund)
        self._offer = None
        self.eligibility.setText(self._eligibility() if refund else "停保、退保提交后由复核人审核，审核通过后停止待遇。")
        self._show_offer()

    def _facts(self) -> dict[str, bool]:
        return {"employee_insurance_whole_year": self.fact_employee.isChecked(),
                "switch_to_higher_tier": self.fact_tier.isChecked(),
                "duplicate_other_province": self.fact_duplicate.isChecked()}

    def _eligibility(self) -> str:
        self._offer = None
        ctx = self.deps.context()
        if ctx is None:
            return "ℹ 未打开数据库，无法查询缴费记录"
        if self.id_field.person is None:
            return "请先读入身份证号"
        from desktop.services import refund, termination

        try:
            enrollment = termination.active_enrollment(ctx, self.id_field.person, self.year.currentData())
            plan = refund.plan_for(ctx, enrollment, self.reason.currentText(), **self._facts())
        except Refusal as refusal:
            return "✖ 不符合退费条件：" + refusal.message
        self._offer = plan.next_step
        if plan.case is None:
            return "✖ 不符合退费条件：" + plan.message
        if not plan.at_counter:
            return "ℹ " + plan.message
        self._offer = None
        return (f"✔ {plan.message}\n"
                f"可退金额：{fen_text(plan.case.amount_fen)} 元（复核通过后支付）")

    def _show_offer(self) -> None:
        offer = getattr(self, "_offer", None) if self.kind.currentText() == "退费" else None
        self.next_step.setVisible(offer is not None)
        if offer is not None:
            self.next_step.setText(f"改办{offer}")

    def _take_next_step(self) -> None:
        offer = getattr(self, "_offer", None)
        if offer is not None:
            self.kind.setCurrentText(offer)

    def do_submit(self, ctx):
        from desktop.services import refund, termination

        number = self.id_field.id_number.number
        year = self.year.currentData()
        note = self.note.text().strip() or None
        if self.kind.currentText() == "退费":
            r = refund.request_refund(ctx, number, year, self.reason.currentText(), reason_note=note, **self._facts())
            amount = fen_text(r.case.amount_fen)
            outcome = f"◷ 退费申请已受理，可退 {amount} 元，等待复核（复核通过后支付）。收据号 {r.receipt_serial}"
        else:
            r = termination.request_termination(
                ctx, number, year, self.kind.currentText(), self.reason.currentText(), reason_note=note,
                effective_on=self.effective.text().strip() or None, death_date=self.death.text().strip() or None)
            outcome = f"◷ {self.kind.currentText()}申请已受理，等待复核。收据号 {r.receipt_serial}"
        if self.reviews is not None:
            self.reviews.refresh()
        return outcome, visit_build(r.receipt_serial)

    def reset_fields(self) -> None:
        for w in (self.note, self.effective, self.death):
            w.clear()
        for b in (self.fact_employee, self.fact_tier, self.fact_duplicate):
            b.setChecked(False)
