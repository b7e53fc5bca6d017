"""报销测算单: of a calculator request and its answer (the CLI's and the calculator page's path),
or of a stored manual claim (as shown at intake)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from desktop.documents.model import (
    EstimateKind,
    Header,
    Paper,
    Person,
    ReimbursementEstimate,
    TraceStep,
    to_money,
    trace_from_answer,
)
from desktop.errors import Refusal
from desktop.policy import levels
from desktop.policy.money import from_fen
from desktop.services.context import Context
from desktop.services.printing.furniture import header_of
from desktop.services.printing.lookup import find, person_of
from desktop.services.printing.text import loads


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
    estimates = loads(c["estimate"])
    kinds = {e.get("calc") for e in estimates}
    # the bills as they are (票据总额, 政策外自费), also for claims stored before the answer had them
    outside = from_fen(c["total_fen"] - c["compliant_fen"])
    whole = {"bill_total": from_fen(c["total_fen"]), "out_of_policy": outside,
             "personal_total": from_fen(c["estimate_personal_fen"]) + outside}
    if len(estimates) == 1:
        only = estimates[0]
        request = {"calc": only["calc"], "region": c["region"], "year": c["year"], **only["request"]}
        return replace(estimate_from_answer(request, only["answer"], header=header_of(ctx, src),
                                            person=person_of(src), paper=paper), **whole)
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
        header=header_of(ctx, src), kind=kind, facts=tuple(facts), compliant_cost=from_fen(c["compliant_fen"]),
        basic=from_fen(c["estimate_basic_fen"]), personal=from_fen(c["estimate_personal_fen"]),
        deductible=deductible if kinds == {"inpatient"} else None,
        critical_illness=from_fen(c["estimate_critical_illness_fen"]),
        medical_assistance=from_fen(c["estimate_medical_assistance_fen"]), trace=tuple(trace),
        person=person_of(src), paper=Paper(paper), **whole)
