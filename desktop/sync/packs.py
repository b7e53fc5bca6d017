"""A policy pack imported at one node, applied at this one: the county imports a pack once and
every node uses it from the next pull. The import's audit entry carries the file's text; here it
is checked (its SHA-256, then the same validation as an import) and written into this hall's
`packs/` with an `import_pack` entry of this window's own chain naming its SHA-256, which is what
the start-up check of `packs/` accepts. A pack that fails is not written: the refusal is audited
here (`refuse_pack`, with why) and the sync goes on. Runs inside the caller's write transaction.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from desktop.records import audit
from desktop.records import packs as pack_files
from desktop.records.rows import Stamp


def apply_import(db: Database, entry: Mapping[str, Any], payload: dict[str, Any], stamp: Stamp) -> None:
    text = payload.get("text")
    if not isinstance(text, str) or not isinstance(payload.get("file"), str):
        return  # an entry made here (it carries no text), or an import older than this
    name = Path(payload["file"]).name
    origin = {"from": f"{entry['hall_code']}-{entry['window_code']}", "seq": entry["seq"], "made_at": entry["created_at"]}
    data = text.encode("utf-8")
    if pack_files.imported(db).get(name) == payload.get("sha256") or _newer_here(db, name, entry["created_at"]):
        return

    def refuse(reason: str) -> None:
        audit.append(db, stamp, action="refuse_pack", business="pack", entity="packs",
                     entity_id=str(payload.get("id") or name), payload={"file": name, **origin, "reason": reason})

    if hashlib.sha256(data).hexdigest() != payload.get("sha256"):
        return refuse(f"{name}: 政策包内容与导入登记的 SHA-256 不符，未使用")
    from desktop.policy import loader

    if not loader.PACK_NAME_RE.match(name):
        return refuse(f"{name}: 不是政策包文件名（只接受小写字母、数字、连字符命名的 .yaml 文件），未使用")
    folder = pack_files.folder(db)
    known = loader.with_hall_packs(folder, pack_files.imported(db))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / name).write_bytes(data)
            pack = loader.read_pack(Path(tmp) / name, known.by_id)
    except Exception as exc:  # noqa: BLE001 - any unusable pack is refused and reported, never a failed sync
        return refuse(f"政策包校验未通过，未使用：{exc}")
    meta = pack.pack
    other = known.by_id(meta.id)
    if other is not None and (other.pack.region_group, other.pack.year, other.pack.scheme) != (
            meta.region_group, meta.year, meta.scheme):
        return refuse(f"政策包校验未通过，未使用：编号 {meta.id} 已是{other.pack.region_group}{other.pack.year}年度政策包的编号")
    target = folder / name
    partial = target.with_name(name + ".partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, target)
    except OSError as exc:
        return refuse(f"{name}: 政策包未能写入：{exc.strerror or exc}")
    finally:
        partial.unlink(missing_ok=True)
    info = {k: v for k, v in payload.items() if k != "text"}
    audit.append(db, stamp, action="import_pack", business="pack", entity="packs", entity_id=meta.id,
                 payload={**info, "file": str(target), **origin})


def _newer_here(db: Database, name: str, at: str) -> bool:
    """This node holds a later import of the same file (made here, or applied from another)."""
    for created_at, payload in db.execute("SELECT created_at, payload FROM audit WHERE action = 'import_pack'"):
        info = audit.payload_of({"payload": payload})
        if isinstance(info.get("file"), str) and Path(info["file"]).name == name and info.get("made_at", created_at) > at:
            return True
    return False
