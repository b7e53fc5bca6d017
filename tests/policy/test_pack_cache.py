"""The start-up path of the calculator: bundled packs through a cache, lookups memoised per pack."""

from __future__ import annotations

import shutil

import pytest

from desktop.errors import Refusal
from desktop.policy import loader
from desktop.policy.api import answer
from desktop.policy.estimate import resolve_person


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("YIBAO_DESK_CACHE", str(folder))
    return folder


def test_cache_is_written_then_read(cache):
    first = loader._load_bundled(loader.bundled_dir())
    files = list(cache.glob("packs-*.pickle"))
    assert len(files) == 1
    again = loader._load_bundled(loader.bundled_dir())
    assert again == first and again is not first
    assert [p.pack.title for p in again] == [loader.read_pack(f).pack.title for f in sorted(loader.bundled_dir().glob("*.yaml"))]


def test_a_damaged_cache_is_only_a_miss(cache):
    loader._load_bundled(loader.bundled_dir())
    (cached,) = cache.glob("packs-*.pickle")
    cached.write_bytes(b"not a pickle")
    packs = loader._load_bundled(loader.bundled_dir())
    assert len(packs) == len(list(loader.bundled_dir().glob("*.yaml")))


def test_an_edited_pack_is_read_afresh(cache, tmp_path):
    folder = tmp_path / "packs"
    shutil.copytree(loader.bundled_dir(), folder)
    before = loader._load_bundled(folder)
    target = folder / "changzhou-resident-2026.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("year: 2026", "year: 2027", 1), encoding="utf-8")
    after = loader._load_bundled(folder)
    assert len(list(cache.glob("packs-*.pickle"))) == 1  # the stale file was removed
    assert sorted(p.pack.year for p in after) != sorted(p.pack.year for p in before)


def test_the_default_cache_folder_is_the_users_cache(monkeypatch):
    import platformdirs

    monkeypatch.delenv("YIBAO_DESK_CACHE", raising=False)
    assert loader.cache_dir() == loader.Path(platformdirs.user_cache_dir("yibao-desk", appauthor=False))


def test_an_unwritable_cache_still_loads(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("YIBAO_DESK_CACHE", str(blocker / "cache"))  # below a file: cannot be made
    assert loader._load_bundled(loader.bundled_dir())


def test_memoised_person_and_refusals_not_kept():
    pack = loader.bundled().find("天宁区", 2026, "resident")
    assert resolve_person(pack, "老年居民", None, None, None) is resolve_person(pack, "老年居民", None, None, None)
    for _ in range(2):  # a refusal is raised every time, not remembered as an answer
        with pytest.raises(Refusal) as refused:
            resolve_person(pack, "退休人员", None, None, None)
        assert refused.value.code == "unknown_category"


def test_same_request_twice_gives_equal_but_separate_answers():
    request = {"calc": "contribution", "region": "武进区", "year": 2026, "category": "老年居民", "assistance": "低保"}
    a, b = answer(request), answer(request)
    assert a == b and a is not b and a["trace"] is not b["trace"]


class _Planted:
    """A pickle that runs code when loaded (13.5): it leaves a marker file."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_a_replaced_cache_file_never_runs_code(cache, tmp_path, monkeypatch):
    import pickle

    monkeypatch.setenv("YIBAO_DESK_HOME", str(tmp_path / "home"))
    loader._load_bundled(loader.bundled_dir())
    (cached,) = cache.glob("packs-*.pickle")
    marker = tmp_path / "ran"
    evil = pickle.dumps([_Planted(marker)])
    for forged in (evil, cached.read_bytes()[:32] + evil):  # bare, and behind the real file's MAC
        cached.write_bytes(forged)
        packs = loader._load_bundled(loader.bundled_dir())
        assert not marker.exists()
        assert len(packs) == len(list(loader.bundled_dir().glob("*.yaml")))
    # the key is the hall's data, readable by its owner only
    key = tmp_path / "home" / "pack-cache.key"
    assert key.stat().st_size == 32 and key.stat().st_mode & 0o077 == 0
