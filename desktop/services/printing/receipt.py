"""受理回执 of any business: what was accepted, what happens next and when, with the QR check.
Each business words its own lines here; the enrollment's terms come from printing.payment."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop.documents.model import AcceptanceReceipt, Paper
from desktop.errors import Refusal
from desktop.records import reviews
from desktop.services import labels, verification
from desktop.services.context import Context
from desktop.services.printing.furniture import header_of
from desktop.services.printing.lookup import (
    Source,
    claim_status,
    enrollment_of,
    find,
    hotline,
    person_of,
    region_of,
    time_limit,
    year_of,
)
from desktop.services.printing.offsite import destination
from desktop.services.printing.payment import benefit_line, enrollment_terms
from desktop.services.printing.review import review_state, review_steps
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

Lines = tuple[str, list[str], list[str]]  # the business, what was accepted, 后续办理


def _enrollment(ctx: Context, src: Source) -> Lines:
    e = enrollment_of(ctx, src) or src.record
    kind = enrollment_kind(src.business)
    business = f"城乡居民医保{kind}（{e['year']}年度）"
    what = f"{e['year']}年度城乡居民基本医疗保险{kind}：{e['category']}"
    if e.get("tier"):
        what += f"，{e['tier']}"
    accepted = [what]
    if e["category"] != e["proposed_category"]:
        accepted.append(f"参保类别由系统推定的“{e['proposed_category']}”调整为“{e['category']}”，原因：{e['category_reason']}")
    if e.get("assistance"):
        accepted.append(f"资助参保：{e['assistance']}，政府资助{fen_money(e['assisted_fen'])}")
    accepted.append(f"个人应缴金额：{fen_money_words(e['personal_fen'])}；个人缴费标准{fen_money(e['standard_fen'])}")
    steps = []
    if e["personal_fen"]:
        steps.append(enrollment_terms(ctx, src, e).step)
    steps.append(benefit_line(e) + ("，自缴费到账后按上述日期享受待遇" if e["personal_fen"] else ""))
    status = e.get("status")
    if status and status != "active":
        steps.append(f"注：该参保登记当前状态为{labels.STATUSES.get(status, status)}")
    return business, accepted, steps


def _change(ctx: Context, src: Source) -> Lines:
    c = src.record
    label, level = change_subject(c)
    accepted = [f"变更{label}（{level}）：{shown(c['field'], c['before'])} → {shown(c['field'], c['after'])}"]
    if c["reason"]:
        accepted.append(f"变更原因：{c['reason']}")
    if not c["review_levels"]:
        steps = [f"变更已于{cn_day(c['created_at'])}即时生效"]
    else:
        state = review_state(ctx, c["id"])
        steps = review_steps(state, what="变更生效", done="变更已生效")
        if state.state == reviews.PENDING:
            steps += _change_terms(ctx, c)
    return "城乡居民医保变更登记", accepted, steps


def _change_terms(ctx: Context, row: Mapping[str, Any]) -> list[str]:
    """What a change waiting for review needs and how long the review takes (the year's rules)."""
    from desktop.services import change

    try:
        materials, limit = change.review_terms(ctx, dict(row))
    except Refusal:  # the year's pack names no change rules: nothing to add
        return []
    lines = ["需提供：" + "；".join(materials)] if materials else []
    return [*lines, f"审核时限：{limit}" if limit else "审核时限：以经办机构通知为准"]


def _termination(ctx: Context, src: Source) -> Lines:
    t = src.record
    kind = stop_kind(t)
    year = year_text(enrollment_of(ctx, src))
    accepted = [f"{year}城乡居民医保{kind}申请，原因：{reason_text(t)}", f"{kind}日期：{cn_day(t['effective_on'])}"]
    if t["death_date"]:
        accepted.append(f"死亡日期：{cn_day(t['death_date'])}")
    steps = review_steps(review_state(ctx, t["id"]), what=f"自{cn_day(t['effective_on'])}起{kind}",
                         done=f"自{cn_day(t['effective_on'])}起{kind}")
    return f"城乡居民医保{kind}", accepted, steps


def _refund(ctx: Context, src: Source) -> Lines:
    r = src.record
    year = year_text(enrollment_of(ctx, src))
    accepted = [f"{year}城乡居民医保个人缴费退费申请，原因：{r['reason']}",
                f"申请退费金额：{fen_money_words(r['amount_fen'])}", f"适用情形：{r['rule']}"]
    steps = review_steps(review_state(ctx, r["id"]), what=f"退还个人缴费{fen_money(r['amount_fen'])}",
                         done=f"退还个人缴费{fen_money(r['amount_fen'])}")
    return "城乡居民医保退费", accepted, steps


def _offsite(ctx: Context, src: Source) -> Lines:
    f = src.record
    action = labels.OFFSITE_ACTIONS[f["action"]]
    accepted = [f"异地就医{action}：{f['person_type_label']}，就医地{destination(f)}"]
    until = cn_day(f["valid_until"]) if f["valid_until"] else "长期有效（至申请变更或取消备案）"
    if f["reason"]:
        accepted.append(f"{action}原因：{f['reason']}")
    received = loads(f["materials_received"])
    if received:
        accepted.append("已收材料：" + "、".join(received))
    if f["action"] == "cancel":
        steps = [f"备案已于{cn_day(f['created_at'])}取消，此后在原就医地发生的费用不再按备案直接结算"]
    else:
        steps = [f"备案自{cn_day(f['start_on'])}起生效，有效期至{until}",
                 "在就医地定点医疗机构就医时请出示医保电子凭证或社会保障卡"]
    return f"异地就医{action}", accepted, steps


def _claim(ctx: Context, src: Source) -> Lines:
    c = src.record
    bills = ctx.db.execute("SELECT count(*) FROM claim_bills WHERE claim_id = ?", [c["id"]]).fetchone()[0]
    outside = c["total_fen"] - c["compliant_fen"]
    accepted = [f"{c['year']}年度零星报销申请：医疗收费票据{bills}张，金额合计{fen_money(c['total_fen'])}",
                f"合规费用{fen_money(c['compliant_fen'])}；政策外自费{fen_money(outside)}",
                f"测算基本医保支付{fen_money(c['estimate_basic_fen'])}；测算个人合计负担"
                f"{fen_money(c['estimate_personal_fen'] + outside)}（测算仅供参考，以审核结算为准）"]
    step, missing, settled = claim_status(ctx, c["id"])
    steps = []
    if step == "受理":
        if missing:
            steps.append("请补交材料：" + "；".join(missing) + "，材料齐全后进入审核")
        else:
            steps.append("材料已齐全，等待审核")
        limit = time_limit(ctx, c["region"], c["year"], "零星报销")
        if limit:
            steps.append(f"办理时限：{limit}")
    elif step == "审核":
        steps.append("已审核，等待结算")
    else:
        steps.append(f"已结算，结算金额{fen_money(settled)}")
    return "零星报销", accepted, steps


def _chronic(ctx: Context, src: Source) -> Lines:
    from desktop.services import chronic_application

    return chronic_application.receipt_lines(ctx, src.record)


_LINES = {
    "chronic_application": _chronic,
    "enroll": _enrollment, "renewal": _enrollment, "change": _change,
    "suspension": _termination, "termination": _termination,
    "refund": _refund, "offsite_filing": _offsite, "manual_claim": _claim,
}


def acceptance_receipt(ctx: Context, ref: str, *, paper: Paper | str = Paper.A4) -> AcceptanceReceipt:
    """受理回执 of any business: what was accepted, what happens next and when, with the QR check."""
    src = find(ctx, ref)
    if src.business not in _LINES:  # a 参保证明 is its own paper (services/certificate.py)
        raise Refusal("not_applicable", f"收据“{src.serial}”是{labels.BUSINESSES.get(src.business, src.business)}，"
                      "没有受理回执", "record")
    business, accepted, steps = _LINES[src.business](ctx, src)
    if src.receipt["void_reason"] is not None:
        steps = [f"本回执已于{cn_day(src.receipt['voided_at'])}作废：{src.receipt['void_reason']}", *steps]
    steps.append("扫描本回执二维码可核验回执真伪")
    return AcceptanceReceipt(
        header=header_of(ctx, src), business=business, person=person_of(src), accepted=tuple(accepted),
        next_steps=tuple(steps), phone=hotline(ctx, region_of(ctx, src), year_of(ctx, src)),
        qr_text=verification.qr_text(ctx.db, src.serial), paper=Paper(paper))
