"""Hall configuration (once), settings (administrator only, audited, Decimal), the Context of a
logged-in account, policy-pack import, audited exports with a privacy note, the admin CLI."""

from __future__ import annotations

import json
import shutil
from datetime import date
from decimal import Decimal

import pytest

from desktop.cli import main
from desktop.errors import Refusal
from desktop.policy import loader
from desktop.records.audit import verify_audit_chain
from desktop.services import accounts, hall, persons, privacy
from desktop.services.permissions import mask_for
from tests.support.accounts import NOW, PASSWORDS
from tests.support.services import counts, make_id


def _last(db, action):
    return next(iter(db.query("SELECT * FROM audit WHERE action = ? ORDER BY seq DESC LIMIT 1", [action])), None)


def test_configure_once(db, admin):
    config = hall.hall(db)
    assert (config["region"], config["hall_code"], config["window_code"]) == ("天津市", "120101", "01")
    with pytest.raises(Refusal) as again:
        hall.configure_hall(db, "天津市", "另一个", "120102", "02", "root", "Other2026xx", "某人", now=NOW)
    assert again.value.code == "already_configured"
    assert _last(db, "configure_hall") is not None


@pytest.mark.parametrize(
    "args, field",
    [
        (("火星区", "大厅", "320412", "01"), "region"),
        (("武进区", "", "320412", "01"), "hall_name"),
        (("武进区", "大厅", "32041", "01"), "hall_code"),
        (("武进区", "大厅", "320412", "1"), "window"),
    ],
)
def test_configure_checks_its_fields_and_writes_nothing(db, args, field):
    with pytest.raises(Refusal) as r:
        hall.configure_hall(db, *args, "admin", "Guard2026zz", "王管理")
    assert r.value.field == field
    assert hall.hall(db) is None and counts(db)["audit"] == 0


def test_settings_are_decimal_audited_and_feed_the_context(db, staff):
    admin = staff["admin"]
    got = hall.set_setting(admin, "resident_disposable_income_last_year", "21000.50")
    assert got["resident_disposable_income_last_year"] == Decimal("21000.50")
    hall.set_setting(admin, "archive_folder", "/srv/归档")
    assert hall.settings(db)["archive_folder"] == "/srv/归档"
    entry = _last(db, "set_setting")
    assert entry is not None
    for bad in ("abc", "-1", "1e400", 1.5, "NaN"):
        with pytest.raises(Refusal):
            hall.set_setting(admin, "resident_disposable_income_last_year", bad)
    with pytest.raises(Refusal) as unknown:
        hall.set_setting(admin, "no_such_key", "1")
    assert unknown.value.field == "key"
    with pytest.raises(Refusal):
        hall.set_setting(admin, "idle_lock_minutes", "0")
    clerk = accounts.login(db, "clerk", PASSWORDS["clerk"], NOW)
    ctx = hall.context_for(db, clerk, lambda: NOW)
    assert ctx.settings == {"resident_disposable_income_last_year": Decimal("21000.50")}
    hall.set_setting(admin, "resident_disposable_income_last_year", None)  # cleared
    assert "resident_disposable_income_last_year" not in hall.settings(db)
    assert verify_audit_chain(db) is None


def test_critical_illness_threshold_is_not_a_setting(db, staff):
    # issue 15.11: no pack reads it (天津's 大病保险 起付线 = 50 % of the income setting, 004 §九(二));
    # a setting the calculators ignore is not offered
    assert "critical_illness_threshold" not in hall.policy_setting_keys()
    assert "resident_disposable_income_last_year" in hall.policy_setting_keys()
    with pytest.raises(Refusal) as info:
        hall.set_setting(staff["admin"], "critical_illness_threshold", "27500")
    assert info.value.field == "key"


