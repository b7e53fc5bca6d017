"""Search by ID number (whole or last digits), name (prefix, contains), phone, receipt serial."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.errors import Refusal
from desktop.records import persons, receipts, search
from tests.support.records import STAMP, add_person, make_id

RARE = "\U00020087"  # 𠂇, CJK Extension B (GB 18030-2022 four-byte)


@pytest.fixture
def people(db):
    rows = {
        "王小明": add_person(db, "王小明", make_id(date(1980, 1, 1), 1), "13812345678"),
        "王小红": add_person(db, "王小红", make_id(date(1981, 2, 2), 2), "13812349999"),
        "李明": add_person(db, "李明", make_id(date(1982, 3, 3), 3), "0519-87186108"),
        "阿依古丽·买买提": add_person(db, "阿依古丽·买买提", make_id(date(1990, 4, 4), 4)),
        f"陈{RARE}": add_person(db, f"陈{RARE}", make_id(date(1991, 5, 5), 5)),
    }
    return rows


def names(rows):
    return sorted(r["name"] for r in rows)


def test_id_number_whole_and_last_digits(db, people):
    number = people["李明"]["id_number"]
    assert names(search.by_id_number(db, number)) == ["李明"]
    assert names(search.by_id_number(db, number[-4:])) == ["李明"]
    assert names(search.by_id_number(db, number[-8:].lower())) == ["李明"]
    with pytest.raises(Refusal) as short:
        search.by_id_number(db, "12")
    assert short.value.field == "query"


def test_name_prefix_and_contains(db, people):
    assert names(search.by_name_prefix(db, "王小")) == ["王小明", "王小红"]
    assert names(search.by_name_contains(db, "明")) == ["李明", "王小明"]
    assert names(search.by_name_contains(db, "小红")) == ["王小红"]
    # the middle dot is not indexed: both spellings find the name
    assert names(search.by_name_contains(db, "古丽买买")) == ["阿依古丽·买买提"]
    assert names(search.by_name_contains(db, "古丽·买")) == ["阿依古丽·买买提"]
    # a rare character outside the BMP is one character like any other
    assert names(search.by_name_contains(db, RARE)) == [f"陈{RARE}"]
    assert names(search.by_name_prefix(db, "陈")) == [f"陈{RARE}"]


def test_renamed_person_is_found_by_the_new_name_only(db, people):
    persons.update(db, STAMP, people["李明"]["id"], {"name": "李明亮"})
    assert names(search.by_name_contains(db, "明亮")) == ["李明亮"]
    assert names(search.by_name_contains(db, "明")) == ["李明亮", "王小明"]
    persons.update(db, STAMP, people["李明"]["id"], {"name": "赵四"})
    assert names(search.by_name_contains(db, "明")) == ["王小明"]


def test_phone_and_receipt(db, people):
    assert names(search.by_phone(db, "1381234")) == ["王小明", "王小红"]
    assert names(search.by_phone(db, "0519-87186108")) == ["李明"]
    serial = receipts.issue(
        db, STAMP, business="enroll", record_id="x", person_id=people["李明"]["id"]
    )
    found = search.by_receipt(db, serial)
    assert [(r["name"], r["business"]) for r in found] == [("李明", "enroll")]


def test_search_box_guesses_the_kind(db, people):
    assert names(search.search(db, people["王小红"]["id_number"][-6:])) == ["王小红"]
    assert names(search.search(db, "13812349999")) == ["王小红"]
    assert names(search.search(db, "小明")) == ["王小明"]
    assert names(search.search(db, "王")) == ["王小明", "王小红"]
    assert search.search(db, "  ") == []


@pytest.mark.parametrize(
    ("sql", "index"),
    [
        (
            "SELECT * FROM persons WHERE id_number_rev >= '1' AND id_number_rev < '2'",
            "persons_id_rev",
        ),
        ("SELECT * FROM persons WHERE name >= '王' AND name < '王\U0010ffff'", "persons_name"),
        ("SELECT * FROM persons WHERE phone >= '138' AND phone < '139'", "persons_phone"),
    ],
)
def test_searches_use_an_index(db, sql, index):
    plan = " ".join(str(r[3]) for r in db.execute(f"EXPLAIN QUERY PLAN {sql}"))
    assert f"USING INDEX {index}" in plan
