"""Properties every estimate of every bundled pack must keep, and refusals that never turn into crashes.

Valid requests are drawn per pack (its regions, categories, tiers, groups, off-site types, facilities and
diseases); a value the pack leaves to the hall (`Setting`) is supplied. For these:
  - no layer is negative;  basic + critical_illness + medical_assistance + personal == compliant_cost exactly;
  - every money string has exactly two decimals;
  - a higher compliant cost never lowers what any fund pays.
Malformed requests (random JSON values, wrong types, absurd/negative/NaN amounts, bad dates, unknown labels)
are refused with a `Refusal` whose code is one of the documented ones, never another exception.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from desktop.errors import Refusal
from desktop.policy.api import answer
from desktop.policy.loader import bundled
from desktop.policy.pack import Pack, Setting

PACKS = bundled().packs
BY_ID = {p.pack.id: p for p in PACKS}
MONEY = re.compile(r"^\d+\.\d{2}$")
LAYERS = ("basic", "critical_illness", "medical_assistance")
KNOWN_CODES = {
    "invalid_json", "unknown_calc", "unknown_region", "no_policy_for_year", "unknown_category", "missing_field",
    "invalid_amount", "invalid_date", "not_applicable", "invalid_field", "invalid_member", "missing_setting",
    "unknown_assistance", "unknown_offsite_type", "unknown_disease", "unknown_item", "unknown_person_type",
    "unknown_channel", "unknown_special_group",
}  # "internal_error" is deliberately absent: it marks a defect

RUN = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------- the hall's settings for each pack


def _settings_in(node: object, out: set[str]) -> set[str]:
    if isinstance(node, Setting):
        out.add(node.setting)
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            _settings_in(getattr(node, name), out)
    elif isinstance(node, list | tuple):
        for x in node:
            _settings_in(x, out)
    elif isinstance(node, dict):
        for x in node.values():
            _settings_in(x, out)
    return out


def _value_for(key: str) -> Decimal:
    if "month" in key:
        return Decimal(2)
    if "age" in key:
        return Decimal(60)
    return Decimal(30000)  # yuan: thresholds, limits, bases, incomes


HALL = {p.pack.id: {k: _value_for(k) for k in _settings_in(p, set())} for p in PACKS}


def test_packs_are_bundled():
    assert any(p.pack.id == "changzhou-resident-2026" for p in PACKS)


# ---------------------------------------------------------------- valid requests

def pick(draw, seq):
    """sampled_from that skips a pack whose list is empty (a table the source does not give)."""
    seq = list(seq)
    assume(seq)
    return draw(st.sampled_from(seq))


amounts = st.decimals(min_value=0, max_value=3_000_000, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def person(draw, p: Pack) -> dict:
    cat = pick(draw, p.categories.items)
    req = {"region": pick(draw, p.pack.regions), "year": p.pack.year, "scheme": p.pack.scheme,
           "category": draw(st.sampled_from([cat.label, *cat.aliases]))}
    if cat.tiers:
        req["tier"] = pick(draw, [label for label, code in p.categories.tiers.items() if code in cat.tiers])
    if p.assistance and p.assistance.groups and draw(st.booleans()):
        req["assistance"] = pick(draw, [g.label for g in p.assistance.groups])
    if p.offsite and draw(st.integers(0, 3)) == 0:
        req["offsite"] = pick(draw, [t.label for t in p.offsite.types])
    if draw(st.booleans()):
        compliant = draw(amounts)
        ytd = {"compliant_cost": str(compliant), "basic": str((compliant * draw(st.sampled_from(
            [Decimal(0), Decimal("0.5"), Decimal("0.9")]))).quantize(Decimal("0.01")))}
        for name in ("critical_illness", "medical_assistance", "personal"):
            if draw(st.booleans()):
                ytd[name] = str(draw(st.decimals(min_value=0, max_value=600_000, places=2)))
        req["ytd"] = ytd
    if draw(st.booleans()):
        req["continuous_years"] = draw(st.integers(0, 30))
        req["zero_claim_last_year"] = draw(st.booleans())
    return req


@st.composite
def estimate_request(draw) -> tuple[str, dict]:
    """A valid inpatient or outpatient request for one bundled pack (by id), without its compliant_cost."""
    p = BY_ID[pick(draw, sorted(BY_ID))]
    o = p.outpatient
    kinds = [k for k, block in (("inpatient", p.inpatient), ("普通门诊", o.general), ("门诊慢性病", o.chronic),
                                ("门诊特殊病", o.special)) if block is not None]
    assume(kinds)
    kind = pick(draw, kinds)
    req = draw(person(p))
    if kind == "inpatient":
        req.update(calc="inpatient", hospital_level=draw(st.integers(1, 3)), admission=draw(st.integers(1, 3)))
        return p.pack.id, req
    req.update(calc="outpatient", benefit=kind)
    if kind == "普通门诊":
        req["facility"] = pick(draw, sorted(o.general.facilities))
    elif kind == "门诊慢性病":
        req["facility"] = pick(draw, sorted(o.chronic.facilities))
        assume(o.chronic.diseases)
        req["diseases"] = draw(st.lists(st.sampled_from(o.chronic.diseases), min_size=1, max_size=3, unique=True))
    else:
        req["facility"] = pick(draw, sorted(o.special.facilities))
        disease = pick(draw, o.special.diseases)
        req["diseases"] = [pick(draw, [disease.name, *disease.treatments])]
    if draw(st.booleans()):
        req["ytd_compliant_cost"] = str(draw(amounts))
    return p.pack.id, req


def run(p: str, req: dict) -> dict:
    """Answer a valid request; a combination the source does not pay (not_applicable) is skipped."""
    try:
        return answer(req, settings=HALL[p])
    except Refusal as r:
        assert r.code == "not_applicable", f"valid request refused: {r!r} for {req}"
        assume(False)
        raise


def money_strings(a: dict) -> list[str]:
    out = [a[k] for k in ("compliant_cost", "deductible", *LAYERS, "personal")]
    return out + [s["amount"] for s in a["trace"] if s["amount"] is not None]


@RUN
@given(estimate_request(), amounts)
def test_layers_add_up_and_are_never_negative(pr, cost):
    p, req = pr
    a = run(p, {**req, "compliant_cost": str(cost)})
    parts = {k: Decimal(a[k]) for k in (*LAYERS, "personal")}
    assert all(v >= 0 for v in parts.values()), (req, a)
    assert sum(parts.values()) == Decimal(a["compliant_cost"]) == cost
    assert Decimal(a["deductible"]) <= cost
    bad = [m for m in money_strings(a) if not MONEY.match(m)]
    assert not bad, bad


@RUN
@given(estimate_request(), amounts, amounts)
def test_a_higher_cost_never_lowers_what_the_funds_pay(pr, c1, c2):
    p, req = pr
    low, high = sorted((c1, c2))
    a = run(p, {**req, "compliant_cost": str(low)})
    b = run(p, {**req, "compliant_cost": str(high)})
    for layer in LAYERS:
        assert Decimal(a[layer]) <= Decimal(b[layer]), (layer, req, low, high, a[layer], b[layer])
    assert sum(Decimal(a[k]) for k in LAYERS) <= sum(Decimal(b[k]) for k in LAYERS)


# ---------------------------------------------------------------- malformed requests

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)
FIELDS = ["calc", "region", "year", "scheme", "category", "tier", "assistance", "offsite", "hospital_level",
          "admission", "compliant_cost", "ytd", "ytd_compliant_cost", "ytd_basic", "benefit", "facility", "diseases",
          "paid_on", "birth_date", "special_group", "continuous_years", "gap_months", "item", "person_type",
          "channel", "member", "monthly_base", "zero_claim_last_year"]
KINDS = ["contribution", "employee_contribution", "benefit_start", "inpatient", "outpatient", "materials"]


def refused_or_answered(req: object, settings_: dict | None = None) -> dict | Refusal:
    try:
        return answer(req, settings=settings_ or {})
    except Refusal as r:
        assert r.code in KNOWN_CODES, (r, req)
        assert isinstance(r.message, str) and r.message
        return r


@RUN
@given(st.one_of(
    json_values,
    st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=6), json_values, max_size=8),
    st.builds(lambda kind, rest: {**rest, "calc": kind}, st.sampled_from(KINDS),
              st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=10)),
))
def test_random_json_never_crashes(req):
    refused_or_answered(req)


BAD = {
    "compliant_cost": ["-1", "-0.01", "NaN", "nan", "Infinity", "-Infinity", float("nan"), float("inf"), 1e300,
                       "100000000.01", "1e9", "abc", "1.005", 1.005, "12,34.5.6", True, [], {}],
    "ytd_compliant_cost": ["-5", "NaN", 1e12, "x", [1]],
    "ytd": ["12000", 5, [1, 2], {"compliant_cost": "-1"}, {"basic": "NaN"}, {"personal": 1e20}],
    "hospital_level": [0, 4, -1, 2.5, "二级", "2.5", True, [2], 10**9],
    "admission": [0, -1, 0.5, "第一次", 10**9],
    "year": [1800, 2101, 2026.5, "二〇二六", True, [2026], 2099],
    "region": ["北京市", "天宁", 5, ["天宁区"], {}],
    "category": ["不存在的类别", 7, ["老年居民"]],
    "tier": ["顶档", 3],
    "assistance": ["不存在的救助对象", 9, ["低保"]],
    "offsite": ["月球", 1, ["异地转诊人员"]],
    "facility": ["卫生室以外", 2, ["二级"]],
    "benefit": ["住院", 0, ["普通门诊"]],
    "diseases": [["不存在的病"], 5, [1, 2], {"a": 1}, []],
    "scheme": ["公费医疗", 1],
    "continuous_years": [-1, 2.5, "很多", 10**9],
}


@st.composite
def broken_estimate(draw) -> tuple[str, dict, str]:
    p, req = draw(estimate_request())
    req["compliant_cost"] = str(draw(amounts))
    candidates = [f for f in BAD if f in req or f in ("ytd", "ytd_compliant_cost", "offsite", "assistance")]
    field = draw(st.sampled_from(candidates))
    value = draw(st.sampled_from(BAD[field]))
    if field == "diseases" and req["calc"] == "inpatient":
        field, value = "hospital_level", draw(st.sampled_from(BAD["hospital_level"]))
    if field == "tier" and "tier" not in req:
        field, value = "region", draw(st.sampled_from(BAD["region"]))
    return p, {**req, field: value}, field


@RUN
@given(broken_estimate())
def test_broken_estimates_are_refused(case):
    p, req, field = case
    out = refused_or_answered(req, HALL[p])
    assert isinstance(out, Refusal), f"{field}={req[field]!r} was answered: {req}"


@st.composite
def broken_other(draw) -> dict:
    p = draw(st.sampled_from([p for p in PACKS if p.pack.scheme == "resident"]))
    region = draw(st.sampled_from(p.pack.regions))
    kind = draw(st.sampled_from(["contribution", "benefit_start", "materials"]))
    base = {"calc": kind, "region": region, "year": p.pack.year}
    if kind == "contribution":
        base["category"] = p.categories.items[0].label
        field, bad = draw(st.sampled_from([
            ("category", "不存在的类别"), ("category", 3), ("assistance", "不存在的救助对象"), ("region", "上海市"),
            ("year", 1900), ("year", "明年"), ("tier", ["高档"]),
        ]))
    elif kind == "benefit_start":
        base["paid_on"] = p.enrollment.window.start.isoformat()
        field, bad = draw(st.sampled_from([
            ("paid_on", "2026-02-30"), ("paid_on", "2026/01/01"), ("paid_on", 20260101), ("paid_on", "yesterday"),
            ("paid_on", "1999-01-01"), ("paid_on", "2999-01-01"), ("birth_date", "2999-12-31"), ("birth_date", "0"),
            ("special_group", "不存在的人群"), ("gap_months", -3), ("continuous_years", "三"),
        ]))
    else:
        base["item"] = p.materials[0].item if p.materials else "参保登记"
        field, bad = draw(st.sampled_from([
            ("item", "不存在的事项"), ("item", 12), ("channel", "信鸽"), ("person_type", ["x"]), ("scheme", "公费医疗"),
        ]))
    return {**base, field: bad}


@RUN
@given(broken_other())
def test_broken_contribution_start_and_materials_requests_are_refused(req):
    out = refused_or_answered(req)
    if isinstance(out, dict):  # a channel or person type the item does not distinguish is not an error
        assert set(req) & {"channel", "person_type"}, req


@pytest.mark.parametrize("req", [None, [], "inpatient", 42, {"calc": None}, {"calc": ["inpatient"]},
                                 {"calc": {"kind": "inpatient"}}, {"calc": "inpatient"}])
def test_degenerate_requests(req):
    assert isinstance(refused_or_answered(req), Refusal)
