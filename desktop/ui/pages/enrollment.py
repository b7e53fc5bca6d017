"""参保登记 / 续保: one visit, one or several household members.

The ID number is checked as it is typed; the category is proposed by the services' rules from
the pack's category rules and the age (an override needs a reason); fee, benefit dates and
trace are shown live from the policy API; 确认 writes the visit through
`desktop.services.enrollment_visit` (register the person, school, household membership, enroll
or renew: one transaction, all or nothing) and the 缴费通知单 / 受理回执 are rendered by
`desktop.documents`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import Refusal
from desktop.identity import IdNumber, mask_id
from desktop.ui.deps import Deps
from desktop.ui.person_box import IdField
from desktop.ui.widgets import (
    OPTIONAL_NONE,
    ErrorLabel,
    FieldErrors,
    Page,
    TraceTable,
    add_field,
    disabled_note,
    fill_table,
    refill_combo,
    table,
)

NONE = OPTIONAL_NONE
SCHOOLS = ("（不在校）", "中小学", "职业院校", "技工院校", "托育机构", "高等院校")
MODES = {"参保登记": "enroll", "续保": "renewal"}


@dataclass
class Done:
    """One member enrolled in this visit, as the services answered."""

    name: str
    id_number: str
    relationship: str
    result: Any  # EnrollmentResult


class EnrollmentPage(Page):
    title = "参保登记/续保"

    def __init__(self, deps: Deps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.deps = deps
        self.done: list[Done] = []
        self.proposed: str | None = None
        self.preview: dict[str, dict] = {}

        self.year = QComboBox()
        self.mode = QComboBox()
        self.mode.addItems(list(MODES))
        self.id_field = IdField(deps)
        self.name = QLineEdit()
        self.name.setPlaceholderText("与身份证一致")
        self.phone = QLineEdit()
        self.phone.setPlaceholderText("手机号，可不填")
        self.relationship = QComboBox()
        self.school = QComboBox()
        self.school.addItems(SCHOOLS)
        self.school.setMinimumContentsLength(5)
        self.school_name = QLineEdit()
        self.school_name.setPlaceholderText("在校时填写学校名称")
        self.student_proof = QCheckBox("已收取《在校生证明》或学生证")
        self.category = QComboBox()
        self.proposal_note = QLabel("")
        self.proposal_note.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("所选类别与系统推定不同时必填")
        self.tier = QComboBox()
        self.assistance = QComboBox()
        self.special = QComboBox()
        self.paid_on = QLineEdit(deps.today().isoformat())
        self.paid_on.setPlaceholderText("YYYY-MM-DD")

        self.page_error = ErrorLabel()
        self.errors = FieldErrors(self.page_error)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        top = QHBoxLayout()
        top.addWidget(self.year)
        top.addWidget(self.mode)
        year_box = QWidget()
        year_box.setLayout(top)
        top.setContentsMargins(0, 0, 0, 0)
        year_error = ErrorLabel()
        form.addRow("年度 / 业务", year_box)
        form.addRow("", year_error)
        self.errors.add("year", self.year, year_error)
        id_box = QWidget()
        iv = QVBoxLayout(id_box)
        iv.setContentsMargins(0, 0, 0, 0)
        iv.setSpacing(2)
        iv.addWidget(self.id_field)
        iv.addWidget(self.id_field.info)
        iv.addWidget(self.id_field.error)
        form.addRow("身份证号(&I)", id_box)
        add_field(form, "姓名(&N)", self.name, self.errors, "name")
        add_field(form, "联系电话", self.phone, self.errors, "phone")
        add_field(form, "与户主关系", self.relationship, self.errors, "relationship")
        school_box = QWidget()
        sh = QHBoxLayout(school_box)
        sh.setContentsMargins(0, 0, 0, 0)
        sh.addWidget(self.school)
        sh.addWidget(self.school_name, 1)
        add_field(form, "在校情况", school_box, self.errors, "school", "school_kind")
        add_field(form, "", self.student_proof, self.errors, "student_proof")
        cat_box = QWidget()
        cv = QVBoxLayout(cat_box)
        cv.setContentsMargins(0, 0, 0, 0)
        cv.addWidget(self.category)
        cv.addWidget(self.proposal_note)
        add_field(form, "参保类别(&C)", cat_box, self.errors, "category")
        self.errors.fields["category"] = (self.category, self.errors.fields["category"][1])
        add_field(form, "变更原因", self.reason, self.errors, "category_reason")
        add_field(form, "缴费档次", self.tier, self.errors, "tier")
        add_field(form, "资助参保类别", self.assistance, self.errors, "assistance")
        self.special_note = QLabel("")
        self.special_note.setWordWrap(True)
        special_box = QWidget()
        sv = QVBoxLayout(special_box)
        sv.setContentsMargins(0, 0, 0, 0)
        sv.addWidget(self.special)
        sv.addWidget(self.special_note)
        add_field(form, "免等待期人员", special_box, self.errors, "special_group")
        self.errors.fields["special_group"] = (self.special, self.errors.fields["special_group"][1])
        add_field(form, "缴费日期", self.paid_on, self.errors, "paid_on")
        self.form = form

        self.confirm = QPushButton("确认登记 (Ctrl+Enter)")
        self.confirm.setDefault(False)
        self.confirm.setAutoDefault(True)
        self.confirm.clicked.connect(self.submit)
        self.print_button = QPushButton("打印缴费通知单和受理回执 (Ctrl+P)")
        self.print_button.clicked.connect(self.print_documents)
        self.print_button.setEnabled(False)
        self.new_visit = QPushButton("新的来访 (Esc)")
        self.new_visit.clicked.connect(self.back_out)

        left = QGroupBox("参保人")
        lv = QVBoxLayout(left)
        lv.addLayout(form)
        lv.addWidget(self.page_error)
        if deps.db is None:
            self.confirm.setEnabled(False)
            lv.addWidget(disabled_note("未打开数据库：可以查看缴费标准和待遇时间，但不能登记。请在“设置”中检查数据库。"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.confirm)
        buttons.addWidget(self.new_visit)
        lv.addLayout(buttons)
        lv.addStretch(1)

        # live figures
        self.figure_box = QGroupBox("应缴与待遇（来自政策包）")
        grid = QGridLayout(self.figure_box)
        self.figures: dict[str, QLabel] = {}
        for i, (key, label) in enumerate((("standard", "缴费标准"), ("ltc", "其中长护险"), ("assisted", "财政资助"),
                                          ("personal", "个人应缴"), ("benefit_start", "待遇开始"),
                                          ("benefit_end", "待遇结束"), ("waiting_months", "等待期"),
                                          ("deadline", "缴费截止"))):
            value = QLabel("—")
            value.setObjectName(f"figure_{key}")
            font = value.font()
            font.setBold(True)
            value.setFont(font)
            row, col = divmod(i, 3)
            grid.addWidget(QLabel(label), row, col * 2)
            grid.addWidget(value, row, col * 2 + 1)
            self.figures[key] = value
        self.benefit_note = QLabel("")
        self.benefit_note.setWordWrap(True)
        grid.addWidget(self.benefit_note, 3, 0, 1, 6)
        self.trace = TraceTable()
        self.visit_table = table(["姓名", "身份证号", "关系", "参保类别", "个人应缴", "待遇开始", "收据号", "状态"], [], stretch=None)
        self.visit_note = QLabel("本次来访已办理：0 人")
        self.print_note = QLabel("")
        self.print_note.setWordWrap(True)
        self.preview = None

        right = QVBoxLayout()
        right.addWidget(self.figure_box)
        right.addWidget(QLabel("计算过程"))
        right.addWidget(self.trace, 2)
        right.addWidget(self.visit_note)
        right.addWidget(self.visit_table, 1)
        right.addWidget(self.print_button)
        right.addWidget(self.print_note)

        outer = QHBoxLayout(self)
        outer.addWidget(left, 2)
        outer.addLayout(right, 3)

        for key, slot in (("Ctrl+Return", self.submit), ("Ctrl+Enter", self.submit), ("Ctrl+P", self.print_documents),
                          ("F12", self.id_field.read_card)):
            sc = QShortcut(QKeySequence(key), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)

        # wiring
        self.id_field.checked.connect(self._person_checked)
        self.id_field.cleared.connect(self._person_cleared)
        self.id_field.accepted.connect(self._after_id)
        self.id_field.card_read.connect(lambda card: self.name.setText(card.name) if not self.name.text() else None)
        self.name.returnPressed.connect(lambda: self.phone.setFocus())
        self.phone.returnPressed.connect(lambda: self.confirm.setFocus())
        self.reason.returnPressed.connect(lambda: self.confirm.setFocus())
        self.paid_on.returnPressed.connect(lambda: self.confirm.setFocus())
        self.year.currentIndexChanged.connect(self._year_changed)
        self.school.currentIndexChanged.connect(self._propose)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        for combo in (self.category, self.tier, self.assistance, self.special):
            combo.currentIndexChanged.connect(self.refresh)
        self.paid_on.textChanged.connect(self.refresh)

        for y in deps.years(deps.hall.region):
            self.year.addItem(f"{y}年度", y)
        if self.year.count():
            index = self.year.findData(deps.enrollment_year())
            self.year.setCurrentIndex(index if index >= 0 else self.year.count() - 1)
        self._relationships()
        self._year_changed()

    # ------------------------------------------------------------------ helpers

    def first_field(self) -> QWidget:
        return self.id_field

    def load_person(self, id_number: str) -> bool:
        self.id_field.setText(id_number)
        self.name.setFocus()
        return True

    def _pack(self):
        try:
            return self.deps.pack(self.deps.hall.region, self.year.currentData())
        except Refusal:
            return None

    def _relationships(self) -> None:
        from desktop.services.persons import RELATIONSHIPS

        self.relationship.clear()
        if not self.done:
            self.relationship.addItem("本人（户主）", None)
        else:
            # no default: a member's relationship is chosen (one already in a household keeps theirs)
            self.relationship.addItem("（请选择）", None)
            for r in RELATIONSHIPS:
                self.relationship.addItem(r, r)

    @staticmethod
    def _refill(combo: QComboBox, items: list[str], optional: bool = False) -> None:
        refill_combo(combo, items, NONE if optional else None)

    def _year_changed(self) -> None:
        pack = self._pack()
        if pack is not None:
            self._refill(self.category, [c.label for c in pack.categories.items], False)
            self._refill(self.tier, list(pack.categories.tiers), True)
            self._refill(self.assistance, [g.label for g in pack.assistance.groups] if pack.assistance else [], True)
            self._refill(self.special, list(pack.enrollment.special_groups) if pack.enrollment else [], True)
            self.form.setRowVisible(self.tier.parentWidget(), bool(pack.categories.tiers))
        self._propose()

    def _mode_changed(self) -> None:
        renewal = MODES[self.mode.currentText()] == "renewal"
        self.form.setRowVisible(self.special.parentWidget().parentWidget(), not renewal)
        self.refresh()

    def _person_checked(self, number: IdNumber, person: dict | None) -> None:
        # a registered person's name and phone are not written by this visit (enroll_visit
        # ignores them): shown as recorded, read-only, or an edit would be silently lost
        self._registered_fields(person is not None)
        if person is not None:
            self.name.setText(person["name"])
            self.phone.setText(person.get("phone") or "")
            school = {"university": "高等院校", "school": "中小学"}.get(person.get("school_kind") or "", SCHOOLS[0])
            self.school.setCurrentText(school)
            self.school_name.setText(person.get("school") or "")
        self._propose()

    def _registered_fields(self, registered: bool) -> None:
        for field in (self.name, self.phone):
            field.setReadOnly(registered)
        if registered:
            self.status_message.emit("ℹ 已登记人员的姓名、联系电话按登记信息显示；如需修改，请在“变更登记”(F3)中办理")

    def _person_cleared(self) -> None:
        self._registered_fields(False)
        self.proposed = None
        self.proposal_note.setText("")
        self.refresh()

    def _after_id(self) -> None:
        (self.category if self.id_field.person is not None else self.name).setFocus()

    def _school_kind(self) -> str | None:
        text = self.school.currentText()
        if text == SCHOOLS[0]:
            return None
        return "university" if text == "高等院校" else "school"

    def _propose(self) -> None:
        """The category the services' rules give for this age and school, from the pack's rules."""
        number = self.id_field.id_number
        self.proposed = None
        if number is None or self.year.currentData() is None:
            self.proposal_note.setText("")
            self.refresh()
            return
        from desktop.services.categories import propose

        try:
            rules = self._category_rules()
            p = propose(self.deps.hall.region, number.birth_date, self.deps.today(), school_kind=self._school_kind(),
                        rules=rules)
        except Refusal as refusal:
            self.proposal_note.setText("⚠ " + refusal.message)
            self.refresh()
            return
        self.proposed = p.category
        if p.category is not None:
            pack = self._pack()
            for c in pack.categories.items if pack else []:
                if p.category in (c.label, c.code, *c.aliases):
                    label = c.label
                    break
            else:
                label = p.category
            self.proposed = label
            index = self.category.findText(label)
            if index < 0:  # a label the source also accepts (天津 未成年居民、新生儿 …): offer it as such
                self.category.addItem(label, label)
                index = self.category.count() - 1
            self.category.setCurrentIndex(index)
            self.proposal_note.setText(f"系统推定：{p.category}" + (f"。{p.note}" if p.note else ""))
        else:
            self.proposal_note.setText("ℹ " + (p.note or "请选择参保类别"))
        self.student_proof.setVisible(p.needs_student_proof or self._school_kind() is not None)
        self.refresh()

    def _category_rules(self) -> dict:
        from desktop.policy import api

        try:
            return api.category_rules(self.deps.hall.region, self.year.currentData(), dict(self.deps.settings))
        except Refusal:
            return {}

    # ------------------------------------------------------------------ live figures

    def _birth_for_newborn(self) -> date | None:
        number = self.id_field.id_number
        if number is None:
            return None
        from desktop.services.categories import age_on

        try:
            paid = date.fromisoformat(self.paid_on.text().strip())
        except ValueError:
            paid = self.deps.today()
        return number.birth_date if age_on(number.birth_date, paid) < 1 else None

    def refresh(self) -> None:
        """Fee and benefit dates for the fields as they stand, from the policy API."""
        self.errors.clear()
        needs_reason = self.proposed is not None and self.category.currentText() != self.proposed
        self.reason.setEnabled(needs_reason)
        year = self.year.currentData()
        if year is None:
            return
        region = self.deps.hall.region
        contribution = {"calc": "contribution", "region": region, "year": year, "category": self.category.currentText()}
        if self.tier.currentData():
            contribution["tier"] = self.tier.currentData()
        if self.assistance.currentData():
            contribution["assistance"] = self.assistance.currentData()
        benefit = {"calc": "benefit_start", "region": region, "year": year, "paid_on": self.paid_on.text().strip()}
        birth = self._birth_for_newborn()
        if birth:
            benefit["birth_date"] = birth.isoformat()
        if self.special.currentData() and self.special.isVisible():
            benefit["special_group"] = self.special.currentData()
        trace: list[dict] = []
        self.preview = {}
        for key, req in (("contribution", contribution), ("benefit_start", benefit)):
            try:
                self.preview[key] = self.deps.answer(req)
                trace += self.preview[key]["trace"]
            except Refusal as refusal:
                self.errors.show(refusal)
        c, b = self.preview.get("contribution"), self.preview.get("benefit_start")
        for key in ("standard", "ltc", "assisted", "personal"):
            self.figures[key].setText(c[key] if c else "—")
        if self.special.currentData() and self.special.isVisible():
            self.special_note.setText(f"ℹ 已选“{self.special.currentData()}”：请查验并留存相应证明材料后再确认")
        else:
            self.special_note.setText("")
        if b:
            self.figures["benefit_start"].setText(b["benefit_start"])
            self.figures["benefit_end"].setText(b["benefit_end"])
            self.figures["waiting_months"].setText("无" if not b["waiting_months"] else f"{b['waiting_months']} 个月")
            retro = "（追溯至出生之日）" if b.get("retroactive") else ""
            self.benefit_note.setText(f"{b.get('rule') or ''}{retro}")
        else:
            for key in ("benefit_start", "benefit_end", "waiting_months"):
                self.figures[key].setText("—")
            self.benefit_note.setText("")
        pack = self._pack()
        self.figures["deadline"].setText(pack.enrollment.deadline.isoformat() if pack and pack.enrollment else "—")
        self.trace.set_trace(trace)

    # ------------------------------------------------------------------ writing

    def submit(self) -> None:
        ctx = self.deps.context()
        if ctx is None or not self.confirm.isEnabled():
            return
        self.errors.clear()
        number = self.id_field.check()
        if number is None:
            self.id_field.setFocus()
            return
        from desktop.services.enrollment_visit import enroll_visit

        relation = self.relationship.currentData()
        mode = MODES[self.mode.currentText()]
        options: dict[str, Any] = dict(
            assistance=self.assistance.currentData(), tier=self.tier.currentData(),
            student_proof=self.student_proof.isChecked() and self.student_proof.isVisible(),
            paid_on=self.paid_on.text().strip() or None,
            category_reason=self.reason.text().strip() or None,
        )
        if mode == "enroll":
            options.update(category=self.category.currentText(), special_group=self.special.currentData())
        school = self.school_name.text().strip() or None
        try:
            # one transaction: a refusal leaves nothing written (not even the new person)
            visit = enroll_visit(
                ctx, number.number, self.year.currentData(), mode=mode,
                name=self.name.text(), phone=self.phone.text().strip() or None,
                school=school, school_kind=self.school.currentText() if self._school_kind() else None,
                head_id_number=self.done[0].id_number if self.done else None, relationship=relation,
                **options,
            )
        except Refusal as refusal:
            if refusal.field in ("id_number", "member_id_number", "head_id_number"):
                self.id_field.show_refusal(refusal.message)
                widget = self.id_field
            else:
                widget = self.errors.show(refusal)
            if widget is not None:
                widget.setFocus()
            self.status_message.emit("⚠ " + refusal.message)
            return
        except Exception as exc:  # noqa: BLE001 - the page boundary (BusinessPage.show_crash)
            self.show_crash(exc)
            return
        person, result = visit.person, visit.enrollment
        self.done.append(Done(person["name"], number.number, visit.relationship or "户主", result))
        self._show_done()
        self.status_message.emit(f"✔ {person['name']} {result.year}年度{'续保' if result.kind == 'renewal' else '参保登记'}已办理，收据号 {result.receipt_serial}")
        self._next_member()

    def _show_done(self) -> None:
        rows = []
        for d in self.done:
            r = d.result
            rows.append([d.name, mask_id(d.id_number), d.relationship, r.category,
                         f"{Decimal(r.contribution.personal_fen) / 100:.2f}", r.benefit.start.isoformat(),
                         r.receipt_serial, "✔ 已办理"])
        fill_table(self.visit_table, rows)
        self.visit_note.setText(f"本次来访已办理：{len(self.done)} 人")
        self.print_button.setEnabled(bool(self.done))

    def _next_member(self) -> None:
        """Clear the person fields for the next household member (year and mode stay)."""
        for w in (self.id_field, self.name, self.phone, self.school_name, self.reason):
            w.clear()
        self.school.setCurrentIndex(0)
        self.student_proof.setChecked(False)
        self.assistance.setCurrentIndex(0)
        self.special.setCurrentIndex(0)
        self._relationships()
        self.id_field.setFocus()

    def back_out(self) -> None:
        """Esc: a new visit (what was written stays written; the list of this visit is cleared)."""
        self.done = []
        self.print_note.setText("")
        self._show_done()
        self._next_member()
        self.errors.clear()

    # ------------------------------------------------------------------ printing

    def print_build(self):
        """缴费通知单 + 受理回执 of every member enrolled in this visit (services.printing)."""
        if not self.done:
            return None
        from desktop.ui.pages.base import visit_build

        return visit_build(*(d.result.receipt_serial for d in self.done))

    def print_documents(self) -> None:
        build = self.print_build()
        if build is None or not self.print_button.isEnabled():
            return
        self.preview = self.deps.print_preview(self, "缴费通知单与受理回执", build, self.after_print)

    def after_print(self, printed: list) -> None:
        from desktop.ui.print_preview import summary

        self.print_note.setText(summary(printed))
        self.status_message.emit(summary(printed))
