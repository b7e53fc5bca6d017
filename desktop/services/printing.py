"""Record -> document: the one place that turns stored businesses into printed documents.

Qt-free. The window, `yibao-desk render` and the tests call these functions; the documents
layer (`desktop.documents`) only lays out what it is given. Each builder takes a `Context`
(database, clock, hall settings, calculator) and a reference to a business: its receipt serial
(`320412-03-2025-000123`) or its record id (the UUID of the enrollment, change, filing …).

    doc = printing.acceptance_receipt(ctx, serial)          # 受理回执, any business
    printed = printing.print_document(ctx, doc)              # PDF bytes + the archive copy's path

Header furniture (hall name, window, clerk's display name) comes from the hall configuration
and the accounts (records/accounts.py) when they are there; otherwise the codes stand in (hall
code, window number, operator id). ID numbers are masked (first 6, last 4) on every document.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from desktop.documents import render
from desktop.documents.format import cn_date, mask_id
from desktop.documents.model import (
    AcceptanceReceipt,
    BusinessCount,
    ChecklistNotice,
    DayReport,
    EstimateKind,
    Header,
    OffsiteFilingReceipt,
    Paper,
    PaymentNotice,
    Person,
    ProcessingSlip,
    ReceiptEntry,
    ReimbursementEstimate,
    TraceStep,
    to_money,
    trace_from_answer,
)
from desktop.errors import Refusal
from desktop.policy import levels
from desktop.records import accounts as account_rows
from desktop.records import enrollments, paths, receipts, reports, reviews
from desktop.records.rows import one
from desktop.services import calc, verification
from desktop.services.context import Context

Document = (AcceptanceReceipt | PaymentNotice | ChecklistNotice | ReimbursementEstimate
            | OffsiteFilingReceipt | ProcessingSlip | DayReport)

# The CLI's kind names, which are also the archive file suffixes.
KIND_OF: dict[type, str] = {
    AcceptanceReceipt: "receipt",
    PaymentNotice: "payment_notice",
    OffsiteFilingReceipt: "offsite_receipt",
    ProcessingSlip: "processing_slip",
    ReimbursementEstimate: "estimate",
    ChecklistNotice: "checklist",
    DayReport: "day_report",
}

BUSINESS_LABELS = verification.BUSINESS_LABELS
CHANGE_FIELDS = {
    "name": "姓名", "id_number": "身份证号码", "phone": "联系电话", "address": "地址",
    "hukou_nature": "户口性质", "category": "参保类别",
}
OFFSITE_ACTIONS = {"file": "备案", "change": "变更备案", "cancel": "取消备案"}
# The materials item of calc-api.md for each business (the 一次性告知单 of that business).
MATERIALS_ITEMS = {
    "enroll": "参保登记", "renewal": "参保登记", "change": "变更登记", "suspension": "停保退保",
    "termination": "停保退保", "refund": "退费", "offsite_filing": "异地就医备案",
    "manual_claim": "零星报销",
}
STATUS_LABELS = {"active": "有效", "suspended": "已停保", "terminated": "已退保", "refunded": "已退费"}
# Day report rows: (business, action) -> label. The 应缴金额合计 column holds what enrollments
# assessed (the contributions to be collected); other amounts (refunds asked, bills claimed,
# settled, voided) are shown in the row's label, so the column's total stays one kind of money.
DAY_LABELS = {
    ("enroll", "enroll"): "参保登记",
    ("renewal", "renewal"): "续保",
    ("change", "change"): "变更登记（即时生效）",
    ("change", "request"): "变更登记（提交复核）",
    ("suspension", "request"): "停保申请",
    ("termination", "request"): "退保申请",
    ("refund", "request"): "退费申请",
    ("offsite_filing", "file"): "异地就医备案",
    ("offsite_filing", "change"): "异地就医备案变更",
    ("offsite_filing", "cancel"): "异地就医备案取消",
    ("manual_claim", "accept"): "零星报销受理",
    ("manual_claim", "supplement"): "零星报销补交材料",
    ("manual_claim", "review"): "零星报销审核",
    ("manual_claim", "settle"): "零星报销结算",
    ("receipt", "void"): "作废收据",
    ("person", "register"): "人员登记",
    ("person", "student"): "在校学生身份登记",
    ("person", "death"): "死亡登记",
    ("household", "add_member"): "家庭成员加入",
    ("household", "remove_member"): "家庭成员移出",
    ("account", "login"): "登录",
    ("account", "login_failed"): "登录失败",
    ("account", "unlock"): "解锁",
    ("account", "unlock_failed"): "解锁失败",
    ("account", "change_password"): "修改密码",
    ("account", "change_password_failed"): "修改密码失败",
    ("account", "create_account"): "新建账户",
    ("account", "disable_account"): "停用账户",
    ("account", "enable_account"): "启用账户",
    ("account", "set_roles"): "调整账户身份",
    ("account", "reset_password"): "重置密码",
    ("hall", "configure_hall"): "大厅首次设置",
    ("setting", "set_setting"): "修改大厅参数",
    ("pack", "import_pack"): "导入政策包",
    ("export", "export"): "导出清单",
    ("conflict", "view"): "查看冲突列表",
    ("conflict", "resolve"): "处理冲突",
}
ASSESSED = {"enroll", "renewal"}  # businesses whose amount is a contribution assessed
AMOUNT_WORDS = {"refund": "退费金额", "manual_claim": "金额", "receipt": "原收据金额"}
REVIEW_ACTIONS = {"approve": "复核通过", "reject": "复核驳回", "approve_partial": "一级复核通过"}
REVIEW_BUSINESS = {"change": "变更登记", "termination": "停保退保", "refund": "退费"}


# ---------------------------------------------------------------- looking a business up


@dataclass(frozen=True)
class Source:
    """One business as stored: its receipt, its record, its person (current master data)."""

    receipt: dict[str, Any]  # receipts row with void_reason / voided_at
    business: str  # enroll, renewal, change, suspension, termination, refund, offsite_filing, manual_claim
    record: dict[str, Any]
    person: dict[str, Any] | None

    @property
    def serial(self) -> str:
        return self.receipt["serial"]

    @property
    def issued(self) -> date:
        return datetime.fromisoformat(self.receipt["created_at"]).date()


def find(ctx: Context, ref: str) -> Source:
    """The business of a receipt serial or a record id (refuses an unknown one, in Chinese)."""
    key = (ref or "").strip()
    receipt = receipts.get(ctx.db, key) if key else None
    if receipt is None and key:
        receipt = receipts.of_record(ctx.db, key)
    if receipt is None:
        raise Refusal("not_found", f"找不到收据号或业务记录“{key}”，请核对后重试", "record")
    table, _ = verification.RECORD_TABLES.get(receipt["business"], (None, None))
    if table is None:
        raise Refusal("not_applicable", f"收据“{receipt['serial']}”的业务“{receipt['business']}”没有可打印的单据", "record")
    if table == "enrollments":  # with its calculation trace (stored once per text)
        record = enrollments.row(ctx.db, receipt["record_id"])
    else:
        record = one(ctx.db, f"SELECT * FROM {table} WHERE id = ?", [receipt["record_id"]])
    if record is None:
        raise Refusal("not_found", f"收据“{receipt['serial']}”对应的业务记录不存在", "record")
    person = one(ctx.db, "SELECT * FROM persons WHERE id = ?", [receipt["person_id"]]) if receipt["person_id"] else None
    return Source(receipt, receipt["business"], record, person)


def _enrollment_of(ctx: Context, src: Source) -> dict[str, Any] | None:
    if src.business in ("enroll", "renewal"):
        return enrollments.get(ctx.db, src.record["id"])
    enrollment_id = src.record.get("enrollment_id")
    return enrollments.get(ctx.db, enrollment_id) if enrollment_id else None


def _region(ctx: Context, src: Source) -> str:
    if src.record.get("region"):
        return src.record["region"]
    enrollment = _enrollment_of(ctx, src)
    return enrollment["region"] if enrollment else ctx.region


def _pack(ctx: Context, region: str, year: int):
    from desktop.policy import loader

    try:
        return (ctx.packs or loader.bundled()).find(region, year, "resident")
    except Refusal:
        return None


def _hotline(ctx: Context, region: str, year: int) -> str | None:
    pack = _pack(ctx, region, year)
    return pack.offices.hotline if pack is not None and pack.offices else None


# ---------------------------------------------------------------- header furniture

ARCHIVE_SETTING = "archive_folder"  # the hall setting naming the archive folder (services/hall.py)
UNKNOWN_HALL = "000000"  # the command line without a hall configuration or any receipt


@dataclass(frozen=True)
class Furniture:
    hall: str
    window: str
    clerk: str
    from_config: bool  # False: the hall configuration / accounts were not there; codes printed


def clerk_name(ctx: Context, operator_id: str) -> str:
    """An operator's display name from the accounts, else the operator id itself."""
    row = account_rows.get(ctx.db, operator_id) if account_rows.count(ctx.db) else None
    return row["display_name"] if row and row["display_name"] else operator_id


