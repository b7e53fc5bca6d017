"""Which policy year the counter serves today, and whether next year's pack is awaited (14.4).

The enrollment page asks here (it computes no dates itself): on 7 December, with no pack for
the coming year, it shows the calm notice of `missing_pack` and goes on serving this year."""

from __future__ import annotations

from datetime import date

from desktop.policy.loader import PackSet
from desktop.policy.next_year import MissingNextYear, missing_next_year


def missing_pack(packs: PackSet, region: str, today: date) -> MissingNextYear | None:
    """The next year's resident pack, when its collection period is under way and it is not loaded."""
    return missing_next_year(packs, region, today, "resident")
