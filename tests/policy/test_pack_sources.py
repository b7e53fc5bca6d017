"""Packs cite their sources by id (15.1, 15.13): the `sources` table gives each document's title,
文号 and date; people read those, never a file name; the calc API's `source` keeps the file name."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.policy import citation
from desktop.policy.api import answer
from desktop.policy.loader import PackError, bundled, bundled_dir, read_pack

ORIGINAL = bundled_dir() / "changzhou-resident-2026.yaml"


def corrupt(tmp_path: Path, old: str, new: str) -> Path:
    text = ORIGINAL.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / "broken-2026.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_a_citation_of_an_id_not_in_the_table_is_refused_naming_the_key(tmp_path):
    path = corrupt(tmp_path, "inpatient:\n  source: cz-resident-2026 §三(一)\n", "inpatient:\n  source: cz-resident-2027 §三(一)\n")
    with pytest.raises(PackError) as info:
        read_pack(path)
    assert "inpatient.source" in str(info.value) and "cz-resident-2027" in str(info.value)


def test_a_file_name_citation_is_refused_with_the_way_to_cite(tmp_path):
    path = corrupt(tmp_path, "inpatient:\n  source: cz-resident-2026 §三(一)\n",
                   "inpatient:\n  source: 002_791f68398226ecd0.txt §三(一)\n")
    with pytest.raises(PackError) as info:
        read_pack(path)
    assert "inpatient.source" in str(info.value) and "来源编号" in str(info.value)


def test_a_source_without_a_title_is_refused(tmp_path):
    path = corrupt(tmp_path, "    title: 2026年度常州市城乡居民医疗保障政策宣传提纲\n", "")
    with pytest.raises(PackError) as info:
        read_pack(path)
    assert "sources.cz-resident-2026.title" in str(info.value)


def test_the_pack_document_must_be_a_source_id(tmp_path):
    path = corrupt(tmp_path, "  document: cz-resident-2026\n", "  document: 002_791f68398226ecd0.txt\n")
    with pytest.raises(PackError) as info:
        read_pack(path)
    assert "pack.document" in str(info.value)


def test_the_tianjin_trace_names_the_notice_and_its_number():
    got = answer({"calc": "inpatient", "region": "天津市", "year": 2024, "scheme": "resident", "category": "成年居民",
                  "tier": "高档", "hospital_level": 2, "admission": 1, "compliant_cost": "10000"},
                 settings={"resident_disposable_income_last_year": "51000"})
    for step in got["trace"]:
        # the API's machine field is still the file name and section (shared/spec/calc-api.md)
        assert step["source"].startswith("004_72f39dcdf4d6177b.txt §")
        assert step["cited"].startswith("《关于印发〈2024年度城乡居民基本医疗保险政策宣传提纲〉的通知》（津医保局发〔2023〕72号）§")
        assert ".txt" not in step["cited"]


def test_every_citation_of_every_pack_is_shown_by_title():
    def walk(node):
        if isinstance(node, citation.Cite):
            yield node
        elif hasattr(type(node), "model_fields"):
            for name in type(node).model_fields:
                yield from walk(getattr(node, name))
        elif isinstance(node, list | tuple):
            for v in node:
                yield from walk(v)
        elif isinstance(node, dict):
            for v in node.values():
                yield from walk(v)

    for pack in bundled().packs:
        cites = list(walk(pack))
        assert len(cites) > 20, pack.pack.id
        for c in cites:
            assert c.shown.startswith(("《", "沿用《")) and ".txt" not in c.shown
            assert c.machine.endswith(c[c.index(" §"):])  # the same section in both forms


def test_a_citation_written_outside_a_pack_is_shown_by_title():
    bundled()  # the loaded packs' sources are what the formatter knows
    assert citation.shown("004_72f39dcdf4d6177b.txt §七(一)") == (
        "《关于印发〈2024年度城乡居民基本医疗保险政策宣传提纲〉的通知》（津医保局发〔2023〕72号）§七(一)")
    assert citation.shown("cz-resident-2026 §二(二)4") == "《2026年度常州市城乡居民医疗保障政策宣传提纲》§二(二)4"
    assert citation.shown("依据大厅设置") == "依据大厅设置"


def test_no_material_note_speaks_of_the_source_file():
    # 15.1: notes printed on the 一次性告知单 are words for the public, not maintainers' remarks
    for pack in bundled().packs:
        for item in pack.materials:
            for variant in item.variants:
                for m in variant.materials:
                    assert "源文件" not in (m.note or "") and "源表" not in (m.note or ""), (pack.pack.id, item.item, m)