def furniture(ctx: Context, hall_code: str, window_code: str, operator_id: str) -> Furniture:
    """Hall name, window and clerk for a header: the hall configuration and the accounts
    (services/hall.py, services/accounts.py) when present, else the codes."""
    config = account_rows.hall(ctx.db)
    hall_name = config["hall_name"] if config and config["hall_code"] == hall_code else None
    clerk = clerk_name(ctx, operator_id)
    window = f"{int(window_code)}号窗口" if window_code.isdigit() else window_code
    fallback = f"{ctx.region}医保经办窗口" if hall_code == UNKNOWN_HALL else f"医保经办大厅（{hall_code}）"
    return Furniture(hall_name or fallback, window, clerk, hall_name is not None and clerk != operator_id)


def header(ctx: Context, *, hall_code: str, window_code: str, operator_id: str,
           serial: str | None) -> Header:
    f = furniture(ctx, hall_code, window_code, operator_id)
    return Header(hall=f.hall, window=f.window, clerk=f.clerk,
                  printed_at=ctx.now().replace(tzinfo=None, microsecond=0), serial=serial)


def _header_of(ctx: Context, src: Source) -> Header:
    r = src.receipt
    return header(ctx, hall_code=r["hall_code"], window_code=r["window_code"],
                  operator_id=r["operator_id"], serial=r["serial"])


def _counter_header(ctx: Context) -> Header:
    """For documents without a record (a checklist or an estimate asked at the counter)."""
    return header(ctx, hall_code=ctx.hall_code, window_code=ctx.window, operator_id=ctx.operator_id,
                  serial=None)


def _person(src: Source) -> Person:
    if src.person is None:
        return Person(name="", id_number="")
    return Person(name=src.person["name"], id_number=src.person["id_number"])


# ---------------------------------------------------------------- small helpers


def _yuan(fen: int | None) -> Decimal:
    return Decimal(fen or 0) / 100


def _money(fen: int | None) -> str:
    return f"{_yuan(fen):,.2f} 元"


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def _cn(text: str | None) -> str:
    day = _day(text)
    return cn_date(day) if day else "—"


def _loads(text: str | None) -> list:
    try:
        value = json.loads(text or "[]")
    except json.JSONDecodeError:
        return []
    return value if isinstance(value, list) else []


def _shown(field: str, value: str | None) -> str:
    if value is None:
        return "（空）"
    return mask_id(value) if field == "id_number" else value


@dataclass(frozen=True)
class ReviewState:
    state: str | None  # None: no review; pending / approved / rejected
    levels: int
    decided_on: str | None  # the last decision's moment
    note: str | None
    reviewers: tuple[str, ...]


def review_state(ctx: Context, record_id: str) -> ReviewState:
    request = reviews.for_subject(ctx.db, record_id)
    if request is None:
        return ReviewState(None, 0, None, None, ())
    decisions = reviews.decisions(ctx.db, request["id"])
    last = decisions[-1] if decisions else None
    return ReviewState(request["state"], request["levels"], last["created_at"] if last else None,
                       last["note"] if last else None,
                       tuple(clerk_name(ctx, d["operator_id"]) for d in decisions))


