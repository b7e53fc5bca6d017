from __future__ import annotations

from decimal import Decimal

import pytest

from desktop.policy import loader
from desktop.policy.loader import PackSet
from desktop.ui import pack_view
from desktop.ui.deps import Deps
from desktop.ui.pages.policy import PolicyPage


def resident_2026():
    return loader.bundled().find("武进区", 2026, "resident")


def earlier_year(pack, year=2025):
    """A test-only copy of the 2026 pack as if the previous year had charged 880 and 长护险 30 for minors."""
    rows = []
    for r in pack.contribution:
        if r.category == "non_employed" and "武进区" in (r.regions or []):
            r = r.model_copy(update={"medical": Decimal(850)})
        if r.category == "minor":
            r = r.model_copy(update={"ltc": Decimal(30)})
        rows.append(r)
    meta = pack.pack.model_copy(update={"year": year, "id": f"test-{year}"})
    return pack.model_copy(update={"contribution": rows, "pack": meta})


def test_what_changed_between_two_years():
    new = resident_2026()
    rows = pack_view.what_changed(earlier_year(new), new, "武进区")
    as_dict = {r[0]: (r[1], r[2]) for r in rows}
    assert as_dict["个人缴费标准·非从业居民"] == ("880", "830")
    assert as_dict["长护险·未成年居民"] == ("30", "免缴")
    assert all(r[3] for r in rows)  # every change cites its source


@pytest.fixture
def two_years(deps):
    new = resident_2026()
    return Deps(packs=PackSet([earlier_year(new), *loader.bundled().packs]), hall=deps.hall, clock=deps.clock)


def test_policy_page_tables_cite_sources(qtbot, deps):
    page = PolicyPage(deps)
    qtbot.addWidget(page)
    page.show()
    fees, _ = page.tables["缴费标准"]
    texts = [[fees.item(r, c).text() for c in range(fees.columnCount())] for r in range(fees.rowCount())]
    assert any(row[0] == "非从业居民" and row[5] == "830" and "§一(三)" in row[-1] for row in texts)
    assert any(row[0] == "未成年居民" and row[4] == "免缴" for row in texts)
    for name, (t, _) in page.tables.items():
        headers = [t.horizontalHeaderItem(c).text() for c in range(t.columnCount())]
        assert headers[-1] == "依据", name
        assert t.rowCount() > 0, name
        for r in range(t.rowCount()):
            assert "§" in t.item(r, t.columnCount() - 1).text(), (name, r)


def test_policy_page_shows_what_changed(qtbot, two_years):
    page = PolicyPage(two_years)
    qtbot.addWidget(page)
    page.show()
    assert page.year.currentData() == 2026
    assert page.compare_from.currentData() == 2025
    cells = [[page.diff_table.item(r, c).text() for c in range(4)] for r in range(page.diff_table.rowCount())]
    assert ["个人缴费标准·非从业居民", "880", "830"] in [c[:3] for c in cells]
    assert "项变化" in page.diff_note.text()


def test_loading_a_new_years_pack_shows_what_changed(qtbot, deps, tmp_path):
    import shutil

    from desktop.policy.loader import bundled_dir

    packs = PackSet([p for p in loader.bundled().packs if p.pack.id != "changzhou-resident-2026"])
    d = Deps(packs=packs, hall=deps.hall, clock=deps.clock)
    page = PolicyPage(d)
    qtbot.addWidget(page)
    page.show()
    assert page.year.currentData() == 2025
    bad = tmp_path / "bad.yaml"
    bad.write_text("pack: {id: x}\n", encoding="utf-8")
    page.load_pack(bad)
    assert "bad.yaml" in page.import_note.text() and page.import_note.text().startswith("⚠")
    new = shutil.copy(bundled_dir() / "changzhou-resident-2026.yaml", tmp_path / "2026.yaml")
    page.load_pack(new)
    assert page.import_ok.text().startswith("✔")
    assert page.year.currentData() == 2026 and page.tabs.currentWidget() is page.diff_host
    cells = [[page.diff_table.item(r, c).text() for c in range(3)] for r in range(page.diff_table.rowCount())]
    assert ["个人缴费标准·非从业居民", "880", "830"] in cells
