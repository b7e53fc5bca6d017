"""门诊慢特病待遇申请 (chronic_application): intake at the counter, then a reviewer's decision.

The diseases, the hospitals that 认定 them and the materials are the year's policy pack's
(`outpatient.chronic` / `outpatient.special` and the materials items 门诊慢性病 / 门诊特殊病),
each with its clause. A year whose source lists no diseases or no materials for the kind is
refused with the years that do: nothing is guessed. Intake takes a complete application only:
what is missing is refused at the materials (nothing written) so the window prints the
一次性告知单 instead. An accepted application is one transaction (row, receipt serial, review
request, audit entry) and waits in the reviewers' queue (services/review.py): the approval is
the 待遇准入 itself, a rejection carries its reason; the 受理回执 says which.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from desktop.errors import Refusal
from desktop.policy.citation import shown
from desktop.records import audit, enrollments, receipts, reviews
from desktop.records.rows import Stamp, content, insert, one, to_json
from desktop.records.tx import write
from desktop.services import calc, fields
from desktop.services.context import Context
from desktop.services.permissions import require
from desktop.services.persons import require_alive, require_person

BUSINESS = "chronic_application"
KINDS = {"chronic": "chronic", "门诊慢性病": "chronic", "special": "special", "门诊特殊病": "special"}
LABELS = {"chronic": "门诊慢性病", "special": "门诊特殊病"}
# Words that make a pack's hospital text a description (二级以上…, 具备…条件的…) rather than a list
# of named hospitals the clerk chooses from.
_CLASS_WORDS = ("以上", "具备", "具有", "开设", "；", "等")


@dataclass(frozen=True)
class Disease:
    name: str
    treatments: tuple[str, ...]
    hospitals: tuple[str, ...]  # named 认定 hospitals to choose from; () when the pack describes them
    hospital_rule: str | None  # the pack's words on which hospitals 认定 the disease
    review: str | None  # 认定时限 (how long the 认定 holds)


@dataclass(frozen=True)
class Options:
    """What an application of `kind` for `year` needs, as the pack says it."""

    year: int
    kind: str
    label: str
    document: str  # the source's title
    document_file: str  # the source's file, as the clauses cite it
    diseases: tuple[Disease, ...]
    disease_source: str
    materials: tuple[dict, ...]  # {"name", "note"} as the calculator lists them
    materials_source: str | None
    where: tuple[str, ...]
    procedure: str | None  # the pack's note on how the 认定 goes

    def disease(self, name: str) -> Disease | None:
        return next((d for d in self.diseases if d.name == name), None)

    def cited(self, source: str | None) -> str:
        """A clause as the public reads it: the document's title instead of its file name."""
        return shown(source) if source else "—"


@dataclass(frozen=True)
class ChronicResult:
    application_id: str
    receipt_serial: str
    review_request_id: str
    disease: Disease


def _pack(ctx: Context, year: int):
    from desktop.policy import loader

    return (ctx.packs or loader.bundled()).find(ctx.region, year, "resident")


def _years_with(ctx: Context, kind: str) -> list[int]:
    """The years whose pack lists both the diseases and the materials of `kind`."""
    from desktop.policy import loader

    packs = ctx.packs or loader.bundled()
    out = []
    for year in packs.years(ctx.region, "resident"):
        pack = packs.find(ctx.region, year, "resident")
        block = getattr(pack.outpatient, kind, None) if pack.outpatient else None
        has_items = any(LABELS[kind] in (m.item, *m.aliases) for m in pack.materials)
        if block is not None and block.diseases and has_items:
            out.append(year)
    return out


def _hospitals(text: str | None) -> tuple[str, ...]:
    if not text or any(word in text for word in _CLASS_WORDS):
        return ()
    return tuple(part.strip() for part in text.split("、") if part.strip())


def _unavailable(ctx: Context, year: int, label: str, what: str, document: str, kind: str) -> Refusal:
    others = [str(y) for y in _years_with(ctx, kind) if y != year]
    hint = f"列有的年度：{'、'.join(others)}年" if others else "本统筹区已载入的政策文件都未列出"
    return Refusal("no_policy_for_year",
                   f"{year}年度政策文件《{document}》未列出{label}的{what}，不能按该年度受理（{hint}）；"
                   "请咨询医保经办机构", "year")


