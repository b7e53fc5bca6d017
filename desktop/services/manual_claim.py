"""零星报销 (manual_claim): intake with materials and bills, an estimate, then 受理 → 审核 → 结算.

Intake is accepted even with materials missing: the missing ones are listed (for the 一次性告知单)
and 审核 waits until they are supplemented. The estimate is the calculator's, stored with the
claim as it was shown to the person.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop.errors import Refusal
from desktop.records import audit, enrollments, receipts
from desktop.records.money import to_yuan
from desktop.records.rows import Stamp, content, insert, one, to_json
from desktop.records.tx import write
from desktop.services import calc, fields
from desktop.services.context import Context
from desktop.services.offsite_filing import filing_in_force
from desktop.services.permissions import record_refusal, require
from desktop.services.persons import require_person

KINDS = {
    "inpatient": "inpatient",
    "住院": "inpatient",
    "outpatient": "outpatient",
    "门诊": "outpatient",
}
LEVELS = {1: 1, 2: 2, 3: 3, "1": 1, "2": 2, "3": 3, "一级": 1, "二级": 2, "三级": 3}
STEPS = ("受理", "审核", "结算")
ITEM = "零星报销"


@dataclass(frozen=True)
class BillLine:
    line: int
    kind: str
    start_on: date
    end_on: date
    amount_fen: int
    compliant_fen: int
    hospital: str | None
    hospital_level: int | None
    benefit: str | None
    facility: str | None
    diseases: tuple[str, ...]


@dataclass(frozen=True)
class ClaimResult:
    claim_id: str
    receipt_serial: str
    missing: list[str]
    total_fen: int
    basic_fen: int
    critical_illness_fen: int
    medical_assistance_fen: int
    personal_fen: int  # 个人负担 of the compliant part
    estimates: list[dict]
    compliant_fen: int = 0  # 合规费用

    @property
    def out_of_policy_fen(self) -> int:
        """政策外自费: the bills' part outside the policy, which no fund pays."""
        return self.total_fen - self.compliant_fen

    @property
    def personal_total_fen(self) -> int:
        """个人合计负担: what the person pays in all (the compliant part's share and the rest)."""
        return self.personal_fen + self.out_of_policy_fen


def _bill(index: int, raw: Any, today: date) -> BillLine:
    n = index + 1
    if not isinstance(raw, dict):
        raise Refusal("invalid_field", f"第{n}张票据格式不正确", f"bills[{n}]")

    def f(name: str) -> str:
        return f"bills[{n}].{name}"

    kind = fields.choice(raw.get("kind"), KINDS, f("kind"), f"第{n}张票据的类别（住院/门诊）")
    start = fields.required_day(
        raw.get("start_on"), f("start_on"), f"第{n}张票据的就诊（入院）日期"
    )
    end = (
        fields.day(raw.get("end_on"), f("end_on"), f"第{n}张票据的出院日期", required=False)
        or start
    )
    fields.not_after(end, today, f("end_on"), f"第{n}张票据的出院日期", "今天")
    if end < start:
        raise Refusal("invalid_date", f"第{n}张票据的出院日期{end}早于入院日期{start}", f("end_on"))
    amount = fields.fen(raw.get("amount"), f("amount"), f"第{n}张票据的金额")
    if amount <= 0:
        raise Refusal("invalid_amount", f"第{n}张票据的金额应大于0", f("amount"))
    compliant_raw = raw.get("compliant_amount")
    compliant = (
        amount
        if compliant_raw in (None, "")
        else fields.fen(compliant_raw, f("compliant_amount"), f"第{n}张票据的合规费用")
    )
    if compliant > amount:
        raise Refusal("invalid_amount", f"第{n}张票据的合规费用大于票据金额", f("compliant_amount"))
    level = benefit = facility = None
    if kind == "inpatient":
        level = fields.choice(
            raw.get("hospital_level"), LEVELS, f("hospital_level"), f"第{n}张票据的医院级别"
        )
    else:
        benefit = fields.required_text(
            raw.get("benefit"), f("benefit"), f"第{n}张票据的门诊待遇类别", max_len=20
        )
        facility = fields.required_text(
            raw.get("facility"), f("facility"), f"第{n}张票据的就医机构级别", max_len=20
        )
    diseases = raw.get("diseases") or ()
    if isinstance(diseases, str):
        diseases = (diseases,)
    return BillLine(
        n,
        kind,
        start,
        end,
        amount,
        compliant,
        fields.text(raw.get("hospital"), f("hospital"), f"第{n}张票据的医院名称", required=False),
        level,
        benefit,
        facility,
        tuple(diseases),
    )


