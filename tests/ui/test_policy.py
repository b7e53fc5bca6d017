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


def next_year_pack(tmp_path):
    """常州 2027 as the city might publish it: 非从业居民 850 + 长护险 30 in 武进区."""
    from desktop.policy.loader import bundled_dir

    text = (bundled_dir() / "changzhou-resident-2026.yaml").read_text(encoding="utf-8")
    text = text.replace("year: 2026", "year: 2027", 1).replace("id: changzhou-resident-2026", "id: changzhou-resident-2027")
    text = text.replace("regions: [武进区, 常州经开区, 新北区, 天宁区, 钟楼区], medical: 800",
                        "regions: [武进区, 常州经开区, 新北区, 天宁区, 钟楼区], medical: 850")
    target = tmp_path / "changzhou-resident-2027.yaml"
    target.write_text(text, encoding="utf-8")
    return target


def test_a_new_years_pack_shows_what_changed_before_it_is_imported(qtbot, deps, hall_db, tmp_path):
    from tests.support.ui import signed_in

    admin = signed_in(deps, hall_db, "admin")
    page = PolicyPage(admin)
    qtbot.addWidget(page)
    page.show()
    assert page.import_button.isVisible()
    bad = tmp_path / "bad.yaml"
    bad.write_text("pack: {id: x}\n", encoding="utf-8")
    page.load_pack(bad)
    assert "bad.yaml" in page.import_note.text() and page.import_note.text().startswith("⚠")
    page.load_pack(next_year_pack(tmp_path))
    assert page.tabs.currentWidget() is page.diff_host and page.confirm_import.isVisible()
    cells = [[page.diff_table.item(r, c).text() for c in range(3)] for r in range(page.diff_table.rowCount())]
    assert ["个人缴费标准·非从业居民", "830", "880"] in cells, cells
    assert 2027 not in admin.years("武进区")  # shown, not yet used
    page.confirm_import.click()
    assert page.import_ok.text().startswith("✔ 已导入并启用"), page.import_note.text()
    assert page.year.currentData() == 2027 and 2027 in admin.years("武进区")
    answer = admin.context().ask({"calc": "contribution", "region": "武进区", "year": 2027, "category": "非从业居民"})
    assert answer["personal"] == "880.00"
    # a later start of the window finds it in the hall's pack folder
    again = signed_in(deps, hall_db, "wang")
    assert 2027 in again.years("武进区")


def test_only_an_administrator_imports_a_pack(qtbot, deps, hall_db, tmp_path):
    from tests.support.ui import signed_in

    page = PolicyPage(signed_in(deps, hall_db, "wang"))
    qtbot.addWidget(page)
    page.show()
    assert not page.import_button.isVisible()
    page.load_pack(next_year_pack(tmp_path))  # reached anyway: the services refuse
    page.confirm_import.click()
    assert "管理" in page.import_note.text() and page.import_note.text().startswith("⚠")


# ---------------------------------------------------------------- 年度变化 by meaning (14.8)


def test_a_group_spelled_two_ways_is_one_group():
    # 000 writes 精减退职职工, 002 精简退职职工: the same group (aliases of each other), 100 % both years
    bundled = loader.bundled()
    rows = pack_view.what_changed(bundled.find("武进区", 2024, "resident"), resident_2026(), "武进区")
    assert not [r for r in rows if "退职职工" in r[0]], rows


def test_a_table_the_older_source_lacks_is_compared_with_the_year_before_it():
    # 2025 (003) without 沿用 has no inpatient table; 2024's (000 §三(一)) and 2026's (002 §三(一)) are equal
    bare = loader.bundled().without_adoption()
    old, new = bare.find("武进区", 2025, "resident"), bare.find("武进区", 2026, "resident")
    rows = pack_view.what_changed(old, new, "武进区", earlier=[bare.find("武进区", 2024, "resident")])
    assert not [r for r in rows if "未收录" in r[1] + r[2] or r[0].startswith("住院")], rows
    # the fees that did change are still there: 非从业居民 880 → 830 (003 §三, 002 §一(三))
    assert ["个人缴费标准·非从业居民", "880", "830"] in [r[:3] for r in rows]
    # with no earlier year to lean on, one row says the older source gave no such table
    rows = pack_view.what_changed(old, new, "武进区")
    assert [r[:3] for r in rows if r[0].startswith("住院")] == [
        ["住院待遇（起付标准、支付比例、最高支付限额）", "（2025年度源文件未规定）", "已规定"]]


def test_the_policy_page_says_what_2025_adopts(qtbot, deps):
    page = PolicyPage(deps)
    qtbot.addWidget(page)
    page.show()
    page.year.setCurrentIndex(page.year.findData(2025))
    text = page.adopted_label.text()
    assert page.adopted_label.isVisible() and "住院" in text and "零星报销材料" in text
    assert "沿用《2024年度溧阳市城乡居民基本医疗保险政策》（2024年度）" in text
    inpatient, _ = page.tables["住院待遇"]
    cited = {inpatient.item(r, inpatient.columnCount() - 1).text() for r in range(inpatient.rowCount())}
    assert cited == {"沿用《2024年度溧阳市城乡居民基本医疗保险政策》§三(一)", "沿用《2024年度溧阳市城乡居民基本医疗保险政策》§六(三)2"}
    page.year.setCurrentIndex(page.year.findData(2026))
    assert not page.adopted_label.isVisible()
