"""参保登记 / 续保: one visit, one person or a whole household.

Everything the page shows (category with the proposal, fee, benefit dates, deadline, materials,
trace, last year's enrollment, 续保 or 参保登记) is the services' plan
(`enrollment_visit.plan_visit`, which writes nothing, with the hall's packs); 确认 writes the
same plan through `enrollment_visit.enroll_visit` (register, school, household, enroll or renew:
one transaction). A household renews in one pass: the head's members are listed, each loaded in
turn and confirmed with one key. The papers are rendered by `desktop.documents`.
"""

from __future__ import annotations

from dataclasses import dataclass
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
from desktop.policy.money import fen_text
from desktop.services import labels
from desktop.ui.deps import Deps
from desktop.ui.keyed_choice import KeyedChoice
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
        self.queue: list[dict] = []  # household members still to renew in this visit
        self.plan: Any = None  # the services' plan for the fields as they stand
        self.touched: set[str] = set()  # the clerk's own choices (the plan fills the rest)
        self._checked_number: str | None = None

        self.year = QComboBox()
        self.kind_label = QLabel("")
        self.kind_label.setObjectName("enrollmentKind")
        self.id_field = IdField(deps)
        self.name = QLineEdit()
        self.name.setPlaceholderText("与身份证一致")
        self.phone = QLineEdit()
        self.phone.setPlaceholderText("手机号，可不填")
        self.relationship = KeyedChoice()
        self.relationship_hint = QLabel("")
        self.relationship_hint.setWordWrap(True)
        self.school = QComboBox()
        self.school.addItems(SCHOOLS)
        self.school.setMinimumContentsLength(5)
        self.school_name = QLineEdit()
        self.school_name.setPlaceholderText("在校时填写学校名称")
        self.student_proof = QCheckBox("已收取《在校生证明》或学生证")
        self.category = QComboBox()
        self.category.setPlaceholderText("读入身份证号后由系统推定")
        self.proposal_note = QLabel("")
        self.proposal_note.setWordWrap(True)
        self.previous_note = QLabel("")
        self.previous_note.setObjectName("previousEnrollment")
        self.previous_note.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("所选类别与系统推定不同时必填")
        self.tier = QComboBox()
        self.assistance = QComboBox()
        self.special = QComboBox()
        self.paid_on = QLineEdit(deps.today().isoformat())
        self.paid_on.setPlaceholderText("YYYY-MM-DD")
        # 天津 §八(三)(四): years insured that the file does not hold (audited through the trace)
        self.earlier_years = QLineEdit()
        self.earlier_years.setPlaceholderText("年数")
        self.earlier_years.setMaximumWidth(60)
        self.earlier_until = QLineEdit()
        self.earlier_until.setPlaceholderText("截止日期 YYYY-MM-DD")
        self.earlier_reason = QLineEdit()
        self.earlier_reason.setPlaceholderText("依据，如：职工医保参保证明")

        # next year's collection period under way without its pack: said calmly, this year served
        self.year_note = QLabel("")
        self.year_note.setObjectName("yearNote")
        self.year_note.setWordWrap(True)
        self.year_note.hide()
        self.page_error = ErrorLabel()
        self.errors = FieldErrors(self.page_error)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        top = QHBoxLayout()
        top.addWidget(self.year)
        top.addWidget(self.kind_label, 1)
        year_box = QWidget()
        year_box.setLayout(top)
        top.setContentsMargins(0, 0, 0, 0)
        year_error = ErrorLabel()
        form.addRow("年度 / 业务", year_box)
        form.addRow(self.year_note)  # the whole width: a long note must not squeeze the labels
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
        rel_box = QWidget()
        rv = QVBoxLayout(rel_box)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.setSpacing(2)
        rv.addWidget(self.relationship)
        rv.addWidget(self.relationship_hint)
        add_field(form, "与户主关系(&G)", rel_box, self.errors, "relationship")
        self.errors.fields["relationship"] = (self.relationship, self.errors.fields["relationship"][1])
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
        cv.addWidget(self.previous_note)
        add_field(form, "参保类别(&C)", cat_box, self.errors, "category")
        self.errors.fields["category"] = (self.category, self.errors.fields["category"][1])
        add_field(form, "类别调整理由", self.reason, self.errors, "category_reason")
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
        add_field(form, "预计缴费日期", self.paid_on, self.errors, "paid_on")
        self.earlier_box = QWidget()
        eh = QHBoxLayout(self.earlier_box)
        eh.setContentsMargins(0, 0, 0, 0)
        eh.addWidget(self.earlier_years)
        eh.addWidget(self.earlier_until)
        eh.addWidget(self.earlier_reason, 1)
        add_field(form, "档案外参保", self.earlier_box, self.errors, "earlier_years", "earlier_until",
                  "earlier_reason", "continuous_years", "gap_months")
        self.form = form

        self.confirm = QPushButton("确认办理 (Ctrl+Enter)")
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

        # the plan's figures
        self.figure_box = QGroupBox("应缴与待遇（本次办理将记录的内容）")
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
        self.materials_note = QLabel("")
        self.materials_note.setWordWrap(True)
        grid.addWidget(self.materials_note, 4, 0, 1, 6)
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
        self.id_field.card_read.connect(self._card_read)
        self.name.returnPressed.connect(self._after_name)
        self.phone.returnPressed.connect(lambda: self.confirm.setFocus())
        self.reason.returnPressed.connect(lambda: self.confirm.setFocus())
        self.paid_on.returnPressed.connect(lambda: self.confirm.setFocus())
        self.year.currentIndexChanged.connect(self._year_changed)
        self.school.currentIndexChanged.connect(self.refresh)
        self.school_name.textChanged.connect(self.refresh)
        self.student_proof.toggled.connect(self.refresh)
        for key, combo in (("category", self.category), ("tier", self.tier), ("assistance", self.assistance),
                           ("special", self.special)):
            combo.currentIndexChanged.connect(lambda _i, key=key: self._chosen(key))
        for edit in (self.paid_on, self.reason, self.earlier_years, self.earlier_until, self.earlier_reason):
            edit.textChanged.connect(self.refresh)

        for y in deps.years(deps.hall.region):
            self.year.addItem(f"{y}年度", y)
        if self.year.count():
            index = self.year.findData(deps.enrollment_year())
            self.year.setCurrentIndex(index if index >= 0 else self.year.count() - 1)
            missing = deps.missing_next_year()
            if missing is not None:
                self.year_note.setText("ℹ " + missing.message)
                self.year_note.show()
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

    def _relationships(self, current: str | None = None) -> None:
        from desktop.services.persons import RELATIONSHIPS

        if not self.done:
            self.relationship.set_choices("本人（户主）", [])
            self.relationship_hint.setText("")
        else:
            # no default: a member's relationship is chosen (one already in a household keeps theirs)
            self.relationship.set_choices("（请选择）", list(RELATIONSHIPS))
            self.relationship_hint.setText(self.relationship.hint())
            if current:
                self.relationship.setCurrentIndex(max(self.relationship.findData(current), 0))

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
        self.refresh()

    def _chosen(self, key: str) -> None:
        self.touched.add(key)
        self.refresh()

    def _person_checked(self, number: IdNumber, person: dict | None) -> None:
        # a registered person's name and phone are not written by this visit (enroll_visit
        # ignores them): shown as recorded, read-only, or an edit would be silently lost
        self._registered_fields(person is not None)
        if number.number == self._checked_number:  # checked again (确认): the clerk's choices stay
            self.refresh()
            return
        self._checked_number = number.number
        self.touched.clear()
        for w in (self.school, self.school_name):
            w.blockSignals(True)
        if person is not None:
            self.name.setText(person["name"])
            self.phone.setText(person.get("phone") or "")
            school = {"university": "高等院校", "school": "中小学"}.get(person.get("school_kind") or "", SCHOOLS[0])
            self.school.setCurrentText(school)
            self.school_name.setText(person.get("school") or "")
        for w in (self.school, self.school_name):
            w.blockSignals(False)
        if person is not None and not self.done and not self.queue:
            self._household_of(number)
        self.refresh()

    def _household_of(self, number: IdNumber) -> None:
        """The head's household: its other members are renewed in this visit, one after another."""
        ctx = self.deps.context()
        if ctx is None:
            return
        from desktop.services.persons import household_of

        try:
            members = household_of(ctx, number.number)
        except Refusal:
            return
        self.queue = [m for m in members if m["id_number"] != number.number]
        self._show_done()

    def _registered_fields(self, registered: bool) -> None:
        for field in (self.name, self.phone):
            field.setReadOnly(registered)
        if registered:
            self.status_message.emit("ℹ 已登记人员的姓名、联系电话按登记信息显示；如需修改，请在“变更登记”(F3)中办理")

    def _person_cleared(self) -> None:
        # (a check of the same number clears first: the clerk's choices stay for that number)
        self._registered_fields(False)
        self.refresh()

    def _card_read(self, card) -> None:
        if not self.name.text():
            self.name.setText(card.name)

    def _after_id(self) -> None:
        if not self.name.text().strip():
            self.name.setFocus()
        else:
            self._after_name()

    def _after_name(self) -> None:
        """A household member goes to 与户主关系 (unless already in the household), else 确认."""
        if self.done and self._needs_relationship():
            self.relationship.setFocus()
        elif self.id_field.person is None:
            self.phone.setFocus()
        else:
            self.confirm.setFocus()

    def _needs_relationship(self) -> bool:
        person = self.id_field.person
        return not (person is not None and any(m["id_number"] == person["id_number"] for m in self._household()))

    def _household(self) -> list[dict]:
        return [*self.queue, *({"id_number": d.id_number} for d in self.done)]

    def _school_kind(self) -> str | None:
        text = self.school.currentText()
        return None if text == SCHOOLS[0] else text

    def _options(self) -> dict[str, Any]:
        """The clerk's entries, as `plan_visit` / `enroll_visit` take them: what the clerk did
        not choose is left to the services (the proposal, last year's tier and group)."""
        options: dict[str, Any] = {
            "student_proof": self.student_proof.isChecked() and self.student_proof.isVisible(),
            "paid_on": self.paid_on.text().strip() or None,
            "category_reason": self.reason.text().strip() or None,
        }
        if "category" in self.touched:
            options["category"] = self.category.currentText()
        if "tier" in self.touched:
            options["tier"] = self.tier.currentData()
        if "assistance" in self.touched:
            options["assistance"] = self.assistance.currentData()
        if self.special.currentData() and self.special.isVisibleTo(self):
            options["special_group"] = self.special.currentData()
        for key, edit in (("earlier_years", self.earlier_years), ("earlier_until", self.earlier_until),
                          ("earlier_reason", self.earlier_reason)):
            if edit.text().strip():
                options[key] = edit.text().strip()
        return options

    def _visit_fields(self) -> dict[str, Any]:
        school = self.school_name.text().strip() or None
        return {"name": self.name.text(), "school": school, "school_kind": self._school_kind()}

    # ------------------------------------------------------------------ the plan

    def refresh(self) -> None:
        """What 确认 will write for the fields as they stand: the services' plan, shown."""
        self.errors.clear()
        self.plan = None
        number = self.id_field.id_number
        year = self.year.currentData()
        if number is None or year is None:  # nothing entered: nothing to say yet
            self._show_plan(None)
            return
        from desktop.services.enrollment_visit import plan_visit

        try:
            self.plan = plan_visit(self.deps.plan_context(), number.number, year, **self._visit_fields(),
                                   **self._options())
        except Refusal as refusal:
            self._show_plan(None)
            self._show_proposal(number, year)
            if refusal.field in ("id_number", "year"):
                self.id_field.show_refusal(refusal.message) if refusal.field == "id_number" else self.errors.show(refusal)
            else:
                self.errors.show(refusal)
            if refusal.field in ("continuous_years", "gap_months", "earlier_years", "earlier_until", "earlier_reason"):
                self.form.setRowVisible(self.earlier_box.parentWidget(), True)
            return
        self._show_plan(self.plan)
        if self.plan.pending is not None:
            self.errors.show(self.plan.pending)

    def _show_plan(self, plan) -> None:
        blank = plan is None
        self.kind_label.setText("" if blank else f"业务：{labels.BUSINESSES[plan.kind]}")
        c = None if blank else plan.contribution
        for key, fen in (("standard", c and c.standard_fen), ("ltc", c and c.ltc_fen),
                         ("assisted", c and c.assisted_fen), ("personal", c and c.personal_fen)):
            self.figures[key].setText("—" if blank else fen_text(fen))
        b = None if blank else plan.benefit
        self.figures["benefit_start"].setText("—" if blank else b.start.isoformat())
        self.figures["benefit_end"].setText("—" if blank else b.end.isoformat())
        self.figures["waiting_months"].setText("—" if blank else ("无" if not b.waiting_months else f"{b.waiting_months} 个月"))
        if blank:
            self.figures["deadline"].setText("—")
        else:
            self.figures["deadline"].setText(plan.deadline.isoformat() if plan.deadline else "开单当日")
        notes = []
        if not blank:
            rule = b.rule or ""
            notes.append(rule + ("（追溯至出生之日）" if b.retroactive and "出生之日" not in rule else ""))
            if plan.deadline_note:
                notes.append(plan.deadline_note)
            if plan.continuity is not None:
                notes.append(plan.continuity.text())
        self.benefit_note.setText("\n".join(n for n in notes if n))
        self.materials_note.setText("" if blank or not plan.materials else "需查验材料：" + "；".join(plan.materials))
        self.form.setRowVisible(self.earlier_box.parentWidget(), not blank and plan.continuity is not None
                                or any(e.text() for e in (self.earlier_years, self.earlier_until, self.earlier_reason)))
        # the category and choices as the plan has them (the clerk's own stay as chosen)
        if blank and "category" not in self.touched:  # no person: no category to show yet
            self.category.blockSignals(True)
            self.category.setCurrentIndex(-1)
            self.category.blockSignals(False)
        if not blank:
            self._set_combo(self.category, plan.category)
            if "tier" not in self.touched:
                self._set_combo(self.tier, plan.tier, optional=True)
            if "assistance" not in self.touched:
                self._set_combo(self.assistance, plan.assistance, optional=True)
        p = None if blank else plan.proposed
        if blank:
            self.proposal_note.setText("")
        elif p.category is not None:
            self.proposal_note.setText(f"系统推定：{plan.proposed_label}" + (f"。{p.note}" if p.note else ""))
        else:
            self.proposal_note.setText("ℹ " + (p.note or "请选择参保类别"))
        self.previous_note.setText("" if blank or plan.previous is None else self._previous_text(plan.previous))
        self.reason.setEnabled(not blank and (plan.category != plan.proposed_label or bool(self.reason.text())))
        self.student_proof.setVisible(not blank and (p.needs_student_proof or self._school_kind() is not None))
        renewal = not blank and plan.kind == "renewal"
        self.form.setRowVisible(self.special.parentWidget().parentWidget(), not renewal)
        if not blank and plan.special_group:
            self.special_note.setText(f"ℹ 已选“{plan.special_group}”：请查验并留存相应证明材料后再确认")
        else:
            self.special_note.setText("")
        self.trace.set_trace([] if blank else [*plan.contribution.trace, *plan.benefit.trace,
                                                *([{"step": plan.continuity.text(), "source": "参保档案"}]
                                                  if plan.continuity else [])])

    def _show_proposal(self, number: IdNumber, year: int) -> None:
        """No plan yet (e.g. 缴费档次 not chosen): the category the rules propose, still shown."""
        from desktop.services.enrollment_visit import visit_proposal

        try:
            label, p = visit_proposal(self.deps.plan_context(), number.number, year, **self._visit_fields())
        except Refusal:
            return
        if label is not None and "category" not in self.touched:
            self._set_combo(self.category, label)
        if label is not None:
            self.proposal_note.setText(f"系统推定：{label}" + (f"。{p.note}" if p.note else ""))
        elif p.note:
            self.proposal_note.setText("ℹ " + p.note)

    @staticmethod
    def _previous_text(previous: dict) -> str:
        return (f"上年度（{previous['year']}年度）：{previous['category']}，个人缴费 {fen_text(previous['personal_fen'])} 元"
                f"（收据号 {previous['receipt_serial']}）")

    @staticmethod
    def _set_combo(combo: QComboBox, value: str | None, optional: bool = False) -> None:
        combo.blockSignals(True)
        if value is None:
            if optional:
                combo.setCurrentIndex(0)
        else:
            index = combo.findText(value)
            if index < 0:
                index = combo.findData(value)
            if index < 0:  # a label the source also accepts (天津 未成年居民、新生儿 …): offered as such
                combo.addItem(value, value)
                index = combo.count() - 1
            combo.setCurrentIndex(index)
        combo.blockSignals(False)

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

        try:
            # one transaction: a refusal leaves nothing written (not even the new person)
            visit = enroll_visit(
                ctx, number.number, self.year.currentData(), mode=None,
                phone=self.phone.text().strip() or None, **self._visit_fields(),
                head_id_number=self.done[0].id_number if self.done else None,
                relationship=self.relationship.currentData(), **self._options(),
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
        self.queue = [m for m in self.queue if m["id_number"] != number.number]
        self.status_message.emit(f"✔ {person['name']} {result.year}年度{labels.BUSINESSES[result.kind]}已办理，收据号 {result.receipt_serial}")
        self._next_member()
        self._show_done()

    def _show_done(self) -> None:
        rows = []
        for d in self.done:
            r = d.result
            rows.append([d.name, mask_id(d.id_number), d.relationship, r.category, fen_text(r.contribution.personal_fen),
                         r.benefit.start.isoformat(), r.receipt_serial, "✔ 已办理"])
        for m in self.queue:
            planned = self._plan_of(m["id_number"])
            rows.append([m["name"], mask_id(m["id_number"]), m.get("relationship") or "",
                         planned.category if planned else "", fen_text(planned.contribution.personal_fen) if planned else "",
                         planned.benefit.start.isoformat() if planned else "", "",
                         f"待{labels.BUSINESSES[planned.kind]}" if planned else "待办理"])
        fill_table(self.visit_table, rows)
        waiting = f"，待办理：{len(self.queue)} 人（确认后自动带出下一位）" if self.queue else ""
        self.visit_note.setText(f"本次来访已办理：{len(self.done)} 人{waiting}")
        self.print_button.setEnabled(bool(self.done))

    def _plan_of(self, id_number: str):
        """A listed member's plan with nothing chosen yet (what one key will confirm), or None."""
        from desktop.services.enrollment_visit import plan_visit

        try:
            return plan_visit(self.deps.plan_context(), id_number, self.year.currentData())
        except Refusal:
            return None

    def _next_member(self) -> None:
        """Clear the person fields for the next household member (the year stays); a listed
        member of the household comes next, ready to confirm with one key."""
        for w in (self.id_field, self.name, self.phone, self.school_name, self.reason, self.earlier_years,
                  self.earlier_until, self.earlier_reason):
            w.clear()
        self.school.setCurrentIndex(0)
        self.student_proof.setChecked(False)
        self.special.setCurrentIndex(0)
        self.touched.clear()
        self._checked_number = None
        self._relationships()
        if self.queue:
            member = self.queue[0]
            self._relationships(member.get("relationship"))
            self.id_field.setText(member["id_number"])
            self.confirm.setFocus()
        else:
            self.id_field.setFocus()

    def back_out(self) -> None:
        """Esc: a new visit (what was written stays written; the list of this visit is cleared)."""
        self.done = []
        self.queue = []
        self.print_note.setText("")
        self._next_member()
        self._show_done()
        self.errors.clear()

    # ------------------------------------------------------------------ printing

    def print_build(self):
        """缴费通知单 of every member enrolled in this visit and one 受理回执 for the visit
        (a household's: one 家庭受理回执, services.household_papers)."""
        if not self.done:
            return None
        serials = [d.result.receipt_serial for d in self.done]

        def build(ctx, paper):
            from desktop.services import household_papers

            return household_papers.visit_papers(ctx, serials, paper=paper)

        return build

    def print_documents(self) -> None:
        build = self.print_build()
        if build is None or not self.print_button.isEnabled():
            return
        self.preview = self.deps.print_preview(self, "缴费通知单与受理回执", build, self.after_print,
                                               receipt_roll=len(self.done) > 1)

    def after_print(self, printed: list) -> None:
        from desktop.ui.print_preview import summary

        self.print_note.setText(summary(printed))
        self.status_message.emit(summary(printed))