def _estimate(ctx: Context, year: int, person: dict[str, Any], bills: list[BillLine]) -> list[dict]:
    """One calculator answer per bill, in date order: inpatient stays numbered and the year's
    earlier amounts of this claim carried as `ytd` (earlier claims elsewhere are not known)."""
    answers: list[dict] = []
    ytd = {"compliant_cost": 0, "basic": 0, "critical_illness": 0, "medical_assistance": 0}
    outpatient_ytd: dict[str, int] = {}
    admission = 0
    base = {k: v for k, v in person.items() if v is not None}
    for bill in sorted(bills, key=lambda b: (b.start_on, b.line)):
        if bill.kind == "inpatient":
            admission += 1
            request = {
                **base,
                "hospital_level": bill.hospital_level,
                "admission": admission,
                "compliant_cost": to_yuan(bill.compliant_fen),
                "bill_total": to_yuan(bill.amount_fen),
                "ytd": {k: to_yuan(v) for k, v in ytd.items()},
            }
        else:
            request = {
                **base,
                "benefit": bill.benefit,
                "facility": bill.facility,
                "compliant_cost": to_yuan(bill.compliant_fen),
                "bill_total": to_yuan(bill.amount_fen),
                "ytd_compliant_cost": to_yuan(outpatient_ytd.get(bill.benefit or "", 0)),
                "diseases": list(bill.diseases) or None,
            }
            outpatient_ytd[bill.benefit or ""] = (
                outpatient_ytd.get(bill.benefit or "", 0) + bill.compliant_fen
            )
        try:
            answer = calc.estimate(ctx, bill.kind, year, **request)
        except Refusal as refusal:
            field = (
                f"bills[{bill.line}].{refusal.field}" if refusal.field else f"bills[{bill.line}]"
            )
            raise Refusal(refusal.code, f"第{bill.line}张票据：{refusal.message}", field) from None
        if bill.kind == "inpatient":
            ytd["compliant_cost"] += bill.compliant_fen
            for key in ("basic", "critical_illness", "medical_assistance"):
                ytd[key] += fields.fen(answer[key], key, key)
        answers.append({"line": bill.line, "calc": bill.kind, "request": request, "answer": answer})
    return answers


def _claim_person(
    ctx: Context,
    person: dict[str, Any],
    year: int,
    category: Any,
    tier: Any,
    assistance: Any,
    offsite: Any,
) -> tuple[dict[str, Any], str | None]:
    enrollment = enrollments.latest_for_year(ctx.db, person["id"], year)
    if enrollment is None and not category:
        raise Refusal(
            "not_enrolled",
            f"{person['name']}在本库中没有{year}年度参保记录；如在他处参保，请填写参保类别",
            "category",
        )
    if offsite is None:
        filing = filing_in_force(ctx, person["id"])
        offsite = filing["person_type_label"] if filing else None
    facts = {
        "scheme": "resident",
        "category": category or enrollment["category"],
        "tier": tier or (enrollment["tier"] if enrollment else None),
        "assistance": assistance or (enrollment["assistance"] if enrollment else None),
        "offsite": offsite or None,
    }
    return facts, enrollment["id"] if enrollment else None


def _received(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(m, str) for m in value):
        raise Refusal("invalid_field", "已收材料应为材料名称的列表", "materials_received")
    return list(value)


def _missing(ctx: Context, received: list[str]) -> list[str]:
    return calc.materials(ctx, ctx.policy_year(), ITEM).missing(received)