def _review_steps(state: ReviewState, *, what: str, done: str) -> list[str]:
    """后续办理 lines of a business that waits for review."""
    if state.state == reviews.PENDING:
        levels = "二级复核（两位复核人先后审核）" if state.levels == 2 else "复核人审核"
        return [f"本业务须经{levels}，审核通过后{what}；审核结果可凭本回执编号查询"]
    if state.state == reviews.APPROVED:
        return [f"已于{_cn(state.decided_on)}审核通过，{done}"]
    if state.state == reviews.REJECTED:
        return [f"已于{_cn(state.decided_on)}审核驳回" + (f"：{state.note}" if state.note else ""),
                "如有疑问请凭本回执到窗口咨询"]
    return []


# ---------------------------------------------------------------- 受理回执


def _enrollment_terms(ctx: Context, src: Source, enrollment: Mapping[str, Any]) -> tuple[date, str | None]:
    """(缴费截止日期, note): the pack's deadline, or for a late enrollment the day of issue."""
    pack = _pack(ctx, enrollment["region"], enrollment["year"])
    issued = src.issued
    if pack is None or pack.enrollment is None:
        return issued, "政策包未载入，按开单当日缴费"
    deadline = pack.enrollment.deadline
    if issued <= deadline:
        return deadline, None
    return issued, f"集中参保缴费期已于{cn_date(pack.enrollment.window.end)}结束，请于开单当日缴费"


def _benefit_line(enrollment: Mapping[str, Any]) -> str:
    line = (f"待遇享受期：{_cn(enrollment['benefit_start'])}至{_cn(enrollment['benefit_end'])}")
    if enrollment["waiting_months"]:
        line += f"（含待遇等待期{enrollment['waiting_months']}个月）"
    if enrollment["retroactive"]:
        line += "（待遇追溯享受）"
    return line


def _enrollment_receipt(ctx: Context, src: Source) -> tuple[str, list[str], list[str]]:
    e = _enrollment_of(ctx, src) or src.record
    kind = "续保" if src.business == "renewal" else "参保登记"
    business = f"城乡居民医保{kind}（{e['year']}年度）"
    what = f"{e['year']}年度城乡居民基本医疗保险{kind}：{e['category']}"
    if e.get("tier"):
        what += f"，{e['tier']}"
    accepted = [what]
    if e["category"] != e["proposed_category"]:
        accepted.append(f"参保类别由系统推定的“{e['proposed_category']}”调整为“{e['category']}”，原因：{e['category_reason']}")
    if e.get("assistance"):
        accepted.append(f"资助参保：{e['assistance']}，政府资助{_money(e['assisted_fen'])}")
    accepted.append(f"个人应缴金额：{_money(e['personal_fen'])}（个人缴费标准{_money(e['standard_fen'])}）")
    deadline, late = _enrollment_terms(ctx, src, e)
    steps = []
    if e["personal_fen"]:
        pay = f"请于{cn_date(deadline)}前按缴费通知单缴费"
        steps.append(f"{pay}（{late}）" if late else pay)
    steps.append(_benefit_line(e) + ("，自缴费到账后按上述日期享受待遇" if e["personal_fen"] else ""))
    status = e.get("status")
    if status and status != "active":
        steps.append(f"注：该参保登记当前状态为{STATUS_LABELS.get(status, status)}")
    return business, accepted, steps


def _change_receipt(ctx: Context, src: Source) -> tuple[str, list[str], list[str]]:
    c = src.record
    label = CHANGE_FIELDS.get(c["field"], c["field"])
    level = "重要信息" if c["level"] == "important" else "基础信息"
    accepted = [f"变更{label}（{level}）：{_shown(c['field'], c['before'])} → {_shown(c['field'], c['after'])}"]
    if c["reason"]:
        accepted.append(f"变更原因：{c['reason']}")
    if not c["review_levels"]:
        steps = [f"变更已于{_cn(c['created_at'])}即时生效"]
    else:
        steps = _review_steps(review_state(ctx, c["id"]), what="变更生效", done="变更已生效")
    return "城乡居民医保变更登记", accepted, steps


def _termination_receipt(ctx: Context, src: Source) -> tuple[str, list[str], list[str]]:
    t = src.record
    kind = "停保" if t["kind"] == "suspension" else "退保"
    e = _enrollment_of(ctx, src)
    year = f"{e['year']}年度" if e else ""
    reason = t["reason"] + (f"（{t['reason_note']}）" if t["reason_note"] else "")
    accepted = [f"{year}城乡居民医保{kind}申请，原因：{reason}", f"{kind}日期：{_cn(t['effective_on'])}"]
    if t["death_date"]:
        accepted.append(f"死亡日期：{_cn(t['death_date'])}")
    steps = _review_steps(review_state(ctx, t["id"]), what=f"自{_cn(t['effective_on'])}起{kind}",
                          done=f"自{_cn(t['effective_on'])}起{kind}")
    return f"城乡居民医保{kind}", accepted, steps


def _refund_receipt(ctx: Context, src: Source) -> tuple[str, list[str], list[str]]:
    r = src.record
    e = _enrollment_of(ctx, src)
    year = f"{e['year']}年度" if e else ""
    accepted = [f"{year}城乡居民医保个人缴费退费申请，原因：{r['reason']}",
                f"申请退费金额：{_money(r['amount_fen'])}", f"适用情形：{r['rule']}"]
    steps = _review_steps(review_state(ctx, r["id"]), what=f"退还个人缴费{_money(r['amount_fen'])}",
                          done=f"退还个人缴费{_money(r['amount_fen'])}")
    return "城乡居民医保退费", accepted, steps


def _destination(f: Mapping[str, Any]) -> str:
    return f["destination_province"] + (f["destination_city"] or "")


def _offsite_receipt_lines(ctx: Context, src: Source) -> tuple[str, list[str], list[str]]:
    f = src.record
    action = OFFSITE_ACTIONS[f["action"]]
    accepted = [f"异地就医{action}：{f['person_type_label']}，就医地{_destination(f)}"]
    until = _cn(f["valid_until"]) if f["valid_until"] else "长期有效（至申请变更或取消备案）"
    if f["reason"]:
        accepted.append(f"{action}原因：{f['reason']}")
    received = _loads(f["materials_received"])
    if received:
        accepted.append("已收材料：" + "、".join(received))
    if f["action"] == "cancel":
        steps = [f"备案已于{_cn(f['created_at'])}取消，此后在原就医地发生的费用不再按备案直接结算"]
    else:
        steps = [f"备案自{_cn(f['start_on'])}起生效，有效期至{until}",
                 "在就医地定点医疗机构就医时请出示医保电子凭证或社会保障卡"]
    return f"异地就医{action}", accepted, steps


