"""Issue 14: the enrollment page shows the services' plan and nothing else (findings 1, 2, 6),
天津 continuity from the file (3), and the smaller items of 8 that belong to the counter."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime

from PySide6.QtCore import Qt

from desktop.services.context import CHINA
from desktop.ui.pages.enrollment import EnrollmentPage
from tests.support.ui import make_id, show, signed_in

TURNED_60 = make_id(date(1965, 6, 1), 41)  # 59 on 2024-11-20, 60 on 2025-11-15


def at(deps, day: date):
    return replace(deps, clock=lambda: datetime(day.year, day.month, day.day, 10, 0, tzinfo=CHINA))


def stored(db, number):
    return db.execute(
        "SELECT e.kind, e.category, e.personal_fen, e.proposed_category, e.category_reason FROM enrollments e "
        "JOIN persons p ON p.id = e.person_id WHERE p.id_number = ? ORDER BY e.year DESC", [number]).fetchone()


def test_a_renewal_with_a_changed_category_writes_what_it_shows(qtbot, db_deps):
    """Finding 1 and 6: 非从业居民 in 2025, 60 since June: the page showed 老年居民 730.00 and the
    service wrote 非从业居民 830.00; the visit stayed 参保登记."""
    from desktop.services.enrollment import enroll
    from desktop.services.persons import register_person

    last_year = at(db_deps, date(2024, 11, 20))
    register_person(last_year.context(), TURNED_60, "周建华")
    enroll(last_year.context(), TURNED_60, 2025)
    assert stored(db_deps.db, TURNED_60)[1] == "非从业居民"

    page = show(qtbot, EnrollmentPage(db_deps))
    qtbot.keyClicks(page.id_field, TURNED_60)
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return)
    assert page.kind_label.text() == "业务：续保"
    assert "上年度（2025年度）：非从业居民" in page.previous_note.text()
    # 老年居民 2026: 基本医保 700 + 长护险 30 = 730 元 (002 §一(三)); 60 from the hall setting
    assert page.category.currentText() == "老年居民"
    shown = page.figures["personal"].text()
    assert shown == "730.00"
    assert page.figures["deadline"].text() == "2025-12-31"  # 2026 window ends 2025-12-31 (002 §一(一))
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(page.done) == 1, page.page_error.text()
    kind, category, fen, proposed, reason = stored(db_deps.db, TURNED_60)
    assert (kind, category, proposed, reason) == ("renewal", "老年居民", "老年居民", None)
    assert f"{fen // 100}.{fen % 100:02d}" == shown  # shown fee = written fee


def test_keeping_last_years_category_is_an_adjustment_with_its_reason(qtbot, db_deps):
    from desktop.services.enrollment import enroll
    from desktop.services.persons import register_person

    last_year = at(db_deps, date(2024, 11, 20))
    register_person(last_year.context(), TURNED_60, "周建华")
    enroll(last_year.context(), TURNED_60, 2025)
    page = show(qtbot, EnrollmentPage(db_deps))
    qtbot.keyClicks(page.id_field, TURNED_60)
    page.category.setCurrentText("非从业居民")
    # 非从业居民 武进区 2026: 800 + 30 = 830 元 (002 §一(三)); the reason is asked, the fee shown
    assert page.figures["personal"].text() == "830.00"
    assert "类别调整理由" in page.errors.fields["category_reason"][1].text()
    page.reason.setText("本人申请按非从业居民缴费")
    qtbot.keyClick(page.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.done, page.page_error.text()
    assert stored(db_deps.db, TURNED_60) == ("renewal", "非从业居民", 83000, "老年居民", "本人申请按非从业居民缴费")


def pack_2027(tmp_path):
    """The 2026 常州 pack moved on a year, as a city would publish 2027's (dates shifted)."""
    from desktop.policy.loader import bundled_dir

    text = (bundled_dir() / "changzhou-resident-2026.yaml").read_text(encoding="utf-8")
    shifted = text.replace("2026", "2027").replace("2025", "2026")
    path = tmp_path / "changzhou-resident-2027.yaml"
    path.write_text(shifted, encoding="utf-8")
    return path


def test_an_imported_2027_pack_serves_the_page_and_calc_alike(qtbot, deps, hall_db, tmp_path):
    """Finding 2: the page proposed from the bundled packs only (no 2027: “setting missing”),
    and `yibao-desk calc` answered from the bundled packs whatever the hall imported."""
    from desktop.services import accounts, hall
    from tests.support.ui import PASSWORD

    autumn = lambda: datetime(2026, 11, 16, 10, 0, tzinfo=CHINA)  # noqa: E731
    admin = accounts.login(hall_db, "admin", PASSWORD, now=autumn())
    hall.import_pack(hall.context_for(hall_db, admin, autumn), pack_2027(tmp_path))
    clerk = signed_in(replace(deps, clock=autumn), hall_db, "wang")
    page = show(qtbot, EnrollmentPage(clerk))
    assert page.year.currentData() == 2027
    born = make_id(date(1966, 3, 3), 42)  # 60 on 2026-11-16: 老年居民 from 60 (hall setting)
    qtbot.keyClicks(page.id_field, born)
    assert page.category.currentText() == "老年居民", page.proposal_note.text()
    assert "年满60周岁" in page.proposal_note.text()
    window_fee = page.figures["personal"].text()
    assert window_fee == "730.00"  # the shifted pack keeps 2026's 700 + 30

    request = json.dumps({"calc": "contribution", "region": "武进区", "year": 2027, "category": "老年居民"})
    db_file = hall_db.execute("PRAGMA database_list").fetchone()[2]
    run = lambda *extra: subprocess.run([sys.executable, "-m", "desktop.cli", "calc", *extra],  # noqa: E731
                                        input=request, capture_output=True, text=True, encoding="utf-8")
    bundled = json.loads(run().stdout)
    assert bundled["error"]["code"] == "no_policy_for_year"  # what `calc` answered before --db
    with_hall = json.loads(run("--db", db_file).stdout)
    assert with_hall["personal"] == window_fee


