"""Property: any valid name survives the database unchanged and is found again."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from desktop.errors import Refusal
from desktop.identity import normalize_name
from desktop.records import persons, search
from desktop.records.db import open_db
from tests.support.records import add_person, make_id

# Han characters of the URO, Extension A and Extensions B-H (GB 18030-2022 four-byte ranges).
HAN = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.characters(min_codepoint=0x3400, max_codepoint=0x4DBF),
    st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF),
    st.characters(min_codepoint=0x30000, max_codepoint=0x3134F),
)
PART = st.text(HAN, min_size=1, max_size=30)
NAMES = st.lists(PART, min_size=1, max_size=4).map("·".join)

_counter = iter(range(1, 10**9))
STORED: list[str] = []


@pytest.fixture(scope="module")
def names_db(tmp_path_factory):
    db = open_db(tmp_path_factory.mktemp("names") / "names.sqlite3")
    yield db
    db.close()


# derandomize: CI must not pass or fail by the draw. The examples pin the edges the
# generator reaches only sometimes: a 99-character name with three dots, astral Han.
@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(raw=NAMES)
@example(raw="·".join(["阿" * 24, "\U00020000" * 24, "\U00030000" * 24, "䶵" * 24]))
@example(raw="\U0002A6D6\U00030000")
def test_names_round_trip_and_are_found(names_db, raw):
    try:
        name = normalize_name(raw)
    except Refusal:  # e.g. longer than the 100-character limit
        return
    i = next(_counter)
    number = make_id(date(1950, 1, 1) + timedelta(days=i // 1000), i)
    stored = add_person(names_db, name, number)
    again = persons.get(names_db, stored["id"])
    assert again["name"] == name
    assert len(again["name"]) == len(name)
    assert again["name"].encode("gb18030").decode("gb18030") == name
    assert stored["id"] in {r["id"] for r in search.by_name_contains(names_db, name, limit=1000)}
    assert stored["id"] in {r["id"] for r in search.by_name_prefix(names_db, name, limit=1000)}
    STORED.append(name)


def test_the_property_ran_on_many_names():
    if not STORED:
        pytest.skip("runs after the property test")
    assert len(STORED) > 100
    assert any(len(n) >= 50 for n in STORED)
    assert any(ord(c) > 0xFFFF for n in STORED for c in n)
    assert any("·" in n for n in STORED)