def _claim_status(ctx: Context, claim_id: str) -> tuple[str, list[str], int | None]:
    from desktop.services import manual_claim

    status = manual_claim.claim_status(ctx, claim_id)
    settled = next((s["settled_fen"] for s in status["steps"] if s["step"] == "结算"), None)
    return status["step"], list(status["missing"]), settled


def _claim_receipt(ctx: Context, src: Source) -> tuple[str, list[str], list[str]]:
    c = src.record
    bills = ctx.db.execute("SELECT count(*) FROM claim_bills WHERE claim_id = ?", [c["id"]]).fetchone()[0]
    accepted = [f"{c['year']}年度零星报销申请：医疗收费票据{bills}张，金额合计{_money(c['total_fen'])}",
                f"合规费用{_money(c['compliant_fen'])}；测算基本医保支付{_money(c['estimate_basic_fen'])}"
                "（测算仅供参考，以审核结算为准）"]
    step, missing, settled = _claim_status(ctx, c["id"])
    steps = []
    if step == "受理":
        if missing:
            steps.append("请补交材料：" + "；".join(missing) + "，材料齐全后进入审核")
        else:
            steps.append("材料已齐全，等待审核")
        pack = _pack(ctx, c["region"], c["year"])
        limit = _claim_time_limit(pack)
        if limit:
            steps.append(f"办理时限：{limit}")
    elif step == "审核":
        steps.append("已审核，等待结算")
    else:
        steps.append(f"已结算，结算金额{_money(settled)}")
    return "零星报销", accepted, steps


def _claim_time_limit(pack: Any) -> str | None:
    if pack is None:
        return None
    for item in pack.materials:
        if "零星报销" in (item.item, *item.aliases):
            return next((v.time_limit for v in item.variants if v.time_limit), None)
    return None


_RECEIPTS = {
    "enroll": _enrollment_receipt, "renewal": _enrollment_receipt, "change": _change_receipt,
    "suspension": _termination_receipt, "termination": _termination_receipt,
    "refund": _refund_receipt, "offsite_filing": _offsite_receipt_lines, "manual_claim": _claim_receipt,
}


def acceptance_receipt(ctx: Context, ref: str, *, paper: Paper | str = Paper.A4) -> AcceptanceReceipt:
    """受理回执 of any business: what was accepted, what happens next and when, with the QR check."""
    src = find(ctx, ref)
    business, accepted, steps = _RECEIPTS[src.business](ctx, src)
    if src.receipt["void_reason"] is not None:
        steps = [f"本回执已于{_cn(src.receipt['voided_at'])}作废：{src.receipt['void_reason']}", *steps]
    steps.append("扫描本回执二维码可核验回执真伪")
    return AcceptanceReceipt(
        header=_header_of(ctx, src), business=business, person=_person(src), accepted=tuple(accepted),
        next_steps=tuple(steps), phone=_hotline(ctx, _region(ctx, src), _year(ctx, src)),
        qr_text=verification.qr_text(ctx.db, src.serial), paper=Paper(paper))


def _year(ctx: Context, src: Source) -> int:
    if src.record.get("year"):
        return int(src.record["year"])
    e = _enrollment_of(ctx, src)
    return int(e["year"]) if e else src.issued.year


# ---------------------------------------------------------------- 缴费通知单


def payment_notice(ctx: Context, ref: str, *, paper: Paper | str = Paper.A4) -> PaymentNotice:
    """缴费通知单 of an enrollment: the stored amounts, the pack's channels and deadline."""
    src = find(ctx, ref)
    if src.business not in ("enroll", "renewal"):
        raise Refusal("not_applicable", f"收据“{src.serial}”是{BUSINESS_LABELS.get(src.business, src.business)}，"
                      "缴费通知单只能为参保登记或续保打印", "record")
    e = _enrollment_of(ctx, src) or src.record
    pack = _pack(ctx, e["region"], e["year"])
    channels: tuple[str, ...] = ()
    if pack is not None and pack.payment_channels is not None:
        channels = tuple(f"{c.name}：{c.how}" for c in pack.payment_channels.items)
    deadline, late = _enrollment_terms(ctx, src, e)
    rule = _loads_obj(e.get("trace")).get("benefit_rule")
    return PaymentNotice(
        header=_header_of(ctx, src), person=_person(src), region=e["region"], policy_year=e["year"],
        category=e["category"], standard=_yuan(e["standard_fen"]), ltc=_yuan(e["ltc_fen"]),
        assisted=_yuan(e["assisted_fen"]), personal=_yuan(e["personal_fen"]),
        channels=channels or ("请向窗口咨询缴费渠道",), deadline=deadline, deadline_note=late,
        benefit_start=date.fromisoformat(e["benefit_start"]),
        benefit_end=date.fromisoformat(e["benefit_end"]), tier=e.get("tier"),
        assistance=e.get("assistance"), waiting_months=e["waiting_months"],
        benefit_note=f"待遇起始依据：{rule}" if rule else None,
        phone=pack.offices.hotline if pack is not None and pack.offices else None,
        qr_text=verification.qr_text(ctx.db, src.serial), paper=Paper(paper))


def _loads_obj(text: str | None) -> dict:
    try:
        value = json.loads(text or "{}")
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


# ---------------------------------------------------------------- 异地就医备案回执


def offsite_rule(ctx: Context, region: str, year: int, person_type_label: str) -> str:
    """The pack's ratio rule for a person type, in words, with its source."""
    pack = _pack(ctx, region, year)
    if pack is None or pack.offsite is None:
        return "待遇标准按参保地政策执行"
    umbrella = {"异地安置退休人员", "常驻异地工作人员"}
    wanted = {person_type_label, "异地长期居住人员"} if person_type_label in umbrella else {person_type_label}
    names = {"inpatient": "住院", "general": "普通门诊", "chronic": "门诊慢性病", "special": "门诊特殊病",
             "dual_channel": "双通道药品"}
    for t in pack.offsite.types:
        if wanted & {t.label, *t.aliases}:
            cuts = [f"{names.get(k, k)}降低{(v * 100).normalize():f}个百分点" for k, v in t.reductions.items() if v]
            text = "基本医保支付比例" + ("：" + "；".join(cuts) if cuts else "与参保地相应医疗机构一致")
            return f"{text}（{t.source}）"
    return "待遇标准按参保地政策执行"


