"""异地就医备案回执 of a filing (or of its change / cancellation), and the off-site rule it cites
(worded by the policy layer)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from desktop.documents.model import OffsiteFilingReceipt, Paper
from desktop.errors import Refusal
from desktop.services import verification
from desktop.services.context import Context
from desktop.services.printing.furniture import header_of
from desktop.services.printing.lookup import find, hotline, pack_of, person_of
from desktop.services.printing.text import cn_day, day_of, loads


def destination(filing: Mapping[str, Any]) -> str:
    """就医地 of a filing: province and city."""
    return filing["destination_province"] + (filing["destination_city"] or "")


def rule_text(ctx: Context, region: str, year: int, person_type_label: str) -> str:
    """The pack's 待遇 rule for a person type as desktop.policy.api words it (its one home),
    a general line where the year has no pack."""
    from desktop.policy import api

    try:
        return api.offsite_rule(region, year, person_type_label, ctx.packs)
    except Refusal:  # no pack for the year: nothing to cite
        return "待遇标准按参保地政策执行"


def offsite_receipt(ctx: Context, ref: str, *, paper: Paper | str = Paper.A4) -> OffsiteFilingReceipt:
    """异地就医备案回执 of a filing (or of its change / cancellation)."""
    src = find(ctx, ref)
    if src.business != "offsite_filing":
        raise Refusal("not_applicable", f"收据“{src.serial}”不是异地就医备案", "record")
    f = src.record
    notes = []
    if f["action"] == "cancel":
        notes.append(f"本备案已于{cn_day(f['created_at'])}取消" + (f"，原因：{f['reason']}" if f["reason"] else ""))
    elif f["action"] == "change" and f["reason"]:
        notes.append(f"本回执为变更后的备案，变更原因：{f['reason']}")
    notes += ["就医时请出示医保电子凭证或社会保障卡，在就医地定点医疗机构直接结算",
              "扫描二维码可核验回执真伪"]
    start = day_of(f["start_on"])
    year = start.year if start else src.issued.year
    rule_year = year if pack_of(ctx, f["region"], year) else src.issued.year
    return OffsiteFilingReceipt(
        header=header_of(ctx, src), person=person_of(src), person_type=f["person_type_label"],
        destination=destination(f), start=date.fromisoformat(f["start_on"]),
        end=day_of(f["valid_until"]) if f["action"] != "cancel" else day_of(f["created_at"]),
        rule=rule_text(ctx, f["region"], rule_year, f["person_type_label"]),
        materials=tuple(loads(f["materials_received"])), notes=tuple(notes),
        phone=hotline(ctx, f["region"], rule_year), qr_text=verification.qr_text(ctx.db, src.serial),
        paper=Paper(paper))
