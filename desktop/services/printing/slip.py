"""综合业务处理单 of any business: its details (before/after values for changes), the result,
the reviewers."""

from __future__ import annotations

from desktop.documents.model import Paper, ProcessingSlip
from desktop.records.rows import one
from desktop.services import labels
from desktop.services.context import Context
from desktop.services.printing.furniture import header_of
from desktop.services.printing.lookup import Source, claim_status, enrollment_of, find, person_of
from desktop.services.printing.offsite import destination
from desktop.services.printing.review import review_result, review_state
from desktop.services.printing.text import (
    change_subject,
    cn_day,
    enrollment_kind,
    fen_money,
    fen_money_words,
    loads,
    reason_text,
    shown,
    stop_kind,
    year_text,
)

Slip = tuple[str, list[tuple[str, str]], str, list[str]]  # business, details, result, remarks


def _enrollment(ctx: Context, src: Source) -> Slip:
    e = enrollment_of(ctx, src) or src.record
    kind = enrollment_kind(src.business)
    details = [("参保年度", f"{e['year']}年度"), ("统筹区", e["region"]), ("参保缴费身份", e["category"])]
    if e["category"] != e["proposed_category"]:
        details += [("系统推定类别", e["proposed_category"]), ("调整原因", e["category_reason"] or "")]
    if e.get("tier"):
        details.append(("缴费档次", e["tier"]))
    if e.get("assistance"):
        details.append(("资助类别", e["assistance"]))
    details += [("个人缴费标准", fen_money(e["standard_fen"])), ("政府资助", fen_money(e["assisted_fen"])),
                ("个人应缴", fen_money_words(e["personal_fen"])), ("缴费日期", cn_day(e["paid_on"])),
                ("待遇享受期", f"{cn_day(e['benefit_start'])}至{cn_day(e['benefit_end'])}")]
    status = labels.STATUSES.get(e.get("status") or "active", e.get("status"))
    return kind, details, f"{kind}已办结（参保状态：{status}）", []


def _change(ctx: Context, src: Source) -> Slip:
    c = src.record
    label, level = change_subject(c)
    details = [("变更项目", f"{label}（{level}）"), ("变更前", shown(c["field"], c["before"])),
               ("变更后", shown(c["field"], c["after"]))]
    if c["reason"]:
        details.append(("变更原因", c["reason"]))
    if not c["review_levels"]:
        return f"变更登记（{level}）", [*details, ("生效日期", cn_day(c["created_at"]))], "已办结，即时生效", []
    state = review_state(ctx, c["id"])
    return f"变更登记（{level}）", details, review_result(state, "变更已生效"), []


def _termination(ctx: Context, src: Source) -> Slip:
    t = src.record
    kind = stop_kind(t)
    details = [("参保年度", year_text(enrollment_of(ctx, src), "—")), ("原因", reason_text(t)),
               (f"{kind}日期", cn_day(t["effective_on"]))]
    if t["death_date"]:
        details.append(("死亡日期", cn_day(t["death_date"])))
    return kind, details, review_result(review_state(ctx, t["id"]), f"已{kind}"), []


def _refund(ctx: Context, src: Source) -> Slip:
    r = src.record
    details = [("参保年度", year_text(enrollment_of(ctx, src), "—")), ("退费原因", r["reason"]),
               ("适用情形", r["rule"]), ("退费金额", fen_money_words(r["amount_fen"]))]
    return "退费", details, review_result(review_state(ctx, r["id"]), f"退费{fen_money(r['amount_fen'])}"), []


def _offsite(ctx: Context, src: Source) -> Slip:
    f = src.record
    action = labels.OFFSITE_ACTIONS[f["action"]]
    until = cn_day(f["valid_until"]) if f["valid_until"] else "长期有效"
    details: list[tuple[str, str]] = []
    old = one(ctx.db, "SELECT * FROM offsite_filings WHERE id = ?", [f["supersedes_id"]]) if f["supersedes_id"] else None
    if f["action"] == "change" and old is not None:
        for label, before, after in (
            ("人员类别", old["person_type_label"], f["person_type_label"]),
            ("就医地", destination(old), destination(f)),
            ("有效期至", cn_day(old["valid_until"]) if old["valid_until"] else "长期有效", until),
        ):
            details.append((label, after if before == after else f"{before} → {after}"))
        details.append(("备案开始", cn_day(f["start_on"])))
    else:
        details += [("人员类别", f["person_type_label"]), ("就医地", destination(f)),
                    ("备案开始", cn_day(f["start_on"])), ("有效期至", until)]
    if f["reason"]:
        details.append((f"{action}原因", f["reason"]))
    received = loads(f["materials_received"])
    if received:
        details.append(("已收材料", "、".join(received)))
    result = "已取消备案" if f["action"] == "cancel" else f"已{action}，自{cn_day(f['start_on'])}起生效"
    return f"异地就医{action}", details, result, []


def _claim(ctx: Context, src: Source) -> Slip:
    c = src.record
    bills = list(ctx.db.query("SELECT * FROM claim_bills WHERE claim_id = ? ORDER BY line", [c["id"]]))
    details = [("报销年度", f"{c['year']}年度"), ("参保类别", c["category"]), ("票据张数", str(len(bills))),
               ("票据金额合计", fen_money(c["total_fen"])), ("合规费用", fen_money(c["compliant_fen"])),
               ("政策外自费", fen_money(c["total_fen"] - c["compliant_fen"])),
               ("测算基本医保", fen_money(c["estimate_basic_fen"])),
               ("测算大病保险", fen_money(c["estimate_critical_illness_fen"])),
               ("测算医疗救助", fen_money(c["estimate_medical_assistance_fen"])),
               ("测算合规费用中个人负担", fen_money(c["estimate_personal_fen"])),
               ("测算个人合计负担", fen_money(c["estimate_personal_fen"] + c["total_fen"] - c["compliant_fen"]))]
    if c["offsite"]:
        details.insert(2, ("异地就医", c["offsite"]))
    step, missing, settled = claim_status(ctx, c["id"])
    if missing:
        details.append(("尚缺材料", "；".join(missing)))
    result = {"受理": "已受理，等待审核", "审核": "已审核，等待结算"}.get(step, f"已结算{fen_money(settled)}")
    remarks = ["测算金额仅供参考，实际以审核结算为准"]
    return "零星报销", details, result, remarks


_SLIPS = {
    "enroll": _enrollment, "renewal": _enrollment, "change": _change,
    "suspension": _termination, "termination": _termination, "refund": _refund,
    "offsite_filing": _offsite, "manual_claim": _claim,
}


def processing_slip(ctx: Context, ref: str, *, paper: Paper | str = Paper.A4) -> ProcessingSlip:
    """综合业务处理单 of any business, with before/after values for changes."""
    src = find(ctx, ref)
    business, details, result, remarks = _SLIPS[src.business](ctx, src)
    reviewers = review_state(ctx, src.record["id"]).reviewers
    if src.receipt["void_reason"] is not None:
        remarks = [f"本业务收据已于{cn_day(src.receipt['voided_at'])}作废：{src.receipt['void_reason']}", *remarks]
    return ProcessingSlip(header=header_of(ctx, src), business=business, person=person_of(src),
                          details=tuple(details), result=result,
                          reviewer="、".join(reviewers) if reviewers else None,
                          remarks=tuple(remarks), paper=Paper(paper))
