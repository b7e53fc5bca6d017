"""Backups through SQLite's online backup API (consistent while the window has the file open),
a daily automatic copy with rotation, and a restore that checks the file before replacing anything.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from desktop.errors import Refusal
from desktop.records import audit, migrations, paths
from desktop.records import db as dbmod
from desktop.records.rows import Stamp
from desktop.records.tx import write

DAILY_PREFIX = "daily-"
BEFORE_RESTORE_PREFIX = "before-restore-"
DEFAULT_KEEP = 14


def _connection(db: Database | str | os.PathLike[str]) -> tuple[sqlite3.Connection, bool]:
    """(connection, opened_here) for a Database or a path."""
    if isinstance(db, Database):
        return db.conn, False
    return dbmod.raw_connect(db), True


def backup(db: Database | str | os.PathLike[str], dest: str | os.PathLike[str]) -> Path:
    """Copy the database to `dest` (written to a temporary name, then renamed into place)."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    source, opened = _connection(db)
    try:
        with contextlib.closing(dbmod.raw_connect(partial)) as out:
            source.backup(out)
            # A single self-contained file: no -wal beside the copy.
            out.execute("PRAGMA journal_mode=DELETE")
    finally:
        if opened:
            source.close()
    os.replace(partial, dest)
    return dest


def auto_backup(
    db: Database, db_path: str | os.PathLike[str], *, today: date, keep: int = DEFAULT_KEEP
) -> Path | None:
    """On the first start of a day, copy the database to backups/daily-YYYYMMDD.sqlite3 and keep
    the newest `keep` daily copies. Returns the new copy, or None when today's exists."""
    folder = paths.backup_dir(db_path)
    target = folder / f"{DAILY_PREFIX}{today:%Y%m%d}.sqlite3"
    if target.exists():
        return None
    backup(db, target)
    rotate(folder, DAILY_PREFIX, keep)
    return target


def remove_partials(db_path: str | os.PathLike[str]) -> list[Path]:
    """Remove what a killed backup or restore left in backups/ (`*.partial`: a copy of personal
    data that never verified), except one that is still being written: its writer holds a lock
    on it (a backup), or its process is alive (a restore's staging copy, named by its pid)."""
    folder = paths.backup_dir(db_path)
    removed = []
    for partial in sorted(folder.glob("*.partial")):
        if _being_written(partial):
            continue
        for extra in ("", "-journal", "-wal", "-shm"):
            Path(str(partial) + extra).unlink(missing_ok=True)
        removed.append(partial)
    return removed


def _being_written(partial: Path) -> bool:
    pid = partial.name.removeprefix("restore-").partition(".")[0]
    if partial.name.startswith("restore-") and pid.isdigit() and _alive(int(pid)):
        return True
    # A backup writes its copy inside one write transaction: while it runs, nobody else can take
    # the exclusive lock (plain sqlite3 here: the lock is the file's, encrypted or not).
    conn = sqlite3.connect(str(partial), isolation_level=None, timeout=0)
    try:
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc) or "busy" in str(exc)
    except sqlite3.DatabaseError:  # half a file, or an encrypted one: a leftover
        return False
    finally:
        conn.close()


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return False  # (Windows: the lock check alone)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def check_file(path: str | os.PathLike[str]) -> dbmod.IntegrityResult:
    """Is this a yibao-desk database we can open: integrity, schema version, the tables."""
    path = Path(path)
    if not path.is_file():
        return dbmod.IntegrityResult(False, (f"文件不存在：{path}",))
    try:
        with contextlib.closing(
            dbmod.raw_connect(path, readonly=True)
        ) as conn:
            problems = [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
            if problems:
                return dbmod.IntegrityResult(False, tuple(problems))
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
    except Refusal as refusal:  # encrypted with no key, or another key
        return dbmod.IntegrityResult(False, (refusal.message,))
    except dbmod.database_errors() as exc:
        return dbmod.IntegrityResult(False, (f"不是有效的数据库文件：{exc}",))
    if not 1 <= version <= migrations.LATEST:
        return dbmod.IntegrityResult(
            False, (f"数据库结构版本为{version}，本程序支持1至{migrations.LATEST}",)
        )
    missing = {"persons", *migrations.V1_APPEND_ONLY} - tables  # (later versions add theirs on upgrade)
    if missing:
        return dbmod.IntegrityResult(False, (f"缺少数据表：{'、'.join(sorted(missing))}",))
    return dbmod.IntegrityResult(True)


@dataclass(frozen=True)
class Head:
    """The newest audit entry of a file: its seq and hash (seq 0: an empty chain)."""

    seq: int
    hash: bytes

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "hash": self.hash.hex()}