def test_the_blank_form_says_nothing_until_an_id_is_entered(qtbot, db_deps):
    """Finding 8: 730 before any ID, a refusal on the empty form; late enrollment showed the
    window's deadline (2023-12-31 for a 2024 enrollment)."""
    page = show(qtbot, EnrollmentPage(db_deps))
    assert [page.figures[k].text() for k in ("personal", "benefit_start", "deadline")] == ["—", "—", "—"]
    assert page.category.currentIndex() == -1  # not 老年居民, the first item, before any person
    shown = page.page_error.text() + "".join(lbl.text() for _, lbl in page.errors.fields.values())
    assert shown == ""
    assert page.form.labelForField(page.paid_on.parentWidget()).text() == "预计缴费日期"
    assert page.form.labelForField(page.reason.parentWidget()).text() == "类别调整理由"


def test_a_late_enrollment_has_no_window_deadline(qtbot, db_deps):
    march = at(db_deps, date(2026, 3, 10))
    page = show(qtbot, EnrollmentPage(march))
    assert page.year.currentData() == 2026
    qtbot.keyClicks(page.id_field, make_id(date(1981, 5, 5), 43))
    # 002 §一(二): paid outside the window, benefits after the waiting period; no 12-31 deadline
    assert page.figures["deadline"].text() == "开单当日"
    assert "集中参保缴费期已于" in page.benefit_note.text()


def test_a_newborn_says_back_to_the_birth_once(qtbot, db_deps):
    # visits.md #2: 40 days after the birth, within 002's 90 days: back to the birth date, said once
    baby = make_id(date(2026, 2, 1), 44)
    page = show(qtbot, EnrollmentPage(at(db_deps, date(2026, 3, 13))))
    qtbot.keyClicks(page.id_field, baby)
    assert page.figures["benefit_start"].text() == "2026-02-01"
    note = page.benefit_note.text()
    assert "出生之日" in note and "（追溯至出生之日）" not in note, note


# ---------------------------------------------------------------- 天津: continuity from the file

TJ_ADULT = make_id(date(1980, 4, 4), 45, region_code="120101")


def tianjin(deps, db, day: date):
    hall = replace(deps.hall, region="天津市", hall_code="120101", hall_name="和平区社区服务中心")
    return replace(deps, hall=hall, db=db, clock=lambda: datetime(day.year, day.month, day.day, 10, 0, tzinfo=CHINA))


def seed_years(ctx, number, years):
    """Earlier years on file as an earlier release stored them (paid each November before)."""
    from desktop.records import enrollments, receipts
    from desktop.records.tx import write
    from desktop.services.persons import register_person

    person = register_person(ctx, number, "赵淑芬")
    for year in years:
        stamp = ctx.stamp()
        row = {**stamp.meta(), "person_id": person["id"], "year": year, "region": ctx.region, "kind": "enroll",
               "category": "城乡未就业居民（成年）", "proposed_category": "城乡未就业居民（成年）",
               "category_reason": None, "assistance": None, "tier": "低档", "special_group": None,
               "student_proof": 0, "standard_fen": 38000, "ltc_fen": 0, "assisted_fen": 0, "personal_fen": 38000,
               "paid_on": f"{year - 1}-11-20", "benefit_start": f"{year}-01-01", "benefit_end": f"{year}-12-31",
               "waiting_months": 0, "retroactive": 0, "trace": "{}"}
        with write(ctx.db):
            row["receipt_serial"] = receipts.issue(ctx.db, stamp, business="enroll", record_id=row["id"],
                                                   person_id=person["id"])
            enrollments.add(ctx.db, stamp, row)


