"""Bands: ranges of a cumulative yearly amount, each paid at its own ratio.

One structure serves every layer that pays "x % of the part between a and b": the basic fund's
inpatient and outpatient bands, 大病保险, 医疗救助 and 倾斜救助. A claim occupies the stretch
[before, before + amount) of the year's axis; each band pays its ratio on its overlap.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from desktop.policy.money import ZERO


@dataclass(frozen=True)
class Band:
    lower: Decimal
    upper: Decimal | None  # None: open-ended
    ratio: Decimal
    label: str = ""

    def overlap(self, start: Decimal, end: Decimal) -> Decimal:
        lo = max(self.lower, start)
        hi = end if self.upper is None else min(self.upper, end)
        return max(ZERO, hi - lo)


class BandShare(NamedTuple):
    band: Band
    base: Decimal  # the part of the claim that falls in the band
    paid: Decimal  # base × ratio, unrounded (rounding happens once per layer)


def pay(bands: list[Band], before: Decimal, amount: Decimal) -> tuple[Decimal, list[BandShare]]:
    """What `bands` pay on a claim of `amount` when `before` of the year's axis is already used."""
    start, end = before, before + amount
    shares = []
    total = ZERO
    for band in bands:
        # Band.overlap, inline: this loop runs for every layer of every estimate
        lower, upper = band.lower, band.upper
        lo = start if start > lower else lower  # max(lower, start): lower on a tie
        hi = end if upper is None or end < upper else upper
        if hi > lo:
            base = hi - lo
            paid = base * band.ratio
            shares.append(BandShare(band, base, paid))
            total += paid
    return total, shares