def accept_claim(
    ctx: Context,
    id_number: Any,
    bills: list[dict],
    materials_received: Any = None,
    *,
    category: Any = None,
    tier: Any = None,
    assistance: Any = None,
    offsite: Any = None,
) -> ClaimResult:
    """受理: bills entered, materials ticked (missing ones listed), the estimate stored.

    `offsite` None takes the person's filing in force (if any); "" means treated at home.
    """
    require(ctx, "handle", "manual_claim")
    person = require_person(ctx, id_number)
    if not isinstance(bills, list) or not bills:
        raise Refusal("missing_field", "请录入至少一张医疗收费票据", "bills")
    lines = [_bill(i, raw, ctx.today()) for i, raw in enumerate(bills)]
    years = {b.start_on.year for b in lines}
    if len(years) > 1:
        raise Refusal("invalid_date", "一次零星报销的票据应属同一年度，请按年度分开申报", "bills")
    year = years.pop()
    facts, enrollment_id = _claim_person(ctx, person, year, category, tier, assistance, offsite)
    received = _received(materials_received)
    missing = _missing(ctx, received)
    estimates = _estimate(ctx, year, facts, lines)
    sums = {
        key: sum(fields.fen(e["answer"][key], key, key) for e in estimates)
        for key in ("basic", "critical_illness", "medical_assistance", "personal")
    }
    total = sum(b.amount_fen for b in lines)
    stamp = ctx.stamp()
    with write(ctx.db):
        row = {
            **stamp.meta(),
            "person_id": person["id"],
            "enrollment_id": enrollment_id,
            "region": ctx.region,
            "year": year,
            "scheme": facts["scheme"],
            "category": facts["category"],
            "tier": facts["tier"],
            "assistance": facts["assistance"],
            "offsite": facts["offsite"],
            "materials_received": to_json(received),
            "materials_missing": to_json(missing),
            "total_fen": total,
            "compliant_fen": sum(b.compliant_fen for b in lines),
            "estimate_basic_fen": sums["basic"],
            "estimate_critical_illness_fen": sums["critical_illness"],
            "estimate_medical_assistance_fen": sums["medical_assistance"],
            "estimate_personal_fen": sums["personal"],
            "estimate": to_json(estimates),
        }
        row["receipt_serial"] = receipts.issue(
            ctx.db,
            stamp,
            business="manual_claim",
            record_id=row["id"],
            person_id=person["id"],
            amount_fen=total,
        )
        insert(ctx.db, "manual_claims", row)
        for b in lines:
            insert(
                ctx.db,
                "claim_bills",
                {
                    **stamp.meta(),
                    "claim_id": row["id"],
                    "line": b.line,
                    "kind": b.kind,
                    "hospital": b.hospital,
                    "hospital_level": b.hospital_level,
                    "benefit": b.benefit,
                    "facility": b.facility,
                    "start_on": b.start_on.isoformat(),
                    "end_on": b.end_on.isoformat(),
                    "amount_fen": b.amount_fen,
                    "compliant_fen": b.compliant_fen,
                },
            )
        _step(ctx, stamp, row["id"], "受理", None, None)
        audit.append(
            ctx.db,
            stamp,
            action="accept",
            business="manual_claim",
            entity="manual_claims",
            entity_id=row["id"],
            person_id=person["id"],
            amount_fen=total,
            payload={k: v for k, v in content(row).items() if k != "estimate"},
        )
    return ClaimResult(
        row["id"],
        row["receipt_serial"],
        missing,
        total,
        sums["basic"],
        sums["critical_illness"],
        sums["medical_assistance"],
        sums["personal"],
        estimates,
        row["compliant_fen"],
    )


def claim_status(ctx: Context, claim_id: str) -> dict[str, Any]:
    """The claim with its current step and the materials still missing."""
    claim = one(ctx.db, "SELECT * FROM manual_claims WHERE id = ?", [claim_id])
    if claim is None:
        raise Refusal("not_found", "找不到该零星报销申请", "claim_id")
    steps = list(
        ctx.db.query("SELECT * FROM claim_steps WHERE claim_id = ? ORDER BY created_at", [claim_id])
    )
    latest = one(
        ctx.db,
        "SELECT materials_missing FROM claim_supplements WHERE claim_id = ? ORDER BY created_at DESC LIMIT 1",
        [claim_id],
    )
    claim["steps"] = steps
    claim["step"] = max((s["step"] for s in steps), key=STEPS.index)
    claim["missing"] = _loads(latest["materials_missing"] if latest else claim["materials_missing"])
    return claim


