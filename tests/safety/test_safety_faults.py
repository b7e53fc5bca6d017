"""The fault suite: SIGKILL during writes, a full disk, a read-only file, a corrupt file. Each
ends with no lost or half business (the consistency check of the services' crash test) and a
clear Chinese message."""

from __future__ import annotations

import contextlib
import errno
import os
import random
import sqlite3
import subprocess
from datetime import date

import pytest

from desktop.errors import Refusal
from desktop.records import backup
from desktop.records.audit import verify_audit_chain
from desktop.records.db import open_db, quick_check
from desktop.services import accounts, change, enrollment, persons, receipt, safety
from desktop.services.context import Context
from tests.support.safety import (
    NOW,
    all_counts,
    check_no_half_business,
    clerk_ctx,
    configured,
    visit,
)
from tests.support.services import make_id, run_and_kill

# ----------------------------------------------------------------------------- SIGKILL


def test_sigkill_at_random_points_with_accounts_enforced(tmp_path):
    """The services' crash writer again, on a hall with accounts: the permission check reads
    the accounts table on every business, and kills land anywhere in that too."""
    path = tmp_path / "crash.sqlite3"
    db = open_db(path)
    configured(db)  # the writer's operator clerk-03 is a real clerk account now
    db.close()
    rnd = random.Random(7)
    for round_ in range(3):
        run_and_kill(path, 3_000 * round_, rnd)
        db = open_db(path)
        try:
            check_no_half_business(db)
            assert verify_audit_chain(db) is None
            refused = db.execute("SELECT count(*) FROM audit WHERE action = 'refused'").fetchone()[0]
            assert refused == 0  # the writer was permitted throughout
        finally:
            db.close()


# ----------------------------------------------------------------------------- disk full

STEPS = ("register", "enroll", "change", "void")


def _step(ctx: Context, i: int, step: str) -> None:
    number = make_id(date(1950, 1, 1) + date.resolution * i, 7)
    if step == "register":
        persons.register_person(ctx, number, "钱七" + "丰" * (i % 40))
    elif step == "enroll":
        ctx.db.execute("SELECT 1")  # (no-op: keeps the steps uniform)
        enrollment.enroll(ctx, number, 2026)
    elif step == "change":
        change.change(ctx, number, "phone", f"139{i:08d}")
    else:
        serial = ctx.db.execute(
            "SELECT r.serial FROM receipts r JOIN persons p ON p.id = r.person_id "
            "WHERE p.id_number = ? AND r.business = 'enroll'", [number]
        ).fetchone()[0]
        receipt.void_receipt(ctx, serial, "重打")


def _until_refused(ctx: Context, start: int, limit: int = 2_000) -> tuple[Refusal, int, str]:
    """Do businesses step by step until one is refused; each refusal must leave every count as
    it was. Returns the refusal and where it happened, to retry later."""
    for i in range(start, start + limit):
        for step in STEPS:
            before = all_counts(ctx.db)
            try:
                _step(ctx, i, step)
            except Refusal as refusal:
                assert all_counts(ctx.db) == before, step
                return refusal, i, step
    raise AssertionError("the disk never filled")


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MiB tmpfs mounted on a temp dir (we run as root in CI); skipped where not permitted."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def _fill(folder) -> os.PathLike:
    """Take every free byte of the small disk (unbuffered writes until ENOSPC)."""
    filler = folder / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for chunk in (65536, 4096, 512):
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * chunk)
    finally:
        os.close(fd)
    return filler


def _resume_after(ctx: Context, i: int, step: str) -> None:
    """The refused step succeeds once there is room, and the visit goes on."""
    for later in STEPS[STEPS.index(step):]:
        _step(ctx, i, later)


def test_full_disk_on_a_real_tmpfs(small_disk):
    db = open_db(small_disk / "desk.sqlite3")
    configured(db)
    ctx = clerk_ctx(db)
    for i in range(3):
        for step in STEPS:
            _step(ctx, i, step)
    filler = _fill(small_disk)
    refusal, i, step = _until_refused(ctx, 3)
    print(f"tmpfs full: refused at visit {i} step {step}: {refusal.__cause__!r}")
    assert refusal.code == "disk_full", refusal
    assert "磁盘空间已满" in refusal.message and "没有写入一半" in refusal.message
    # a backup onto the full disk is refused and leaves no partial file behind
    with pytest.raises(Refusal) as no_room:
        safety.verified_backup(db, small_disk / "backups" / "full.sqlite3")
    assert no_room.value.code in ("disk_full", "backup_failed")
    assert not list((small_disk / "backups").glob("*")) if (small_disk / "backups").exists() else True
    os.unlink(filler)
    _resume_after(ctx, i, step)
    assert quick_check(db, full=True).ok
    check_no_half_business(db)
    assert verify_audit_chain(db) is None
    db.close()


def test_full_disk_simulated_with_max_page_count(tmp_path):
    """Where no tmpfs can be mounted: SQLite's own page limit gives the same error code."""
    db = open_db(tmp_path / "desk.sqlite3")
    configured(db)
    ctx = clerk_ctx(db)
    for step in STEPS:
        _step(ctx, 0, step)
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")
    refusal, i, step = _until_refused(ctx, 1)
    assert refusal.code == "disk_full"
    db.execute("PRAGMA max_page_count = 1073741823")
    _resume_after(ctx, i, step)
    check_no_half_business(db)
    assert verify_audit_chain(db) is None
    db.close()


# ----------------------------------------------------------------------------- read-only


@pytest.fixture
def hall_file(tmp_path):
    path = tmp_path / "desk.sqlite3"
    db = open_db(path)
    configured(db)
    ctx = clerk_ctx(db)
    visit(ctx, 0)
    db.close()
    return path


