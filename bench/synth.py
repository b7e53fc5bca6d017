"""Deterministic synthetic persons for the benchmark hall: names (with rare GB 18030-2022
characters and minority names with the middle dot), ID numbers with real check digits, phones,
districts, categories and households. Same seed, same hall, on every machine."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from stdnum.cn import ric

SEED = 20260101
# Pooling regions of the 常州 resident pack and the 6-digit administrative code of each.
DISTRICTS = (
    ("天宁区", "320402"), ("钟楼区", "320404"), ("新北区", "320411"), ("武进区", "320412"),
    ("常州经开区", "320412"), ("溧阳市", "320481"), ("金坛区", "320413"),
)
DISTRICT_WEIGHTS = (12, 12, 16, 25, 7, 14, 14)
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔向汤恽恽庄"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫")
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕彬鹏辉浩宇轩子涵欣怡"
    "梓萱一诺建国志强晓东海波文博嘉琪雨桐思远俊杰婷雪梅春生德福"
)
# Characters outside the BMP or newly required by GB 18030-2022, as real registers carry them.
RARE = ("𠇹", "䶮", "𡛟", "𪚥", "𠮷", "堃", "喆", "昇", "玥", "珺", "𬌗", "𬸚")
UYGHUR = ("阿依古丽", "买买提", "热依拉", "艾尔肯", "古丽娜尔", "吐尔逊", "努尔", "阿不都")
STREETS = ("延陵西路", "劳动中路", "湖塘镇人民路", "常武中路", "通江中路", "晋陵北路", "燕山路", "花山路")
RELATIONS = ("配偶", "子", "女", "父亲", "母亲", "孙子女")
ENROLL_YEAR = 2026
TODAY = date(2025, 11, 15)  # the benchmark hall's clock: inside the 2026 enrollment window
FIRST_BIRTH = date(1935, 1, 1)
LAST_BIRTH = date(2025, 10, 31)
BIRTH_SPAN = (LAST_BIRTH - FIRST_BIRTH).days


@dataclass(frozen=True)
class Person:
    num: int
    id_number: str
    name: str
    sex: str
    birth_date: date
    phone: str | None
    region: str
    address: str
    school: str | None
    school_kind: str | None
    category: str
    household: int  # index of the household; the first member is the head
    relationship: str


def make_id(region_code: str, birth: date, seq: int) -> str:
    body = f"{region_code}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def name(rnd: random.Random) -> str:
    roll = rnd.random()
    if roll < 0.004:
        return rnd.choice(UYGHUR) + "·" + rnd.choice(UYGHUR)
    surname = rnd.choice(COMPOUND_SURNAMES) if roll < 0.01 else rnd.choice(SURNAMES)
    given = "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2, 2))))
    if rnd.random() < 0.01:  # about 1 in 100 has a rare character
        given = given[:-1] + rnd.choice(RARE)
    return surname + given


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def category(age: int, school_kind: str | None) -> str:
    if school_kind == "university":
        return "大学生"
    if age < 18:
        return "未成年居民"
    if age >= 60:
        return "老年居民"
    return "非从业居民"


def persons(n: int, seed: int = SEED, *, seq_base: int = 0):
    """Yield `n` persons, grouped in households of 1 to 5 (the first of each is the head).

    ID numbers are unique by construction: person i is born on day i*7919 mod span, with the
    sequence number 2*(i div span) + 0/1, plus `seq_base` (the hall uses 0..61 for a million
    persons; the persons the benchmark registers or imports use bases 700 and 900).
    """
    rnd = random.Random(seed)
    household = -1
    left_in_household = 0
    head_name = ""
    for i in range(n):
        if left_in_household == 0:
            household += 1
            left_in_household = rnd.choice((1, 1, 2, 2, 3, 3, 3, 4, 5))
            relationship = "户主"
        else:
            relationship = rnd.choice(RELATIONS)
        left_in_household -= 1
        day = (i * 7919) % BIRTH_SPAN  # a spread of ages; 7919 is prime, so days do not repeat early
        seq = seq_base + i // BIRTH_SPAN * 2 + rnd.randrange(2)
        birth = FIRST_BIRTH + timedelta(days=day)
        region, code = rnd.choices(DISTRICTS, DISTRICT_WEIGHTS)[0]
        number = make_id(code, birth, seq)
        person_name = name(rnd)
        if relationship in ("子", "女", "孙子女") and head_name and "·" not in head_name:
            person_name = head_name[0] + person_name[1:]
        if relationship == "户主":
            head_name = person_name
        age = age_on(birth, TODAY)
        school = school_kind = None
        if 18 <= age <= 22 and rnd.random() < 0.35:
            school, school_kind = "常州大学", "university"
        elif 6 <= age < 18:
            school, school_kind = "常州市第一中学", "school"
        phone = f"1{rnd.choice('3456789')}{rnd.randrange(10**9):09d}" if rnd.random() < 0.92 else None
        yield Person(
            num=i + 1,
            id_number=number,
            name=person_name,
            sex="男" if seq % 2 else "女",
            birth_date=birth,
            phone=phone,
            region=region,
            address=f"常州市{region}{rnd.choice(STREETS)}{rnd.randrange(1, 400)}号",
            school=school,
            school_kind=school_kind,
            category=category(age, school_kind),
            household=household,
            relationship=relationship,
        )
