"""异地就医 questions of a claim: where, 备案 and 急诊 name the pack's off-site person type."""

from __future__ import annotations

import pytest

from desktop.errors import Refusal
from desktop.services import away
from tests.support.services import make_ctx


@pytest.fixture
def cz(db):
    return make_ctx(db)


def test_2026_changzhou_asks_because_the_ratio_depends_on_it(cz):
    # 002 §六(三)2: 长期异地居住 as at home; 转诊 and 急诊 −10 points; the others −20 points
    assert away.questions_matter(cz, 2026)
    shanghai = away.away(cz, 2026, city_code="310000", filing=away.NOT_FILED, emergency=False)
    assert (shanghai.destination, shanghai.scope, shanghai.person_type) == ("上海市", "跨省", "其他临时外出就医人员")
    assert "降低20个百分点" in shanghai.rule
    suzhou = away.away(cz, 2026, city_code="320500", filing=away.NOT_FILED, emergency=True)
    assert (suzhou.destination, suzhou.scope, suzhou.person_type) == ("江苏省苏州市", "省内", "异地急诊")
    assert "降低10个百分点" in suzhou.rule
    referred = away.away(cz, 2026, city_code="320500", filing=away.REFERRAL)
    assert referred.person_type == "异地转诊人员"
    assert away.away(cz, 2026, city_code="320500", filing=away.LONG_STAY).person_type == "异地长期居住人员"


def test_tianjin_does_not_ask(db):
    # 004 §十一: every off-site type at the local ratio
    assert not away.questions_matter(make_ctx(db, region="天津市", hall_code="120101"), 2024)


@pytest.mark.parametrize("code", ["", "上海", "320000", "999900"])
def test_a_place_not_on_the_list_is_refused(cz, code):
    with pytest.raises(Refusal) as refused:
        away.away(cz, 2026, city_code=code, filing=away.NOT_FILED)
    assert refused.value.field == "destination"