def options(ctx: Context, year: Any, kind: Any) -> Options:
    """The diseases, 认定 hospitals and materials of `kind` (门诊慢性病 / 门诊特殊病) for `year`."""
    code = fields.choice(kind, KINDS, "kind", "申请类别（门诊慢性病/门诊特殊病）")
    label = LABELS[code]
    number = fields.year(year, ctx.today())
    pack = _pack(ctx, number)
    document = pack.pack.title
    block = getattr(pack.outpatient, code, None) if pack.outpatient else None
    if block is None or not block.diseases:
        raise _unavailable(ctx, number, label, "病种", document, code)
    if code == "chronic":
        diseases = tuple(Disease(name, (), (), None, None) for name in block.diseases)
    else:
        diseases = tuple(Disease(d.name, tuple(d.treatments), _hospitals(d.hospitals), d.hospitals, d.review)
                         for d in block.diseases)
    try:
        checklist = calc.materials(ctx, number, label)
    except Refusal as refusal:
        if refusal.code != "unknown_item":
            raise
        raise _unavailable(ctx, number, label, "申请材料", document, code) from None
    entry = next(m for m in pack.materials if label in (m.item, *m.aliases))
    return Options(year=number, kind=code, label=label, document=document, document_file=pack.pack.document,
                   diseases=diseases,
                   disease_source=block.source, materials=tuple(checklist.materials),
                   materials_source=checklist.source, where=tuple(checklist.where),
                   procedure=entry.variants[0].note)


def _validated(ctx: Context, person: dict[str, Any], year: Any, kind: Any, disease: Any, treatment: Any,
               hospital: Any, materials_received: Any) -> tuple[Options, Disease, str | None, str, list[str]]:
    opts = options(ctx, year, kind)
    name = fields.required_text(disease, "disease", "病种", max_len=60)
    chosen = opts.disease(name)
    if chosen is None:
        raise Refusal("invalid_field", f"“{name}”不在{opts.year}年度{opts.label}病种中（{shown(opts.disease_source)}）",
                      "disease")
    how = fields.text(treatment, "treatment", "治疗方式", required=False, max_len=60)
    if how is not None and chosen.treatments and how not in chosen.treatments:
        raise Refusal("invalid_field", f"{chosen.name}的治疗方式为：{'、'.join(chosen.treatments)}", "treatment")
    where = fields.required_text(hospital, "hospital", "认定医疗机构" if opts.kind == "special" else "诊断医疗机构",
                                 max_len=100)
    if chosen.hospitals and where not in chosen.hospitals:
        raise Refusal("invalid_field", f"{chosen.name}由以下医院认定：{'、'.join(chosen.hospitals)}"
                      f"（{shown(opts.disease_source)}）", "hospital")
    if materials_received is None:
        received: list[str] = []
    elif isinstance(materials_received, list | tuple) and all(isinstance(m, str) for m in materials_received):
        received = list(materials_received)
    else:
        raise Refusal("invalid_field", "已收材料应为材料名称的列表", "materials_received")
    missing = calc.missing_materials(list(opts.materials), received)
    if missing:
        raise Refusal("missing_materials", f"{opts.label}申请还缺少材料：{'；'.join(missing)}"
                      "（可打印一次性告知单，材料齐全后再受理）", "materials_received")
    if enrollments.active(ctx.db, person["id"], opts.year) is None:
        raise Refusal("not_enrolled", f"{person['name']}没有{opts.year}年度有效的参保记录，不能申请{opts.label}待遇"
                      "（请先办理参保登记）", "year")
    return opts, chosen, how, where, received


