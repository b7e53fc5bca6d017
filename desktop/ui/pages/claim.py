"""零星报销: bills entered one by one, the materials ticked; 受理 stores the claim with the
services' estimate; what is missing goes on the 一次性告知单 so the person comes back once.
By the receipt serial the claim then moves on: 补交材料, 审核 (a reviewer other than the intake
clerk, `manual_claim.review_claim`), 结算 (`settle_claim`) and its 综合业务处理单."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from desktop.errors import Refusal
from desktop.policy import levels
from desktop.policy.money import fen_text
from desktop.ui.materials_box import MaterialsBox
from desktop.ui.pages.base import BusinessPage, visit_build
from desktop.ui.widgets import ErrorLabel, add_field, fill_table, table

LEVELS = tuple(levels.NAMES.values())


class ClaimPage(BusinessPage):
    title = "零星报销"
    confirm_text = "受理"

    def build_fields(self) -> None:
        self.bills: list[dict] = []
        self.kind = QComboBox()
        self.kind.addItems(["住院", "门诊"])
        self.hospital = QLineEdit()
        self.hospital.setPlaceholderText("医院名称")
        self.level = QComboBox()
        self.level.addItems(LEVELS)
        self.level.setCurrentIndex(2)
        self.start = QLineEdit()
        self.start.setPlaceholderText("入院（就诊）日期 YYYY-MM-DD")
        self.end = QLineEdit()
        self.end.setPlaceholderText("出院日期 YYYY-MM-DD，门诊可不填")
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("票据金额（元）")
        self.compliant = QLineEdit()
        self.compliant.setPlaceholderText("合规费用（元），不填按票据金额")
        self.add_bill = QPushButton("添加票据 (Ctrl+B)")
        self.add_bill.clicked.connect(self.add_current_bill)
        add_field(self.form, "票据类别", self.kind, self.errors, "kind")
        add_field(self.form, "医院(&H)", self.hospital, self.errors, "hospital")
        add_field(self.form, "医院级别", self.level, self.errors, "hospital_level")
        add_field(self.form, "入院日期", self.start, self.errors, "start_on")
        add_field(self.form, "出院日期", self.end, self.errors, "end_on")
        add_field(self.form, "票据金额(&A)", self.amount, self.errors, "amount", "bills")
        add_field(self.form, "合规费用", self.compliant, self.errors, "compliant_amount")
        self.form.addRow("", self.add_bill)
        for a, b in ((self.hospital, self.start), (self.start, self.end), (self.end, self.amount),
                     (self.amount, self.compliant)):
            a.returnPressed.connect(b.setFocus)
        self.compliant.returnPressed.connect(self.add_current_bill)
        sc = QShortcut(QKeySequence("Ctrl+B"), self)
        sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        sc.activated.connect(self.add_current_bill)

        self.bill_table = table(["类别", "医院", "级别", "日期", "票据金额", "合规费用"], [], stretch=1)
        self.bill_table.setMaximumHeight(150)
        self.materials = MaterialsBox(self.deps, "零星报销")
        self.materials.load()
        mat_error = ErrorLabel()
        self.errors.add("materials_received", self.materials, mat_error)
        box = QGroupBox("测算（受理后按政策包计算，仅供参考）")
        grid = QGridLayout(box)
        self.figures = {}
        # the bills as they are: what no fund pays (政策外自费) is part of what the person pays
        for i, (key, label) in enumerate((("total", "票据总额"), ("compliant", "合规费用"),
                                          ("out_of_policy", "政策外自费"), ("basic", "基本医保"),
                                          ("critical_illness", "大病保险"), ("medical_assistance", "医疗救助"),
                                          ("personal", "合规费用中个人负担"), ("personal_total", "个人合计负担"))):
            value = QLabel("—")
            value.setObjectName(f"figure_{key}")
            grid.addWidget(QLabel(label), i // 3, (i % 3) * 2)
            grid.addWidget(value, i // 3, (i % 3) * 2 + 1)
            self.figures[key] = value
        self._build_away()
        self.right.addWidget(QLabel("票据"))
        self.right.addWidget(self.bill_table)
        self.right.addWidget(QLabel("已收材料（请勾选；缺少的列入一次性告知单）"))
        self.right.addWidget(self.materials)
        self.right.addWidget(mat_error)
        self.right.addWidget(box)
        # 补交材料: the person comes back once with what the 一次性告知单 listed
        back = QGroupBox("补交材料、审核与结算（凭受理收据号）")
        bv = QVBoxLayout(back)
        row = QHBoxLayout()
        self.back_serial = QLineEdit()
        self.back_serial.setPlaceholderText("受理回执上的收据号")
        self.back_find = QPushButton("查询")
        self.back_submit = QPushButton("补交已勾选材料")
        self.back_submit.setEnabled(False)
        row.addWidget(self.back_serial, 1)
        row.addWidget(self.back_find)
        row.addWidget(self.back_submit)
        bv.addLayout(row)
        steps = QHBoxLayout()
        self.review_note = QLineEdit()
        self.review_note.setPlaceholderText("审核意见（可不填）")
        self.review_button = QPushButton("审核通过")
        self.settle_amount = QLineEdit()
        self.settle_amount.setPlaceholderText("结算金额（元）")
        self.settle_button = QPushButton("结算")
        self.slip_button = QPushButton("打印处理单")
        for w in (self.review_button, self.settle_button, self.slip_button):
            w.setEnabled(False)
        steps.addWidget(self.review_note, 1)
        steps.addWidget(self.review_button)
        steps.addWidget(self.settle_amount, 1)
        steps.addWidget(self.settle_button)
        steps.addWidget(self.slip_button)
        bv.addLayout(steps)
        # 审核 is a reviewer's (the services refuse anyone else); a clerk does not see the button
        self.review_note.setVisible(self.deps.may("reviewer"))
        self.review_button.setVisible(self.deps.may("reviewer"))
        self.back_note = QLabel("")
        self.back_note.setWordWrap(True)
        self.back_error = ErrorLabel()
        bv.addWidget(self.back_note)
        bv.addWidget(self.back_error)
        self.right.addWidget(back)
        self.right.addStretch(1)
        self.claim_id: str | None = None
        self.claim_serial: str | None = None
        self.review_button.clicked.connect(self.review)
        self.settle_button.clicked.connect(self.settle)
        self.settle_amount.returnPressed.connect(self.settle)
        self.slip_button.clicked.connect(self.print_slip)
        self.back_find.clicked.connect(self.find_claim)
        self.back_serial.returnPressed.connect(self.find_claim)
        self.back_submit.clicked.connect(self.supplement)
        if self.deps.db is None:
            self.back_find.setEnabled(False)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _build_away(self) -> None:
        """异地就医: the place from the GB/T 2260 list; 备案 and 急诊 where the year's pack makes
        the ratio depend on them (services.away)."""
        from desktop import divisions
        from desktop.services import away

        self.province = QComboBox()
        self.province.addItem("本地就医（或按本人已办理的备案）", None)
        for p in divisions.provinces():
            self.province.addItem(p.name, p.code)
        self.city = QComboBox()
        self.filing = QComboBox()
        self.filing.addItems(away.FILINGS)
        self.filing.setCurrentText(away.NOT_FILED)
        self.emergency = QCheckBox("急诊")
        self.away_note = QLabel("")
        self.away_note.setWordWrap(True)
        self.away_note.setMinimumHeight(self.away_note.fontMetrics().lineSpacing() * 3)
        add_field(self.form, "就医地省份", self.province, self.errors, "destination")
        add_field(self.form, "就医地城市", self.city, self.errors, "destination_city")
        add_field(self.form, "备案情况", self.filing, self.errors, "filing")
        self.form.addRow("", self.emergency)
        self.form.addRow(self.away_note)  # the whole row: three short lines, never clipped
        self.province.currentIndexChanged.connect(self._province_changed)
        for signal in (self.city.currentIndexChanged, self.filing.currentIndexChanged, self.emergency.toggled):
            signal.connect(self._show_away)
        self._province_changed()

    def _asks_filing(self) -> bool:
        from desktop.services import away

        ctx = self.deps.context() if self.deps.db is not None else None
        if ctx is None:
            return False
        return away.questions_matter(ctx, self.deps.today().year)

    def _province_changed(self) -> None:
        from desktop import divisions

        code = self.province.currentData()
        self.city.blockSignals(True)
        self.city.clear()
        for c in divisions.cities(code) if code else ():
            self.city.addItem(c.name, c.code)
        self.city.blockSignals(False)
        chosen = code is not None
        asks = chosen and self._asks_filing()
        self.form.setRowVisible(self.city.parentWidget(), chosen)
        self.form.setRowVisible(self.filing.parentWidget(), asks)
        self.emergency.setVisible(asks)
        self._show_away()

    def away_answer(self):
        """The services' reading of the place and the answers (None: treated at home)."""
        from desktop.services import away

        if self.province.currentData() is None:
            return None
        ctx = self.deps.context()
        if ctx is None:
            return None
        return away.away(ctx, self.deps.today().year, city_code=self.city.currentData(),
                         filing=self.filing.currentText(), emergency=self.emergency.isChecked())

    def _show_away(self) -> None:
        try:
            answer = self.away_answer()
        except Refusal as refusal:
            self.away_note.setText(refusal.message)
            return
        self.away_note.setText("" if answer is None else
                               f"{answer.scope}异地就医：{answer.destination}，按{answer.person_type}测算\n"
                               + answer.rule.replace("（", "\n（", 1))

    def _kind_changed(self) -> None:
        inpatient = self.kind.currentText() == "住院"
        self.form.setRowVisible(self.level.parentWidget(), inpatient)
        self.form.setRowVisible(self.end.parentWidget(), inpatient)

    def add_current_bill(self) -> None:
        """The services check each bill when the claim is accepted; here only the entry is kept."""
        self.errors.clear()
        if not self.amount.text().strip() or not self.start.text().strip():
            self.errors.show(Refusal("missing_field", "请填写票据金额和入院（就诊）日期", "amount"))
            return
        bill = {"kind": self.kind.currentText(), "hospital": self.hospital.text().strip() or None,
                "start_on": self.start.text().strip(), "end_on": self.end.text().strip() or None,
                "amount": self.amount.text().strip(), "compliant_amount": self.compliant.text().strip() or None}
        if bill["kind"] == "住院":
            bill["hospital_level"] = self.level.currentText()
        else:
            bill["benefit"] = "普通门诊"
            bill["facility"] = self.level.currentText()
        self.bills.append(bill)
        fill_table(self.bill_table, [[b["kind"], b["hospital"] or "", b.get("hospital_level") or "—",
                                      b["start_on"] + (f" 至 {b['end_on']}" if b.get("end_on") else ""), b["amount"],
                                      b["compliant_amount"] or b["amount"]] for b in self.bills])
        for w in (self.hospital, self.start, self.end, self.amount, self.compliant):
            w.clear()
        self.hospital.setFocus()

    def show_refusal(self, refusal) -> None:
        # bills[n].amount -> the bill entry fields
        if refusal.field and refusal.field.startswith("bills"):
            name = refusal.field.split(".")[-1] if "." in refusal.field else "bills"
            refusal = Refusal(refusal.code, refusal.message, name)
        super().show_refusal(refusal)

    def do_submit(self, ctx):
        from desktop.services.manual_claim import accept_claim

        if self.amount.text().strip():
            self.add_current_bill()
        received = self.materials.received()
        answer = self.away_answer()
        r = accept_claim(ctx, self.id_field.id_number.number, self.bills, received,
                         offsite=None if answer is None else answer.person_type)
        for key in self.figures:
            self.figures[key].setText(fen_text(getattr(r, key + "_fen"), grouped=True))
        missing = "；".join(r.missing)
        outcome = f"✔ 已受理，收据号 {r.receipt_serial}"
        outcome += f"\n⚠ 缺少材料：{missing}（已列入一次性告知单）" if r.missing else "\n✔ 材料齐全"
        return outcome, visit_build(r.receipt_serial, checklist=r.receipt_serial if r.missing else None)

    def reset_fields(self) -> None:
        self.bills = []
        fill_table(self.bill_table, [])
        self.materials.clear_ticks()
        for label in self.figures.values():
            label.setText("—")

    # ------------------------------------------------------------------ 补交材料

    def find_claim(self) -> None:
        """The claim a receipt serial belongs to (through the search), with what is still missing."""
        ctx = self.deps.context()
        self.back_error.clear_message()
        self.claim_id = None
        self.back_submit.setEnabled(False)
        for w in (self.review_button, self.settle_button, self.slip_button):
            w.setEnabled(False)
        if ctx is None:
            return
        from desktop.services.manual_claim import claim_status

        serial = self.back_serial.text().strip()
        hits = [h for h in self.deps.search(serial) if h.get("serial") == serial and h.get("business") == "manual_claim"]
        if not hits:
            self.back_error.show_message(f"没有找到收据号为“{serial}”的零星报销申请")
            return
        try:
            claim = claim_status(ctx, hits[0]["record_id"])
        except Refusal as refusal:
            self.back_error.show_message(refusal.message)
            return
        self.claim_id = claim["id"]
        self.claim_serial = serial
        self.materials.clear_ticks()
        self._show_claim(claim, hits[0].get("name", ""))

    def _show_claim(self, claim: dict, name: str = "") -> None:
        missing = "；".join(claim["missing"]) or "无"
        text = f"{name}：当前环节 {claim['step']}；尚缺材料：{missing}。"
        estimate = fen_text(claim.get("estimate_basic_fen"))
        if claim["step"] == "受理" and claim["missing"]:
            text += "请勾选本次带来的材料。"
        elif claim["step"] == "受理":
            text += "材料齐全，待复核人审核。"
        elif claim["step"] == "审核":
            text += f"已审核，待结算（测算基本医保 {estimate} 元）。"
            self.settle_amount.setText(estimate)
        elif claim["step"] == "结算":
            settled = next((s["settled_fen"] for s in claim["steps"] if s["step"] == "结算"), 0) or 0
            text += f"已结算 {fen_text(settled)} 元。"
        self.back_note.setText(text)
        self.back_submit.setEnabled(claim["step"] == "受理" and bool(claim["missing"]))
        self.review_button.setEnabled(claim["step"] == "受理" and not claim["missing"])
        self.settle_button.setEnabled(claim["step"] == "审核")
        self.slip_button.setEnabled(True)

    def review(self) -> None:
        """审核通过 (a reviewer other than the intake clerk; refusals shown as the services say)."""
        ctx = self.deps.context()
        if ctx is None or self.claim_id is None:
            return
        from desktop.services.manual_claim import review_claim

        self.back_error.clear_message()
        try:
            claim = review_claim(ctx, self.claim_id, self.review_note.text().strip() or None)
        except Refusal as refusal:
            self.back_error.show_message(refusal.message)
            return
        self.review_note.clear()
        self._show_claim(claim)
        self.status_message.emit("✔ 零星报销已审核，待结算")

    def settle(self) -> None:
        ctx = self.deps.context()
        if ctx is None or self.claim_id is None or not self.settle_button.isEnabled():
            return
        from desktop.services.manual_claim import settle_claim

        self.back_error.clear_message()
        try:
            claim = settle_claim(ctx, self.claim_id, self.settle_amount.text().strip())
        except Refusal as refusal:
            self.back_error.show_message(refusal.message)
            return
        self._show_claim(claim)
        self.status_message.emit(f"✔ 零星报销已结算 {self.settle_amount.text().strip()} 元")

    def print_slip(self) -> None:
        """综合业务处理单 of the claim as it stands (services.printing.processing_slip)."""
        if self.claim_serial is None:
            return
        serial = self.claim_serial

        def build(ctx, paper):
            from desktop.services import printing

            return [printing.processing_slip(ctx, serial, paper=paper)]

        self.preview = self.deps.print_preview(self, "综合业务处理单", build, self.after_print)

    def supplement(self) -> None:
        ctx = self.deps.context()
        if ctx is None or self.claim_id is None:
            return
        from desktop.services.manual_claim import supplement_claim

        self.back_error.clear_message()
        try:
            missing = supplement_claim(ctx, self.claim_id, self.materials.received())
        except Refusal as refusal:
            self.back_error.show_message(refusal.message)
            return
        if missing:
            self.back_note.setText("⚠ 已登记补交；仍缺：" + "；".join(missing))
        else:
            self.back_note.setText("✔ 材料已齐全，申请进入审核")
            self.back_submit.setEnabled(False)
            self.review_button.setEnabled(True)
        self.status_message.emit(self.back_note.text())
