"""The bundle file a township centre without network carries (and the county's reverse bundle).

A zip of two members:

    rows.jsonl      one replicated row a line: {"t": table, "r": row}, in push order (parents
                    first); BLOB values (an audit entry's hash) as hex text
    manifest.json   {"format": 1, "kind": "node"|"county", "node": "320412-09", "seq": n, ...,
                     "rows": count, "sha256": SHA-256 of rows.jsonl}

Reading checks the SHA-256 before anything is used; the importing side then checks the sequence
and (on the hub) the node's audit chain across the bundle, so an edited file is refused whole.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from desktop.errors import Refusal
from desktop.hub import tables

FORMAT = 1


def _blob_columns(table: str) -> frozenset[str]:
    if table not in (*tables.ORDER, "traces"):
        return frozenset()
    return frozenset(c for c, t in tables.declared(table) if t == "BLOB")


def write(path: str | Path, manifest: Mapping[str, Any], rows: Iterable[tuple[str, Mapping[str, Any]]]) -> dict[str, Any]:
    """Write the bundle; returns the manifest as written (with `rows` and `sha256`)."""
    body = io.BytesIO()
    count = 0
    for table, row in rows:
        blobs = _blob_columns(table)
        out = {k: (bytes(v).hex() if k in blobs and v is not None else v) for k, v in row.items()}
        body.write(json.dumps({"t": table, "r": out}, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        body.write(b"\n")
        count += 1
    data = body.getvalue()
    final = {**manifest, "format": FORMAT, "rows": count, "sha256": hashlib.sha256(data).hexdigest()}
    target = Path(path)
    partial = target.with_name(target.name + ".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(final, ensure_ascii=False, indent=1))
        zf.writestr("rows.jsonl", data)
    partial.replace(target)  # never a half-written bundle under the final name
    return final


def read(path: str | Path) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]:
    """(manifest, rows) of a bundle whose content matches its SHA-256; Refusal otherwise."""
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(zf.read("manifest.json"))
            data = zf.read("rows.jsonl")
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise Refusal("bad_bundle", f"不是有效的数据包文件：{path}", "file") from exc
    if manifest.get("format") != FORMAT:
        raise Refusal("bad_bundle", f"数据包格式版本 {manifest.get('format')} 不受支持", "file")
    if hashlib.sha256(data).hexdigest() != manifest.get("sha256"):
        raise Refusal("bundle_tampered", "数据包内容与其校验值（SHA-256）不符：文件被改动或已损坏，未导入任何记录", "file")
    rows = list(_rows(data))
    if len(rows) != manifest.get("rows"):
        raise Refusal("bundle_tampered", "数据包的记录数与其清单不符，未导入任何记录", "file")
    return manifest, rows


def _rows(data: bytes) -> Iterator[tuple[str, dict[str, Any]]]:
    for line in data.splitlines():
        item = json.loads(line)
        table, row = item["t"], item["r"]
        for column in _blob_columns(table):
            if row.get(column) is not None:
                row[column] = bytes.fromhex(row[column])
        yield table, row


def by_table(rows: Iterable[tuple[str, dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for table, row in rows:
        out.setdefault(table, []).append(row)
    return out