def offsite_receipt(ctx: Context, ref: str, *, paper: Paper | str = Paper.A4) -> OffsiteFilingReceipt:
    """异地就医备案回执 of a filing (or of its change / cancellation)."""
    src = find(ctx, ref)
    if src.business != "offsite_filing":
        raise Refusal("not_applicable", f"收据“{src.serial}”不是异地就医备案", "record")
    f = src.record
    notes = []
    if f["action"] == "cancel":
        notes.append(f"本备案已于{_cn(f['created_at'])}取消" + (f"，原因：{f['reason']}" if f["reason"] else ""))
    elif f["action"] == "change" and f["reason"]:
        notes.append(f"本回执为变更后的备案，变更原因：{f['reason']}")
    notes += ["就医时请出示医保电子凭证或社会保障卡，在就医地定点医疗机构直接结算",
              "扫描二维码可核验回执真伪"]
    year = _day(f["start_on"]).year if f["start_on"] else src.issued.year
    rule_year = year if _pack(ctx, f["region"], year) else src.issued.year
    return OffsiteFilingReceipt(
        header=_header_of(ctx, src), person=_person(src), person_type=f["person_type_label"],
        destination=_destination(f), start=date.fromisoformat(f["start_on"]),
        end=_day(f["valid_until"]) if f["action"] != "cancel" else _day(f["created_at"]),
        rule=offsite_rule(ctx, f["region"], rule_year, f["person_type_label"]),
        materials=tuple(_loads(f["materials_received"])), notes=tuple(notes),
        phone=_hotline(ctx, f["region"], rule_year), qr_text=verification.qr_text(ctx.db, src.serial),
        paper=Paper(paper))


# ---------------------------------------------------------------- 综合业务处理单


def _slip_enrollment(ctx: Context, src: Source) -> tuple[str, list[tuple[str, str]], str, list[str]]:
    e = _enrollment_of(ctx, src) or src.record
    kind = "续保" if src.business == "renewal" else "参保登记"
    details = [("参保年度", f"{e['year']}年度"), ("统筹区", e["region"]), ("参保缴费身份", e["category"])]
    if e["category"] != e["proposed_category"]:
        details += [("系统推定类别", e["proposed_category"]), ("调整原因", e["category_reason"] or "")]
    if e.get("tier"):
        details.append(("缴费档次", e["tier"]))
    if e.get("assistance"):
        details.append(("资助类别", e["assistance"]))
    details += [("个人缴费标准", _money(e["standard_fen"])), ("政府资助", _money(e["assisted_fen"])),
                ("个人应缴", _money(e["personal_fen"])), ("缴费日期", _cn(e["paid_on"])),
                ("待遇享受期", f"{_cn(e['benefit_start'])}至{_cn(e['benefit_end'])}")]
    status = STATUS_LABELS.get(e.get("status") or "active", e.get("status"))
    return kind, details, f"{kind}已办结（参保状态：{status}）", []


def _slip_change(ctx: Context, src: Source) -> tuple[str, list[tuple[str, str]], str, list[str]]:
    c = src.record
    label = CHANGE_FIELDS.get(c["field"], c["field"])
    level = "重要信息" if c["level"] == "important" else "基础信息"
    details = [("变更项目", f"{label}（{level}）"), ("变更前", _shown(c["field"], c["before"])),
               ("变更后", _shown(c["field"], c["after"]))]
    if c["reason"]:
        details.append(("变更原因", c["reason"]))
    if not c["review_levels"]:
        return f"变更登记（{level}）", [*details, ("生效日期", _cn(c["created_at"]))], "已办结，即时生效", []
    state = review_state(ctx, c["id"])
    return f"变更登记（{level}）", details, _review_result(state, "变更已生效"), []


def _review_result(state: ReviewState, done: str) -> str:
    if state.state == reviews.APPROVED:
        return f"{_cn(state.decided_on)}复核通过，{done}"
    if state.state == reviews.REJECTED:
        return f"{_cn(state.decided_on)}复核驳回" + (f"：{state.note}" if state.note else "")
    return "已受理，等待复核" + ("（二级复核）" if state.levels == 2 else "")


def _slip_termination(ctx: Context, src: Source) -> tuple[str, list[tuple[str, str]], str, list[str]]:
    t = src.record
    kind = "停保" if t["kind"] == "suspension" else "退保"
    e = _enrollment_of(ctx, src)
    details = [("参保年度", f"{e['year']}年度" if e else "—"),
               ("原因", t["reason"] + (f"（{t['reason_note']}）" if t["reason_note"] else "")),
               (f"{kind}日期", _cn(t["effective_on"]))]
    if t["death_date"]:
        details.append(("死亡日期", _cn(t["death_date"])))
    return kind, details, _review_result(review_state(ctx, t["id"]), f"已{kind}"), []


def _slip_refund(ctx: Context, src: Source) -> tuple[str, list[tuple[str, str]], str, list[str]]:
    r = src.record
    e = _enrollment_of(ctx, src)
    details = [("参保年度", f"{e['year']}年度" if e else "—"), ("退费原因", r["reason"]),
               ("适用情形", r["rule"]), ("退费金额", _money(r["amount_fen"]))]
    return "退费", details, _review_result(review_state(ctx, r["id"]), f"退费{_money(r['amount_fen'])}"), []


def _slip_offsite(ctx: Context, src: Source) -> tuple[str, list[tuple[str, str]], str, list[str]]:
    f = src.record
    action = OFFSITE_ACTIONS[f["action"]]
    until = _cn(f["valid_until"]) if f["valid_until"] else "长期有效"
    details: list[tuple[str, str]] = []
    old = one(ctx.db, "SELECT * FROM offsite_filings WHERE id = ?", [f["supersedes_id"]]) if f["supersedes_id"] else None
    if f["action"] == "change" and old is not None:
        for label, before, after in (
            ("人员类别", old["person_type_label"], f["person_type_label"]),
            ("就医地", _destination(old), _destination(f)),
            ("有效期至", _cn(old["valid_until"]) if old["valid_until"] else "长期有效", until),
        ):
            details.append((label, after if before == after else f"{before} → {after}"))
        details.append(("备案开始", _cn(f["start_on"])))
    else:
        details += [("人员类别", f["person_type_label"]), ("就医地", _destination(f)),
                    ("备案开始", _cn(f["start_on"])), ("有效期至", until)]
    if f["reason"]:
        details.append((f"{action}原因", f["reason"]))
    received = _loads(f["materials_received"])
    if received:
        details.append(("已收材料", "、".join(received)))
    result = "已取消备案" if f["action"] == "cancel" else f"已{action}，自{_cn(f['start_on'])}起生效"
    return f"异地就医{action}", details, result, []


