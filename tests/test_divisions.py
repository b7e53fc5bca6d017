"""The GB/T 2260 province and city lists the off-site questions choose from."""

from desktop import divisions


def test_provinces_in_force_without_hong_kong_macao_taiwan():
    names = [p.name for p in divisions.provinces()]
    assert len(names) == 31 and names[0] == "北京市" and names[-1] == "新疆维吾尔自治区"
    assert "江苏省" in names and "天津市" in names and "台湾省" not in names


def test_cities_are_the_ones_in_force():
    jiangsu = {c.code: c.name for c in divisions.cities("320000")}
    assert jiangsu["320400"] == "常州市" and jiangsu["320800"] == "淮安市"  # not 淮阴市 (1983–1999)
    assert len(jiangsu) == 13
    hubei = [c.name for c in divisions.cities("420000")]
    assert "襄阳市" in hubei and "襄樊市" not in hubei and "仙桃市" in hubei  # 省直辖县级 too
    assert hubei.count("随州市") == 1 and "林区" not in hubei and "沙市市" not in hubei
    assert [c.name for c in divisions.cities("120000")] == ["天津市"]  # a municipality is its own city


def test_scope_from_the_hall():
    assert divisions.scope("320412", "320500") == "省内"
    assert divisions.scope("320412", "310000") == "跨省"
    assert divisions.division("320400").name == "常州市" and divisions.division("329999") is None
