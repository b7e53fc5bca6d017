"""The services' side of the calculator: build spec requests, turn yuan text into fen.

Every figure comes from `ctx.ask` (desktop.policy.api.answer); nothing here computes a fee.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop.policy.citation import step_cited
from desktop.records.money import to_fen
from desktop.services.context import Context


def _request(calc: str, ctx: Context, year: int, **fields: Any) -> dict:
    """A spec request; optional fields left out when None (the calculator treats absent as unset)."""
    request = {"calc": calc, "region": ctx.region, "year": year}
    request.update({k: v for k, v in fields.items() if v is not None})
    return request


@dataclass(frozen=True)
class Contribution:
    category: str  # the label as the pack names it (aliases resolved)
    standard_fen: int
    ltc_fen: int
    assisted_fen: int
    personal_fen: int
    trace: list[dict]


def contribution(
    ctx: Context, year: int, category: str, tier: str | None, assistance: str | None
) -> Contribution:
    a = ctx.ask(
        _request("contribution", ctx, year, category=category, tier=tier, assistance=assistance)
    )
    return Contribution(
        category=a.get("category", category),
        standard_fen=to_fen(a["standard"]),
        ltc_fen=to_fen(a["ltc"]),
        assisted_fen=to_fen(a["assisted"]),
        personal_fen=to_fen(a["personal"]),
        trace=a["trace"],
    )


@dataclass(frozen=True)
class BenefitPeriod:
    start: date
    end: date
    waiting_months: int
    retroactive: bool
    rule: str | None
    trace: list[dict]


def benefit_start(
    ctx: Context,
    year: int,
    paid_on: date,
    *,
    birth_date: date | None = None,
    special_group: str | None = None,
    continuous_years: int | None = None,
    gap_months: int | None = None,
) -> BenefitPeriod:
    a = ctx.ask(
        _request(
            "benefit_start",
            ctx,
            year,
            paid_on=paid_on.isoformat(),
            birth_date=birth_date.isoformat() if birth_date else None,
            special_group=special_group,
            continuous_years=continuous_years,
            gap_months=gap_months,
        )
    )
    return BenefitPeriod(
        start=date.fromisoformat(a["benefit_start"]),
        end=date.fromisoformat(a["benefit_end"]),
        waiting_months=int(a["waiting_months"]),
        retroactive=bool(a["retroactive"]),
        rule=a.get("rule"),
        trace=a["trace"],
    )


@dataclass(frozen=True)
class Checklist:
    materials: list[dict]  # {"name", "note"}
    where: list[str]
    source: str | None

    def missing(self, received: list[str]) -> list[str]:
        return missing_materials(self.materials, received)


def missing_materials(materials: list[dict], received: Collection[str]) -> list[str]:
    """Names not yet brought. Items of one `any_of` group: one of them suffices. An item the pack
    marks not `required` (needed only in the case its note names) is ticked by the clerk when it
    applies; the printed checklist still lists it."""
    have = set(received)
    groups: dict[str, list[str]] = {}
    missing: list[str] = []
    for m in materials:
        group = m.get("any_of")
        if group:
            groups.setdefault(group, []).append(m["name"])
        elif m["name"] not in have and m.get("required", True):
            missing.append(m["name"])
    for names in groups.values():
        if not have.intersection(names):
            missing.append("或".join(names))
    return missing


def materials(
    ctx: Context, year: int, item: str, *, person_type: str | None = None, scheme: str | None = None
) -> Checklist:
    # No channel: the calculator lists the window's materials where the document has a window row.
    a = ctx.ask(_request("materials", ctx, year, item=item, person_type=person_type, scheme=scheme))
    return Checklist(
        materials=list(a["materials"]), where=list(a.get("where") or []), source=step_cited(a)
    )


def estimate(ctx: Context, kind: str, year: int, **fields: Any) -> dict:
    """An inpatient or outpatient estimate answer as the calculator gives it (yuan text)."""
    return ctx.ask(_request(kind, ctx, year, **fields))
