"""The audit hash chain finds the first edited, removed or inserted entry."""

from __future__ import annotations

from desktop.records import audit
from tests.support.records import STAMP


def _fill(db, n=5):
    for i in range(n):
        audit.append(
            db,
            STAMP,
            action="enroll",
            business="enroll",
            entity="changes",
            entity_id=f"e{i}",
            payload={"i": i, "名": "王"},
        )


def _unguarded(db):
    """What someone editing the file with another tool could do."""
    db.execute("DROP TRIGGER audit_no_update")
    db.execute("DROP TRIGGER audit_no_delete")


def test_intact_chain_verifies(db):
    assert audit.verify_audit_chain(db) is None
    _fill(db)
    assert audit.verify_audit_chain(db) is None
    # Each 32-byte hash chains the entry's content to the one before, from 32 zero bytes.
    prev = audit.GENESIS
    for row in db.query("SELECT * FROM audit ORDER BY seq"):
        assert len(row["hash"]) == 32 and row["hash"] == audit.entry_hash(prev, row)
        prev = row["hash"]


def test_edited_content_is_found(db):
    _fill(db)
    _unguarded(db)
    db.execute("UPDATE audit SET payload = '{\"i\":99}' WHERE seq = 3")
    broken = audit.verify_audit_chain(db)
    assert broken is not None and broken.seq == 3
    assert "改动" in broken.reason


def test_removed_entry_is_found_at_the_next_one(db):
    _fill(db)
    _unguarded(db)
    db.execute("DELETE FROM audit WHERE seq = 2")
    broken = audit.verify_audit_chain(db)
    assert broken is not None and broken.seq == 3
    assert "链接" in broken.reason


def test_rehashed_edit_still_breaks_the_link(db):
    _fill(db)
    _unguarded(db)
    row = next(db.query("SELECT * FROM audit WHERE seq = 2"))
    row["amount_fen"] = 1
    prev = db.execute("SELECT hash FROM audit WHERE seq = 1").fetchone()[0]
    new_hash = audit.entry_hash(prev, row)
    db.execute("UPDATE audit SET amount_fen = 1, hash = ? WHERE seq = 2", [new_hash])
    broken = audit.verify_audit_chain(db)
    assert broken is not None and broken.seq == 3
