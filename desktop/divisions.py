"""The administrative divisions of GB/T 2260 (province and prefecture-level city), for choosing
where a person was treated instead of typing it.

The codes and names are python-stdnum's `cn/loc` table (the 中华人民共和国行政区划代码 lists,
with each name's years of validity), which the ID-number check already depends on; only the
names in force are offered. Hong Kong, Macao and Taiwan (71, 81, 82) are outside the national
off-site settlement and are left out.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from stdnum import numdb

_RANGE = re.compile(r"^\[(\d*)-(\d*)\](.*)$")
# groupings, not cities (林区: 湖北's 2900 heading over 神农架林区, listed under 9000 too)
_NOT_A_CITY = ("市辖区", "县", "省直辖县级行政单位", "自治区直辖县级行政单位", "林区")
_MUNICIPALITIES = ("11", "12", "31", "50")  # 北京 天津 上海 重庆: the city is the province


@dataclass(frozen=True)
class Division:
    code: str  # six digits, e.g. 320400
    name: str  # e.g. 常州市


def _current(value: str) -> str | None:
    """The name in force of a `[1983-1999]淮阴市,[2000-]淮安市` entry, or None if none is."""
    for part in value.split(","):
        match = _RANGE.match(part.strip())
        if match is None:
            return part.strip()
        if not match.group(2):
            return match.group(3).strip()
    return None


@functools.cache
def _table() -> dict[str, tuple[Division, tuple[Division, ...]]]:
    """Province code (two digits) -> (the province, its prefecture-level cities in code order)."""
    table: dict[str, tuple[Division, tuple[Division, ...]]] = {}
    for _, low, high, props, children in numdb.get("cn/loc").prefixes:
        name = _current(props.get("province", ""))
        if low != high or not name or low >= "71":
            continue
        province = Division(f"{low}0000", name)
        if low in _MUNICIPALITIES:
            table[low] = (province, (province,))
            continue
        cities = []
        for _, code, _, sub, _ in children:
            current = _current(sub.get("county", ""))
            if current is None or code == "0000" or not code.endswith("00"):
                continue
            if current in _NOT_A_CITY and code.startswith("90"):  # 省直辖县级: each one a city
                cities += [Division(f"{low}{c}", n) for _, c, _, p, _ in children
                           if c.startswith("90") and c != "9000" and (n := _current(p.get("county", "")))]
            elif current not in _NOT_A_CITY:
                cities.append(Division(f"{low}{code}", current))
        seen: set[str] = set()  # the table keeps a few names twice (湖北 421300 and 429001 随州市)
        table[low] = (province, tuple(c for c in cities if not (c.name in seen or seen.add(c.name))))
    return table


def provinces() -> tuple[Division, ...]:
    """Every province-level division in force, in code order (北京市 … 新疆维吾尔自治区)."""
    return tuple(province for province, _ in _table().values())


def cities(province_code: str) -> tuple[Division, ...]:
    """The prefecture-level cities in force of a province (a municipality: itself)."""
    entry = _table().get(province_code[:2])
    return entry[1] if entry else ()


def division(code: str) -> Division | None:
    """The province or city of a six-digit code, if it is one in force."""
    entry = _table().get(code[:2])
    if entry is None:
        return None
    province, its_cities = entry
    if code == province.code:
        return province
    return next((c for c in its_cities if c.code == code), None)


def scope(home_code: str, code: str) -> str:
    """省内 or 跨省: whether `code` lies in the province of the hall's `home_code`."""
    return "省内" if home_code[:2] == code[:2] else "跨省"