def supplement_claim(ctx: Context, claim_id: str, materials_received: Any) -> list[str]:
    """补交材料: record what was brought now; returns what is still missing."""
    require(ctx, "handle", "manual_claim")
    claim = claim_status(ctx, claim_id)
    if claim["step"] != "受理":
        raise Refusal("invalid_step", f"该申请已{claim['step']}，不能再补交材料", "claim_id")
    already = _loads(claim["materials_received"])
    for row in ctx.db.query(
        "SELECT materials_received FROM claim_supplements WHERE claim_id = ?", [claim_id]
    ):
        already += _loads(row["materials_received"])
    received = _received(materials_received)
    missing = _missing(ctx, sorted(set(already) | set(received)))
    stamp = ctx.stamp()
    with write(ctx.db):
        row = {
            **stamp.meta(),
            "claim_id": claim_id,
            "materials_received": to_json(received),
            "materials_missing": to_json(missing),
        }
        insert(ctx.db, "claim_supplements", row)
        audit.append(
            ctx.db,
            stamp,
            action="supplement",
            business="manual_claim",
            entity="claim_supplements",
            entity_id=row["id"],
            person_id=claim["person_id"],
            payload=content(row),
        )
    return missing


def review_claim(ctx: Context, claim_id: str, note: Any = None) -> dict[str, Any]:
    """审核: by a reviewer other than the intake clerk, once no material is missing."""
    require(ctx, "approve", "manual_claim", subject=claim_id if isinstance(claim_id, str) else None)
    claim = claim_status(ctx, claim_id)
    if claim["operator_id"] == ctx.operator_id:
        refusal = Refusal("four_eyes", "不能审核自己受理的零星报销", "operator_id")
        record_refusal(ctx, refusal, business="manual_claim", action="approve", subject=claim["id"])
        raise refusal
    if claim["missing"]:
        raise Refusal(
            "missing_materials",
            f"材料不全，不能审核：还缺{'；'.join(claim['missing'])}",
            "claim_id",
        )
    return _advance(ctx, claim, "审核", fields.text(note, "note", "审核意见", required=False), None)


def settle_claim(
    ctx: Context, claim_id: str, settled_amount: Any, note: Any = None
) -> dict[str, Any]:
    """结算: the amount actually paid (may differ from the estimate)."""
    require(ctx, "settle", "manual_claim")
    claim = claim_status(ctx, claim_id)
    settled = fields.fen(settled_amount, "settled_amount", "结算金额")
    if settled > claim["total_fen"]:
        raise Refusal("invalid_amount", "结算金额大于票据总额", "settled_amount")
    return _advance(
        ctx, claim, "结算", fields.text(note, "note", "结算说明", required=False), settled
    )


def _advance(
    ctx: Context, claim: dict[str, Any], step: str, note: str | None, settled: int | None
) -> dict[str, Any]:
    expected = STEPS[STEPS.index(claim["step"]) + 1] if claim["step"] != STEPS[-1] else None
    if step != expected:
        raise Refusal(
            "invalid_step", f"该申请当前为“{claim['step']}”，不能办理“{step}”", "claim_id"
        )
    stamp = ctx.stamp()
    with write(ctx.db):
        _step(ctx, stamp, claim["id"], step, note, settled)
        audit.append(
            ctx.db,
            stamp,
            action={"审核": "review", "结算": "settle"}[step],
            business="manual_claim",
            entity="claim_steps",
            entity_id=claim["id"],
            person_id=claim["person_id"],
            amount_fen=settled,
            payload={"claim_id": claim["id"], "step": step, "note": note, "settled_fen": settled},
        )
    return claim_status(ctx, claim["id"])


def _step(
    ctx: Context, stamp: Stamp, claim_id: str, step: str, note: str | None, settled: int | None
) -> None:
    insert(
        ctx.db,
        "claim_steps",
        {**stamp.meta(), "claim_id": claim_id, "step": step, "note": note, "settled_fen": settled},
    )


def _loads(text: str) -> list[str]:
    return list(json.loads(text))