def _readonly_ctx(path, how: str) -> Context:
    """Root ignores file modes (chmod 0444 would still be writable for us), so the read-only
    file is made with SQLite itself: a `?mode=ro` URI connection, or PRAGMA query_only."""
    from sqlite_utils import Database

    writable = open_db(path)  # the clerk logged in before the file turned read-only
    account = accounts.login(writable, "clerk-03", "Desk2026qq", NOW)
    writable.close()
    if how == "uri":
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
        db = Database(conn)
    else:
        db = open_db(path)
        db.execute("PRAGMA query_only = 1")
    from desktop.services import hall

    return hall.context_for(db, account, lambda: NOW)


@pytest.mark.parametrize("how", ["uri", "query_only"])
def test_read_only_file_refuses_clearly_and_writes_nothing(hall_file, how):
    if how == "uri":
        os.chmod(hall_file, 0o444)  # as a hall would see it; the URI makes it bite under root too
    ctx = _readonly_ctx(hall_file, how)
    before = all_counts(ctx.db)
    for call, args in (
        (persons.register_person, (make_id(date(1960, 2, 2), 9), "孙八")),
        (change.change, (make_id(date(1940, 1, 1), 1), "phone", "13700000000")),
    ):
        with pytest.raises(Refusal) as r:
            call(ctx, *args)
        assert r.value.code == "read_only", r.value
        assert "只读" in r.value.message and "没有保存" in r.value.message
    with pytest.raises(Refusal) as login:
        accounts.login(ctx.db, "clerk-03", "Desk2026qq", NOW)  # a login is audited: it needs a write
    assert login.value.code == "read_only"
    assert all_counts(ctx.db) == before
    ctx.db.close()
    os.chmod(hall_file, 0o644)
    db = open_db(hall_file)
    check_no_half_business(db)
    assert verify_audit_chain(db) is None
    db.close()


# ----------------------------------------------------------------------------- corrupt


def _corrupt(path, offset_fraction=0.5, size=8192) -> None:
    length = path.stat().st_size
    with open(path, "r+b") as f:
        f.seek(int(length * offset_fraction) // 4096 * 4096)
        f.write(bytes(random.Random(3).randrange(256) for _ in range(size)))


def test_corrupt_file_points_to_the_last_good_backup_and_restores(tmp_path):
    path = tmp_path / "desk.sqlite3"
    db = open_db(path)
    configured(db)
    ctx = clerk_ctx(db)
    for i in range(40):
        visit(ctx, i)
    good = safety.verified_backup(db, tmp_path / "backups" / "manual-1.sqlite3")
    kept = all_counts(db)
    visit(ctx, 40)  # after the backup: lost on restore, which the message says
    db.close()
    # an older, damaged copy must not be chosen
    bad = tmp_path / "backups" / "manual-0.sqlite3"
    bad.write_bytes(b"not a database at all" * 100)
    os.utime(bad, (good.stat().st_mtime + 10,) * 2)
    _corrupt(path)
    report = safety.startup_check(path, today=date(2025, 11, 16))
    assert not report.ok
    assert report.last_good_backup == good
    assert "完整性检查未通过" in report.message or "损坏" in report.message
    assert str(good) in report.message and "yibao-desk restore" in report.message
    assert not (tmp_path / "backups" / "daily-20251116.sqlite3").exists()  # damage never rotated in
    used = safety.restore_last_good(path, "admin", "Guard2026zz")
    assert used == good
    db = open_db(path)
    assert quick_check(db, full=True).ok
    # the administrator logged in against the backup's accounts (the live file is damaged),
    # and the restore is the restored file's newest entry
    assert all_counts(db) == {**kept, "audit": kept["audit"] + 2}
    assert [r[0] for r in db.execute("SELECT action FROM audit ORDER BY seq DESC LIMIT 2")] == ["restore", "login"]
    check_no_half_business(db)
    assert verify_audit_chain(db) is None
    db.close()
    assert list(tmp_path.glob("desk.sqlite3.damaged*"))  # the damaged file is kept for support


def test_damaged_header_is_reported_not_raised(tmp_path):
    path = tmp_path / "desk.sqlite3"
    open_db(path).close()
    with open(path, "r+b") as f:
        f.write(b"\xff" * 100)
    report = safety.startup_check(path)
    assert not report.ok and report.last_good_backup is None
    assert "没有找到可用的备份" in report.message


def test_backups_are_checked_after_writing(tmp_path, monkeypatch):
    db = open_db(tmp_path / "desk.sqlite3")
    made = safety.verified_backup(db, tmp_path / "b" / "ok.sqlite3")
    assert backup.check_file(made).ok

    def broken_copy(source, dest):
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(b"garbage")
        return dest

    monkeypatch.setattr(backup, "backup", lambda source, dest: broken_copy(source, __import__("pathlib").Path(dest)))
    with pytest.raises(Refusal) as r:
        safety.verified_backup(db, tmp_path / "b" / "bad.sqlite3")
    assert r.value.code == "backup_failed" and not (tmp_path / "b" / "bad.sqlite3").exists()
    db.close()


def test_storage_errors_map_to_codes():
    from desktop.records.tx import storage_refusal

    assert storage_refusal(sqlite3.OperationalError("database or disk is full")).code == "disk_full"
    assert storage_refusal(sqlite3.OperationalError("attempt to write a readonly database")).code == "read_only"
    assert storage_refusal(sqlite3.DatabaseError("database disk image is malformed")).code == "corrupt"
    assert storage_refusal(sqlite3.OperationalError("no such table: x")) is None
    assert storage_refusal(OSError(errno.ENOSPC, "full")) is None
