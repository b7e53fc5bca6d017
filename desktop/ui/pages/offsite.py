"""异地就医备案: person type, destination, start date, the materials brought; the 备案回执
with the validity and the ratio rule of the pack (e.g. same ratio as at home, lower for
referrals)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit

from desktop.errors import Refusal
from desktop.ui.materials_box import MaterialsBox
from desktop.ui.pages.base import BusinessPage
from desktop.ui.widgets import add_field


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
        """The pack's ratio rule for this person type, in words, with its source."""
        try:
            pack = self.deps.pack(self.deps.hall.region, self.deps.default_year())
        except Refusal as refusal:
            return refusal.message
        if pack.offsite is None:
            return f"{pack.pack.year}年度政策包（{pack.pack.document}）未规定异地就医支付比例"
        wanted = {label, "异地长期居住人员"} if label in ("异地安置退休人员", "常驻异地工作人员") else {label}
        for t in pack.offsite.types:
            if wanted & {t.label, *t.aliases}:
                names = {"inpatient": "住院", "general": "普通门诊", "chronic": "门诊慢性病", "special": "门诊特殊病",
                         "dual_channel": "双通道药品"}
                cuts = [f"{names.get(k, k)}降低 {(v * 100).normalize():f} 个百分点" for k, v in t.reductions.items() if v]
                text = "基本医保支付比例" + ("：" + "；".join(cuts) if cuts else "与参保地相应医疗机构一致")
                return f"{text}（{t.source}）"
        return f"政策包未列出“{label}”的支付比例"

    def do_submit(self, ctx):
        from desktop.documents.model import OffsiteFilingReceipt
        from desktop.services.offsite_filing import PERSON_TYPES, file_offsite

        number = self.id_field.id_number.number
        r = file_offsite(ctx, number, self.person_type.currentText(), self.province.text(), self.city.text(),
                         self.start.text().strip(), valid_until=self.until.text().strip() or None,
                         materials_received=self.materials.received())
        type_label = PERSON_TYPES.get(r.person_type, r.person_type)
        start = date.fromisoformat(self.start.text().strip())
        until = date.fromisoformat(self.until.text().strip()) if self.until.text().strip() else None
        destination = self.province.text().strip() + self.city.text().strip()
        doc = OffsiteFilingReceipt(
            header=self.deps.document_header(r.receipt_serial), person=self.person(), person_type=type_label,
            destination=destination, start=start, end=until, rule=self.rule.text(),
            materials=tuple(self.materials.received()), notes=tuple(r.notes), phone=self.hotline())
        valid = f"至 {until}" if until else "长期有效（至取消备案）"
        outcome = f"✔ 已备案：{type_label}，就医地 {destination}，自 {start} 起{valid}。收据号 {r.receipt_serial}"
        if r.notes:
            outcome += "\n" + "\n".join(f"ℹ {n}" for n in r.notes)
        return outcome, [doc]

    def reset_fields(self) -> None:
        for w in (self.province, self.city, self.until):
            w.clear()
        self.start.setText(self.deps.today().isoformat())
        self.materials.clear_ticks()
