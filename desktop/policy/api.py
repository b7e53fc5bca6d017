"""The calculator's front door: one JSON request in, one JSON answer out (shared/spec/calc-api.md).

The window, `yibao-desk calc`, the services and the tests all come through `answer`, so every
figure a clerk sees has travelled the same path as one an auditor re-runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from desktop.errors import Refusal
from desktop.policy import loader, lookup, memo
from desktop.policy.benefit_start import Facts, benefit_start
from desktop.policy.contribution import contribution
from desktop.policy.employee import employee_contribution, top_up
from desktop.policy.estimate import Claim, Estimate, resolve_person
from desktop.policy.inpatient import inpatient
from desktop.policy.layers import Incentives, YearToDate
from desktop.policy.materials import materials, note_of
from desktop.policy.money import FEN, ZERO, parse_amount, percent_text, yuan_text
from desktop.policy.outpatient import Visit, outpatient
from desktop.policy.pack import Pack

Request = Mapping[str, object]

_FIELDS_CN = {
    "region": "统筹区", "year": "年度", "category": "参保类别", "paid_on": "缴费日期",
    "birth_date": "出生日期", "compliant_cost": "合规费用", "bill_total": "票据总额", "hospital_level": "医院级别",
    "admission": "住院次数", "monthly_base": "月缴费基数", "member": "参保人员类型",
    "scheme": "险种", "benefit": "门诊待遇", "facility": "就医机构", "item": "事项",
    "ytd_compliant_cost": "年度已发生合规费用", "ytd_basic": "年度已支付基本医保",
    "sex": "性别", "paid_years": "已缴费年限",
}


def _label(name: str) -> str:
    return _FIELDS_CN.get(name, name)


def _required(req: Request, name: str) -> object:
    value = req.get(name)
    if value is None or value == "":
        raise Refusal("missing_field", f"缺少必填项：{_label(name)}（{name}）", name)
    return value


def _text(req: Request, name: str, required: bool = True) -> str | None:
    value = req.get(name)
    if value.__class__ is str and value:  # the usual case, as below
        return value.strip()
    if required:
        value = _required(req, name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise Refusal("invalid_field", f"{_label(name)}应为文字", name)
    return value.strip()


def _int(req: Request, name: str, required: bool = True) -> int | None:
    value = req.get(name)
    if value.__class__ is int and -10**6 <= value <= 10**6:  # a JSON integer: what the reading below gives
        return value
    if required:
        value = _required(req, name)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise Refusal("invalid_amount", f"{_label(name)}应为整数", name)
    try:
        number = Decimal(str(value).strip())
    except Exception:
        raise Refusal("invalid_amount", f"{_label(name)}“{value}”不是整数", name) from None
    if not number.is_finite() or number != number.to_integral_value() or abs(number) > 10**6:
        raise Refusal("invalid_amount", f"{_label(name)}“{value}”不是合理的整数", name)
    return int(number)


def _years(req: Request) -> int | None:
    """continuous_years of an estimate: 0..100 like benefit_start's check (a negative count is a slip)."""
    years = _int(req, "continuous_years", False)
    if years is not None and not 0 <= years <= 100:
        raise Refusal("invalid_amount", f"连续参保年数“{years}”不合理", "continuous_years")
    return years


def _paid_years(req: Request) -> Decimal | None:
    """Years paid so far (22.5): a plain decimal number of years, never negative."""
    value = req.get("paid_years")
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise Refusal("invalid_amount", "已缴费年限应为年数，例如 22.5", "paid_years")
    try:
        years = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except ArithmeticError:
        raise Refusal("invalid_amount", f"已缴费年限“{value}”不是年数（例如 22.5）", "paid_years") from None
    if not years.is_finite() or years < 0 or years > 100:
        raise Refusal("invalid_amount", f"已缴费年限“{value}”不合理（0 至 100 年）", "paid_years")
    return years


_ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _date(req: Request, name: str, required: bool = True) -> date | None:
    value = _required(req, name) if required else req.get(name)
    if value is None or value == "":
        return None
    try:
        # only the spec's YYYY-MM-DD text: fromisoformat alone also takes 20260101, 2026-W01-1 or a number
        if not isinstance(value, str) or not _ISO_DAY.match(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise Refusal("invalid_date", f"{_label(name)}“{value}”不是有效日期（应为 YYYY-MM-DD）", name) from None


def _money(req: Request, name: str, required: bool = True) -> Decimal | None:
    value = req.get(name)
    if required and (value is None or value == ""):
        value = _required(req, name)
    if value is None or value == "":
        return None
    return parse_amount(value, name, _label(name))


def _pack(req: Request, packs: loader.PackSet, scheme: str = "resident") -> Pack:
    region = _text(req, "region")
    year = _int(req, "year")
    if year is not None and not 1990 <= year <= 2100:
        raise Refusal("invalid_amount", f"年度“{year}”不合理", "year")
    return packs.find(region, year, scheme)


def _scheme(req: Request) -> str:
    scheme = _text(req, "scheme", required=False) or "resident"
    scheme = {"居民": "resident", "居民医保": "resident", "职工": "employee", "职工医保": "employee"}.get(scheme, scheme)
    if scheme not in ("resident", "employee"):
        raise Refusal("invalid_field", f"险种“{scheme}”无效（resident 居民医保 / employee 职工医保）", "scheme")
    return scheme


def _trace(t) -> list[dict]:
    return t.as_list()


# ---------------------------------------------------------------- kinds


def _contribution(req: Request, packs: loader.PackSet, settings: lookup.Settings) -> dict:
    pack = _pack(req, packs)
    c = contribution(pack, _text(req, "region"), _text(req, "category"), _text(req, "tier", False), _text(req, "assistance", False))
    return {
        "calc": "contribution", "category": c.category, "standard": yuan_text(c.standard), "ltc": yuan_text(c.ltc),
        "assisted": yuan_text(c.assisted), "personal": yuan_text(c.personal), "trace": _trace(c.trace),
    }


def _employee_contribution(req: Request, packs: loader.PackSet, settings: lookup.Settings) -> dict:
    pack = _pack(req, packs, "employee")
    if _text(req, "member") in ("top_up", "一次性补缴", "一次性补足最低缴费年限"):
        t = top_up(pack, _text(req, "sex", False), _paid_years(req), settings)
        return {
            "calc": "employee_contribution", "member": "top_up", "sex": t.sex,
            "paid_years": f"{t.paid_years.normalize():f}", "minimum_years": t.minimum_years,
            "missing_years": f"{t.missing_years.normalize():f}", "base": yuan_text(t.base),
            "rate": percent_text(t.rate), "total": yuan_text(t.total), "trace": _trace(t.trace),
        }
    e = employee_contribution(pack, _text(req, "member"), _money(req, "monthly_base", False), settings)
    return {
        "calc": "employee_contribution", "member": e.member, "monthly_base": yuan_text(e.base),
        "employer": yuan_text(e.employer), "personal": yuan_text(e.personal), "total": yuan_text(e.total),
        "trace": _trace(e.trace),
    }


def _benefit_start(req: Request, packs: loader.PackSet, settings: lookup.Settings) -> dict:
    # scheme defaults to resident; an employee pack has no enrollment and is refused (not_applicable)
    pack = _pack(req, packs, _scheme(req))
    facts = Facts(
        paid_on=_date(req, "paid_on"),
        birth_date=_date(req, "birth_date", False),
        special_group=_text(req, "special_group", False),
        continuous_years=_int(req, "continuous_years", False),
        gap_months=_int(req, "gap_months", False),
    )
    b = benefit_start(pack, facts, settings)
    return {
        "calc": "benefit_start", "benefit_start": b.benefit_start.isoformat(), "benefit_end": b.benefit_end.isoformat(),
        "waiting_months": b.waiting_months, "retroactive": b.retroactive, "rule": b.rule, "trace": _trace(b.trace),
    }


_NO_YTD = YearToDate()
_NO_INCENTIVES = Incentives()


def _ytd(req: Request) -> YearToDate:
    raw = req.get("ytd") or {}
    if not raw and req.get("ytd_compliant_cost") in (None, "") and req.get("ytd_basic") in (None, ""):
        return _NO_YTD  # nothing used yet this year (frozen: one instance serves every claim)
    if not isinstance(raw, Mapping):
        raise Refusal("invalid_field", "ytd 应为对象，例如 {\"compliant_cost\": \"12000\"}", "ytd")
    values = {}
    for name in ("compliant_cost", "basic", "personal_burden", "critical_illness", "medical_assistance", "personal"):
        if raw.get(name) not in (None, ""):
            values[name] = parse_amount(raw[name], f"ytd.{name}", f"年度已累计{name}")
    # flat outpatient spellings of the spec
    for flat, name in (("ytd_compliant_cost", "compliant_cost"), ("ytd_basic", "basic")):
        if req.get(flat) not in (None, ""):
            values[name] = parse_amount(req[flat], flat, _label(flat))
    ytd = YearToDate(**values)
    # the burden follows from cost and basic only when both are known; guessing it from the cost
    # alone would start 大病保险 too early
    if "personal_burden" not in values and "compliant_cost" in values and "basic" in values:
        ytd = YearToDate(**{**values, "personal_burden": max(ZERO, ytd.compliant_cost - ytd.basic)})
    return ytd


def _claim(req: Request, pack: Pack, settings: lookup.Settings) -> Claim:
    person = resolve_person(
        pack, _text(req, "category"), _text(req, "tier", False), _text(req, "assistance", False), _text(req, "offsite", False)
    )
    zero_claim = req.get("zero_claim_last_year")
    years = _years(req)
    zero = zero_claim is True or zero_claim == "true"
    incentives = _NO_INCENTIVES if years is None and not zero else Incentives(years, zero)
    return Claim(person, _money(req, "compliant_cost"), _ytd(req), incentives, settings)


def _estimate_answer(kind: str, e: Estimate) -> dict:
    q, fen, up = Decimal.quantize, FEN, ROUND_HALF_UP  # yuan_text, inline: six amounts per estimate
    return {
        "calc": kind, "compliant_cost": str(q(e.compliant_cost, fen, up)), "deductible": str(q(e.deductible, fen, up)),
        "basic": str(q(e.basic, fen, up)), "critical_illness": str(q(e.critical_illness, fen, up)),
        "medical_assistance": str(q(e.medical_assistance, fen, up)), "personal": str(q(e.personal, fen, up)),
        "trace": e.trace.as_list(),
    }


def _with_bill(req: Request, answer: dict) -> dict:
    """With the request's `bill_total` (票据总额): the part outside the policy (政策外自费), which
    no fund pays, and what the person pays in all (个人合计负担 = 个人负担 + 政策外自费)."""
    bill = _money(req, "bill_total", False)
    if bill is None:
        return answer
    compliant = Decimal(answer["compliant_cost"])
    if bill < compliant:
        raise Refusal("invalid_amount", f"票据总额 {bill:f} 元小于合规费用 {compliant:f} 元", "bill_total")
    outside = bill - compliant
    q, fen, up = Decimal.quantize, FEN, ROUND_HALF_UP
    answer["bill_total"] = str(q(bill, fen, up))
    answer["out_of_policy"] = str(q(outside, fen, up))
    answer["personal_total"] = str(q(Decimal(answer["personal"]) + outside, fen, up))
    answer["trace"].append({"step": f"个人合计负担：个人负担加政策外自费 {answer['out_of_policy']} 元"
                                    "（票据总额减去合规费用，基金不予支付）",
                            "amount": answer["personal_total"], "source": ""})
    return answer


def _inpatient(req: Request, packs: loader.PackSet, settings: lookup.Settings) -> dict:
    pack = _pack(req, packs, _scheme(req))
    claim = _claim(req, pack, settings)
    level = _int(req, "hospital_level")
    admission = _int(req, "admission", False)
    admission = 1 if admission is None else admission  # absent: the first stay; 0 is refused below
    return _with_bill(req, _estimate_answer("inpatient", inpatient(pack, claim, level, admission)))


def _outpatient(req: Request, packs: loader.PackSet, settings: lookup.Settings) -> dict:
    pack = _pack(req, packs, _scheme(req))
    claim = _claim(req, pack, settings)
    diseases = req.get("diseases") or []
    if isinstance(diseases, str):
        diseases = [diseases]
    if not isinstance(diseases, list) or not all(isinstance(d, str) for d in diseases):
        raise Refusal("invalid_field", "diseases 应为病种名称的列表", "diseases")
    visit = Visit(_text(req, "benefit"), _text(req, "facility"), tuple(diseases), _years(req))
    return _with_bill(req, _estimate_answer("outpatient", outpatient(pack, claim, visit)))


def _materials(req: Request, packs: loader.PackSet, settings: lookup.Settings) -> dict:
    pack = _pack(req, packs, _scheme(req))
    c = materials(pack, _text(req, "item"), _text(req, "person_type", False), _text(req, "channel", False))
    return {
        "calc": "materials", "item": c.item, "document": c.variant.source.document,
        "source": c.variant.source.machine, "cited": c.variant.source.shown,
        "materials": [{"name": name, "note": note, "required": m.required, "any_of": m.any_of}
                      for (name, note), m in zip(_notes(c.variant), c.variant.materials, strict=True)],
        "where": list(c.where), "time_limit": c.variant.time_limit, "note": c.variant.note,
        "hotline": pack.offices.hotline if pack.offices else None,
        "trace": _trace(c.trace),
    }


def _notes(variant) -> list[tuple[str, str | None]]:
    """(name, note) of each material of a variant: the pack's text, composed once."""
    table = memo.of(variant)
    notes = table.get("notes")
    if notes is None:
        notes = table["notes"] = [(m.name, note_of(m)) for m in variant.materials]
    return notes


KINDS: dict[str, Callable[[Request, loader.PackSet, lookup.Settings], dict]] = {
    "contribution": _contribution,
    "employee_contribution": _employee_contribution,
    "benefit_start": _benefit_start,
    "inpatient": _inpatient,
    "outpatient": _outpatient,
    "materials": _materials,
}


def answer(request: object, packs: loader.PackSet | None = None, settings: lookup.Settings | None = None) -> dict:
    """Answer one request; raises Refusal (never anything else) for a request it cannot serve."""
    if request.__class__ is not dict and not isinstance(request, Mapping):
        raise Refusal("invalid_json", "每个请求应为一个 JSON 对象", None)
    kind = request.get("calc")
    if not isinstance(kind, str) or kind not in KINDS:  # a list or object here is unhashable
        raise Refusal("unknown_calc", f"未知的计算类型“{kind}”（可选：{'、'.join(KINDS)}）", "calc")
    try:
        return KINDS[kind](request, packs or loader.bundled(), settings or {})
    except Refusal:
        raise
    except (ArithmeticError, ValueError, TypeError, KeyError) as exc:  # a defect, never a traceback
        raise Refusal("internal_error", f"计算出错，请将请求交给维护人员：{type(exc).__name__}: {exc}", None) from exc


def answer_or_error(request: object, packs: loader.PackSet | None = None, settings: lookup.Settings | None = None) -> dict:
    try:
        return answer(request, packs, settings)
    except Refusal as r:
        return {"error": r.as_dict()}


def regions(packs: loader.PackSet | None = None) -> list[str]:
    return (packs or loader.bundled()).regions()


def years(region: str, scheme: str = "resident", packs: loader.PackSet | None = None) -> list[int]:
    return (packs or loader.bundled()).years(region, scheme)


def category_rules(
    region: str, year: int, settings: lookup.Settings | None = None, packs: loader.PackSet | None = None
) -> dict:
    """What the enrollment page needs to propose a category: labels and the age limits."""
    pack = (packs or loader.bundled()).find(region, year, "resident")
    c = pack.categories
    elderly = c.elderly_from_age
    if elderly is not None and not isinstance(elderly, int):
        entered = (settings or {}).get(elderly.setting)
        elderly = None if entered is None else int(entered)
    return {
        "categories": [x.label for x in c.items],
        "codes": {x.code: x.label for x in c.items},
        "tiers": dict(c.tiers),
        "minor_below_age": c.minor_below_age,
        "elderly_from_age": elderly,
        "school_students_over_age": (c.school_students_over_age.model_dump(include={"category", "proof", "source"})
                                     if c.school_students_over_age else None),
        "universities_enroll_students": (c.universities_enroll_students.source
                                         if c.universities_enroll_students else None),
        "source": c.source,
        "note": c.note,
        # the year's proposal rules where the source gives them as such (天津); in order, first match
        "proposals": ([r.model_dump(include={"category", "under_age", "at_school", "text", "source"})
                       for r in pack.category_proposals.rules] if pack.category_proposals else None),
    }


def offsite_rule(region: str, year: int, person_type: str, packs: loader.PackSet | None = None) -> str:
    """The year's ratio rule for an off-site person type, in words with its clause: one text for
    the 异地就医备案 page and its 回执."""
    from desktop.policy import procedures

    return procedures.offsite_rule_text((packs or loader.bundled()).find(region, year, "resident"), person_type)


def payment_deadline(region: str, year: int, issued: date, packs: loader.PackSet | None = None) -> tuple[date, str | None]:
    """(缴费截止日期, note) for a payment notice of `year` issued on `issued` (the pack's deadline)."""
    from desktop.policy import procedures

    return procedures.payment_deadline((packs or loader.bundled()).find(region, year, "resident"), issued)


def time_limit(region: str, year: int, item: str, packs: loader.PackSet | None = None) -> str | None:
    """The 办理时限 the year's source gives for a business (None: it gives none)."""
    from desktop.policy import procedures

    return procedures.time_limit((packs or loader.bundled()).find(region, year, "resident"), item)
