"""报销测算: contribution, benefit start, inpatient and outpatient estimates, live.

Every figure comes from `Deps.answer` (the policy front door); the page only gathers the
request from the fields, shows the answer and its trace, and shows a refusal at its field.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import Refusal
from desktop.policy import levels
from desktop.ui.deps import Deps
from desktop.ui.widgets import (
    OPTIONAL_NONE,
    ErrorLabel,
    FieldErrors,
    Page,
    TraceTable,
    add_field,
    refill_combo,
)

NONE = OPTIONAL_NONE

KINDS = {
    "inpatient": "住院费用测算",
    "outpatient": "门诊费用测算",
    "contribution": "个人缴费测算",
    "benefit_start": "待遇起始测算",
    "employee_contribution": "职工医保缴费测算",
}
SCHEMES = {"resident": "城乡居民医保", "employee": "职工医保"}
SCHEME_KINDS = {"resident": ("inpatient", "outpatient", "contribution", "benefit_start"),
                "employee": ("inpatient", "outpatient", "employee_contribution")}
MEMBERS = {"在职职工（单位缴费）": "employee", "灵活就业人员": "flexible", "一次性补足最低缴费年限": "top_up"}
SEXES = ("男", "女")

FIGURES = {
    "contribution": (("standard", "缴费标准"), ("ltc", "其中长护险"), ("assisted", "财政资助"), ("personal", "个人缴费")),
    "benefit_start": (("benefit_start", "待遇开始"), ("benefit_end", "待遇结束"), ("waiting_months", "等待期（月）"),
                      ("retroactive", "追溯享受")),
    "inpatient": (("bill_total", "票据总额"), ("compliant_cost", "合规费用"), ("deductible", "起付"),
                  ("basic", "基本医保"), ("critical_illness", "大病保险"), ("medical_assistance", "医疗救助"),
                  ("personal", "合规费用中个人负担"), ("out_of_policy", "政策外自费"),
                  ("personal_total", "个人合计负担")),
}
FIGURES["outpatient"] = FIGURES["inpatient"]
FIGURES["employee_contribution"] = (("monthly_base", "月缴费基数"), ("employer", "单位缴费（月）"),
                                    ("personal", "个人缴费（月）"), ("total", "合计（月）"))
# the one-off top-up (001 §三(四)) answers other figures than the monthly contribution
FIGURES["employee_top_up"] = (("minimum_years", "最低缴费年限（年）"), ("missing_years", "不足年限（年）"),
                              ("base", "补缴基数（元/月）"), ("rate", "补缴费率"), ("total", "一次性补缴金额"))

LEVELS = {name: level for level, name in levels.NAMES.items()}
BENEFITS = {"普通门诊": "general", "门诊慢性病": "chronic", "门诊特殊病": "special", "双通道": "dual_channel"}


class CalculatorPage(Page):
    title = "报销测算"

    def __init__(self, deps: Deps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.deps = deps
        self.last_answer: dict | None = None
        self.last_request: dict | None = None
        self._loading = False

        self.kind = QComboBox()
        self.scheme = QComboBox()
        for code, label in SCHEMES.items():
            self.scheme.addItem(label, code)
        self._fill_kinds()
        self.region = QComboBox()
        self.region.addItems(deps.regions())
        self.member = QComboBox()
        for label, code in MEMBERS.items():
            self.member.addItem(label, code)
        self.base = QLineEdit()
        self.base.setPlaceholderText("月缴费工资基数（元），灵活就业人员可不填")
        self.sex = QComboBox()
        self.sex.addItems(SEXES)
        self.paid_years = QLineEdit()
        self.paid_years.setPlaceholderText("已缴费年限（年），如 22.5")
        self.year = QComboBox()
        self.category = QComboBox()
        self.tier = QComboBox()
        self.assistance = QComboBox()
        self.offsite = QComboBox()
        self.level = QComboBox()
        for label, value in LEVELS.items():
            self.level.addItem(label, value)
        self.level.setCurrentIndex(1)
        self.admission = QSpinBox()
        self.admission.setRange(1, 99)
        self.admission.setSuffix(" 次")
        self.benefit = QComboBox()
        self.facility = QComboBox()
        self.disease = QComboBox()
        self.cost = QLineEdit()
        self.cost.setPlaceholderText("元，如 10000 或 1234.50")
        self.bill = QLineEdit()
        self.bill.setPlaceholderText("元，不填只测算合规费用")
        self.ytd = QLineEdit()
        self.ytd.setPlaceholderText("本年度此前已发生的合规费用（元），可不填")
        self.paid_on = QLineEdit()
        self.paid_on.setPlaceholderText("YYYY-MM-DD")
        self.paid_on.setText(deps.today().isoformat())
        self.birth = QLineEdit()
        self.birth.setPlaceholderText("新生儿填写出生日期 YYYY-MM-DD，可不填")
        self.special = QComboBox()

        self.page_error = ErrorLabel()
        self.errors = FieldErrors(self.page_error)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        add_field(form, "险种(&S)", self.scheme, self.errors, "scheme")
        add_field(form, "测算项目", self.kind)
        add_field(form, "统筹区(&R)", self.region, self.errors, "region")
        add_field(form, "年度(&Y)", self.year, self.errors, "year")
        add_field(form, "参保类别(&C)", self.category, self.errors, "category", "member")
        add_field(form, "缴费档次", self.tier, self.errors, "tier")
        add_field(form, "救助类别", self.assistance, self.errors, "assistance")
        add_field(form, "异地就医", self.offsite, self.errors, "offsite")
        add_field(form, "医院级别(&L)", self.level, self.errors, "hospital_level")
        add_field(form, "住院次数", self.admission, self.errors, "admission")
        add_field(form, "门诊待遇", self.benefit, self.errors, "benefit")
        add_field(form, "就医机构", self.facility, self.errors, "facility")
        add_field(form, "病种", self.disease, self.errors, "diseases")
        add_field(form, "合规费用(&M)", self.cost, self.errors, "compliant_cost")
        add_field(form, "票据总额", self.bill, self.errors, "bill_total")
        add_field(form, "年度已发生", self.ytd, self.errors, "ytd", "ytd_compliant_cost")
        add_field(form, "缴费日期", self.paid_on, self.errors, "paid_on")
        add_field(form, "出生日期", self.birth, self.errors, "birth_date")
        add_field(form, "免等待期人员", self.special, self.errors, "special_group")
        add_field(form, "参保人员类型", self.member, self.errors, "member")
        add_field(form, "月缴费基数(&B)", self.base, self.errors, "monthly_base")
        add_field(form, "性别", self.sex, self.errors, "sex")
        add_field(form, "已缴费年限", self.paid_years, self.errors, "paid_years")
        self.form = form

        left = QGroupBox("测算条件")
        lv = QVBoxLayout(left)
        lv.addLayout(form)
        lv.addWidget(self.page_error)
        lv.addStretch(1)

        self.figure_box = QGroupBox("测算结果（仅供参考，以实际结算为准）")
        self.figure_stack = QStackedWidget()
        QVBoxLayout(self.figure_box).addWidget(self.figure_stack)
        self.figure_pages: dict[str, tuple[QWidget, dict[str, QLabel]]] = {}
        self.figure_labels: dict[str, QLabel] = {}
        self.trace = TraceTable()
        self.print_button = QPushButton("打印测算单 (Ctrl+P)")
        self.print_button.clicked.connect(self.print_estimate)
        self.print_note = QLabel("")
        self.print_note.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_note, 1)
        buttons.addWidget(self.print_button)

        right = QVBoxLayout()
        right.addWidget(self.figure_box)
        right.addWidget(QLabel("计算过程"))
        right.addWidget(self.trace, 1)
        right.addLayout(buttons)

        outer = QHBoxLayout(self)
        outer.addWidget(left, 2)
        outer.addLayout(right, 3)

        print_key = QShortcut(QKeySequence("Ctrl+P"), self)
        print_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        print_key.activated.connect(self.print_estimate)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.scheme.currentIndexChanged.connect(self._scheme_changed)
        self.region.currentIndexChanged.connect(self._region_changed)
        self.year.currentIndexChanged.connect(self._pack_changed)
        self.benefit.currentIndexChanged.connect(self._benefit_changed)
        for combo in (self.category, self.tier, self.assistance, self.offsite, self.level, self.facility,
                      self.disease, self.special, self.sex):
            combo.currentIndexChanged.connect(self.recalculate)
        self.member.currentIndexChanged.connect(self._kind_changed)
        self.admission.valueChanged.connect(self.recalculate)
        for edit in (self.cost, self.bill, self.ytd, self.paid_on, self.birth, self.base, self.paid_years):
            edit.textChanged.connect(self.recalculate)
            edit.returnPressed.connect(self._next_field)

        hall_region = deps.hall.region
        if hall_region in deps.regions():
            self.region.setCurrentText(hall_region)
        self._region_changed()
        self._kind_changed()

    def _next_field(self) -> None:
        self.focusNextChild()

    # ------------------------------------------------------------------ choices from the pack

    def first_field(self) -> QWidget:
        return self.cost if self.kind.currentData() in ("inpatient", "outpatient") else self.category

    def _fill_kinds(self) -> None:
        keep = self.kind.currentData()
        self.kind.blockSignals(True)
        self.kind.clear()
        for code in SCHEME_KINDS[self.scheme.currentData()]:
            self.kind.addItem(KINDS[code], code)
        index = self.kind.findData(keep)
        self.kind.setCurrentIndex(max(index, 0))
        self.kind.blockSignals(False)

    def _scheme_changed(self) -> None:
        self._fill_kinds()
        self._region_changed()
        self._kind_changed()

    def _region_changed(self) -> None:
        self._loading = True
        current = self.year.currentData()
        self.year.clear()
        region = self.region.currentText()
        years = self.deps.years(region, self.scheme.currentData()) if region else []
        for y in years:
            self.year.addItem(f"{y}年度", y)
        if current in years:
            self.year.setCurrentIndex(years.index(current))
        elif years:
            default = self.deps.default_year(region)
            self.year.setCurrentIndex(years.index(default) if default in years else len(years) - 1)
        self._loading = False
        self._pack_changed()

    def _pack(self):
        if self.year.currentData() is None:
            return None
        try:
            return self.deps.pack(self.region.currentText(), self.year.currentData(), self.scheme.currentData())
        except Refusal:
            return None

    @staticmethod
    def _refill(combo: QComboBox, items: list[str], optional: bool = False) -> None:
        refill_combo(combo, items, NONE if optional else None)

    def _pack_changed(self) -> None:
        if self._loading:
            return
        pack = self._pack()
        self._loading = True
        if pack is not None:
            self._refill(self.category, [c.label for c in pack.categories.items])
            self._refill(self.tier, list(pack.categories.tiers), optional=True)
            self._refill(self.assistance, [g.label for g in pack.assistance.groups] if pack.assistance else [], True)
            self._refill(self.offsite, [t.label for t in pack.offsite.types] if pack.offsite else [], True)
            out = pack.outpatient
            self._refill(self.benefit, [label for label, code in BENEFITS.items() if getattr(out, code) is not None])
            self._refill(self.special, list(pack.enrollment.special_groups) if pack.enrollment else [], True)
        self._loading = False
        self._benefit_changed()

    def _benefit_changed(self) -> None:
        pack = self._pack()
        code = BENEFITS.get(self.benefit.currentText())
        block = getattr(pack.outpatient, code) if pack is not None and code else None
        self._loading = True
        self._refill(self.facility, list(block.facilities) if block is not None else [])
        if code == "chronic" and block is not None:
            self._refill(self.disease, list(block.diseases))
        elif code in ("special", "dual_channel") and block is not None:
            self._refill(self.disease, [d.name for d in block.diseases])
        else:
            self._refill(self.disease, [])
        self._loading = False
        self._update_rows()
        self.recalculate()

    def _kind_changed(self) -> None:
        self._update_rows()
        self._build_figures()
        self.recalculate()

    def _update_rows(self) -> None:
        kind = self.kind.currentData()
        estimate = kind in ("inpatient", "outpatient")
        top_up = kind == "employee_contribution" and self.member.currentData() == "top_up"
        pack = self._pack()
        has_tiers = bool(pack is not None and pack.categories.tiers)
        visible = {
            self.category: kind in ("contribution", "inpatient", "outpatient"),
            self.tier: kind in ("contribution", "inpatient", "outpatient") and has_tiers,
            self.assistance: kind in ("contribution", "inpatient", "outpatient") and self.assistance.count() > 1,
            self.member: kind == "employee_contribution",
            self.base: kind == "employee_contribution" and not top_up,
            self.sex: top_up,
            self.paid_years: top_up,
            self.offsite: estimate,
            self.level: kind == "inpatient",
            self.admission: kind == "inpatient",
            self.benefit: kind == "outpatient",
            self.facility: kind == "outpatient",
            self.disease: kind == "outpatient" and self.disease.count() > 0,
            self.cost: estimate,
            self.bill: estimate,
            self.ytd: estimate,
            self.paid_on: kind == "benefit_start",
            self.birth: kind == "benefit_start",
            self.special: kind == "benefit_start",
        }
        for widget, shown in visible.items():
            self.form.setRowVisible(widget.parentWidget(), shown)
        self.print_button.setVisible(estimate)
        self.print_note.setVisible(estimate)

    def _build_figures(self) -> None:
        """One grid of figures per kind, built once; the kind's grid is shown."""
        kind = self.kind.currentData()
        if kind == "employee_contribution" and self.member.currentData() == "top_up":
            kind = "employee_top_up"
        if kind not in self.figure_pages:
            grid_host = QWidget()
            grid = QGridLayout(grid_host)
            grid.setContentsMargins(0, 0, 0, 0)
            labels: dict[str, QLabel] = {}
            for i, (key, label) in enumerate(FIGURES[kind]):
                name = QLabel(label)
                value = QLabel("—")
                value.setObjectName(f"figure_{key}")
                value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                font = value.font()
                font.setBold(True)
                value.setFont(font)
                row, col = divmod(i, 3)
                grid.addWidget(name, row, col * 2)
                grid.addWidget(value, row, col * 2 + 1)
                labels[key] = value
            self.figure_pages[kind] = (grid_host, labels)
            self.figure_stack.addWidget(grid_host)
        host, self.figure_labels = self.figure_pages[kind]
        self.figure_stack.setCurrentWidget(host)

    # ------------------------------------------------------------------ the request and answer

    def request(self) -> dict:
        kind = self.kind.currentData()
        req: dict = {"calc": kind, "region": self.region.currentText(), "year": self.year.currentData()}
        if kind == "employee_contribution":
            req["member"] = self.member.currentData()
            if req["member"] == "top_up":
                req["sex"] = self.sex.currentText()
                if self.paid_years.text().strip():
                    req["paid_years"] = self.paid_years.text().strip()
                return req
            if self.base.text().strip():
                req["monthly_base"] = self.base.text().strip()
            return req
        if kind != "benefit_start":
            req["category"] = self.category.currentText()
            if self.tier.currentData():
                req["tier"] = self.tier.currentData()
            if self.assistance.currentData():
                req["assistance"] = self.assistance.currentData()
        if kind in ("inpatient", "outpatient"):
            req["scheme"] = self.scheme.currentData()
            req["compliant_cost"] = self.cost.text().strip()
            if self.bill.text().strip():
                req["bill_total"] = self.bill.text().strip()
            if self.offsite.currentData():
                req["offsite"] = self.offsite.currentData()
            if self.ytd.text().strip():
                req["ytd"] = {"compliant_cost": self.ytd.text().strip()}
        if kind == "inpatient":
            req["hospital_level"] = self.level.currentData()
            req["admission"] = self.admission.value()
        if kind == "outpatient":
            req["benefit"] = self.benefit.currentText()
            req["facility"] = self.facility.currentText()
            if self.disease.count() and self.disease.currentText():
                req["diseases"] = [self.disease.currentText()]
            if "ytd" in req:
                req["ytd_compliant_cost"] = req.pop("ytd")["compliant_cost"]
        if kind == "benefit_start":
            req["paid_on"] = self.paid_on.text().strip()
            if self.birth.text().strip():
                req["birth_date"] = self.birth.text().strip()
            if self.special.currentData():
                req["special_group"] = self.special.currentData()
        return req

    def recalculate(self) -> None:
        if self._loading or not self.figure_labels:
            return
        self.errors.clear()
        req = self.request()
        if (req.get("calc") in ("inpatient", "outpatient") and not req.get("compliant_cost")) or (
                req.get("member") == "top_up" and not req.get("paid_years")):
            self._show(None)
            return
        try:
            answer = self.deps.answer(req)
        except Refusal as refusal:
            self.errors.show(refusal)
            self._show(None)
            return
        self.last_request = req
        self._show(answer)

    def _show(self, answer: dict | None) -> None:
        self.last_answer = answer
        for key, label in self.figure_labels.items():
            if answer is None:
                label.setText("—")
                continue
            value = answer.get(key)
            if key == "retroactive":
                value = "是" if value else "否"
            elif key == "waiting_months":
                value = "无" if value in (0, None) else f"{value} 个月"
            label.setText("—" if value is None else str(value))
        self.trace.set_trace(answer.get("trace", []) if answer else [])
        self.print_button.setEnabled(answer is not None)

    # ------------------------------------------------------------------ printing

    def estimate_build(self):
        """The 报销测算单 of the shown answer (services.printing), or None while nothing is shown."""
        if self.last_answer is None or self.last_request is None:
            return None
        request, answer = dict(self.last_request), self.last_answer
        if request.get("calc") not in ("inpatient", "outpatient"):
            return None

        def build(ctx, paper):
            from desktop.services import printing

            head = printing.header(ctx, hall_code=ctx.hall_code, window_code=ctx.window,
                                   operator_id=ctx.operator_id, serial=None)
            return [printing.estimate_from_answer(request, answer, header=head, paper=paper)]

        return build

    def print_estimate(self) -> None:
        if not self.print_button.isVisible() or not self.print_button.isEnabled():
            return
        build = self.estimate_build()
        if build is None:
            return
        self.preview = self.deps.print_preview(self, "报销测算单", build, self._printed)

    def _printed(self, printed: list) -> None:
        from desktop.ui.print_preview import summary

        self.print_note.setText("✔ 报销测算单（标明为测算，仅供参考）" + summary(printed).removeprefix("✔ "))

    def back_out(self) -> None:
        self.cost.clear()
        self.bill.clear()
        self.ytd.clear()
        self.errors.clear()
        self.focus_first()