def _slip_claim(ctx: Context, src: Source) -> tuple[str, list[tuple[str, str]], str, list[str]]:
    c = src.record
    bills = list(ctx.db.query("SELECT * FROM claim_bills WHERE claim_id = ? ORDER BY line", [c["id"]]))
    details = [("报销年度", f"{c['year']}年度"), ("参保类别", c["category"]), ("票据张数", str(len(bills))),
               ("票据金额合计", _money(c["total_fen"])), ("合规费用", _money(c["compliant_fen"])),
               ("测算基本医保", _money(c["estimate_basic_fen"])),
               ("测算大病保险", _money(c["estimate_critical_illness_fen"])),
               ("测算医疗救助", _money(c["estimate_medical_assistance_fen"])),
               ("测算个人负担", _money(c["estimate_personal_fen"]))]
    if c["offsite"]:
        details.insert(2, ("异地就医", c["offsite"]))
    step, missing, settled = _claim_status(ctx, c["id"])
    if missing:
        details.append(("尚缺材料", "；".join(missing)))
    result = {"受理": "已受理，等待审核", "审核": "已审核，等待结算"}.get(step, f"已结算{_money(settled)}")
    remarks = ["测算金额仅供参考，实际以审核结算为准"]
    return "零星报销", details, result, remarks


_SLIPS = {
    "enroll": _slip_enrollment, "renewal": _slip_enrollment, "change": _slip_change,
    "suspension": _slip_termination, "termination": _slip_termination, "refund": _slip_refund,
    "offsite_filing": _slip_offsite, "manual_claim": _slip_claim,
}


def processing_slip(ctx: Context, ref: str, *, paper: Paper | str = Paper.A4) -> ProcessingSlip:
    """综合业务处理单 of any business, with before/after values for changes."""
    src = find(ctx, ref)
    business, details, result, remarks = _SLIPS[src.business](ctx, src)
    reviewers = review_state(ctx, src.record["id"]).reviewers
    if src.receipt["void_reason"] is not None:
        remarks = [f"本业务收据已于{_cn(src.receipt['voided_at'])}作废：{src.receipt['void_reason']}", *remarks]
    return ProcessingSlip(header=_header_of(ctx, src), business=business, person=_person(src),
                          details=tuple(details), result=result,
                          reviewer="、".join(reviewers) if reviewers else None,
                          remarks=tuple(remarks), paper=Paper(paper))


# ---------------------------------------------------------------- 报销测算单




