"""The hall's packs: 沿用 as the hall sets it (14.4), and the attacks of 13.5 on imported packs."""

from __future__ import annotations

import pytest
from safety_helpers import clerk_ctx, configured

from desktop.errors import Refusal
from desktop.records.db import open_db
from desktop.services import hall

INPATIENT_2025 = {"calc": "inpatient", "region": "武进区", "year": 2025, "scheme": "resident", "category": "老年居民",
                  "hospital_level": 2, "admission": 1, "compliant_cost": "10000"}


@pytest.fixture
def admin(tmp_path):
    db = open_db(tmp_path / "hall.sqlite3")
    yield configured(db)
    db.close()


def test_the_hall_switches_adoption_off_and_on(admin):
    # default: 2025 adopts 2024's inpatient table, (10000 − 600) × 80 % = 7520.00 (000 §三(一))
    assert clerk_ctx(admin.db).ask(INPATIENT_2025)["basic"] == "7520.00"
    hall.set_setting(admin, "policy_adopt_earlier", "0")
    with pytest.raises(Refusal) as info:
        clerk_ctx(admin.db).ask(INPATIENT_2025)
    assert info.value.code == "not_applicable" and "住院" in info.value.message
    with pytest.raises(Refusal):
        hall.set_setting(admin, "policy_adopt_earlier", "2")  # only 0 or 1
    hall.set_setting(admin, "policy_adopt_earlier", "1")
    assert clerk_ctx(admin.db).ask(INPATIENT_2025)["basic"] == "7520.00"
