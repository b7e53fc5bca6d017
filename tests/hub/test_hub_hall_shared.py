"""What a hall shares travels with its rows: an account disabled at one window is disabled at
every window of the hall at the next pull; a hall setting likewise. Another hall's are not."""

from __future__ import annotations

from datetime import datetime

import pytest
from argon2 import PasswordHasher

from desktop.records import accounts as account_rows
from desktop.services import accounts, hall
from desktop.services.context import CHINA
from desktop.sync import sync_once

PASSWORD = "Desk2026qq"


@pytest.fixture(autouse=True)
def fast_hashes(monkeypatch):
    # argon2id at the product's parameters takes ~0.5 s a hash; these tests are about sync
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    monkeypatch.setattr(accounts, "_dummy_hash", None)


def test_a_disabled_account_is_disabled_at_every_window_of_the_hall(make_node):
    nodes = {
        code: make_node(window, hall_code, role="admin", operator_id="admin", now=datetime(2025, 11, 15, 11 - i, 0, tzinfo=CHINA))
        # window 03 acts last (its clock is the latest): its change is the newest
        for i, (code, window, hall_code) in enumerate(
            (("w3", "03", "320412"), ("w7", "07", "320412"), ("other", "03", "320411"))
        )
    }
    for code, (ctx, url) in list(nodes.items()):
        # each window configured with its administrator; a Context comes only from a login
        hall.configure_hall(ctx.db, "武进区", "武进区医保中心", ctx.hall_code, ctx.window, "admin", "Guard2026zz",
                            "王管理", now=ctx.clock())
        admin = hall.context_for(ctx.db, accounts.login(ctx.db, "admin", "Guard2026zz", ctx.clock()), ctx.clock)
        accounts.create_account(admin, "clerk02", PASSWORD, "李经办", ["clerk"])
        sync_once(ctx.db, url)
        nodes[code] = (admin, url)
    w3 = nodes["w3"][0]
    accounts.disable_account(w3, "clerk02", "调离")
    hall.set_setting(w3, "elderly_from_age", "60")
    for ctx, url in nodes.values():
        sync_once(ctx.db, url)
    assert account_rows.get(nodes["w7"][0].db, "clerk02")["disabled_at"] is not None
    assert account_rows.settings(nodes["w7"][0].db)["elderly_from_age"] == "60"
    # a window of another hall keeps its own clerk02 and settings
    assert account_rows.get(nodes["other"][0].db, "clerk02")["disabled_at"] is None
    assert "elderly_from_age" not in account_rows.settings(nodes["other"][0].db)



def _hall_windows(make_node, halls=(("w3", "03", "320412"), ("w7", "07", "320412"), ("other", "03", "320411"))):
    """Each window configured with its administrator and synced once: code -> (admin ctx, url)."""
    nodes = {}
    for i, (code, window, hall_code) in enumerate(halls):
        ctx, url = make_node(window, hall_code, own_folder=True, role="admin", operator_id="admin",
                             now=datetime(2026, 11, 15, 11 - i, 0, tzinfo=CHINA))
        hall.configure_hall(ctx.db, "武进区", "武进区医保中心", ctx.hall_code, ctx.window, "admin", "Guard2026zz",
                            "王管理", now=ctx.clock())
        admin = hall.context_for(ctx.db, accounts.login(ctx.db, "admin", "Guard2026zz", ctx.clock()), ctx.clock)
        sync_once(ctx.db, url)
        nodes[code] = (admin, url)
    return nodes


def test_a_new_account_and_its_password_reset_reach_every_window_of_the_hall(make_node):
    from desktop.records import audit

    nodes = _hall_windows(make_node)
    w3, w7 = nodes["w3"][0], nodes["w7"][0]
    accounts.create_account(w3, "clerk05", PASSWORD, "赵经办", ["clerk", "reviewer"])
    for ctx, url in nodes.values():
        sync_once(ctx.db, url)
    row = account_rows.get(w7.db, "clerk05")
    assert (row["display_name"], account_rows.decode_roles(row["roles"])) == ("赵经办", frozenset({"clerk", "reviewer"}))
    clerk = accounts.login(w7.db, "clerk05", PASSWORD, w7.clock())  # the same password at window 07
    assert clerk.username == "clerk05"
    assert audit.verify_audit_chain(w7.db) is None  # the applied account is in window 07's chain
    assert account_rows.get(nodes["other"][0].db, "clerk05") is None  # another hall's window: not there

    accounts.reset_password(w3, "clerk05", "Fresh2026ab")
    for ctx, url in nodes.values():
        sync_once(ctx.db, url)
    assert accounts.login(w7.db, "clerk05", "Fresh2026ab", w7.clock()).username == "clerk05"
    # the clerk's own change of password at window 07 holds at window 03 too
    clerk = accounts.login(w7.db, "clerk05", "Fresh2026ab", w7.clock())
    # at noon: after the reset at window 03 (11:00), so the newer change is applied there
    accounts.change_password(w7.db, clerk, "Fresh2026ab", "Again2026cd", datetime(2026, 11, 15, 12, 0, tzinfo=CHINA))
    for code in ("w7", "w3"):  # window 07 pushes, window 03 pulls
        sync_once(nodes[code][0].db, nodes[code][1])
    assert accounts.login(w3.db, "clerk05", "Again2026cd", w3.clock()).username == "clerk05"
    # the hash travels, never the password
    assert not any("Fresh2026ab" in (p or "") for (p,) in w7.db.conn.execute("SELECT payload FROM foreign_audit"))
    assert not any("Again2026cd" in (p or "") for (p,) in w3.db.conn.execute("SELECT payload FROM foreign_audit"))


