"""Each kind of search finds the person sought among many of similar names. How fast it answers
on a million persons is a figure of `make bench` (bench/figures.py `search`, against the same
SELECT by hand in the same run), not a wall-clock assertion here: a loaded CI machine is no
measure of the code."""

from __future__ import annotations

import random
from datetime import date, timedelta

from desktop.records import search
from desktop.records.tx import write
from tests.support.records import STAMP, make_id

N = 20_000  # enough for 50-row limits and shared prefixes; the million is the bench's
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉浩宇轩子涵欣怡梓萱一诺"


def _fill(db, n: int) -> list[tuple]:
    rnd = random.Random(7)
    rows = []
    start = date(1940, 1, 1)
    meta = STAMP.meta()
    for i in range(n):
        birth = start + timedelta(days=(i // 1000) * 29)  # with the sequence: unique numbers
        number = make_id(birth, i % 1000, region_code=f"3204{rnd.randrange(100):02d}")
        name = rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2))))
        phone = f"13{rnd.randrange(10**9):09d}"
        rows.append(
            (
                i + 1,
                f"p{i}",
                meta["created_at"],
                "320412",
                "03",
                "c",
                meta["created_at"],
                number,
                number[::-1],
                name,
                "女",
                birth.isoformat(),
                phone,
            )
        )
    with write(db):
        db.conn.executemany(
            "INSERT INTO persons (num, id, created_at, hall_code, window_code, operator_id, updated_at, "
            "id_number, id_number_rev, name, sex, birth_date, phone) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        db.conn.executemany(
            "INSERT INTO person_name_fts (rowid, tokens) SELECT num, ? FROM persons WHERE num = ?",
            ((search.name_tokens(r[9]), r[0]) for r in rows),
        )
    return rows


def test_searches_among_many_persons(db):
    rows = _fill(db, N)
    assert db.execute("SELECT count(*) FROM persons").fetchone()[0] == N
    target = rows[14_321]
    found = {
        "whole ID": search.by_id_number(db, target[7]),
        "last 6 of ID": search.by_id_number(db, target[7][-6:]),
        "name prefix": search.by_name_prefix(db, target[9]),
        "name contains (2 chars)": search.by_name_contains(db, target[9][-2:]),
        "name contains (1 common char)": search.by_name_contains(db, "明"),
        "phone": search.by_phone(db, target[12]),
        "search box": search.search(db, target[9]),
    }
    for label, result in found.items():
        assert result, label
        assert len(result) <= 50, label  # a search shows at most DEFAULT_LIMIT rows
    assert [r["id_number"] for r in found["whole ID"]] == [target[7]]
    assert any(r["id_number"] == target[7] for r in found["last 6 of ID"])
    assert any(r["id_number"] == target[7] for r in found["phone"])
    assert all(r["name"].startswith(target[9]) for r in found["name prefix"])
    assert any(r["id_number"] == target[7] for r in found["name prefix"]) or len(found["name prefix"]) == 50
    assert all(target[9][-2:] in r["name"] for r in found["name contains (2 chars)"])
    assert all("明" in r["name"] for r in found["name contains (1 common char)"])
