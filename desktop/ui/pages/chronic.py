"""门诊慢特病待遇申请 (Ctrl+M): the kind and year, the disease from the year's pack, the hospital
that 认定 it (chosen from the pack's list where it names hospitals, typed where it describes
them), the materials ticked; 受理 sends the application to the reviewers' queue and prints its
受理回执. What is missing prints on a 一次性告知单 instead, so the person comes back once.

All of it is the services' (`chronic_application.options` / `accept`): the page lists what the
pack says and shows the refusal of a year whose source lists nothing."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QGroupBox, QLabel, QPushButton, QVBoxLayout

from desktop.errors import Refusal
from desktop.policy.citation import shown
from desktop.ui.pages.base import BusinessPage, visit_build
from desktop.ui.widgets import OPTIONAL_NONE, ErrorLabel, add_field, disabled_note, refill_combo


class ChronicPage(BusinessPage):
    title = "门诊慢特病"
    confirm_text = "受理申请"

    def build_fields(self) -> None:
        self.options = None
        self.kind = QComboBox()
        self.kind.addItems(["门诊特殊病", "门诊慢性病"])
        self.year = QComboBox()
        try:
            years = self.deps.years(self.deps.hall.region)
        except Refusal:
            years = []
        for y in years:
            self.year.addItem(f"{y}年度", y)
        index = self.year.findData(self.deps.default_year()) if years else -1
        self.year.setCurrentIndex(max(index, 0))
        self.disease = QComboBox()
        self.treatment = QComboBox()
        self.hospital = QComboBox()
        self.hospital.setEditable(True)
        self.hospital.lineEdit().setPlaceholderText("认定（诊断）医疗机构名称")
        self.rule = QLabel("")
        self.rule.setObjectName("chronicRule")
        self.rule.setWordWrap(True)
        add_field(self.form, "申请类别(&K)", self.kind, self.errors, "kind")
        add_field(self.form, "待遇年度", self.year, self.errors, "year")
        add_field(self.form, "病种(&D)", self.disease, self.errors, "disease")
        add_field(self.form, "治疗方式", self.treatment, self.errors, "treatment")
        add_field(self.form, "认定医疗机构(&H)", self.hospital, self.errors, "hospital")
        self.form.addRow("认定要求", self.rule)

        box = QGroupBox("已收材料（请勾选）")
        self.materials_layout = QVBoxLayout(box)
        self.materials_note = QLabel("")
        self.materials_note.setObjectName("note")
        self.materials_note.setWordWrap(True)
        self.materials_layout.addWidget(self.materials_note)
        self.boxes: list[QCheckBox] = []
        self.materials_error = ErrorLabel()
        self.errors.add("materials_received", box, self.materials_error)
        self.checklist_button = QPushButton("打印一次性告知单")
        self.checklist_button.clicked.connect(self.print_checklist)
        self.right.addWidget(box)
        self.right.addWidget(self.materials_error)
        self.right.addWidget(self.checklist_button)
        self.right.addWidget(disabled_note("受理后申请进入复核人的“复核”队列，审核通过即享受相应门诊待遇；"
                                           "受理回执写明办理进度，可凭收据号查询。"))
        self.right.addStretch(1)
        self.kind.currentIndexChanged.connect(self._load)
        self.year.currentIndexChanged.connect(self._load)
        self.disease.currentIndexChanged.connect(self._disease_changed)
        self._load()

    # ------------------------------------------------------------------ the pack's lists

    def _load(self) -> None:
        """The diseases and materials of the kind and year (the services' reading of the pack)."""
        from desktop.services.chronic_application import options

        self.errors.clear()
        ctx = self.deps.context()
        self.options = None
        try:
            if ctx is None:
                raise Refusal("no_database", "未打开数据库：本业务无法办理", "year")
            self.options = options(ctx, self.year.currentData(), self.kind.currentText())
        except Refusal as refusal:
            self.errors.show(refusal)
        opts = self.options
        self.hospital.clear()  # another kind or year: its own hospitals
        self.hospital.setEditText("")
        refill_combo(self.disease, [d.name for d in opts.diseases] if opts else [])
        self._fill_materials()
        self.confirm.setEnabled(opts is not None and self.deps.db is not None)
        self.checklist_button.setEnabled(opts is not None)
        self._disease_changed()

    def _fill_materials(self) -> None:
        for widget in self.boxes:
            self.materials_layout.removeWidget(widget)
            widget.setParent(None)
            widget.deleteLater()
        self.boxes = []
        opts = self.options
        if opts is None:
            self.materials_note.setText("")
            return
        where = f"\n办理地点：{'；'.join(opts.where)}" if opts.where else ""
        self.materials_note.setText(f"依据：{shown(opts.materials_source)}{where}")
        for m in opts.materials:
            box = QCheckBox(m["name"] + (f"（{m['note']}）" if m.get("note") else ""))
            box.setProperty("material", m["name"])
            self.materials_layout.addWidget(box)
            self.boxes.append(box)

    def _disease_changed(self) -> None:
        chosen = self.options.disease(self.disease.currentText()) if self.options else None
        refill_combo(self.treatment, list(chosen.treatments) if chosen else [], none_label=OPTIONAL_NONE)
        keep = self.hospital.currentText()
        self.hospital.clear()
        if chosen is not None and chosen.hospitals:
            self.hospital.addItems(list(chosen.hospitals))
        else:
            self.hospital.setEditText(keep)
        if self.options is None:
            self.rule.setText("—")
        elif chosen is None or not chosen.hospital_rule:
            self.rule.setText(f"由定点医疗机构诊断，诊断材料随申请提交（{shown(self.options.disease_source)}）"
                              if self.options.kind == "chronic" else f"见{shown(self.options.disease_source)}")
        else:
            review = f"；认定时限：{chosen.review}" if chosen.review else ""
            self.rule.setText(f"认定医院：{chosen.hospital_rule}{review}（{shown(self.options.disease_source)}）")

    def received(self) -> list[str]:
        return [b.property("material") for b in self.boxes if b.isChecked()]

    # ------------------------------------------------------------------ businesses

    def do_submit(self, ctx):
        from desktop.services.chronic_application import accept

        r = accept(ctx, self.id_field.id_number.number, self.year.currentData(), self.kind.currentText(),
                   self.disease.currentText(), self.hospital.currentText(), self.received(),
                   treatment=self.treatment.currentData())
        outcome = (f"◷ 已受理{self.kind.currentText()}待遇申请：{r.disease.name}（{self.hospital.currentText()}），"
                   f"等待复核。收据号 {r.receipt_serial}")
        return outcome, visit_build(r.receipt_serial)

    def print_checklist(self) -> None:
        """一次性告知单 of the kind and year, with what was ticked (printing.checklist)."""
        if self.options is None or self.deps.db is None:
            return
        item, year, provided = self.options.label, self.options.year, self.received()
        number = self.id_field.id_number.number if self.id_field.id_number else None

        def build(ctx, paper):
            from desktop.services import printing

            return [printing.checklist(ctx, item, provided=provided, year=year, id_number=number)]

        self.preview = self.deps.print_preview(self, "一次性告知单", build, self.after_print)

    def reset_fields(self) -> None:
        for box in self.boxes:
            box.setChecked(False)
        self.materials_error.clear_message()