def test_import_pack_validates_copies_and_audits(db, staff, tmp_path):
    admin = staff["admin"]
    source = loader.bundled_dir() / "tianjin-resident-2024.yaml"
    incoming = tmp_path / "tianjin-resident-2025.yaml"
    incoming.write_text(source.read_text(encoding="utf-8").replace("year: 2024", "year: 2025", 1)
                        .replace("id: tianjin-resident-2024", "id: tianjin-resident-2025", 1), encoding="utf-8")
    info = hall.import_pack(admin, incoming)
    assert info["year"] == 2025 and info["previous_year"] == 2024 and not info["replaced"]
    assert (hall.packs_dir(db) / incoming.name).read_bytes() == incoming.read_bytes()
    assert json.loads(_last(db, "import_pack")["payload"])["sha256"] == info["sha256"]
    with pytest.raises(Refusal) as same:
        hall.import_pack(admin, incoming)
    assert same.value.code == "unchanged"
    broken = tmp_path / "broken-2025.yaml"
    broken.write_text(source.read_text(encoding="utf-8").replace("year: 2024", "year: soon", 1), encoding="utf-8")
    before = counts(db)
    with pytest.raises(Refusal) as bad:
        hall.import_pack(admin, broken)
    assert bad.value.code == "invalid_pack" and "broken-2025.yaml" in bad.value.message
    assert counts(db) == before and not (hall.packs_dir(db) / broken.name).exists()


def test_exports_say_they_carry_personal_data_and_are_audited(db, staff, tmp_path):
    from desktop.records import tabular

    clerk = staff["clerk"]
    persons.register_person(clerk, make_id(date(1984, 6, 1), 2, region_code="120101"), "李娟")
    done = privacy.export_list(clerk, "persons", tmp_path / "人员.csv")
    text = (tmp_path / "人员.csv").read_text(encoding="utf-8-sig")
    assert text.startswith("# 本文件含参保人个人信息") and "共1行" in text
    assert done == {"file": str(tmp_path / "人员.csv"), "rows": 1, "personal": True}
    payload = json.loads(_last(db, "export")["payload"])
    assert (payload["list"], payload["rows"], _last(db, "export")["operator_id"]) == ("persons", 1, "clerk")
    privacy.export_list(clerk, "persons", tmp_path / "人员.xlsx")
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "人员.xlsx")
    assert book.sheetnames[0] == "个人信息说明" and "个人信息" in book["个人信息说明"]["A1"].value
    assert book.worksheets[1].max_row == 2
    header, rows = tabular.read_rows(tmp_path / "人员.csv")  # the note line reads as a header
    assert rows  # and the file still opens as a list


def test_mask_for_role():
    number = "120101198406010047"
    assert mask_for("clerk", number) == number
    assert mask_for("reviewer", number) == number
    assert mask_for("admin", number) == "120101********0047"
    assert mask_for(frozenset({"admin"}), number) == "120101********0047"
    assert mask_for("admin", None) == ""


def test_admin_cli(tmp_path, monkeypatch, capsys):
    path = str(tmp_path / "cli.sqlite3")
    monkeypatch.setenv("YIBAO_DESK_NEW_PASSWORD", "Guard2026zz")
    assert main(["--db", path, "admin", "configure", "--region", "武进区", "--hall-name", "湖塘", "--hall-code", "320412", "--window", "02", "--admin-user", "admin", "--admin-name", "王管理"]) == 0
    monkeypatch.setenv("YIBAO_DESK_PASSWORD", "Guard2026zz")
    monkeypatch.setenv("YIBAO_DESK_NEW_PASSWORD", "Desk2026qq")
    assert main(["--db", path, "admin", "create-account", "clerk", "--user", "admin", "--name", "李经办", "--roles", "clerk"]) == 0
    assert main(["--db", path, "admin", "set", "idle_lock_minutes", "5", "--user", "admin"]) == 0
    monkeypatch.setenv("YIBAO_DESK_PASSWORD", "Desk2026qq")
    assert main(["--db", path, "admin", "set", "idle_lock_minutes", "6", "--user", "clerk"]) == 2
    capsys.readouterr()
    monkeypatch.setenv("YIBAO_DESK_PASSWORD", "Guard2026zz")
    assert main(["--db", path, "admin", "settings", "--user", "admin"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["settings"]["idle_lock_minutes"] == 5 and shown["hall"]["window_code"] == "02"
    assert main(["--db", path, "admin", "check", "--user", "admin"]) == 0
    capsys.readouterr()
    assert main(["--db", path, "export", "persons", str(tmp_path / "p.csv"), "--user", "admin"]) == 0
    assert json.loads(capsys.readouterr().out)["personal"] is True
    assert (tmp_path / "p.csv").read_text(encoding="utf-8-sig").startswith("# 本文件含参保人个人信息")
    assert main(["--db", path, "audit", "verify"]) == 0
    shutil.rmtree(tmp_path / "backups", ignore_errors=True)
