"""Once pulled, the hall's 日结 and search cover every window of the hall (issue 12)."""

from __future__ import annotations

from datetime import date

from desktop.records import reports
from desktop.records import search as records_search
from desktop.services import enrollment, printing
from desktop.services import persons as person_services
from desktop.sync import sync_once
from tests.support.services import make_id

LI = make_id(date(1990, 3, 4), 7)
WANG = make_id(date(1988, 8, 8), 9)
DAY = date(2025, 11, 15)  # svc_helpers' fixed clock


def _two_windows_synced(make_node):
    w3, url3 = make_node("03")
    w7, url7 = make_node("07", operator_id="clerk07")
    person_services.register_person(w3, LI, "李四")
    enrollment.enroll(w3, LI, 2026)
    person_services.register_person(w7, WANG, "王五")
    at7 = enrollment.enroll(w7, WANG, 2026)
    for ctx, url in ((w3, url3), (w7, url7), (w3, url3)):
        sync_once(ctx.db, url)
    return w3, w7, at7


def test_the_hall_day_end_counts_every_window_once_pulled(make_node):
    w3, w7, at7 = _two_windows_synced(make_node)
    hall = reports.day_end(w3.db, DAY, hall_code="320412")
    # one registration and one enrollment at each window: 2 + 2 businesses, 2 receipts
    assert hall.total("person") == (2, 0)
    enrolled = hall.total("enroll")
    assert enrolled[0] == 2
    assert {r["window_code"] for r in hall.receipts} == {"03", "07"}
    # this window only: its own businesses and receipts
    window = reports.day_end(w3.db, DAY, hall_code="320412", window_code="03")
    assert window.total("person") == (1, 0) and window.total("enroll")[0] == 1
    assert {r["window_code"] for r in window.receipts} == {"03"}
    # the clerk of window 07 seen from window 03 (a clerk may sit at any window of the hall)
    clerk07 = reports.day_end(w3.db, DAY, hall_code="320412", operator_id="clerk07")
    assert clerk07.total("enroll")[0] == 1
    # the printed 日结报表 of the whole hall lists window 07's receipt too
    paper = printing.day_report(w3, DAY)
    assert at7.receipt_serial in {r.serial for r in paper.receipts}
    assert sum(b.count for b in paper.businesses) == 4


def test_search_at_one_window_finds_the_others_persons(make_node):
    w3, w7, at7 = _two_windows_synced(make_node)
    for text in ("王五", WANG, WANG[-6:], at7.receipt_serial):
        found = records_search.search(w3.db, text)
        assert [r["id_number"] for r in found] == [WANG], text
