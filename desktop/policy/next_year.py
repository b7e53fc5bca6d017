"""Every day of the year: is next year's 集中参保缴费期 under way without next year's pack?

A year's pack gives its own collection period (in 常州 and 天津 the last quarter of the year
before). When the next year's pack has not been imported, its period is presumed to fall on the
same days one year after the latest pack's; while today falls in it, the counter says which
pack is needed and who imports it, and goes on serving the year it has.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from desktop.policy.loader import PackSet


@dataclass(frozen=True)
class MissingNextYear:
    year: int  # the year whose collection period today falls in
    window_start: date
    window_end: date
    latest: int  # the latest year a pack is loaded for (whose period was carried one year on)
    region_group: str
    message: str  # what the page says, calmly


def _one_year_on(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def missing_next_year(packs: PackSet, region: str, today: date, scheme: str = "resident") -> MissingNextYear | None:
    """None unless today falls in the next year's (presumed) collection period and no pack for
    that year is loaded."""
    years = packs.years(region, scheme)
    if not years:
        return None
    latest = packs.find(region, max(years), scheme)
    enrollment = latest.enrollment
    if enrollment is None:
        return None
    for year in years:  # a loaded year whose own period is open: nothing is missing
        e = packs.find(region, year, scheme).enrollment
        if e is not None and e.window.start <= today <= e.window.end:
            return None
    start, end = _one_year_on(enrollment.window.start), _one_year_on(enrollment.window.end)
    if not start <= today <= end:
        return None
    year = latest.pack.year + 1
    group = latest.pack.region_group
    serving = max((y for y in years if y <= today.year), default=latest.pack.year)
    scheme_cn = "城乡居民医保" if scheme == "resident" else "职工医保"
    message = (
        f"今天在{year}年度集中参保缴费期内（{start.month}月{start.day}日至{end.month}月{end.day}日，"
        f"按{latest.pack.year}年度政策包的缴费期推定），本窗口尚未导入{year}年度{group}{scheme_cn}政策包，"
        f"暂不能办理{year}年度参保缴费。需要的是{group}医保部门公布的{year}年度政策包文件（.yaml），"
        f"由大厅管理员在“政策查询”页按“载入新政策包…”选择该文件，核对“年度变化”后按“确认导入并启用”。"
        f"导入前本窗口照常办理{serving}年度业务。"
    )
    return MissingNextYear(year, start, end, latest.pack.year, group, message)
