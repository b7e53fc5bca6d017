"""Which city's rules of record apply to a hall's pooling region.

The two cities run their counters differently (who reviews a change, whether a refund exists);
those are rules of record, kept here with their sources. The fee rules live in the policy packs.
"""

from __future__ import annotations

from typing import Literal

from desktop.errors import Refusal

CHANGZHOU: Literal["changzhou"] = "changzhou"
TIANJIN: Literal["tianjin"] = "tianjin"

def region_group(region: str) -> Literal["changzhou", "tianjin"]:
    """The city whose rules of record apply, read from the packs' region lists."""
    from desktop.policy import loader  # here: logging in must not wait for the packs

    for pack in loader.bundled().packs:
        if region in pack.pack.regions:
            return TIANJIN if pack.pack.region_group.startswith("天津") else CHANGZHOU
    raise Refusal("unknown_region", f"统筹区“{region}”不在已载入的政策包中", "region")


def city_name(region: str) -> str:
    """The city a filing's destination must lie outside of."""
    return "天津市" if region_group(region) == TIANJIN else "常州市"