@dataclass(frozen=True)
class Restored:
    """What a restore did: the file it came from, the copy of the live file kept aside, both
    chain heads, and the live entries the restored file does not hold (seq range)."""

    source: Path
    previous_copy: Path | None
    head: Head  # the restored file's head before its own `restore` entry
    live_head: Head | None  # None: the live file was missing or unreadable
    common: int  # the last seq both chains share
    entry: dict[str, Any]  # the restore's audit entry in the restored file

    @property
    def lacking(self) -> tuple[int, int] | None:
        """(first, last) seq of the live entries missing from the restored file, or None."""
        if self.live_head is None or self.live_head.seq <= self.common:
            return None
        return self.common + 1, self.live_head.seq


IN_USE_MESSAGE = (
    "数据库正在被其他程序使用（本机或其他电脑上打开的医保窗口、同步程序或另一条命令），"
    "不能恢复：恢复会丢失它们正在写入的业务。请先关闭所有医保窗口和同步程序后再执行恢复"
)


@contextlib.contextmanager
def exclusive(path: str | os.PathLike[str]) -> Iterator[sqlite3.Connection]:
    """A connection holding the file to itself until the block ends, or Refusal `in_use`.

    In WAL mode every open connection holds a shared lock on the -shm file for as long as it is
    open (idle or not), and a connection in `locking_mode=EXCLUSIVE` must take the file's
    exclusive lock before it can run without the shared memory: so this fails exactly while
    any other connection (a window, a sync, another command, of any process) has the file open,
    and once taken keeps every other opener out until it is closed.
    """
    conn = dbmod.raw_connect(path, timeout=0)
    try:
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("COMMIT")  # in exclusive locking mode the lock outlives the transaction
    except dbmod.database_errors() as exc:
        conn.close()
        if "locked" in str(exc) or "busy" in str(exc):
            raise Refusal("in_use", IN_USE_MESSAGE, "db") from None
        raise
    try:
        yield conn
    finally:
        conn.close()


