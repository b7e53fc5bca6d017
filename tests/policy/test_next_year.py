"""Every day of the year (14.4): in December the next year's collection period is under way; with
no pack for that year the counter says which pack is needed and who imports it."""

from __future__ import annotations

from datetime import date

from desktop.policy.loader import PackSet, bundled, bundled_dir, read_pack
from desktop.policy.next_year import missing_next_year


def test_7_december_2026_asks_for_the_2027_pack():
    # 002 §一(一): 2026's period is 2025-10 … 2025-12; one year on, 2027's is presumed 2026-10-01 … 2026-12-31
    got = missing_next_year(bundled(), "武进区", date(2026, 12, 7))
    assert (got.year, got.window_start, got.window_end, got.latest) == (2027, date(2026, 10, 1), date(2026, 12, 31), 2026)
    for words in ("2027年度常州市城乡居民医保政策包", "大厅管理员", "载入新政策包", "确认导入并启用", "照常办理2026年度"):
        assert words in got.message, words


def test_outside_the_period_or_with_the_pack_nothing_is_said(tmp_path):
    assert missing_next_year(bundled(), "武进区", date(2026, 9, 30)) is None  # before 1 October
    assert missing_next_year(bundled(), "武进区", date(2025, 11, 15)) is None  # 2026's own period, pack loaded
    assert missing_next_year(bundled(), "武进区", date(2027, 1, 2)) is None  # after the period
    # 天津 2024 (004 §二): its period is in 2023; 2025's presumed one is 2024's last quarter
    assert missing_next_year(bundled(), "天津市", date(2024, 11, 1)).year == 2025
    # with a 2027 pack loaded (the 2026 one a year on), 7 December is that pack's own period
    text = (bundled_dir() / "changzhou-resident-2026.yaml").read_text(encoding="utf-8")
    for old, new in (("year: 2026", "year: 2027"), ("id: changzhou-resident-2026", "id: changzhou-resident-2027"),
                     ("start: 2025-10-01, end: 2025-12-31", "start: 2026-10-01, end: 2026-12-31")):
        assert old in text, old
        text = text.replace(old, new, 1)
    (tmp_path / "cz-2027.yaml").write_text(text, encoding="utf-8")
    packs = PackSet([*bundled().packs, read_pack(tmp_path / "cz-2027.yaml")])
    assert missing_next_year(packs, "武进区", date(2026, 12, 7)) is None
