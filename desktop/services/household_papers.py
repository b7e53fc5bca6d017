"""The papers of a household's 参保登记/续保 visit: one 缴费通知单 per person (each pays
separately) and one 家庭受理回执 for the visit (documents/household_receipt.py), from the
records. A visit of one person keeps its own 受理回执 (printing.visit_documents)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from desktop.documents.household_receipt import HouseholdLine, HouseholdReceipt
from desktop.documents.model import Paper
from desktop.errors import Refusal
from desktop.policy.money import from_fen
from desktop.records import households
from desktop.services import labels, printing, verification
from desktop.services.context import Context

ENROLLMENTS = ("enroll", "renewal")  # the businesses a household visit prints for


def household_receipt(ctx: Context, serials: Sequence[str], *, paper: Paper | str = Paper.ROLL_80) -> HouseholdReceipt:
    """家庭受理回执 of the enrollments of `serials` (one visit, one policy year)."""
    sources = [printing.find(ctx, serial) for serial in serials]
    if not sources or any(src.business not in ENROLLMENTS for src in sources):
        raise Refusal("not_applicable", "家庭受理回执只能为同一次来访的参保登记或续保打印", "record")
    lines, total = [], Decimal(0)
    for src in sources:
        e = src.record
        member = households.membership(ctx.db, src.person["id"]) if src.person else None
        personal = from_fen(e["personal_fen"])
        total += personal
        lines.append(HouseholdLine(
            name=src.person["name"] if src.person else "", id_number=src.person["id_number"] if src.person else "",
            relationship=member["relationship"] if member else "—", business=labels.BUSINESSES[src.business],
            category=e["category"], personal=personal, benefit_start=date.fromisoformat(e["benefit_start"]),
            serial=src.serial))
    first = sources[0]
    terms = printing.enrollment_terms(ctx, first, first.record)
    steps = []
    if total:  # the single receipt's step (deadline, 当日, late or passed) said for every member
        steps.append(terms.step.replace("按缴费通知单缴费", "按每人的缴费通知单分别缴费"))
    steps += ["缴费到账后，各人按上列“待遇开始”日期享受待遇", "扫描本回执二维码可核验回执真伪"]
    year = int(first.record["year"])
    return HouseholdReceipt(
        header=printing.header_of(ctx, first), policy_year=year, members=tuple(lines), total=total,
        next_steps=tuple(steps), phone=printing.hotline(ctx, first.record["region"], year),
        qr_text=verification.qr_text(ctx.db, first.serial), paper=Paper(paper))


def visit_papers(ctx: Context, serials: Sequence[str], *, paper: Paper | str = Paper.ROLL_80) -> list:
    """What the window prints after a household's visit: each member's 缴费通知单, then one
    家庭受理回执 (a visit of one person: its notice and its own 受理回执)."""
    if len(serials) == 1:
        return printing.visit_documents(ctx, serials[0], paper=paper)
    return [*(printing.payment_notice(ctx, s, paper=paper) for s in serials),
            household_receipt(ctx, serials, paper=paper)]
