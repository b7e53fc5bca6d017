"""An imported pack is what the hall's calculations use (design.md: a hall imports next year's
pack without a new release)."""

from __future__ import annotations

from pathlib import Path

from desktop.policy.loader import bundled_dir
from desktop.services import hall


def test_imported_pack_replaces_the_bundled_one_for_the_hall(tmp_path: Path):
    from desktop.records.db import open_db

    db = open_db(tmp_path / "hall.sqlite3")
    admin = hall.configure_hall(db, "钟楼区", "钟楼区医保经办大厅", "320404", "01", "admin", "Counter2026x", "管理员")
    ctx = hall.context_for(db, admin)
    # 002 §一(三): 非从业居民 (市区) 800 + 30 = 830 in the bundled 2026 pack
    request = {"calc": "contribution", "region": "钟楼区", "year": 2026, "category": "非从业居民"}
    assert ctx.ask(request)["personal"] == "830.00"

    # a corrected pack from the city: the same file with 非从业居民 (市区) at 810 + 30
    text = (bundled_dir() / "changzhou-resident-2026.yaml").read_text(encoding="utf-8")
    corrected = text.replace("medical: 800, ltc: 30", "medical: 810, ltc: 30")
    assert corrected != text
    source = tmp_path / "changzhou-resident-2026.yaml"
    source.write_text(corrected, encoding="utf-8")
    hall.import_pack(ctx, source)

    ctx = hall.context_for(db, admin)  # a new session sees the hall's packs
    assert ctx.ask(request)["personal"] == "840.00"  # 810 + 30