def test_a_tianjin_late_enrollment_with_three_years_on_file(qtbot, deps, db):
    """Finding 3: the refusal asked for 连续参保年数 and no field took it. 2021–2023 on file,
    paid 2024-03-15: 3 years insured without a break (不含补缴), the break from 2024-01-01 to the
    payment is 3 started months (Jan, Feb, Mar) — “三个月内” — so 004 §八(三): benefits from the
    day after payment, 2024-03-16, no waiting period."""
    clerk = tianjin(deps, db, date(2024, 3, 15))
    seed_years(clerk.context(), TJ_ADULT, (2021, 2022, 2023))
    page = show(qtbot, EnrollmentPage(clerk))
    assert page.year.currentData() == 2024
    qtbot.keyClicks(page.id_field, TJ_ADULT)
    assert page.kind_label.text() == "业务：续保"  # 2023 on file
    assert page.figures["benefit_start"].text() == "2024-03-16", page.errors.page_label.text()
    assert page.figures["waiting_months"].text() == "无"
    note = page.benefit_note.text()
    assert "连续参保3年，中断3个月" in note and "档案记录2021至2023年度按期参保3年" in note, note
    assert page.earlier_box.isVisibleTo(page)
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.done, page.page_error.text()
    row = db.execute("SELECT benefit_start, waiting_months, t.text FROM enrollments e JOIN traces t "
                     "ON t.sha256 = e.trace_sha256 WHERE e.year = 2024").fetchone()
    assert row[:2] == ("2024-03-16", 0)
    assert "连续参保3年" in json.loads(row[2])["continuity"]


def test_years_the_file_does_not_hold_are_entered_with_a_reason(qtbot, deps, db):
    """Only 2023 on file: 1 year, so 004 §八(四) (6 months' wait). Two years of 职工医保 before it,
    entered with their proof: 3 years, break 3 months → §八(三), from 2024-03-16."""
    clerk = tianjin(deps, db, date(2024, 3, 15))
    seed_years(clerk.context(), TJ_ADULT, (2023,))
    page = show(qtbot, EnrollmentPage(clerk))
    qtbot.keyClicks(page.id_field, TJ_ADULT)
    # §八(四): 6 months from the day after payment: 2024-03-16 + 6 months = 2024-09-16
    assert page.figures["benefit_start"].text() == "2024-09-16"
    assert page.figures["waiting_months"].text() == "6 个月"
    page.earlier_years.setText("2")
    assert "依据" in page.errors.fields["earlier_years"][1].text()  # asked for, nothing hidden
    page.earlier_reason.setText("职工医保参保缴费证明（2021—2022年）")
    assert page.figures["benefit_start"].text() == "2024-03-16"
    assert "窗口录入档案外参保2年（依据：职工医保参保缴费证明（2021—2022年））" in page.benefit_note.text()


def test_a_tianjin_login_shows_no_refusal_on_the_empty_form(qtbot, deps, db):
    page = show(qtbot, EnrollmentPage(tianjin(deps, db, date(2025, 11, 15))))
    shown = page.page_error.text() + "".join(lbl.text() for _, lbl in page.errors.fields.values())
    assert shown == "" and page.figures["personal"].text() == "—"


def test_setup_asks_for_the_region_instead_of_defaulting_to_tianning(qtbot, db):
    """Finding 8: a 天津 hall was created as 天宁区, the first item, unwarned."""
    from desktop.policy import loader
    from desktop.ui.login import SetupDialog
    from tests.support.ui import PASSWORD

    dialog = SetupDialog(db, loader.bundled().regions())
    qtbot.addWidget(dialog)
    assert dialog.region.currentData() is None and dialog.region.currentText() == "（请选择统筹区）"
    dialog.hall_name.setText("和平区社区服务中心")
    dialog.hall_code.setText("120101")
    dialog.admin_username.setText("admin")
    dialog.admin_name.setText("孙管理")
    dialog.password.setText(PASSWORD)
    dialog.password_again.setText(PASSWORD)
    dialog.configure()
    assert dialog.account is None and "请选择统筹区" in dialog.errors.fields["region"][1].text()
    assert db.execute("SELECT count(*) FROM hall_config").fetchone()[0] == 0
    dialog.region.setCurrentText("天津市")
    dialog.configure()
    assert dialog.account is not None
    assert db.execute("SELECT region FROM hall_config").fetchone()[0] == "天津市"


def test_the_day_report_shows_the_day_when_opened(qtbot, db_deps):
    """Finding 8: 日结 was empty until 查询 (Ctrl+Enter)."""
    from desktop.services.enrollment import enroll
    from desktop.services.persons import register_person
    from desktop.ui.pages.day_report import DayReportPage

    register_person(db_deps.context(), TURNED_60, "周建华")
    enroll(db_deps.context(), TURNED_60, 2026)
    page = show(qtbot, DayReportPage(db_deps))
    assert page.business_table.rowCount() >= 1
    assert "共 2 笔业务" in page.summary.text()  # 人员登记 + 参保登记
    assert "收据开具 1 张" in page.summary.text()


def test_the_offsite_page_shows_the_rule_the_receipt_prints(qtbot, db_deps):
    """The audit of the other pages: 异地备案 wrote its own wording of the pack's ratio rule
    (“降低 10 个百分点”) beside the one the 备案回执 prints; now both are the services'."""
    from desktop.policy import api
    from desktop.ui.pages.offsite import OffsitePage

    page = show(qtbot, OffsitePage(db_deps))
    ctx = db_deps.context()
    for i in range(page.person_type.count()):
        page.person_type.setCurrentIndex(i)
        label = page.person_type.currentText()
        assert page.rule.text() == api.offsite_rule(ctx.region, ctx.policy_year(), label, ctx.packs), label
