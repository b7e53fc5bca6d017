"""Treatment away from the 统筹区 (异地就医) as a claim asks about it: where (a GB/T 2260
province and city, 省内 or 跨省), whether the person had filed (备案) and how, and whether it
was an emergency. The answers name the pack's off-site person type, whose ratio reduction the
estimate applies (2026 常州, 002 §六(三)2: filed long-stay residents as at home, referrals and
emergencies 10 points lower, the others 20 points lower)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop import divisions
from desktop.errors import Refusal
from desktop.services.context import Context

LONG_STAY, REFERRAL, NOT_FILED = "已备案（异地长期居住）", "已备案（异地转诊）", "未备案"
FILINGS = (LONG_STAY, REFERRAL, NOT_FILED)
# the answers -> the pack's person type (offsite.types[].label, the same in every bundled pack)
_TYPES = {LONG_STAY: "异地长期居住人员", REFERRAL: "异地转诊人员"}
EMERGENCY, OTHER = "异地急诊", "其他临时外出就医人员"


@dataclass(frozen=True)
class Away:
    destination: str  # e.g. 上海市 / 江苏省苏州市
    scope: str  # 省内 / 跨省
    person_type: str  # the pack's off-site person type
    rule: str  # its ratio rule in words, with its source


def questions_matter(ctx: Context, year: int) -> bool:
    """Whether 备案 and 急诊 change the estimate in this year's pack (天津 2024: every type at
    the local ratio, so they are not asked)."""
    from desktop.policy import loader

    try:
        pack = (ctx.packs or loader.bundled()).find(ctx.region, year, "resident")
    except Refusal:
        return False
    if pack.offsite is None:
        return False
    return len({tuple(sorted(t.reductions.items())) for t in pack.offsite.types}) > 1


def away(ctx: Context, year: int, *, city_code: Any, filing: Any, emergency: Any = False) -> Away:
    """The person type and rule of a treatment in `city_code` (a GB/T 2260 city or
    municipality code), filed as `filing` (one of FILINGS), in an emergency or not."""
    place = divisions.division(str(city_code or ""))
    if place is None or place.code.endswith("0000") and divisions.cities(place.code) != (place,):
        raise Refusal("invalid_field", "请从列表中选择就医地的省份和城市", "destination")
    if filing not in FILINGS:
        raise Refusal("invalid_field", f"请选择备案情况（{'、'.join(FILINGS)}）", "filing")
    province = divisions.division(place.code[:2] + "0000")
    destination = place.name if province is None or province == place else province.name + place.name
    label = _TYPES.get(filing) or (EMERGENCY if emergency is True else OTHER)
    return Away(destination, divisions.scope(ctx.hall_code, place.code), label, _rule(ctx, year, label))


def _rule(ctx: Context, year: int, label: str) -> str:
    """The type's ratio rule in a few words where it is one cut for every kind of cost (it is in
    both bundled packs), else as the 备案回执 words it."""
    from desktop.policy import loader
    from desktop.services.printing.offsite import rule_text

    try:
        pack = (ctx.packs or loader.bundled()).find(ctx.region, year, "resident")
    except Refusal:
        pack = None
    kind = next((t for t in pack.offsite.types if t.label == label), None) if pack and pack.offsite else None
    cuts = set(kind.reductions.values()) if kind is not None else set()
    if len(cuts) != 1:
        return rule_text(ctx, ctx.region, year, label)
    cut = cuts.pop()
    said = f"基本医保支付比例降低{(cut * 100).normalize():f}个百分点" if cut else "基本医保支付比例与参保地一致"
    return f"{said}（{kind.source}）"