def accept(ctx: Context, id_number: Any, year: Any, kind: Any, disease: Any, hospital: Any,
           materials_received: Any, *, treatment: Any = None) -> ChronicResult:
    """受理: a complete application written with its serial, waiting for a reviewer."""
    require(ctx, "handle", BUSINESS)
    person = require_person(ctx, id_number)
    require_alive(person)
    opts, chosen, how, where, received = _validated(ctx, person, year, kind, disease, treatment, hospital,
                                                    materials_received)
    stamp = ctx.stamp()
    with write(ctx.db):
        earlier = one(ctx.db, "SELECT a.receipt_serial, a.created_at FROM chronic_applications a "
                      "JOIN review_requests q ON q.subject_id = a.id "
                      "WHERE a.person_id = ? AND a.year = ? AND a.kind = ? AND a.disease = ? "
                      "AND NOT EXISTS (SELECT 1 FROM reviews d WHERE d.request_id = q.id AND d.decision = 'reject')",
                      [person["id"], opts.year, opts.kind, chosen.name])
        if earlier is not None:
            raise Refusal("already_applied", f"{person['name']}已于{earlier['created_at'][:10]}申请{opts.year}年度"
                          f"{opts.label}“{chosen.name}”（收据号 {earlier['receipt_serial']}），不能重复申请", "disease")
        row = {**stamp.meta(), "person_id": person["id"], "region": ctx.region, "year": opts.year,
               "kind": opts.kind, "disease": chosen.name, "treatment": how, "hospital": where,
               "hospital_rule": chosen.hospital_rule, "materials_received": to_json(received),
               "source": f"病种{opts.cited(opts.disease_source)}，材料{opts.cited(opts.materials_source)}"}
        row["receipt_serial"] = receipts.issue(ctx.db, stamp, business=BUSINESS, record_id=row["id"],
                                               person_id=person["id"])
        insert(ctx.db, "chronic_applications", row)
        request = reviews.open_request(
            ctx.db, stamp, business=BUSINESS, subject_id=row["id"], person_id=person["id"], levels=1,
            summary=f"{person['name']} {opts.year}年度{opts.label}：{chosen.name}（{where}）")
        audit.append(ctx.db, stamp, action="accept", business=BUSINESS, entity="chronic_applications",
                     entity_id=row["id"], person_id=person["id"], payload=content(row))
    return ChronicResult(row["id"], row["receipt_serial"], request["id"], chosen)


def get(ctx: Context, application_id: str) -> dict[str, Any] | None:
    return one(ctx.db, "SELECT * FROM chronic_applications WHERE id = ?", [application_id])


def apply(ctx: Context, stamp: Stamp, row: dict[str, Any]) -> None:
    """The final approval is the 待遇准入 itself (its decision row, in `reviews`, is the record);
    nothing else changes, so there is nothing more to write here."""


def receipt_lines(ctx: Context, record: dict[str, Any]) -> tuple[str, list[str], list[str]]:
    """(business, accepted, next steps) of the 受理回执 (services.printing.acceptance_receipt)."""
    label = LABELS[record["kind"]]
    disease = record["disease"] + (f"（{record['treatment']}）" if record["treatment"] else "")
    accepted = [f"{record['year']}年度{label}待遇申请：{disease}",
                f"{'认定' if record['kind'] == 'special' else '诊断'}医疗机构：{record['hospital']}"]
    if record["hospital_rule"]:
        accepted.append(f"认定医院范围：{record['hospital_rule']}")
    received = json.loads(record["materials_received"])
    if received:
        accepted.append("已收材料：" + "、".join(received))
    accepted.append(f"政策依据：{record['source']}")
    request = reviews.for_subject(ctx.db, record["id"])
    state = request["state"] if request else None
    if state == reviews.APPROVED:
        decided = reviews.decisions(ctx.db, request["id"])[-1]
        steps = [f"已于{_cn(decided['created_at'])}审核通过，自审核通过之日起按{label}待遇结算"]
    elif state == reviews.REJECTED:
        decided = reviews.decisions(ctx.db, request["id"])[-1]
        steps = [f"已于{_cn(decided['created_at'])}审核驳回：{decided['note'] or ''}", "如有疑问请凭本回执到窗口咨询"]
    else:
        steps = [f"材料已齐全，提交复核人审核，审核通过后按{label}待遇结算；审核结果可凭本回执编号查询"]
    return f"门诊慢特病待遇申请（{label}）", accepted, steps


def _cn(moment: str) -> str:
    from datetime import date

    day = date.fromisoformat(moment[:10])
    return f"{day.year}年{day.month}月{day.day}日"
