from __future__ import annotations

import time
from datetime import date

from desktop.ui.pages.settings import SettingsPage
from desktop.ui.reader import CardData, SimulatedReader, parse_wz
from desktop.ui.worker import Worker
from tests.support.ui import PASSWORD, make_id, show


def roster(path, rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "参保类别"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_roster_import_runs_on_a_worker_and_lists_rejections(qtbot, db_deps, tmp_path):
    good = [[f"村民{n}", make_id(date(1970, 1, 1 + i), i), "非从业居民"] for i, n in enumerate("甲乙丙丁戊", start=1)]
    bad = make_id(date(1980, 2, 2), 9)
    bad = bad[:17] + ("0" if bad[17] != "0" else "1")
    path = roster(tmp_path / "花名册.xlsx", [*good, ["错号", bad, "非从业居民"], ["缺类别", make_id(date(1981, 3, 3), 4), None]])
    page = show(qtbot, SettingsPage(db_deps))
    page.start_import(path, 2026)
    assert not page.import_button.isEnabled() and page.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: page.import_button.isEnabled(), timeout=20000)
    assert "新参保5人" in page.job_note.text(), page.job_note.text()
    assert page.rejected.rowCount() == 2
    reasons = " ".join(page.rejected.item(r, 2).text() for r in range(2))
    assert "校验位" in reasons


def test_backup_runs_on_a_worker(qtbot, db_deps, tmp_path):
    from dataclasses import replace

    page = show(qtbot, SettingsPage(db_deps))
    page.start_backup(tmp_path / "备份.sqlite3")  # a clerk may not copy the whole hall
    qtbot.waitUntil(lambda: page.backup_button.isEnabled(), timeout=20000)
    assert "没有备份数据库的权限" in page.job_note.text() and not (tmp_path / "备份.sqlite3").exists()
    db_deps.hall = replace(db_deps.hall, role="head")  # the hall's head, before the hall has accounts
    page.start_backup(tmp_path / "备份.sqlite3")
    qtbot.waitUntil(lambda: page.backup_button.isEnabled(), timeout=20000)
    assert page.job_note.text().startswith("✔ 已备份")
    assert (tmp_path / "备份.sqlite3").exists()
    assert db_deps.db.execute("SELECT action FROM audit ORDER BY seq DESC LIMIT 1").fetchone()[0] == "backup"


def test_worker_can_be_cancelled(qtbot):
    def job(progress, cancelled):
        for i in range(200):
            if cancelled():
                return "cancelled"
            progress(i, 200)
            time.sleep(0.005)
        return "done"

    worker = Worker(job)
    seen = []
    worker.progress.connect(lambda d, t: seen.append(d))
    with qtbot.waitSignal(worker.finished, timeout=10000) as blocker:
        worker.start()
        qtbot.waitUntil(lambda: len(seen) > 3)
        worker.cancel()
    assert blocker.args == ["cancelled"]
    assert not worker.is_running()


def test_waiting_for_a_finished_job_returns_without_the_event_loop(qtbot):
    """A window closing waits for its workers from the GUI thread, which then runs no queued
    slot: the thread must end with its job, not wait out the 30 s timeout."""
    worker = Worker(lambda progress, cancelled: "checked")
    worker.start()
    began = time.perf_counter()
    assert worker.wait(10_000)  # no event processed in between
    assert time.perf_counter() - began < 5
    assert not worker.is_running()


def test_hall_settings_go_through_the_services(qtbot, deps, hall_db):
    from desktop.services import hall
    from tests.support.ui import signed_in

    admin = signed_in(deps, hall_db, "admin")
    page = show(qtbot, SettingsPage(admin))
    assert "武进区医保中心" in page.hall_text.text() and "320412" in page.hall_text.text()
    page.setting_edits["idle_lock_minutes"].setText("0")
    page.save()
    assert "1至240" in page.errors.fields["idle_lock_minutes"][1].text()
    page.setting_edits["idle_lock_minutes"].setText("5")
    page.setting_edits["elderly_from_age"].setText("65")
    page.save()
    assert page.saved_note.text() == "✔ 已保存 2 项设置"
    assert hall.settings(hall_db)["idle_lock_minutes"] == 5
    assert str(admin.settings["elderly_from_age"]) == "65"


def test_a_clerk_reaching_the_settings_sees_the_refusal(qtbot, deps, hall_db):
    from tests.support.ui import signed_in

    page = show(qtbot, SettingsPage(signed_in(deps, hall_db, "wang")))
    assert "没有管理账户" in page.account_note.text()
    page.setting_edits["idle_lock_minutes"].setText("5")
    page.save()
    assert "没有管理账户" in page.page_error.text()


def test_accounts_are_created_and_disabled_by_the_administrator(qtbot, deps, hall_db):
    from tests.support.ui import signed_in

    page = show(qtbot, SettingsPage(signed_in(deps, hall_db, "admin")))
    assert page.account_table.rowCount() == 3
    page.acc_username.setText("zhao")
    page.acc_name.setText("赵经办")
    page.acc_password.setText("short")
    page.create_account()
    assert "至少8位" in page.acc_errors.fields["password"][1].text()
    page.acc_password.setText("Window2026aa")
    page.role_boxes["reviewer"].setChecked(True)
    page.create_account()
    assert page.account_note.text().startswith("✔ 已建立账户 zhao") and "复核人" in page.account_note.text()
    assert page.account_table.rowCount() == 4
    page.disable_account()
    assert page.account_note.text() == "✔ 已停用账户 zhao"
    page.acc_username.setText("admin")
    page.disable_account()
    assert "不能停用自己" in page.acc_errors.page_label.text() + page.acc_errors.fields["username"][1].text()


