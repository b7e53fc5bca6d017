"""参保人档案 (Ctrl+H, or a search result): the person's details and household, every enrollment
by year, changes, 停保/退保/退费, off-site filings, claims and receipts with their void marks.

Everything shown comes from one service read (`services.person_history.history`, audited);
the page formats it and computes nothing."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import Refusal
from desktop.policy.money import fen_text, yuan_text
from desktop.ui.deps import Deps
from desktop.ui.person_box import IdField
from desktop.ui.widgets import (
    ErrorLabel,
    FieldErrors,
    Page,
    add_field,
    disabled_note,
    fill_table,
    table,
)

VOID_MARK = "已作废"
DETAILS = (("name", "姓名"), ("id_number", "身份证号"), ("sex_age", "性别/年龄"), ("birth_date", "出生日期"),
           ("category", "参保身份"), ("status", "人员状态"), ("phone", "联系电话"), ("address", "地址"),
           ("hukou", "户籍/户口性质"), ("school", "就读学校"))
TABS = (
    ("enrollments", "参保缴费", ("年度", "参保类别", "个人缴费标准", "政府资助", "个人应缴", "待遇享受期", "状态", "收据号")),
    ("household", "家庭", ("姓名", "身份证号", "与户主关系", "年龄")),
    ("changes", "变更", ("日期", "变更项目", "原内容", "新内容", "原因", "办理状态", "收据号")),
    ("stops", "停保退费", ("日期", "业务", "年度", "原因", "金额（元）", "办理状态", "收据号")),
    ("filings", "异地备案", ("日期", "业务", "人员类别", "就医地", "开始日期", "有效期至", "收据号")),
    ("claims", "零星报销", ("日期", "年度", "票据金额", "合规费用", "测算基本医保", "进度", "收据号")),
    ("chronic", "慢特病", ("日期", "年度", "类别", "病种", "认定医疗机构", "办理状态", "收据号")),
    ("certificates", "参保证明", ("日期", "证明期间", "用途", "个人缴费合计", "编号")),
    ("receipts", "收据", ("收据号", "开具日期", "业务", "金额（元）", "作废")),
)


def _yuan(value: Decimal | None) -> str:
    return "" if value is None else yuan_text(value, grouped=True)


def _serial(serial: str, voided: bool) -> str:
    return f"{serial}（{VOID_MARK}）" if voided else serial


class HistoryPage(Page):
    title = "参保人档案"
    carries_person = True

    def __init__(self, deps: Deps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.deps = deps
        self.history = None
        self.shown_number: str | None = None
        self.id_field = IdField(deps)
        self.page_error = ErrorLabel()
        left = QGroupBox("参保人")
        lv = QVBoxLayout(left)
        form = QFormLayout()
        id_box = QWidget()
        iv = QVBoxLayout(id_box)
        iv.setContentsMargins(0, 0, 0, 0)
        iv.setSpacing(2)
        for w in (self.id_field, self.id_field.info, self.id_field.error):
            iv.addWidget(w)
        form.addRow("身份证号(&I)", id_box)
        self.details: dict[str, QLabel] = {}
        for key, label in DETAILS:
            value = QLabel("—")
            value.setObjectName(f"detail_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.details[key] = value
            form.addRow(label, value)
        lv.addLayout(form)
        lv.addWidget(self.page_error)
        if deps.db is None:
            lv.addWidget(disabled_note("未打开数据库：无法查阅参保人档案。"))
        self.actions = QVBoxLayout()  # the papers of this page (参保证明 …)
        lv.addLayout(self.actions)
        lv.addStretch(1)
        self.tabs = QTabWidget()
        self.tables = {}
        for key, label, headers in TABS:
            self.tables[key] = table(headers, [], stretch=None)
            self.tables[key].setObjectName(f"history_{key}")
            self.tabs.addTab(self.tables[key], label)
        right = QVBoxLayout()
        right.addWidget(self.tabs, 1)
        outer = QHBoxLayout(self)
        outer.addWidget(left, 2)
        outer.addLayout(right, 6)
        self.id_field.checked.connect(self._checked)
        self.id_field.cleared.connect(self._cleared)
        self._certificate_box()
        self.person_shown()

    # ------------------------------------------------------------------ 参保证明

    def _certificate_box(self) -> None:
        box = QGroupBox("参保证明")
        form = QFormLayout(box)
        self.cert_errors = FieldErrors(ErrorLabel())
        year = str(self.deps.today().year)
        self.cert_from = QLineEdit(year)
        self.cert_from.setPlaceholderText("年份或年月，如 2025 或 2025-03")
        self.cert_to = QLineEdit(year)
        self.cert_to.setPlaceholderText("年份或年月，不填同起始")
        self.cert_purpose = QLineEdit()
        self.cert_purpose.setPlaceholderText("如：子女入学（可不填）")
        add_field(form, "起始年月", self.cert_from, self.cert_errors, "period_from")
        add_field(form, "截止年月", self.cert_to, self.cert_errors, "period_to")
        add_field(form, "证明用途", self.cert_purpose, self.cert_errors, "purpose")
        self.cert_plan = QLabel("")
        self.cert_plan.setObjectName("certificatePlan")
        self.cert_plan.setWordWrap(True)
        form.addRow(self.cert_plan)
        form.addRow(self.cert_errors.page_label)
        self.cert_button = QPushButton("出具参保证明并打印 (Ctrl+P)")
        self.cert_button.clicked.connect(self.issue_certificate)
        form.addRow(self.cert_button)
        self.cert_outcome = QLabel("")
        self.cert_outcome.setObjectName("outcome")
        self.cert_outcome.setWordWrap(True)
        form.addRow(self.cert_outcome)
        self.actions.addWidget(box)
        for field in (self.cert_from, self.cert_to):
            field.textChanged.connect(self._plan_certificate)
        for field in (self.cert_from, self.cert_to, self.cert_purpose):
            field.returnPressed.connect(self.focusNextChild)
        shortcut = QShortcut(QKeySequence("Ctrl+P"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.issue_certificate)
        self.preview = None

    def _plan_certificate(self) -> None:
        """What the certificate would list for the period typed (the service's plan, nothing written)."""
        self.cert_errors.clear()
        self.cert_plan.setText("")
        ctx = self.deps.context()
        if ctx is None or self.history is None or self.id_field.id_number is None:
            return
        from desktop.services import certificate

        try:
            planned = certificate.plan(ctx, self.id_field.id_number.number, self.cert_from.text(), self.cert_to.text())
        except Refusal as refusal:
            self.cert_errors.show(refusal)
            return
        years = "、".join(f"{line['year']}年（{line['category']}）" for line in planned.lines)
        self.cert_plan.setText(f"将证明：{years}；个人缴费合计 {fen_text(planned.amount_fen, grouped=True)} 元")

    def issue_certificate(self) -> None:
        """出具: the certificate is written (serial, audit), then its print preview."""
        ctx = self.deps.context()
        if ctx is None or self.history is None or not self.cert_button.isEnabled():
            return
        from desktop.services import certificate

        self.cert_errors.clear()
        try:
            issued = certificate.issue(ctx, self.id_field.id_number.number, self.cert_from.text(),
                                       self.cert_to.text(), purpose=self.cert_purpose.text())
        except Refusal as refusal:
            widget = self.cert_errors.show(refusal)
            if widget is not None:
                widget.setFocus()
            self.status_message.emit("⚠ " + refusal.message)
            return
        serial = issued.receipt_serial
        self.cert_outcome.setText(f"✔ 参保证明已出具，编号 {serial}")
        self.status_message.emit(f"✔ 参保证明已出具，编号 {serial}")
        self.refresh()  # the receipt list shows the certificate

        def build(ctx, paper):
            return [certificate.document(ctx, serial, paper=paper)]

        self.preview = self.deps.print_preview(self, "参保证明", build, self._printed)

    def _printed(self, printed: list) -> None:
        from desktop.ui.print_preview import summary

        self.cert_outcome.setText(self.cert_outcome.text().split("\n")[0] + "\n" + summary(printed))

    def first_field(self) -> QWidget:
        return self.id_field

    def load_person(self, id_number: str) -> bool:
        self.id_field.setText(id_number)
        return True

    def back_out(self) -> None:
        """Esc: the next visit (the field cleared, the window's selected person with it)."""
        self.id_field.clear()
        self.clear()
        self.id_field.setFocus()

    def clear(self) -> None:
        self.history = None
        self.shown_number = None
        self.page_error.clear_message()
        for label in self.details.values():
            label.setText("—")
        for t in self.tables.values():
            fill_table(t, [])
        self.person_shown()

    def person_shown(self) -> None:
        """The person on the page changed: the papers' actions follow."""
        shown = self.history is not None
        # issuing is a clerk's business (a reviewer reads the history, the service refuses the rest)
        self.cert_button.setEnabled(shown and (self.deps.may("clerk") or self.deps.may("head")))
        if not shown:
            self.cert_outcome.setText("")
        self._plan_certificate()

    def _cleared(self) -> None:
        # the field re-checks the number it holds on Enter (cleared, then checked): keep the page
        if "".join(self.id_field.text().split()).upper() != self.shown_number:
            self.clear()

    def _checked(self, number, _person) -> None:
        """A valid number: read the history once (Enter on the same number reads nothing again)."""
        if self.history is None or self.shown_number != number.number:
            self.refresh()

    def refresh(self) -> None:
        ctx = self.deps.context()
        if ctx is None or self.id_field.id_number is None:
            return
        from desktop.services.person_history import history

        try:
            h = history(ctx, self.id_field.id_number.number)
        except Refusal as refusal:
            self.clear()
            self.page_error.show_message(refusal.message)
            self.status_message.emit("⚠ " + refusal.message)
            return
        self.page_error.clear_message()
        self.history = h
        self.shown_number = self.id_field.id_number.number
        self._show(h)
        self.person_shown()

    def _show(self, h) -> None:
        d = h.details
        status = d.status + (f"（{d.death_date.isoformat()}）" if d.death_date else "")
        hukou = "，".join(x for x in (d.hukou_region, d.hukou_nature) if x) or "—"
        values = {"name": d.name, "id_number": d.id_number, "sex_age": f"{d.sex}，{d.age} 岁",
                  "birth_date": d.birth_date.isoformat(), "category": d.category or "—", "status": status,
                  "phone": d.phone or "—", "address": d.address or "—", "hukou": hukou,
                  "school": d.school or "—"}
        for key, label in self.details.items():
            label.setText(values[key])
        fill_table(self.tables["household"], [
            (m.name + ("（本人）" if m.is_this_person else ""), m.id_number, m.relationship, m.age)
            for m in h.household])
        fill_table(self.tables["enrollments"], [
            (e.year, e.category + (f"，{e.tier}" if e.tier else "") + (f"，{e.assistance}" if e.assistance else ""),
             _yuan(e.standard), _yuan(e.assisted), _yuan(e.personal),
             f"{e.benefit_start.isoformat()} 至 {e.benefit_end.isoformat()}"
             + (f"（等待期{e.waiting_months}个月）" if e.waiting_months else ""),
             e.status, _serial(e.serial, e.voided)) for e in reversed(h.enrollments)])
        fill_table(self.tables["changes"], [
            (c.on.isoformat(), c.field, c.before, c.after, c.reason or "", c.state, _serial(c.serial, c.voided))
            for c in h.changes])
        fill_table(self.tables["stops"], [
            (s.on.isoformat(), s.kind, s.year,
             s.reason + (f"，自{s.effective_on.isoformat()}" if s.effective_on else ""),
             _yuan(s.paid if s.paid is not None else s.amount), s.state, _serial(s.serial, s.voided))
            for s in h.stops])
        fill_table(self.tables["filings"], [
            (f.on.isoformat(), f.action, f.person_type, f.destination, f.start.isoformat(),
             f.valid_until.isoformat() if f.valid_until else "长期有效", _serial(f.serial, f.voided))
            for f in h.filings])
        fill_table(self.tables["claims"], [
            (c.on.isoformat(), c.year, _yuan(c.total), _yuan(c.compliant), _yuan(c.estimate_basic),
             c.step + (f"，结算{_yuan(c.settled)}元" if c.settled is not None else ""), _serial(c.serial, c.voided))
            for c in h.claims])
        fill_table(self.tables["chronic"], [
            (a.on.isoformat(), a.year, a.kind, a.disease, a.hospital, a.state, _serial(a.serial, a.voided))
            for a in h.chronic])
        fill_table(self.tables["certificates"], [
            (c.on.isoformat(), c.period, c.purpose or "", _yuan(c.personal), _serial(c.serial, c.voided))
            for c in h.certificates])
        fill_table(self.tables["receipts"], [
            (r.serial, r.issued.isoformat(), r.business, _yuan(r.amount),
             f"{VOID_MARK}（{r.voided_on.isoformat()}：{r.void_reason}）" if r.voided else "")
            for r in h.receipts])
        for i, (key, label, _) in enumerate(TABS):  # the count where there is something to see
            count = self.tables[key].rowCount()
            self.tabs.setTabText(i, f"{label}（{count}）" if count else label)