@functools.cache
def expected_triggers() -> dict[str, str]:
    """The triggers the code creates (name -> SQL, blanks folded): a new file migrated."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrations.migrate(Database(conn, execute_plugins=False))
        return _triggers(conn)
    finally:
        conn.close()


def _triggers(conn: sqlite3.Connection) -> dict[str, str]:
    found = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
    return {name: " ".join((sql or "").split()) for name, sql in found}


def trigger_problems(conn: sqlite3.Connection) -> list[str]:
    """Triggers missing from (or altered in) a file at the latest schema version."""
    found = _triggers(conn)
    missing = [n for n, sql in expected_triggers().items() if found.get(n) != sql]
    return [f"缺少或被改动的保护触发器：{'、'.join(sorted(missing))}"] if missing else []


def head(conn: sqlite3.Connection) -> Head:
    row = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    return Head(row[0], bytes(row[1])) if row else Head(0, audit.GENESIS)


def _hash_at(conn: sqlite3.Connection, seq: int) -> bytes | None:
    row = conn.execute("SELECT hash FROM audit WHERE seq = ?", [seq]).fetchone()
    return bytes(row[0]) if row else None


def common_seq(a: sqlite3.Connection, b: sqlite3.Connection, top: int) -> int:
    """The last seq (≤ top) at which both chains hold the same entry. Each hash covers every
    entry before it, so equal hashes at seq n mean equal chains up to n: a binary search."""
    lo, hi = 0, top
    while lo < hi:
        mid = (lo + hi + 1) // 2
        here = _hash_at(a, mid)
        if here is not None and here == _hash_at(b, mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


def rotate(folder: Path, prefix: str, keep: int) -> None:
    """Keep the newest `keep` copies named `prefix…sqlite3` (names sort by their time)."""
    found = sorted(folder.glob(f"{prefix}[0-9]*.sqlite3"))
    for old in found[:-keep] if keep > 0 else []:
        old.unlink(missing_ok=True)


def restore(
    src: str | os.PathLike[str],
    target: str | os.PathLike[str],
    authorize: Callable[[Database], Stamp],
    *,
    keep: int | None = None,
) -> Restored:
    """Replace the live file `target` with the backup `src`, refusing while anyone else has
    `target` open (`in_use`).

    The backup is copied to a staging file first and checked there (integrity, schema version,
    the protective triggers the code creates, the whole audit chain), so nothing is replaced
    for a bad file; an older schema is upgraded on the staging copy. `authorize(db)` runs
    against the live file (or, when it cannot be read, the staging copy): it raises to refuse,
    or returns the Stamp of the restore's audit entry. Then, with the live file held exclusively: the live content is copied to
    backups/before-restore-<time>.sqlite3 (rotated like the daily copies), a `restore` entry is
    appended to the staging copy's chain naming the source, its head and the live entries it
    lacks, and the staging copy is written into the live file through the backup API.
    """
    source = Path(src)
    target = Path(target)
    checked = check_file(source)
    if not checked.ok:
        raise Refusal("invalid_backup", f"备份文件不能用于恢复：{checked.message()}", "src")
    folder = paths.backup_dir(target)
    # `.partial`: a killed restore's leftover is removed at the next start (`remove_partials`)
    staging = folder / f"restore-{os.getpid()}.sqlite3.partial"
    staging.unlink(missing_ok=True)
    try:
        staged = _stage(source, staging)
        try:
            stamp = _authorize(target, staged, authorize)
            return _install(source, target, staged, stamp, keep)
        finally:
            staged.close()
    finally:
        for extra in ("", "-journal", "-wal", "-shm"):
            Path(str(staging) + extra).unlink(missing_ok=True)


def _stage(source: Path, staging: Path) -> Database:
    """The backup copied, upgraded and checked in full; Refusal `invalid_backup` otherwise."""
    with contextlib.closing(dbmod.raw_connect(source, readonly=True)) as conn:
        out = dbmod.raw_connect(staging)
        conn.backup(out)
    staged = Database(out, execute_plugins=False)
    try:
        staged.execute("PRAGMA journal_mode=DELETE")
        migrations.migrate(staged)
        problems = trigger_problems(out)
        if problems:
            raise Refusal("invalid_backup", f"备份文件不能用于恢复：{'；'.join(problems)}", "src")
        broken = audit.verify_audit_chain(staged)
        if broken is not None:
            raise Refusal(
                "invalid_backup",
                f"备份文件不能用于恢复：审计链在第{broken.seq}条断开（{broken.reason}）",
                "src",
            )
    except BaseException:
        staged.close()
        raise
    return staged


def _install(source: Path, target: Path, staged: Database, stamp: Stamp, keep: int | None) -> Restored:
    folder = paths.backup_dir(target)
    with exclusive(target) as live:
        try:
            live_head: Head | None = head(live)
        except dbmod.database_errors():  # missing tables (a new file) or a damaged one
            live_head = None
        incoming = head(staged.conn)
        common = common_seq(staged.conn, live, min(incoming.seq, live_head.seq)) if live_head else 0
        previous: Path | None = None
        if live_head is not None:
            previous = folder / f"{BEFORE_RESTORE_PREFIX}{datetime.now():%Y%m%d-%H%M%S-%f}.sqlite3"
            with contextlib.closing(dbmod.raw_connect(previous)) as out:
                live.backup(out)
                out.execute("PRAGMA journal_mode=DELETE")
            rotate(folder, BEFORE_RESTORE_PREFIX, keep or _keep(Database(live, execute_plugins=False)))
        done = Restored(source, previous, incoming, live_head, common, {})
        lacking = done.lacking
        payload = {
            "file": str(source.resolve()),
            "head": incoming.as_dict(),
            "live_head": live_head.as_dict() if live_head else None,
            "common_seq": common,
            "lacking": {"count": lacking[1] - lacking[0] + 1, "first": lacking[0], "last": lacking[1]} if lacking else None,
            "extra_after_common": incoming.seq - common,
            "previous_copy": str(previous) if previous else None,
        }
        with write(staged):
            entry = audit.append(staged, stamp, action="restore", business="backup", entity="database",
                                 entity_id=incoming.hash.hex()[:16], payload=payload)
            entry = {**entry, "seq": head(staged.conn).seq}
        staged.conn.backup(live)
        live.execute("PRAGMA journal_mode=WAL")
    return Restored(source, previous, incoming, live_head, common, entry)


def _keep(db: Database) -> int:
    """The hall's `backup_keep` setting (how many copies of each kind to keep)."""
    from desktop.records.accounts import settings

    try:
        return max(1, int(settings(db).get("backup_keep", DEFAULT_KEEP)))
    except (ValueError, *dbmod.database_errors()):
        return DEFAULT_KEEP


def _authorize(target: Path, staged: Database, authorize: Callable[[Database], Stamp]) -> Stamp:
    """Run `authorize` against the live file's accounts; against the backup's when the live
    file is missing or unreadable (a damaged file being replaced)."""
    if target.exists():
        try:
            live = dbmod.connect(target)
        except (Refusal, *dbmod.database_errors()):
            live = None
        if live is not None:
            try:
                try:
                    readable = live.execute("SELECT count(*) FROM accounts").fetchone() is not None
                except dbmod.database_errors():
                    readable = False
                if readable:
                    return authorize(live)
            finally:
                live.close()
    return authorize(staged)