def test_restore_names_the_file_and_the_safety_copy_before_replacing(qtbot, deps, hall_db, tmp_path):
    from desktop.records.backup import backup
    from desktop.services.persons import register_person
    from tests.support.ui import signed_in

    admin = signed_in(deps, hall_db, "admin")
    saved = backup(hall_db, tmp_path / "昨天.sqlite3")
    register_person(signed_in(deps, hall_db, "wang").context(), make_id(date(1960, 1, 1), 3), "钱学文")
    page = show(qtbot, SettingsPage(admin))
    asked = []
    page.confirm = lambda title, text: asked.append(text) or False
    assert not page.restore_from(saved)
    assert "昨天.sqlite3" in asked[0] and "before-restore" in asked[0]
    assert hall_db.execute("SELECT COUNT(*) FROM persons").fetchone()[0] == 1  # nothing replaced
    page.confirm = lambda title, text: True
    page.ask_password = lambda: "wrong-password-1"
    assert not page.restore_from(saved)
    assert "用户名或密码错误" in page.job_note.text()
    page.ask_password = lambda: PASSWORD
    with qtbot.waitSignal(page.restored, timeout=1000):
        assert page.restore_from(saved)  # this window let go of the file, and opened it again
    assert admin.db.execute("SELECT COUNT(*) FROM persons").fetchone()[0] == 0
    assert "恢复前的数据已另存为" in page.job_note.text() and "before-restore" in page.job_note.text()


def test_simulated_reader_types_into_the_id_field_like_a_wedge(qtbot, deps):
    from PySide6.QtCore import Qt

    from desktop.ui.pages.enrollment import EnrollmentPage

    number = make_id(date(1957, 3, 2), 1)
    reader = SimulatedReader([CardData(name="张桂英", sex="女", ethnicity="汉", birth_date=date(1957, 3, 2),
                                       address="常州市武进区湖塘镇", id_number=number)])
    reader.open()
    card = reader.read()
    page = show(qtbot, EnrollmentPage(deps))
    qtbot.keyClicks(page.id_field, card.id_number)
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return)
    assert "性别：女" in page.id_field.info.text()
    assert page.focusWidget() is page.name
    try:
        reader.read()
    except Exception as exc:
        assert "未检测到身份证" in str(exc)
    else:
        raise AssertionError("an empty reader must refuse")


def test_parse_wz_block():
    fields = ["张三".ljust(15), "1", "01", "19570302", "常州市武进区湖塘镇某路1号".ljust(35), "320412195703020021",
              "常州市公安局武进分局".ljust(15), "20200101", "20400101"]
    raw = "".join(fields).ljust(128).encode("utf-16-le")
    card = parse_wz(raw)
    assert (card.name, card.sex, card.ethnicity, card.birth_date) == ("张三", "男", "汉", date(1957, 3, 2))
    assert card.id_number == "320412195703020021" and card.valid_until == "2040.01.01"


def test_export_runs_on_a_worker(qtbot, db_deps, tmp_path):
    from desktop.services.persons import register_person

    register_person(db_deps.context(), make_id(date(1960, 1, 1), 3), "钱学文")
    page = show(qtbot, SettingsPage(db_deps))
    page.start_export("persons", tmp_path / "人员.xlsx")
    qtbot.waitUntil(lambda: page.export_button.isEnabled(), timeout=20000)
    assert page.job_note.text().startswith("✔ 已导出"), page.job_note.text()
    from openpyxl import load_workbook

    rows = list(load_workbook(tmp_path / "人员.xlsx").active.values)
    assert rows[0][0] == "姓名" and rows[1][0] == "钱学文"
    # the window's export is the audited one (services.privacy): its entry, and the privacy note
    entries = list(db_deps.db.query("SELECT action, entity_id FROM audit WHERE business = 'export'"))
    assert entries == [{"action": "export", "entity_id": "persons"}]
    assert load_workbook(tmp_path / "人员.xlsx").sheetnames[0] == "个人信息说明"


def test_f12_reads_the_card_from_an_sdk_reader(qtbot, deps):
    from PySide6.QtCore import Qt

    from desktop.ui.pages.enrollment import EnrollmentPage

    number = make_id(date(1957, 3, 2), 1)
    deps.reader = SimulatedReader([CardData(name="张桂英", sex="女", ethnicity="汉", birth_date=date(1957, 3, 2),
                                            address="常州市武进区湖塘镇", id_number=number)])
    page = show(qtbot, EnrollmentPage(deps))
    qtbot.keyClick(page.id_field, Qt.Key.Key_F12)
    assert page.id_field.text() == number and page.name.text() == "张桂英"
    assert "性别：女" in page.id_field.info.text()
    page.back_out()
    qtbot.keyClick(page.id_field, Qt.Key.Key_F12)  # nothing on the reader now
    assert "未检测到身份证" in page.id_field.error.text()
