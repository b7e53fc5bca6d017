"""缴费通知单 of an enrollment, and when its contribution is due (the terms the 受理回执 and the
家庭受理回执 repeat)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop.documents.format import cn_date
from desktop.documents.model import Paper, PaymentNotice
from desktop.errors import Refusal
from desktop.policy.money import from_fen
from desktop.services import labels, verification
from desktop.services.context import Context
from desktop.services.printing.furniture import header_of
from desktop.services.printing.lookup import Source, enrollment_of, find, pack_of, person_of
from desktop.services.printing.text import cn_day, loads_obj


@dataclass(frozen=True)
class PayTerms:
    """When an enrollment's contribution is due, as printed on the day the paper is printed."""

    deadline: date | None  # None: passed before this print (a reprint): no stale date printed
    note: str | None  # beside the deadline (late enrollment) or in its place (passed)
    step: str  # the 受理回执's 后续办理 line


PASSED = "缴费期限已过，如需缴费请向经办窗口咨询"


def enrollment_terms(ctx: Context, src: Source, enrollment: Mapping[str, Any]) -> PayTerms:
    """The year's deadline as the policy layer gives it (for a late enrollment the day of issue);
    on a print after it has passed, no deadline at all. "请于X前" is never printed on X itself:
    that day is 当日."""
    from desktop.policy import api

    issued = src.issued
    try:
        due, note = api.payment_deadline(enrollment["region"], enrollment["year"], issued, ctx.packs)
    except Refusal:
        due, note = issued, "政策包未载入，按开单当日缴费"
    today = ctx.today()
    if today > due:
        return PayTerms(None, PASSED, PASSED)
    if due == issued and note:  # late: the day of issue
        why = note.removesuffix("，请于开单当日缴费").removesuffix("，按开单当日缴费")
        return PayTerms(due, note, f"请于开单当日（{cn_date(due)}）按缴费通知单缴费（{why}）")
    if due == today:
        return PayTerms(due, note, f"请于当日（{cn_date(due)}）按缴费通知单缴费")
    return PayTerms(due, note, f"请于{cn_date(due)}前按缴费通知单缴费")


def benefit_line(enrollment: Mapping[str, Any]) -> str:
    """待遇享受期 of an enrollment, with its waiting period or retroactive start."""
    line = (f"待遇享受期：{cn_day(enrollment['benefit_start'])}至{cn_day(enrollment['benefit_end'])}")
    if enrollment["waiting_months"]:
        line += f"（含待遇等待期{enrollment['waiting_months']}个月）"
    if enrollment["retroactive"]:
        line += "（待遇追溯享受）"
    return line


def payment_notice(ctx: Context, ref: str, *, paper: Paper | str = Paper.A4) -> PaymentNotice:
    """缴费通知单 of an enrollment: the stored amounts, the pack's channels and deadline."""
    src = find(ctx, ref)
    if src.business not in ("enroll", "renewal"):
        raise Refusal("not_applicable", f"收据“{src.serial}”是{labels.BUSINESSES.get(src.business, src.business)}，"
                      "缴费通知单只能为参保登记或续保打印", "record")
    e = enrollment_of(ctx, src) or src.record
    pack = pack_of(ctx, e["region"], e["year"])
    channels: tuple[str, ...] = ()
    if pack is not None and pack.payment_channels is not None:
        channels = tuple(f"{c.name}：{c.how}" for c in pack.payment_channels.items)
    terms = enrollment_terms(ctx, src, e)
    # 其中长期护理保险 only where the region's contributions include it (天津's do not: 004 §二)
    has_ltc = pack is None or any(row.ltc for row in pack.contribution) or bool(e["ltc_fen"])
    rule = loads_obj(e.get("trace")).get("benefit_rule")
    return PaymentNotice(
        header=header_of(ctx, src), person=person_of(src), region=e["region"], policy_year=e["year"],
        category=e["category"], standard=from_fen(e["standard_fen"]),
        ltc=from_fen(e["ltc_fen"]) if has_ltc else None,
        assisted=from_fen(e["assisted_fen"]), personal=from_fen(e["personal_fen"]),
        channels=channels or ("请向窗口咨询缴费渠道",), deadline=terms.deadline, deadline_note=terms.note,
        benefit_start=date.fromisoformat(e["benefit_start"]),
        benefit_end=date.fromisoformat(e["benefit_end"]), tier=e.get("tier"),
        assistance=e.get("assistance"), waiting_months=e["waiting_months"],
        benefit_note=f"待遇起始依据：{rule}" if rule else None,
        phone=pack.offices.hotline if pack is not None and pack.offices else None,
        qr_text=verification.qr_text(ctx.db, src.serial), paper=Paper(paper))
