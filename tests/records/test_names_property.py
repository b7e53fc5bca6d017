"""Property: any valid name survives the database unchanged and is found again."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rec_helpers import add_person, make_id

from desktop.errors import Refusal
from desktop.identity import normalize_name
from desktop.records import persons, search
from desktop.records.db import open_db

# Han characters of the URO, Extension A and Extensions B-H (GB 18030-2022 four-byte ranges).
HAN = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.characters(min_codepoint=0x3400, max_codepoint=0x4DBF),
    st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF),
    st.characters(min_codepoint=0x30000, max_codepoint=0x3134F),
)
PART = st.text(HAN, min_size=1, max_size=30)
NAMES = st.lists(PART, min_size=1, max_size=4).map("·".join)

_DB_DIR = Path(tempfile.mkdtemp(prefix="names-"))
_DB = open_db(_DB_DIR / "names.sqlite3")
_counter = iter(range(1, 10**9))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(NAMES)
def test_names_round_trip_and_are_found(raw):
    try:
        name = normalize_name(raw)
    except Refusal:  # e.g. longer than the 100-character limit
        return
    i = next(_counter)
    number = make_id(date(1950, 1, 1) + (date(1950, 1, 2) - date(1950, 1, 1)) * (i // 1000), i)
    stored = add_person(_DB, name, number)
    again = persons.get(_DB, stored["id"])
    assert again["name"] == name
    assert len(again["name"]) == len(name)
    assert again["name"].encode("gb18030").decode("gb18030") == name
    assert stored["id"] in {r["id"] for r in search.by_name_contains(_DB, name, limit=1000)}
    assert stored["id"] in {r["id"] for r in search.by_name_prefix(_DB, name, limit=1000)}