def estimate_facts(request: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The request's facts as (label, value) rows of the 报销测算单."""
    facts = [("参保地区", str(request.get("region", ""))), ("参保年度", f"{request.get('year', '')}年度")]
    if request.get("category"):
        facts.append(("参保类别", str(request["category"])))
    for key, label in (("tier", "缴费档次"), ("assistance", "救助对象"), ("offsite", "异地就医"),
                       ("benefit", "门诊待遇"), ("facility", "就医机构")):
        if request.get(key):
            facts.append((label, str(request[key])))
    level = request.get("hospital_level")
    if level not in (None, ""):
        facts.append(("医院等级", levels.NAMES.get(int(level), str(level)) if str(level).isdigit() else str(level)))
    if request.get("admission") not in (None, ""):
        facts.append(("住院次数", f"年度第 {request['admission']} 次"))
    return facts


def estimate_from_answer(request: Mapping[str, Any], answer: Mapping[str, Any], *, header: Header,
                         person: Person | None = None, paper: Paper | str = Paper.A4) -> ReimbursementEstimate:
    """报销测算单 of one `inpatient` / `outpatient` request and its answer (the CLI's path)."""
    kind = EstimateKind(request.get("calc", "inpatient"))
    return ReimbursementEstimate.from_answer(answer, compliant_cost=str(request.get("compliant_cost", "0")),
                                             header=header, kind=kind, facts=tuple(estimate_facts(request)),
                                             person=person, paper=Paper(paper))


def reimbursement_estimate(ctx: Context, ref: str, *, paper: Paper | str = Paper.A4) -> ReimbursementEstimate:
    """报销测算单 of a manual claim: the estimate stored with it (as shown at intake)."""
    src = find(ctx, ref)
    if src.business != "manual_claim":
        raise Refusal("not_applicable", f"收据“{src.serial}”不是零星报销，没有报销测算", "record")
    c = src.record
    estimates = _loads(c["estimate"])
    kinds = {e.get("calc") for e in estimates}
    if len(estimates) == 1:
        only = estimates[0]
        request = {"calc": only["calc"], "region": c["region"], "year": c["year"], **only["request"]}
        return estimate_from_answer(request, only["answer"], header=_header_of(ctx, src),
                                    person=_person(src), paper=paper)
    # Several bills: the claim's stored sums, each bill's trace under its own heading.
    trace: list[TraceStep] = []
    deductible = Decimal(0)
    for e in estimates:
        trace.append(TraceStep(step=f"第{e['line']}张票据（{'住院' if e['calc'] == 'inpatient' else '门诊'}）",
                               amount=to_money(e["request"].get("compliant_cost", "0")), source=""))
        trace += trace_from_answer(e["answer"].get("trace", ()))
        if e["answer"].get("deductible") is not None:
            deductible += to_money(e["answer"]["deductible"])
    facts = [("参保地区", c["region"]), ("参保年度", f"{c['year']}年度"), ("参保类别", c["category"]),
             ("票据张数", f"{len(estimates)}张（住院{sum(e['calc'] == 'inpatient' for e in estimates)}张、"
                          f"门诊{sum(e['calc'] == 'outpatient' for e in estimates)}张）")]
    if c["offsite"]:
        facts.append(("异地就医", c["offsite"]))
    kind = EstimateKind.INPATIENT if "inpatient" in kinds else EstimateKind.OUTPATIENT
    return ReimbursementEstimate(
        header=_header_of(ctx, src), kind=kind, facts=tuple(facts), compliant_cost=_yuan(c["compliant_fen"]),
        basic=_yuan(c["estimate_basic_fen"]), personal=_yuan(c["estimate_personal_fen"]),
        deductible=deductible if kinds == {"inpatient"} else None,
        critical_illness=_yuan(c["estimate_critical_illness_fen"]),
        medical_assistance=_yuan(c["estimate_medical_assistance_fen"]), trace=tuple(trace),
        person=_person(src), paper=Paper(paper))


# ---------------------------------------------------------------- 一次性告知单


def checklist_from_answer(answer: Mapping[str, Any], *, provided: Collection[str], header: Header,
                          person: Person | None = None, large_print: bool = False) -> ChecklistNotice:
    """一次性告知单 of a `materials` answer with the materials ticked (the CLI's path); what is
    still missing is judged as at intake (calc.Checklist.missing), so the notice asks for no
    more than the receipt of the same business does."""
    missing = calc.missing_materials(list(answer["materials"]), provided)
    return ChecklistNotice.from_answer(
        answer, provided=set(provided), missing=tuple(missing), header=header, item=str(answer.get("item", "")),
        basis=str(answer.get("document") or answer.get("source") or ""), person=person,
        time_limit=answer.get("time_limit") or "", phone=answer.get("hotline") or "",
        large_print=large_print)


def checklist(ctx: Context, item: str, *, provided: Collection[str] = (), person_type: str | None = None,
              channel: str | None = None, year: int | None = None, id_number: str | None = None,
              large_print: bool = False) -> ChecklistNotice:
    """一次性告知单 of a business asked at the counter (no record yet), the ticked materials."""
    request = {"calc": "materials", "region": ctx.region, "year": year or ctx.policy_year(), "item": item}
    if person_type:
        request["person_type"] = person_type
    if channel:
        request["channel"] = channel
    answer = ctx.ask(request)
    person = None
    if id_number:
        row = one(ctx.db, "SELECT name, id_number FROM persons WHERE id_number = ?", [id_number])
        if row:
            person = Person(name=row["name"], id_number=row["id_number"])
    return checklist_from_answer(answer, provided=provided, header=_counter_header(ctx), person=person,
                                 large_print=large_print)


def checklist_for(ctx: Context, ref: str, *, provided: Collection[str] | None = None,
                  large_print: bool = False) -> ChecklistNotice:
    """一次性告知单 of a recorded business: its materials item, the materials received as stored
    (filings, claims with their supplements) or `provided` (the ticks of the window)."""
    src = find(ctx, ref)
    item = MATERIALS_ITEMS[src.business]
    received: list[str] = list(provided or ())
    if provided is None and "materials_received" in src.record:
        received = _loads(src.record["materials_received"])
        if src.business == "manual_claim":
            for row in ctx.db.query("SELECT materials_received FROM claim_supplements WHERE claim_id = ?",
                                    [src.record["id"]]):
                received += _loads(row["materials_received"])
    request: dict[str, Any] = {"calc": "materials", "region": _region(ctx, src), "year": _year(ctx, src),
                               "item": item}
    if src.business == "offsite_filing":
        request["person_type"] = src.record["person_type_label"]
    try:
        answer = ctx.ask(request)
    except Refusal as refusal:
        if refusal.code != "no_policy_for_year":
            raise
        answer = ctx.ask({**request, "year": ctx.policy_year()})
    return checklist_from_answer(answer, provided=received, header=_header_of(ctx, src),
                                 person=_person(src), large_print=large_print)


# ---------------------------------------------------------------- 日结报表


def day_report(ctx: Context, day: date, *, operator_id: str | None = None,
               hall_code: str | None = None, window_code: str | None = None) -> DayReport:
    """日结报表 of one clerk (`operator_id`), one window (`window_code`) or the whole hall for
    `day` (every window's businesses as far as pulled from the hub)."""
    hall = hall_code or ctx.hall_code
    data = reports.day_end(ctx.db, day, hall_code=hall, operator_id=operator_id, window_code=window_code)
    counts: dict[str, int] = {}
    assessed: dict[str, int] = {}  # label -> contributions assessed (fen)
    other: dict[str, tuple[str, int]] = {}  # label -> (what the amount is, fen)
    for r in data.businesses:
        if r["business"] in REVIEW_BUSINESS and r["action"] in REVIEW_ACTIONS:
            label = f"{REVIEW_BUSINESS[r['business']]}{REVIEW_ACTIONS[r['action']]}"
        else:
            label = DAY_LABELS.get((r["business"], r["action"])) or (
                "无权限被拒绝" if r["action"] == "refused" else f"{r['business']}（{r['action']}）"
            )
        counts[label] = counts.get(label, 0) + r["count"]
        amount = r["amount_fen"] or 0
        if r["business"] in ASSESSED:
            assessed[label] = assessed.get(label, 0) + amount
        elif amount:
            word, before = other.get(label, (AMOUNT_WORDS.get(r["business"], "金额"), 0))
            other[label] = (word, before + amount)
    businesses = tuple(
        BusinessCount(business=f"{label}（{other[label][0]}{_money(other[label][1])}）" if label in other else label,
                      count=count, assessed=_yuan(assessed.get(label, 0)))
        for label, count in counts.items()
    )
    lo, hi = day.isoformat(), (day + timedelta(days=1)).isoformat()
    where, params = "r.hall_code = ?", [hall]
    if operator_id:
        where += " AND r.operator_id = ?"
        params.append(operator_id)
    if window_code:
        where += " AND r.window_code = ?"
        params.append(window_code)
    entries = list(ctx.db.query(
        "SELECT r.serial, r.business, r.created_at, p.name, v.reason AS void_reason, v.created_at AS voided_at "
        "FROM receipts r LEFT JOIN persons p ON p.id = r.person_id "
        "LEFT JOIN receipt_voids v ON v.serial = r.serial "
        f"WHERE {where} AND ((r.created_at >= ? AND r.created_at < ?) OR (v.created_at >= ? AND v.created_at < ?)) "
        "ORDER BY r.serial", [*params, lo, hi, lo, hi]))
    receipt_rows = tuple(ReceiptEntry(
        serial=e["serial"], business=BUSINESS_LABELS.get(e["business"], e["business"]),
        person_name=e["name"] or "", issued_at=datetime.fromisoformat(e["created_at"]).replace(tzinfo=None),
        voided=e["void_reason"] is not None, void_reason=e["void_reason"]) for e in entries)
    if operator_id:
        window = one(ctx.db, "SELECT window_code FROM receipts WHERE operator_id = ? AND hall_code = ? "
                     "ORDER BY created_at DESC LIMIT 1", [operator_id, hall])
        window_code = window["window_code"] if window else ctx.window
        f = furniture(ctx, hall, window_code, operator_id)
        scope = f"{f.window} {f.clerk}"
        head = header(ctx, hall_code=hall, window_code=window_code, operator_id=operator_id, serial=None)
    elif window_code:
        scope = f"{window_code}号窗口"
        head = header(ctx, hall_code=hall, window_code=window_code, operator_id=ctx.operator_id, serial=None)
    else:
        scope = "全厅"
        head = header(ctx, hall_code=hall, window_code=ctx.window, operator_id=ctx.operator_id, serial=None)
    return DayReport(header=head, day=day, scope=scope, businesses=businesses, receipts=receipt_rows)


# ---------------------------------------------------------------- what a visit prints


def visit_documents(ctx: Context, ref: str, *, paper: Paper | str = Paper.A4) -> list[Document]:
    """What the window prints right after a business: 缴费通知单 + 受理回执 for an enrollment,
    异地就医备案回执 for a filing, 受理回执 + 报销测算单 for a claim, else the 受理回执."""
    src = find(ctx, ref)
    if src.business in ("enroll", "renewal"):
        return [payment_notice(ctx, src.serial, paper=paper), acceptance_receipt(ctx, src.serial, paper=paper)]
    if src.business == "offsite_filing":
        return [offsite_receipt(ctx, src.serial, paper=paper)]
    if src.business == "manual_claim":
        estimate_paper = paper if Paper(paper) in ReimbursementEstimate.PAPERS else Paper.A4
        return [acceptance_receipt(ctx, src.serial, paper=paper),
                reimbursement_estimate(ctx, src.serial, paper=estimate_paper)]
    return [acceptance_receipt(ctx, src.serial, paper=paper)]


RECORD_KINDS = {
    "receipt": acceptance_receipt,
    "payment_notice": payment_notice,
    "offsite_receipt": offsite_receipt,
    "processing_slip": processing_slip,
    "estimate": reimbursement_estimate,
}


def for_record(ctx: Context, kind: str, ref: str, *, paper: Paper | str = Paper.A4) -> Document:
    """The document `kind` (receipt, payment_notice, offsite_receipt, processing_slip, estimate)
    of a recorded business; refuses a paper the document does not print on."""
    builder = RECORD_KINDS.get(kind)
    if builder is None:
        raise Refusal("unknown_kind", f"未知的单据类型“{kind}”（可选：{'、'.join(RECORD_KINDS)}）", "kind")
    try:
        return builder(ctx, ref, paper=Paper(paper))
    except ValueError as err:
        if "prints on" in str(err) or "is not a valid Paper" in str(err):
            raise Refusal("invalid_paper", f"该单据不能用{paper}纸张打印（{err}）", "paper") from None
        raise


# ---------------------------------------------------------------- print + archive


@dataclass(frozen=True)
class Printed:
    pdf: bytes
    archived: Path  # the archive copy (never overwritten)
    kind: str
    serial: str | None


def db_file(ctx: Context) -> Path | None:
    """The database file the context's connection has open (None for an in-memory one)."""
    try:
        row = ctx.db.execute("PRAGMA database_list").fetchone()
    except sqlite3.Error:
        return None
    return Path(row[2]) if row and row[2] else None


def archive_folder(ctx: Context) -> Path:
    """The hall's archive folder: the `archive_folder` hall setting (services/hall.py), else
    `archive/` beside the database file."""
    setting = (account_rows.settings(ctx.db).get(ARCHIVE_SETTING) or "").strip()
    return paths.archive_dir(setting or None, db=db_file(ctx))


def archive(pdf: bytes, *, folder: Path, kind: str, name: str, month: date) -> Path:
    """Write `<folder>/YYYY/MM/<name>-<kind>.pdf`; a reprint gets `-2`, `-3` … (never overwrites)."""
    target_dir = folder / f"{month.year:04d}" / f"{month.month:02d}"
    target_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{name}-{kind}"
    n = 1
    while True:
        target = target_dir / (f"{stem}.pdf" if n == 1 else f"{stem}-{n}.pdf")
        try:
            with open(target, "xb") as out:  # exclusive: two windows printing at once never collide
                out.write(pdf)
            return target
        except FileExistsError:
            n += 1


def _archive_name(ctx: Context, document: Document) -> tuple[str, date]:
    serial = document.header.serial
    if serial:
        receipt = receipts.get(ctx.db, serial)
        issued = datetime.fromisoformat(receipt["created_at"]).date() if receipt else ctx.today()
        return serial, issued
    if isinstance(document, DayReport):
        scope = "hall" if document.scope == "全厅" else "".join(ch for ch in document.scope if ch.isalnum())
        return f"{ctx.hall_code}-{document.day:%Y%m%d}-{scope}", document.day
    now = ctx.now()
    return f"{ctx.hall_code}-{ctx.window}-{now:%Y%m%d-%H%M%S}", now.date()


def print_document(ctx: Context, document: Document, *, kind: str | None = None,
                   folder: Path | None = None) -> Printed:
    """Render `document` and keep the PDF in the hall's archive; returns both."""
    pdf = render(document)
    name, month = _archive_name(ctx, document)
    chosen = kind or KIND_OF[type(document)]
    path = archive(pdf, folder=folder or archive_folder(ctx), kind=chosen, name=name, month=month)
    return Printed(pdf, path, chosen, document.header.serial)


def print_all(ctx: Context, documents: Iterable[Document], *, folder: Path | None = None) -> list[Printed]:
    return [print_document(ctx, d, folder=folder) for d in documents]
