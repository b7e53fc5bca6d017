"""Finding, reading and validating policy packs. The only module of `policy` that touches files."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from desktop.errors import Refusal
from desktop.policy.pack import Pack

# Every scalar as text (no YAML floats ever); libyaml's loader when PyYAML was built with it.
_TEXT_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


class PackError(Exception):
    """A pack file that cannot be used; the message names the file and the key."""


def bundled_dir() -> Path:
    """data/policies of the source tree, or of a PyInstaller bundle."""
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[2]))
    return base / "data" / "policies"


def read_pack(path: Path) -> Pack:
    """Parse and validate one pack file. Every scalar is read as text (no YAML floats ever)."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_TEXT_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise PackError(f"{path.name}: 无法读取：{exc}") from exc
    try:
        return Pack.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise PackError(f"{path.name}: {key}: {first['msg']}（共 {exc.error_count()} 处错误）") from exc


@dataclass
class PackSet:
    """Every pack the hall can use, indexed by (region, year, scheme)."""

    packs: list[Pack] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._index: dict[tuple[str, int, str], Pack] = {}
        for p in self.packs:
            self._add(p)

    def _add(self, pack: Pack) -> None:
        for region in pack.pack.regions:
            # a later pack (an imported one) replaces a bundled pack of the same key
            self._index[(region, pack.pack.year, pack.pack.scheme)] = pack

    def add(self, pack: Pack) -> None:
        self.packs.append(pack)
        self._add(pack)

    def regions(self) -> list[str]:
        seen: dict[str, None] = {}
        for region, _, _ in self._index:
            seen.setdefault(region)
        return list(seen)

    def years(self, region: str, scheme: str) -> list[int]:
        return sorted({y for r, y, s in self._index if r == region and s == scheme})

    def find(self, region: str, year: int, scheme: str) -> Pack:
        pack = self._index.get((region, year, scheme))
        if pack is not None:
            return pack
        if region not in self.regions():
            raise Refusal("unknown_region", f"统筹区“{region}”不在已载入的政策包中", "region")
        have = "、".join(str(y) for y in self.years(region, scheme)) or "无"
        scheme_cn = "城乡居民医保" if scheme == "resident" else "职工医保"
        raise Refusal(
            "no_policy_for_year",
            f"{region} 没有 {year} 年度{scheme_cn}政策包（已有年度：{have}）",
            "year",
        )


def load_dir(directory: Path) -> list[Pack]:
    return [read_pack(p) for p in sorted(directory.glob("*.yaml"))]


_bundled: PackSet | None = None
_with_hall: dict[Path, tuple[tuple, PackSet]] = {}


def bundled() -> PackSet:
    """The packs shipped with the application, read once."""
    global _bundled
    if _bundled is None:
        _bundled = PackSet(load_dir(bundled_dir()))
    return _bundled


def with_hall_packs(directory: Path | None) -> PackSet:
    """The bundled packs plus the packs a hall imported (`packs/` beside its database).

    An imported pack replaces a bundled one of the same region, year and scheme, so a city's
    corrected or next year's pack works without a new release. Re-read only when the folder's
    files change.
    """
    if directory is None or not directory.is_dir():
        return bundled()
    files = sorted(directory.glob("*.yaml"))
    key = tuple((f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    cached = _with_hall.get(directory)
    if cached is not None and cached[0] == key:
        return cached[1]
    packs = PackSet([*bundled().packs, *(read_pack(f) for f in files)])
    _with_hall[directory] = (key, packs)
    return packs
