"""Finding, reading and validating policy packs. The only module of `policy` that touches files."""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
from dataclasses import dataclass, field
from pathlib import Path

from desktop.errors import Refusal
from desktop.policy import pack as pack_module
from desktop.policy.pack import Pack


class PackError(Exception):
    """A pack file that cannot be used; the message names the file and the key."""


def bundled_dir() -> Path:
    """data/policies of the source tree, or of a PyInstaller bundle."""
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[2]))
    return base / "data" / "policies"


def read_pack(path: Path) -> Pack:
    """Parse and validate one pack file. Every scalar is read as text (no YAML floats ever)."""
    import yaml  # here: a start that finds the packs in the cache never needs the parser
    from pydantic import ValidationError

    # Every scalar as text (no YAML floats ever); libyaml's loader when PyYAML was built with it.
    text_loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=text_loader)
    except (OSError, yaml.YAMLError) as exc:
        raise PackError(f"{path.name}: 无法读取：{exc}") from exc
    _refuse_invisible(raw, path.name, "")
    try:
        return Pack.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise PackError(f"{path.name}: {key}: {first['msg']}（共 {exc.error_count()} 处错误）") from exc


def _refuse_invisible(node: object, name: str, key: str) -> None:
    """Every string of a pack (keys too) free of control and format characters: they would be
    printed on papers and shown to the clerk (a bidi override reorders what is read). Line
    breaks and tabs of a multi-line clause are kept."""
    from desktop.identity import invisible_character, invisible_message

    if isinstance(node, dict):
        for k, v in node.items():
            _refuse_invisible(k, name, key)
            _refuse_invisible(v, name, f"{key}.{k}" if key else str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            _refuse_invisible(v, name, f"{key}[{i}]")
    elif isinstance(node, str):
        found = invisible_character(node, allowed="\n\t\r")
        if found is not None:
            raise PackError(f"{name}: {key or '（键名）'}: {invisible_message('文字', found)}")


@dataclass
class PackSet:
    """Every pack the hall can use, indexed by (region, year, scheme)."""

    packs: list[Pack] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._index: dict[tuple[str, int, str], Pack] = {}
        self._regions: list[str] | None = None  # regions(), kept until a pack is added
        self._refusal_texts: dict[tuple[str, str], str] | None = None  # likewise
        for p in self.packs:
            self._add(p)

    def _add(self, pack: Pack) -> None:
        self._regions = self._refusal_texts = None
        for region in pack.pack.regions:
            # a later pack (an imported one) replaces a bundled pack of the same key
            self._index[(region, pack.pack.year, pack.pack.scheme)] = pack

    def add(self, pack: Pack) -> None:
        self.packs.append(pack)
        self._add(pack)

    def regions(self) -> list[str]:
        if self._regions is None:
            seen: dict[str, None] = {}
            for region, _, _ in self._index:
                seen.setdefault(region)
            self._regions = list(seen)
        return list(self._regions)

    def years(self, region: str, scheme: str) -> list[int]:
        return sorted({y for r, y, s in self._index if r == region and s == scheme})

    def _years_text(self, region: str, scheme: str) -> str:
        """The years of a refusal's message, kept (a batch may ask for a missing year often)."""
        if self._refusal_texts is None:
            self._refusal_texts = {}
        key = (region, scheme)
        text = self._refusal_texts.get(key)
        if text is None:
            text = self._refusal_texts[key] = "、".join(str(y) for y in self.years(region, scheme)) or "无"
        return text

    def find(self, region: str, year: int, scheme: str) -> Pack:
        pack = self._index.get((region, year, scheme))
        if pack is not None:
            return pack
        if self._regions is None:
            self.regions()
        if region not in self._regions:
            raise Refusal("unknown_region", f"统筹区“{region}”不在已载入的政策包中", "region")
        have = self._years_text(region, scheme)
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
        _bundled = PackSet(_load_bundled(bundled_dir()))
    return _bundled


# Bump when what read_pack makes of a file changes without pack.py or this file changing.
_CACHE_FORMAT = b"packs-1"


def cache_dir() -> Path:
    """Where validated bundled packs are kept between starts: platformdirs' per-user cache
    folder (YIBAO_DESK_CACHE overrides)."""
    explicit = os.environ.get("YIBAO_DESK_CACHE")
    if explicit:
        return Path(explicit)
    import platformdirs

    return Path(platformdirs.user_cache_dir("yibao-desk", appauthor=False))


def _load_bundled(directory: Path) -> list[Pack]:
    """load_dir of the bundled packs, through a cache of the validated result.

    Parsing the YAML and building the validators is most of the calculator's start. The cache
    file is named by a digest of every pack file's bytes, of the pack models' and this loader's
    source and of the Python and pydantic versions, so an edited pack or model is read afresh.
    Any trouble with the cache (missing, unreadable, stale, not writable) falls back to reading.
    """
    files = sorted(directory.glob("*.yaml"))
    try:
        digest = hashlib.sha256(_CACHE_FORMAT)
        for source in (Path(pack_module.__file__), Path(__file__), *files):
            data = source.read_bytes()
            digest.update(f"\0{source.name}\0{len(data)}\0".encode())
            digest.update(data)
        import pydantic

        digest.update(f"\0{sys.version}\0{pydantic.VERSION}".encode())
        cached = cache_dir() / f"packs-{digest.hexdigest()[:32]}.pickle"
    except OSError:
        return [read_pack(p) for p in files]
    try:
        packs = pickle.loads(cached.read_bytes())
        if isinstance(packs, list) and len(packs) == len(files) and all(isinstance(p, Pack) for p in packs):
            return packs
    except Exception:  # noqa: BLE001 - a damaged or foreign cache file is only a cache miss
        pass
    packs = [read_pack(p) for p in files]
    scratch = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        scratch.write_bytes(pickle.dumps(packs, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(scratch, cached)  # whole or not at all, whatever another process does
        for stale in cached.parent.glob("packs-*.pickle"):  # of packs or code since replaced
            if stale != cached:
                with contextlib.suppress(OSError):
                    stale.unlink()
    except OSError:
        with contextlib.suppress(OSError):
            scratch.unlink(missing_ok=True)
    return packs


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
