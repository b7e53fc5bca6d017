"""Who may write what on the hub, enforced by PostgreSQL itself (row-level security, grants)."""

from __future__ import annotations

import psycopg
import pytest

from desktop.errors import Refusal
from desktop.hub import schema

RECEIPT = "INSERT INTO hub.receipts (serial, created_at, operator_id, business, record_id, person_id, amount_fen, row_sha256) VALUES (%s, '2026-01-05T10:00:00', 'clerk01', 'enroll', 'R1', 'P1', 38000, 'x')"


@pytest.fixture
def hub(hub_url):
    schema.init_hub(hub_url)
    schema.init_hub(hub_url)  # idempotent: a second run changes nothing and fails on nothing
    return hub_url


def test_a_node_inserts_its_own_rows_and_reads_the_county(hub):
    w3 = schema.add_node(hub, "320412", "03")
    w7 = schema.add_node(hub, "320412", "07")
    with psycopg.connect(w3["url"]) as conn:
        conn.execute(RECEIPT, ["320412-03-2026-000001"])
    with psycopg.connect(w7["url"]) as conn:
        assert conn.execute("SELECT serial FROM hub.receipts").fetchall() == [("320412-03-2026-000001",)]


@pytest.mark.parametrize(
    "statement",
    [
        (RECEIPT, ["320412-07-2026-000001"]),  # another window's receipt
        ("UPDATE hub.receipts SET amount_fen = 0", []),
        ("DELETE FROM hub.receipts", []),
        ("UPDATE hub.nodes SET hall_code = '320412'", []),
        ("INSERT INTO hub.audit (seq, created_at, hall_code, window_code, operator_id, operator_role, action, business, entity, entity_id, payload, hash, row_sha256) VALUES (1, 'x', '320412', '07', 'a', 'clerk', 'register', 'person', 'persons', 'P', '{}', '\\x00', 'x')", []),
    ],
    ids=["other-origin", "update", "delete", "registry", "other-audit"],
)
def test_a_node_is_refused_by_postgresql(hub, statement):
    w3 = schema.add_node(hub, "320412", "03")
    schema.add_node(hub, "320412", "07")
    with psycopg.connect(hub) as admin:
        admin.execute(RECEIPT, ["320412-03-2026-000001"])
    with psycopg.connect(w3["url"]) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(*statement)
    with psycopg.connect(hub) as admin:
        assert admin.execute("SELECT serial, amount_fen FROM hub.receipts").fetchall() == [("320412-03-2026-000001", 38000)]


def test_a_disabled_node_can_no_longer_connect_nor_write(hub):
    w3 = schema.add_node(hub, "320412", "03")
    conn = psycopg.connect(w3["url"])  # a session open before it was disabled
    schema.disable_node(hub, "320412", "03")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(RECEIPT, ["320412-03-2026-000001"])
    conn.close()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(w3["url"])


def test_one_node_per_hall_and_window(hub):
    schema.add_node(hub, "320412", "03")
    with pytest.raises(Refusal) as refused:
        schema.add_node(hub, "320412", "03")
    assert "已登记" in refused.value.message


def test_the_administrator_s_commands(hub_url, capsys):
    import json

    from desktop.cli import main

    assert main(["hub", "init", "--url", hub_url]) == 0
    assert json.loads(capsys.readouterr().out)["hub"] == "ready"
    assert main(["hub", "add-node", "--url", hub_url, "--hall", "320412", "--window", "09"]) == 0
    node = json.loads(capsys.readouterr().out)
    assert node["node"] == "320412-09"
    with psycopg.connect(node["url"]) as conn:  # the printed URL logs in as that node
        assert conn.execute("SELECT hub.me_hall(), hub.me_window()").fetchone() == ("320412", "09")
    assert main(["hub", "add-node", "--url", hub_url, "--hall", "320412", "--window", "09"]) == 2
    refused = json.loads(capsys.readouterr().out)["error"]
    assert refused["code"] == "node_exists" and "已登记" in refused["message"]
    assert main(["hub", "disable-node", "--url", hub_url, "--hall", "320412", "--window", "09"]) == 0
    capsys.readouterr()
    assert main(["hub", "conflicts", "--url", hub_url]) == 0
    assert json.loads(capsys.readouterr().out) == []
