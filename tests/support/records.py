"""Helpers for records tests: a stamp and a quick way to add persons without the services."""

from __future__ import annotations

from datetime import date, datetime

from sqlite_utils import Database
from stdnum.cn import ric

from desktop.records import persons
from desktop.records.rows import Stamp
from desktop.services.context import CHINA

STAMP = Stamp("320412", "03", "clerk01", "clerk", datetime(2025, 11, 15, 10, 0, tzinfo=CHINA))


def make_id(birth: date, seq: int = 1, *, region_code: str = "320412") -> str:
    body = f"{region_code}{birth:%Y%m%d}{seq % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def add_person(db: Database, name: str, id_number: str, phone: str | None = None) -> dict:
    return persons.add(
        db,
        STAMP,
        {
            "id_number": id_number,
            "name": name,
            "sex": "女",
            "birth_date": "1980-01-01",
            "phone": phone,
        },
    )
