"""Finding, reading and validating policy packs. The only module of `policy` that touches files."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import pickle
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from desktop import shipped
from desktop.errors import Refusal
from desktop.policy import citation
from desktop.policy import pack as pack_module
from desktop.policy.pack import Pack


class PackError(Exception):
    """A pack file that cannot be used; the message names the file and the key."""


def bundled_dir() -> Path:
    """The packs shipped inside the package (desktop/data/policies), wherever it is installed."""
    return shipped.policies_dir()


def _read_raw(path: Path) -> dict:
    """The pack file as YAML data, every scalar as text (no YAML floats ever)."""
    import yaml  # here: a start that finds the packs in the cache never needs the parser

    # libyaml's loader when PyYAML was built with it
    text_loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=text_loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PackError(f"{path.name}: 无法读取：{exc}") from exc
    if not isinstance(raw, dict):
        raise PackError(f"{path.name}: 不是政策包（顶层应为键值表）")
    _refuse_invisible(raw, path.name, "")
    return raw


def _validate(raw: dict, name: str) -> Pack:
    from pydantic import ValidationError

    try:
        return Pack.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise PackError(f"{name}: {key}: {first['msg']}（共 {exc.error_count()} 处错误）") from exc


Earlier = Callable[[str], "Pack | None"]


def _inherit(raw: dict, name: str, earlier: Earlier, adopt: bool) -> dict:
    """The pack's data with what it `inherits` filled in from the earlier pack (whole blocks, as
    validated there); with `adopt` False only the `same` values (the hall switched 沿用 off)."""
    inh = raw.get("inherits")
    if not isinstance(inh, dict):
        return raw
    meta = raw.get("pack") if isinstance(raw.get("pack"), dict) else {}
    base = earlier(str(inh.get("pack")))
    if base is None:
        raise PackError(f"{name}: inherits.pack: 没有已载入的政策包 {inh.get('pack')!r}（须为同一统筹区、险种的更早年度政策包）")
    b = base.pack
    if b.region_group != meta.get("region_group") or b.scheme != meta.get("scheme"):
        raise PackError(f"{name}: inherits.pack: {b.id} 是{b.region_group}的{b.scheme}政策包，与本包的统筹区或险种不同")
    if not str(meta.get("year", "")).isdigit() or b.year >= int(meta["year"]):
        raise PackError(f"{name}: inherits.pack: {b.id}（{b.year}年度）不早于本包年度 {meta.get('year')}")
    out = dict(raw)
    if not isinstance(out.get("outpatient"), dict):
        out["outpatient"] = {} if out.get("outpatient") is None else out["outpatient"]

    def take(path: str, key: str) -> None:
        head, _, part = path.partition(".")
        holder_base = getattr(base, head, None)
        value = getattr(holder_base, part, None) if part else holder_base
        if value is None:
            raise PackError(f"{name}: inherits.{key}: {b.id} 没有 {path}")
        holder = out if not part else out.get(head)
        if not isinstance(holder, dict):
            raise PackError(f"{name}: inherits.{key}: {path} 所在的 {head} 须由本包给出")
        if (part or head) in holder and holder[part or head] is not None:
            raise PackError(f"{name}: inherits.{key}: {path} 本包已自行给出，不能同时继承")
        holder = out[head] = dict(holder) if part else out
        holder[part or head] = value.model_copy(deep=True) if hasattr(value, "model_copy") else _deep(value)

    for path in inh.get("same") or []:
        head, _, part = str(path).partition(".")
        if not part or not isinstance(out.get(head), dict):
            raise PackError(f"{name}: inherits.same: {path} 须是本包自有部分中的一项（<部分>.<项>）")
        value = getattr(getattr(base, head, None), part, None)
        if _cites(value):
            raise PackError(f"{name}: inherits.same: {path} 含有引用，只能沿用（adopted），不能作为本包来源所述")
        take(str(path), "same")
    if adopt:
        for path in inh.get("adopted") or []:
            take(str(path), "adopted")
        items = list(out.get("materials") or [])
        own = {m.get("item") for m in items if isinstance(m, dict)}
        for item in inh.get("materials") or []:
            found = next((m for m in base.materials if m.item == item), None)
            if found is None:
                raise PackError(f"{name}: inherits.materials: {b.id} 没有事项 {item!r}")
            if item in own:
                raise PackError(f"{name}: inherits.materials: 事项 {item!r} 本包已自行给出，不能同时继承")
            items.append(found.model_copy(deep=True))
        out["materials"] = items
    else:
        out["inherits"] = {**inh, "adopted": [], "materials": []}
    # the earlier pack's documents join this pack's table (an id names one document everywhere)
    sources = dict(out.get("sources") or {})
    for sid, src in base.sources.items():
        mine = sources.get(sid)
        if mine is None:
            sources[sid] = src
        elif isinstance(mine, dict) and mine.get("title") != src.title:
            raise PackError(f"{name}: sources.{sid}: 与 {b.id} 的同一来源编号标题不同")
    out["sources"] = sources
    return out


def _cites(value: object) -> bool:
    from pydantic import BaseModel

    from desktop.policy.pack import Cited

    if isinstance(value, Cited):
        return True
    if isinstance(value, BaseModel):
        return any(_cites(getattr(value, n)) for n in type(value).model_fields)
    if isinstance(value, list | tuple):
        return any(_cites(v) for v in value)
    if isinstance(value, dict):
        return any(_cites(v) for v in value.values())
    return False


def _deep(value: object) -> object:
    import copy

    return copy.deepcopy(value)


def region_groups(packs: list[Pack] | tuple[Pack, ...]) -> dict[str, str]:
    """region -> region group, as the bundled packs draw the map."""
    return {r: p.pack.region_group for p in packs for r in p.pack.regions}


def _check_regions(pack: Pack, name: str, groups: dict[str, str]) -> None:
    """A pack that is not bundled keeps to its group: a region of another group is never taken
    over, and a known group gains no region (13.5: a "天津" pack listing 武进区)."""
    meta = pack.pack
    mine = {r for r, g in groups.items() if g == meta.region_group}
    for region in meta.regions:
        owner = groups.get(region)
        if owner is not None and owner != meta.region_group:
            raise PackError(f"{name}: pack.regions: {region} 属于{owner}，不能由{meta.region_group}的政策包使用")
        if owner is None and mine:
            raise PackError(f"{name}: pack.regions: {region} 不是{meta.region_group}的统筹区（{'、'.join(sorted(mine))}）")


def build(raw: dict, name: str, earlier: Earlier | None = None, groups: dict[str, str] | None = None) -> Pack:
    """Validate one pack's data, its inheritance resolved against `earlier` (id -> pack) and, for
    a pack that is not bundled, its regions against `groups`. A pack that adopts blocks keeps its
    variant without them (`without_adoption`) for a hall that switched 沿用 off."""
    if earlier is None:
        earlier = _bundled_by_id
    pack = _validate(_inherit(raw, name, earlier, True), name)
    if groups is not None:
        _check_regions(pack, name, groups)
    if pack.inherits and (pack.inherits.adopted or pack.inherits.materials):
        pack._bare = _validate(_inherit(raw, name, earlier, False), name)
    return pack


def _bundled_by_id(pack_id: str) -> Pack | None:
    return next((p for p in bundled().packs if p.pack.id == pack_id), None)


def read_pack(path: Path, earlier: Earlier | None = None) -> Pack:
    """Parse and validate one pack file that is not bundled (an import): an `inherits` names a
    bundled pack unless `earlier` says, and its regions keep to the bundled map of groups."""
    return build(_read_raw(path), path.name, earlier, region_groups(bundled().packs))


def _year_of(raw: dict) -> int:
    meta = raw.get("pack")
    year = str(meta.get("year", "")) if isinstance(meta, dict) else ""
    return int(year) if year.isdigit() else 0


def read_all(paths: list[Path], known: list[Pack] | tuple[Pack, ...] = (),
             groups: dict[str, str] | None = None) -> tuple[list[Pack], list[str]]:
    """Every file's pack, earlier years first so that a later one can inherit (from `known` too);
    regions checked against `groups` when given (packs that are not bundled). A file that cannot
    be used is left out and its message returned: one bad pack never stops the others."""
    raws: list[tuple[int, int, Path, dict]] = []
    problems: list[str] = []
    for i, path in enumerate(paths):
        try:
            raw = _read_raw(path)
        except PackError as exc:
            problems.append(str(exc))
            continue
        raws.append((_year_of(raw), i, path, raw))
    done: dict[int, Pack] = {}
    for _, i, path, raw in sorted(raws, key=lambda t: t[:2]):
        def earlier(pack_id: str) -> Pack | None:
            return next((p for p in reversed([*known, *done.values()]) if p.pack.id == pack_id), None)
        try:
            done[i] = build(raw, path.name, earlier, groups)
        except PackError as exc:
            problems.append(str(exc))
    return [done[i] for i in sorted(done)], problems  # in the files' order


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
    # files of the hall's packs/ folder left out, each with why (shown to the administrator)
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._index: dict[tuple[str, int, str], Pack] = {}
        self._regions: list[str] | None = None  # regions(), kept until a pack is added
        self._refusal_texts: dict[tuple[str, str], str] | None = None  # likewise
        for p in self.packs:
            self._add(p)

    def _add(self, pack: Pack) -> None:
        self._regions = self._refusal_texts = None
        for sid, src in pack.sources.items():  # citations written outside a pack find their words
            citation.remember(sid, src.file, src.shown())
        for region in pack.pack.regions:
            # a later pack (an imported one) replaces a bundled pack of the same key
            self._index[(region, pack.pack.year, pack.pack.scheme)] = pack

    def by_id(self, pack_id: str) -> Pack | None:
        return next((p for p in reversed(self.packs) if p.pack.id == pack_id), None)

    def adoption_text(self, pack: Pack) -> str | None:
        """沿用《…》 as the screen says it, for a pack that adopts blocks of an earlier one."""
        what = pack.adopted()
        earlier = self.by_id(pack.inherits.pack) if what else None
        if earlier is None:
            return None
        return (f"{pack.pack.year}年度源文件未规定的{'、'.join(what)}，沿用{earlier.shown_document()}"
                f"（{earlier.pack.year}年度）")

    def without_adoption(self) -> PackSet:
        """The same packs with 沿用 switched off: a pack that adopted blocks from an earlier year
        as its own source gave them not (the hall's setting), refusing as that source does."""
        return PackSet([p._bare or p for p in self.packs], list(self.problems))

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
    packs, problems = read_all(sorted(directory.glob("*.yaml")))
    if problems:
        raise PackError("；".join(problems))
    return packs


_bundled: PackSet | None = None
_with_hall: dict[Path, tuple[tuple, PackSet]] = {}


def bundled() -> PackSet:
    """The packs shipped with the application, read once."""
    global _bundled
    if _bundled is None:
        _bundled = PackSet(_load_bundled(bundled_dir()))
    return _bundled


# Bump when what read_pack makes of a file changes without pack.py or this file changing.
_CACHE_FORMAT = b"packs-2"
_KEY_FILE = "pack-cache.key"


def _cache_key() -> bytes:
    """The secret that signs the pack cache: 32 random bytes in the hall's data folder (that of
    records.paths.data_dir: YIBAO_DESK_HOME or the user's data folder; policy may not import
    records), made on first use, readable by its owner only. The cache folder may be shared or
    cleaned by others; a cache file whose HMAC does not match is never unpickled."""
    import secrets

    import platformdirs

    home = os.environ.get("YIBAO_DESK_HOME")
    folder = Path(home) if home else Path(platformdirs.user_data_dir("yibao-desk", appauthor=False))
    path = folder / _KEY_FILE
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except FileNotFoundError:
        pass
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(key)
    return key


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
    file is named by a digest of every pack file's bytes, of the pack models', citations' and this loader's
    source and of the Python and pydantic versions, so an edited pack or model is read afresh.
    Any trouble with the cache (missing, unreadable, stale, not writable) falls back to reading.
    """
    files = sorted(directory.glob("*.yaml"))
    try:
        digest = hashlib.sha256(_CACHE_FORMAT)
        for source in (Path(pack_module.__file__), Path(citation.__file__), Path(__file__), *files):
            data = source.read_bytes()
            digest.update(f"\0{source.name}\0{len(data)}\0".encode())
            digest.update(data)
        import pydantic

        digest.update(f"\0{sys.version}\0{pydantic.VERSION}".encode())
        cached = cache_dir() / f"packs-{digest.hexdigest()[:32]}.pickle"
    except OSError:
        return load_dir(directory)
    try:
        key = _cache_key()
    except OSError:
        return load_dir(directory)  # no signing key, no cache
    try:
        data = cached.read_bytes()
        mac, body = data[:32], data[32:]
        # only bytes this installation signed are unpickled (a replaced file never runs code)
        if hmac.compare_digest(mac, hmac.new(key, body, hashlib.sha256).digest()):
            packs = pickle.loads(body)
            if isinstance(packs, list) and len(packs) == len(files) and all(isinstance(p, Pack) for p in packs):
                return packs
    except Exception:  # noqa: BLE001 - a damaged or foreign cache file is only a cache miss
        pass
    packs = load_dir(directory)
    scratch = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        body = pickle.dumps(packs, protocol=pickle.HIGHEST_PROTOCOL)
        scratch.write_bytes(hmac.new(key, body, hashlib.sha256).digest() + body)
        os.replace(scratch, cached)  # whole or not at all, whatever another process does
        for stale in cached.parent.glob("packs-*.pickle"):  # of packs or code since replaced
            if stale != cached:
                with contextlib.suppress(OSError):
                    stale.unlink()
    except OSError:
        with contextlib.suppress(OSError):
            scratch.unlink(missing_ok=True)
    return packs


PACK_NAME_RE = re.compile(r"^[a-z0-9-]+\.yaml$")


def with_hall_packs(directory: Path | None, imported: Mapping[str, str] | None = None) -> PackSet:
    """The bundled packs plus the packs a hall imported (`packs/` beside its database).

    An imported pack replaces a bundled one of the same region, year and scheme, so a city's
    corrected or next year's pack works without a new release. With `imported` (file name ->
    SHA-256 of the audited import), a file not imported through the audited path, or changed
    since, is refused; so is any file not named `<a-z0-9->.yaml`. Refused and broken files are
    left out and named in `problems`; the rest load. Re-read only when the folder's bytes change.
    """
    if directory is None or not directory.is_dir():
        return bundled()
    files: list[tuple[Path, str]] = []
    problems: list[str] = []
    for f in sorted(directory.iterdir()):
        if f.name.endswith(".partial") or f.is_dir():
            continue  # an import under way (or killed: the next import replaces it)
        if not PACK_NAME_RE.match(f.name):
            problems.append(f"{f.name}: 不是政策包文件（只接受小写字母、数字、连字符命名的 .yaml 文件），未使用")
            continue
        try:
            files.append((f, hashlib.sha256(f.read_bytes()).hexdigest()))
        except OSError as exc:
            problems.append(f"{f.name}: 无法读取：{exc}")
    if imported is not None:
        kept = []
        for f, digest in files:
            recorded = imported.get(f.name)
            if recorded is None:
                problems.append(f"{f.name}: 未经“政策包导入”登记（审计日志中没有导入记录），未使用")
            elif recorded != digest:
                problems.append(f"{f.name}: 导入后被改动（与导入登记的 SHA-256 不符），未使用")
            else:
                kept.append((f, digest))
        files = kept
    key = (tuple((f.name, d) for f, d in files), tuple(problems))
    cached = _with_hall.get(directory)
    if cached is not None and cached[0] == key:
        return cached[1]
    base = bundled().packs
    mine, broken = read_all([f for f, _ in files], base, region_groups(base))
    packs = PackSet([*base, *mine], [*problems, *broken])
    _with_hall[directory] = (key, packs)
    return packs
