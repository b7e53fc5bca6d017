"""Finding a person fast on a million rows: ID number (whole or last digits), name, phone, receipt.

- Last digits of the ID number: a reversed copy of the number (`id_number_rev`) with a B-tree
  index turns "ends with" into a range scan of any length.
- Name prefix: a range scan on the `name` index (UTF-8 byte order is code point order).
- Name contains: an FTS5 table indexing each character of the name as one token (its code point
  in hex), and a phrase query for the searched characters. Unlike the trigram tokenizer, this
  also finds one- and two-character fragments, which is what most Chinese name searches are,
  and it treats rare characters outside the BMP like any other. The middle dot is not indexed,
  so 阿依古丽买买提 finds 阿依古丽·买买提.
"""

from __future__ import annotations

import re

from sqlite_utils import Database

from desktop.errors import Refusal
from desktop.identity import looks_like_id_fragment, normalize_name

DEFAULT_LIMIT = 50
_TOP = "\U0010ffff"  # above every character: the upper bound of a prefix range
_SKIPPED = {"\u00b7", " ", "-", "'"}
RECEIPT_SERIAL = re.compile(r"\d{6}-\d{2}-\d{4}-\d{6}")

PERSON_COLUMNS = (
    "p.id, p.id_number, p.name, p.sex, p.birth_date, p.phone, p.address, p.status, p.category"
)


def name_tokens(name: str) -> str:
    """One token per name character: 王小明 -> 'u738b u5c0f u660e'."""
    return " ".join(f"u{ord(c):x}" for c in name if c not in _SKIPPED)


def index_name(db: Database, num: int, name: str) -> None:
    """(Re)index a person's name; call whenever a name is written."""
    db.execute("DELETE FROM person_name_fts WHERE rowid = ?", [num])
    db.execute(
        "INSERT INTO person_name_fts (rowid, tokens) VALUES (?, ?)", [num, name_tokens(name)]
    )


def index_new_names(db: Database, names: list[tuple[int, str]]) -> None:
    """Index the names of persons just inserted (rowid, name), all above every earlier `num`,
    in one executemany: a bulk registration (roster import). Any stale entry at or above the
    lowest new rowid is cleared first, as `index_name` does for one (looked for first: a DELETE
    on the FTS table costs about a millisecond even when it finds nothing)."""
    if not names:
        return
    lowest = min(n for n, _ in names)
    if db.conn.execute(
        "SELECT rowid FROM person_name_fts WHERE rowid >= ? LIMIT 1", [lowest]
    ).fetchone():
        db.conn.execute("DELETE FROM person_name_fts WHERE rowid >= ?", [lowest])
    db.conn.executemany(
        "INSERT INTO person_name_fts (rowid, tokens) VALUES (?, ?)",
        [(num, name_tokens(name)) for num, name in names],
    )


def _rows(db: Database, sql: str, params: list) -> list[dict]:
    # A plain cursor: sqlite_utils' `query` wraps every SELECT in a SAVEPOINT/RELEASE pair.
    cur = db.conn.execute(sql, params)
    keys = [d[0] for d in cur.description]
    return [dict(zip(keys, row, strict=True)) for row in cur]


# A person registered again under the same ID number at another window while apart is that
# person's alias (schema v8): found as the person it is an alias of, not twice.
_NOT_ALIAS = "p.alias_of IS NULL"


def by_id_number(db: Database, text: str, limit: int = DEFAULT_LIMIT) -> list[dict]:
    """The whole number, or its last digits (at least 4)."""
    digits = "".join(text.split()).upper()
    if len(digits) == 18:
        return _rows(db, f"SELECT {PERSON_COLUMNS} FROM persons p WHERE id_number = ? AND {_NOT_ALIAS}", [digits])
    if len(digits) < 4:
        raise Refusal("query_too_short", "按身份证号查询至少输入后4位", "query")
    rev = digits[::-1]
    return _rows(
        db,
        f"SELECT {PERSON_COLUMNS} FROM persons p WHERE id_number_rev >= ? AND id_number_rev < ? AND {_NOT_ALIAS} "
        "ORDER BY id_number_rev LIMIT ?",
        [rev, rev + _TOP, limit],
    )


def _clean_name(text: str) -> str:
    try:
        return normalize_name(text, field="query", label="查询姓名")
    except Refusal:
        return text.strip()


def by_name_prefix(db: Database, text: str, limit: int = DEFAULT_LIMIT) -> list[dict]:
    prefix = _clean_name(text)
    if not prefix:
        return []
    return _rows(
        db,
        f"SELECT {PERSON_COLUMNS} FROM persons p WHERE name >= ? AND name < ? AND {_NOT_ALIAS} "
        "ORDER BY name LIMIT ?",
        [prefix, prefix + _TOP, limit],
    )


def by_name_contains(db: Database, text: str, limit: int = DEFAULT_LIMIT) -> list[dict]:
    tokens = name_tokens(_clean_name(text))
    if not tokens:
        return []
    return _rows(
        db,
        f"SELECT {PERSON_COLUMNS} FROM person_name_fts f JOIN persons p ON p.num = f.rowid "
        f"WHERE person_name_fts MATCH ? AND {_NOT_ALIAS} LIMIT ?",
        [f'"{tokens}"', limit],
    )


def by_phone(db: Database, text: str, limit: int = DEFAULT_LIMIT) -> list[dict]:
    """Whole number or its beginning (an index range scan)."""
    digits = "".join(text.split())
    if len(digits) < 3:
        raise Refusal("query_too_short", "按电话查询至少输入3位", "query")
    return _rows(
        db,
        f"SELECT {PERSON_COLUMNS} FROM persons p WHERE phone >= ? AND phone < ? AND {_NOT_ALIAS} "
        "ORDER BY phone LIMIT ?",
        [digits, digits + _TOP, limit],
    )


def by_receipt(db: Database, serial: str) -> list[dict]:
    """The person a receipt was issued to, with the receipt's business and void state."""
    return _rows(
        db,
        f"SELECT {PERSON_COLUMNS}, r.serial, r.business, r.record_id, r.created_at AS issued_at, "
        "v.reason AS void_reason FROM receipts r JOIN persons p ON p.id = r.person_id "
        "LEFT JOIN receipt_voids v ON v.serial = r.serial WHERE r.serial = ?",
        [serial.strip()],
    )


def search(db: Database, text: str, limit: int = DEFAULT_LIMIT) -> list[dict]:
    """The search box: guesses the kind of query. Digits search the ID number's end and the
    phone; a receipt serial finds its person; anything else is a name (prefix first, then
    contains)."""
    text = text.strip()
    if not text:
        return []
    if RECEIPT_SERIAL.fullmatch(text):
        return by_receipt(db, text)
    if looks_like_id_fragment(text):
        found = by_id_number(db, text, limit)
        if text.isdigit() and len(text) >= 3:
            seen = {r["id"] for r in found}
            found += [r for r in by_phone(db, text, limit) if r["id"] not in seen]
        return found[:limit]
    found = by_name_prefix(db, text, limit)
    seen = {r["id"] for r in found}
    if len(found) < limit:
        found += [r for r in by_name_contains(db, text, limit) if r["id"] not in seen]
    return found[:limit]
