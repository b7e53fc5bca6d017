"""Which city's rules of record apply to a hall's pooling region.

The two cities run their counters differently (who reviews a change, whether a refund exists);
those are rules of record, kept here with their sources. The fee rules live in the policy packs.
"""

from __future__ import annotations

from typing import Literal

CHANGZHOU: Literal["changzhou"] = "changzhou"
TIANJIN: Literal["tianjin"] = "tianjin"

CHANGZHOU_REGIONS = ("天宁区", "钟楼区", "新北区", "武进区", "常州经开区", "溧阳市", "金坛区")
TIANJIN_REGIONS = ("天津市",)


def region_group(region: str) -> Literal["changzhou", "tianjin"]:
    if region in TIANJIN_REGIONS:
        return TIANJIN
    if region in CHANGZHOU_REGIONS:
        return CHANGZHOU
    raise ValueError(f"unknown region {region!r}")


def city_name(region: str) -> str:
    """The city a filing's destination must lie outside of."""
    return "天津市" if region_group(region) == TIANJIN else "常州市"
