"""A township centre without network merges by bundle files: replayed, reordered and edited
bundles are refused whole, with a Chinese message and exit status 2."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import date

import psycopg
import pytest

from desktop.cli import main
from desktop.records import persons
from desktop.services import enrollment
from desktop.services import persons as person_services
from desktop.sync import sync_once
from tests.support.services import make_id

ZHANG = make_id(date(1984, 6, 1), 2)
LI = make_id(date(1957, 3, 1), 1)
WANG = make_id(date(1990, 2, 1), 4)


def _cli(capsys, *argv):
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


def _hub_counts(hub):
    with psycopg.connect(hub) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM hub.{t}").fetchone()[0] for t in ("audit", "receipts", "enrollments")}


@pytest.fixture
def centre(make_node, tmp_path):
    c9, _ = make_node("09")  # registered on the hub, never connected
    person_services.register_person(c9, ZHANG, "张三")
    enrollment.enroll(c9, ZHANG, 2026)
    return c9, str(tmp_path / "320412-09.sqlite3")


def test_a_centre_merges_both_ways(centre, make_node, hub, tmp_path, capsys):
    c9, path = centre
    w3, url3 = make_node("03")
    person_services.register_person(w3, LI, "李四")
    sync_once(w3.db, url3)
    out = tmp_path / "b1.zip"
    code, made = _cli(capsys, "--db", path, "bundle", "export", "--out", str(out))
    assert code == 0 and made["seq"] == 1 and made["node"] == "320412-09"
    code, done = _cli(capsys, "hub", "import", "--url", hub, str(out))
    assert code == 0 and done["rows"]["enrollments"] == 1
    # the county's rows back to the centre
    back = tmp_path / "county.zip"
    code, exported = _cli(capsys, "hub", "export", "--url", hub, "--for", "320412-09", "--out", str(back))
    assert code == 0 and exported["acknowledged_bundle"] == 1
    code, imported = _cli(capsys, "--db", path, "bundle", "import", str(back))
    assert code == 0 and imported["pulled"] == 1
    assert persons.get_by_id_number(c9.db, LI)["name"] == "李四"
    # window 03 pulls the centre's rows like any other node's
    assert sync_once(w3.db, url3).pulled == 2
    assert persons.get_by_id_number(w3.db, ZHANG)["category"] is not None
    # the next bundle starts after the acknowledged one: only the new business goes
    person_services.register_person(c9, WANG, "王五")
    code, made = _cli(capsys, "--db", path, "bundle", "export", "--out", str(tmp_path / "b2.zip"))
    assert made["seq"] == 2 and made["rows"] == 1


def test_a_replayed_bundle_is_refused(centre, hub, tmp_path, capsys):
    _, path = centre
    out = tmp_path / "b1.zip"
    _cli(capsys, "--db", path, "bundle", "export", "--out", str(out))
    assert _cli(capsys, "hub", "import", "--url", hub, str(out))[0] == 0
    before = _hub_counts(hub)
    code, refused = _cli(capsys, "hub", "import", "--url", hub, str(out))
    assert code == 2 and refused["error"]["code"] == "bundle_replayed"
    assert "已经导入过" in refused["error"]["message"]
    assert _hub_counts(hub) == before


def test_an_out_of_order_bundle_is_refused(centre, hub, tmp_path, capsys):
    c9, path = centre
    _cli(capsys, "--db", path, "bundle", "export", "--out", str(tmp_path / "b1.zip"))
    person_services.register_person(c9, WANG, "王五")
    _cli(capsys, "--db", path, "bundle", "export", "--out", str(tmp_path / "b2.zip"))
    code, refused = _cli(capsys, "hub", "import", "--url", hub, str(tmp_path / "b2.zip"))
    assert code == 2 and refused["error"]["code"] == "bundle_out_of_order"
    assert "应导入第 1 号，这是第 2 号" in refused["error"]["message"]
    assert _hub_counts(hub) == {"audit": 0, "receipts": 0, "enrollments": 0}
    # in order, both go in (the second carries the first's rows again: the hub skips them)
    assert _cli(capsys, "hub", "import", "--url", hub, str(tmp_path / "b1.zip"))[0] == 0
    assert _cli(capsys, "hub", "import", "--url", hub, str(tmp_path / "b2.zip"))[0] == 0
    assert _hub_counts(hub)["audit"] == 3


def _edit(src, dest, *, fix_sha: bool):
    """The bundle with the enrollment's personal payment set to 0 (and, when `fix_sha`, its
    manifest's SHA-256 recomputed, as a careful forger would)."""
    with zipfile.ZipFile(src) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        lines = zf.read("rows.jsonl").decode().splitlines()
    edited = []
    for line in lines:
        item = json.loads(line)
        if item["t"] == "enrollments":
            item["r"]["personal_fen"] = 0
        edited.append(json.dumps(item, ensure_ascii=False, sort_keys=True))
    data = ("\n".join(edited) + "\n").encode()
    if fix_sha:
        manifest["sha256"] = hashlib.sha256(data).hexdigest()
    with zipfile.ZipFile(dest, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        zf.writestr("rows.jsonl", data)


@pytest.mark.parametrize("fix_sha", [False, True], ids=["sha-mismatch", "sha-recomputed"])
def test_an_edited_bundle_is_refused(centre, hub, tmp_path, capsys, fix_sha):
    _, path = centre
    _cli(capsys, "--db", path, "bundle", "export", "--out", str(tmp_path / "b1.zip"))
    _edit(tmp_path / "b1.zip", tmp_path / "edited.zip", fix_sha=fix_sha)
    code, refused = _cli(capsys, "hub", "import", "--url", hub, str(tmp_path / "edited.zip"))
    assert code == 2 and refused["error"]["code"] == "bundle_tampered"
    assert ("校验值" if not fix_sha else "与哈希不符") in refused["error"]["message"]
    assert _hub_counts(hub) == {"audit": 0, "receipts": 0, "enrollments": 0}
    # the genuine file still goes in as number 1
    assert _cli(capsys, "hub", "import", "--url", hub, str(tmp_path / "b1.zip"))[0] == 0
