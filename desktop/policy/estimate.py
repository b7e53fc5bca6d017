"""The common frame of every estimate: who the person is in the pack, and the answer's shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from desktop.errors import Refusal
from desktop.policy import lookup, memo
from desktop.policy.layers import Incentives, YearToDate
from desktop.policy.money import ZERO
from desktop.policy.pack import AssistanceGroup, OffsiteType, Pack
from desktop.policy.trace import Trace


@dataclass(frozen=True)
class Person:
    """A request's person resolved against the pack."""

    category: str  # label
    group: str  # benefit group: which column of the benefit tables
    assistance: AssistanceGroup | None
    offsite: OffsiteType | None


# slots, not frozen: one per request, never shared (a frozen __init__ costs ~2 µs here)
@dataclass(slots=True)
class Claim:
    person: Person
    compliant_cost: Decimal
    ytd: YearToDate = YearToDate()
    incentives: Incentives = Incentives()
    settings: lookup.Settings = field(default_factory=dict)


@dataclass(slots=True)
class Estimate:
    compliant_cost: Decimal
    deductible: Decimal
    basic: Decimal
    critical_illness: Decimal
    medical_assistance: Decimal
    trace: Trace

    @property
    def personal(self) -> Decimal:
        return self.compliant_cost - self.basic - self.critical_illness - self.medical_assistance


def resolve_person(
    pack: Pack, category: str, tier: str | None, assistance: str | None, offsite: str | None
) -> Person:
    table = memo.of(pack)
    key = ("person", category, tier, assistance, offsite)
    person = table.get(key)
    if person is None:
        person = table[key] = _resolve_person(pack, category, tier, assistance, offsite)
    return person


def _resolve_person(
    pack: Pack, category: str, tier: str | None, assistance: str | None, offsite: str | None
) -> Person:
    cat = lookup.category(pack, category)
    tier_code = lookup.tier(pack, cat, tier)
    return Person(
        cat.label,
        lookup.benefit_group(cat, tier_code),
        lookup.assistance(pack, assistance),
        lookup.offsite(pack, offsite),
    )


def reduction(person: Person, benefit: str, trace: Trace) -> Decimal:
    """The off-site ratio reduction for a benefit; refuses where the type is not paid at all."""
    t = person.offsite
    if t is None:
        return ZERO
    if benefit not in t.reductions:
        raise Refusal("not_applicable", f"{t.label}的此类费用基本医保基金不予支付", "offsite")
    r = t.reductions[benefit]
    trace.add(f"{t.label}：基本医保支付比例降低{(r * 100).normalize():f}个百分点" if r
              else f"{t.label}：基本医保支付比例与参保地一致", None, t.source)
    return r
