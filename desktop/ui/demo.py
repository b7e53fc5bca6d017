"""The demo hall (演示数据): a 武进区 hall with a few hundred synthetic persons, three accounts
(经办人, 复核人, 管理员) and a password printed on the login dialog. Everything is written
through the services, exactly as at a real window; the window marks it 演示数据 everywhere.

Built once into its own database (never the hall's); `make run` without a configured hall opens
it and logs in as the demo clerk.
"""

from __future__ import annotations

import random
from datetime import date, datetime

DEMO_REGION = "武进区"
DEMO_HALL = ("武进区医保经办大厅（演示）", "320412", "01")
DEMO_PASSWORD = "yanshi2026"
DEMO_ACCOUNTS = (  # username, display name, roles
    ("demo", "演示经办人", ("clerk",)),
    ("demo_reviewer", "演示复核人", ("reviewer",)),
    ("demo_admin", "演示管理员", ("admin",)),
)
DEMO_CLERK = "demo"
PERSONS = 300

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "桂英秀兰建国志强丽华海燕明辉小红玉梅俊杰晓东文静国庆春花永强淑珍子涵雨轩浩然欣怡佳怡宇航思远梓萱"


def _id(rng: random.Random, birth: date, seq: int) -> str:
    from stdnum.cn import ric

    body = f"320412{birth:%Y%m%d}{seq % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def is_demo(db) -> bool:
    from desktop.services import hall

    config = hall.hall(db)
    return config is not None and config["hall_name"] == DEMO_HALL[0]


def ensure_demo(db, *, persons: int = PERSONS, now: datetime | None = None) -> None:
    """Configure the demo hall and fill it, unless done before (idempotent)."""
    from desktop.errors import Refusal
    from desktop.services import accounts, enrollment, hall
    from desktop.services import persons as person_service

    if hall.hall(db) is None:
        admin = DEMO_ACCOUNTS[2]
        account = hall.configure_hall(db, DEMO_REGION, DEMO_HALL[0], DEMO_HALL[1], DEMO_HALL[2], admin[0],
                                      DEMO_PASSWORD, admin[1], now=now)
        ctx = hall.context_for(db, account)
        for username, shown, roles in DEMO_ACCOUNTS[:2]:
            accounts.create_account(ctx, username, DEMO_PASSWORD, shown, list(roles))
    if db.execute("SELECT COUNT(*) FROM persons").fetchone()[0]:
        return
    clerk = accounts.login(db, DEMO_CLERK, DEMO_PASSWORD, now=now)
    ctx = hall.context_for(db, clerk, (lambda: now) if now else None)
    rng = random.Random(2026)
    today = ctx.today()
    for i in range(persons):
        age = rng.choice((rng.randint(0, 17), rng.randint(18, 59), rng.randint(60, 92)))
        birth = date(today.year - age - 1, rng.randint(1, 12), rng.randint(1, 28))
        number = _id(rng, birth, 2 * i + rng.randint(0, 1))
        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
        phone = f"13{rng.randint(0, 9)}{rng.randint(10**7, 10**8 - 1)}" if rng.random() < 0.7 else None
        try:
            person_service.register_person(ctx, number, name, phone=phone)
            if rng.random() < 0.6:
                category = "未成年居民" if age < 18 else "老年居民" if age >= 60 else "非从业居民"
                year = ctx.policy_year()  # paid in the 集中参保缴费期 before it
                enrollment.enroll(ctx, number, year, category=category, paid_on=f"{year - 1}-12-01")
        except Refusal:
            continue