def _pack_2027(folder, text_change=None):
    from desktop.policy.loader import bundled_dir

    text = (bundled_dir() / "changzhou-resident-2026.yaml").read_text(encoding="utf-8")
    shifted = text.replace("2026", "2027").replace("2025", "2026")  # 2026's pack moved on a year
    path = folder / "changzhou-resident-2027.yaml"
    path.write_text(text_change(shifted) if text_change else shifted, encoding="utf-8")
    return path


def test_a_pack_imported_at_one_window_is_used_at_every_node_of_the_county(make_node, tmp_path):
    nodes = _hall_windows(make_node)
    w3, w7, other = (nodes[c][0] for c in ("w3", "w7", "other"))
    assert 2027 not in {p.pack.year for p in hall.hall_packs(w7.db).packs if p.pack.region_group == "常州市"}
    hall.import_pack(w3, _pack_2027(tmp_path))
    for ctx, url in nodes.values():
        sync_once(ctx.db, url)
    assert len({hall.packs_dir(ctx.db) for ctx in (w3, w7, other)}) == 3  # each node its own folder
    for ctx in (w7, other):  # the county's pack: every hall's windows
        assert (hall.packs_dir(ctx.db) / "changzhou-resident-2027.yaml").is_file()
        packs = hall.hall_packs(ctx.db)
        assert packs.problems == []  # the start-up check accepts the file: its import is audited here
        assert 2027 in {p.pack.year for p in packs.packs if p.pack.region_group == "常州市"}
        # 002 §一(三): 非从业居民 (市区) 800 + 30 = 830, carried into 2027's pack unchanged
        request = {"calc": "contribution", "region": "钟楼区", "year": 2027, "category": "非从业居民"}
        assert hall.context_for(ctx.db, accounts.login(ctx.db, "admin", "Guard2026zz", ctx.clock()), ctx.clock).ask(
            request)["personal"] == "830.00"


def test_a_pack_failing_validation_at_the_receiving_node_is_refused_and_reported(make_node, tmp_path):
    """An entry whose pack text no longer matches its SHA-256, or no longer validates, is refused
    at the receiving window: nothing written into packs/, the refusal audited there."""
    import json

    from desktop.records import audit
    from desktop.records.rows import one
    from desktop.records.tx import write
    from desktop.sync import apply

    nodes = _hall_windows(make_node, (("w3", "03", "320412"), ("w7", "07", "320412")))
    w3, w7 = nodes["w3"][0], nodes["w7"][0]
    hall.import_pack(w3, _pack_2027(tmp_path))
    entry = one(w3.db, "SELECT * FROM audit WHERE action = 'import_pack'")
    info = json.loads(entry["payload"])
    changed = {**entry, "payload": json.dumps({**info, "text": info["text"].replace("medical: 800", "medical: 801")})}
    broken = {**entry, "payload": json.dumps({**info, "text": "pack: {id: x}\n"})}
    broken["payload"] = json.dumps({**json.loads(broken["payload"]),
                                    "sha256": __import__("hashlib").sha256(b"pack: {id: x}\n").hexdigest()})
    with write(w7.db):
        apply.derive(w7.db, "audit", [changed, broken])
    assert not (hall.packs_dir(w7.db) / "changzhou-resident-2027.yaml").exists()
    reasons = [p["reason"] for p in audit.payloads(w7.db, "refuse_pack")]
    assert len(reasons) == 2 and "SHA-256" in reasons[0] and "校验" in reasons[1]
    assert audit.verify_audit_chain(w7.db) is None
    assert hall.hall_packs(w7.db).problems == []
