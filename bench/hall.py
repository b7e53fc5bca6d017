"""Building (once) and caching the synthetic hall database.

The schema comes from the records layer's own migrations (`desktop.records.migrations`); the
rows are shaped exactly like the services write them: one real enrollment per (district,
category, policy year, enroll or renewal) is made through `desktop.services` on a scratch
database, and its computed columns (fees, benefit dates, the trace) are reused for every such
person. The hall holds the three collections 2024–2026 (a hall's file keeps every year): each
person registers once and renews in the later years. The rows go in with executemany in big
transactions; the audit chain is a real SHA-256 chain (`desktop.records.audit.entry_hash`),
receipts are gapless per hall, window and year.
"""

from __future__ import annotations

import os
import random
import sqlite3
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from bench import synth

# YIBAO_BENCH_CACHE: another folder for the cached halls (two engineers measuring side by side).
CACHE = Path(os.environ.get("YIBAO_BENCH_CACHE") or Path(__file__).resolve().parent / "cache")
GENERATOR_VERSION = 4  # bump when the synthetic data changes shape (2: traces stored once, hashed audit;
# 3: 26-character time-ordered ids, the v6 audit entry; 4: three policy years, renewals, schema v7)
CHUNK = 50_000
HALL_SETTINGS = {"elderly_from_age": 60}
HALL_CODE = {region: code for region, code in synth.DISTRICTS}
HALL_CODE["常州经开区"] = "320491"  # its own hall: receipts must not share 武进区's serials
META_ORDER = ("id", "created_at", "hall_code", "window_code", "operator_id")


def cache_path(n: int) -> Path:
    from desktop.records import migrations

    return CACHE / f"hall-{n}-schema{migrations.LATEST}-gen{GENERATOR_VERSION}.sqlite3"


_SESSIONS: dict[int, object] = {}  # id(db) -> bench01's logged-in Account on that connection


def context(db, region: str = "武进区", *, window: str = "03", now: datetime | None = None):
    """bench01's Context; on a configured hall through a real login (once per connection): a
    Context that no login made is refused there."""
    from dataclasses import replace

    from desktop.records import accounts as account_rows
    from desktop.services.context import CHINA, Context

    moment = now or datetime.combine(synth.TODAY, datetime.min.time()).replace(hour=10, tzinfo=CHINA)
    ctx = Context(db=db, region=region, hall_code=HALL_CODE[region], window=window,
                  operator_id=BENCH_CLERK[0], clock=lambda: moment, settings=dict(HALL_SETTINGS))
    if not account_rows.count(db):
        return ctx
    from desktop.services import accounts
    from desktop.services import hall as hall_service

    account = _SESSIONS.get(id(db))
    if account is None:
        account = _SESSIONS[id(db)] = accounts.login(db, BENCH_CLERK[0], BENCH_PASSWORD)
    return replace(ctx, session=hall_service.context_for(db, account).session)


YEARS = (2024, 2025, 2026)  # the policy years a hall working since the 2024 collection holds


def wave_start(year: int) -> datetime:
    """When the collection for `year` opened at the windows (the hall's clock of that wave)."""
    return datetime(year - 1, 10, 1, 8, 30, tzinfo=_china())


def enrollment_templates() -> tuple[dict[tuple[str, str, int, str], dict], list[tuple[str, str]]]:
    """(district, category, year, kind) -> the enrollment row the services wrote for such a
    person (kind: 'enroll', or 'renewal' after an enrollment of the year before), and the
    distinct calculation traces those rows point at (stored once, as the application does)."""
    from datetime import date

    from desktop.records.db import open_db
    from desktop.services import enrollment, persons

    ages = {"老年居民": 70, "非从业居民": 40, "大学生": 19, "未成年居民": 10}
    out: dict[tuple[str, str, int, str], dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "templates.sqlite3")
        n = 0

        def clock(year: int) -> datetime:  # mid-collection for that year
            return wave_start(year).replace(month=11, day=15, hour=10, minute=0)

        for region, code in synth.DISTRICTS:
            for category, age in ages.items():
                for year in YEARS:
                    for kind in ("enroll", "renewal") if year > YEARS[0] else ("enroll",):
                        n += 1
                        birth = date(year - 1 - age, 3, 1)
                        number = synth.make_id(code, birth, n % 1000)
                        school = ("常州大学", "university") if category == "大学生" else (None, None)
                        if category == "未成年居民":
                            school = ("常州市第一中学", "school")
                        first = year - 1 if kind == "renewal" else year
                        ctx = context(db, region, now=clock(first))
                        persons.register_person(ctx, number, "模板", school=school[0], school_kind=school[1])
                        result = enrollment.enroll(ctx, number, first)
                        if kind == "renewal":
                            result = enrollment.renew(context(db, region, now=clock(year)), number, year)
                        row = dict(next(db.query("SELECT * FROM enrollments WHERE id = ?",
                                                 [result.enrollment_id])))
                        # (a year's pack may name the category otherwise: 2025's 高校大学生)
                        assert (row["kind"], row["year"]) == (kind, year), row
                        out[(region, category, year, kind)] = row
        traces = [(r["sha256"], r["text"]) for r in db.query("SELECT sha256, text FROM traces")]
        db.conn.close()
    return out, traces


def build(n: int, path: Path, log=print) -> Path:
    """Create the hall database of `n` persons at `path` (replacing a partial file)."""
    from desktop.records import audit, migrations, search
    from desktop.records.db import connect
    from desktop.records.rows import spell_id, to_json, uuid7

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    for p in (partial, Path(str(partial) + "-wal"), Path(str(partial) + "-shm")):
        p.unlink(missing_ok=True)
    began = time.perf_counter()
    templates, traces = enrollment_templates()
    db = connect(partial)
    migrations.migrate(db)  # the records layer's schema, exactly as the application creates it
    db.conn.close()

    conn = sqlite3.connect(str(partial), isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-1500000")  # 1.5 GB: the random UUID indexes stay in memory
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.executemany("INSERT OR IGNORE INTO traces (sha256, text) VALUES (?, ?)", traces)

    rnd = random.Random(synth.SEED + 1)

    def new_id(at: str) -> str:
        """The application's id spelling (rows.new_id): a UUIDv7 of the row's own time."""
        return spell_id(uuid7(int(datetime.fromisoformat(at).timestamp() * 1000), rnd.getrandbits(80)))

    # Three collections (waves), as a hall working since the 2024 collection has seen them: in the
    # wave for year Y the persons registered in earlier waves renew (in person order) and about a
    # third of all persons come for the first time (register, household, enroll). Nobody is
    # registered in a wave that opens before their birth. About 5 % never enroll.
    waves = len(YEARS)
    span = timedelta(days=90)
    prev_hash: bytes = audit.GENESIS
    audit_seq = 0
    receipt_seq: dict[tuple[str, str, int], int] = {}
    household_ids: dict[int, str] = {}
    person_ids: dict[int, str] = {}
    enrolled = 0

    def insert_sql(table: str, cols: tuple[str, ...]) -> str:
        return f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"

    def seen_by(wave: int) -> int:  # persons 1..seen_by(wave) have come by the end of that wave
        return n if wave == waves - 1 else (wave + 1) * n // waves

    def first_wave(person) -> int:
        base = next(w for w in range(waves) if person.num <= seen_by(w))
        while base < waves - 1 and wave_start(YEARS[base]).date() < person.birth_date:
            base += 1
        return base

    p_cols = (*META_ORDER, "num", "updated_at", "id_number", "id_number_rev", "name", "sex",
              "birth_date", "phone", "hukou_region", "residence_region", "address", "hukou_nature",
              "school", "school_kind", "category")
    e_cols = tuple(c for c in next(iter(templates.values())))
    r_cols = ("serial", "created_at", "operator_id", "business", "record_id", "person_id", "amount_fen")
    h_cols = (*META_ORDER, "address")
    m_cols = (*META_ORDER, "household_id", "person_id", "relationship")
    a_cols = ("seq", *audit.COLUMNS)

    def audit_row(meta: dict, action: str, business: str, entity: str, entity_id: str,
                  person_id: str, amount_fen, payload: dict | None, row_sha: str | None = None) -> tuple:
        nonlocal prev_hash, audit_seq
        row = {**meta, "operator_role": "clerk", "action": action, "business": business,
               "entity": entity, "entity_id": entity_id, "person_id": person_id,
               "amount_fen": amount_fen, "payload": None if payload is None else to_json(payload)}
        row["hash"] = prev_hash = audit.entry_hash(prev_hash, row, row_sha)
        audit_seq += 1
        return (audit_seq, *(row[c] for c in a_cols[1:]))

    for wave, year in enumerate(YEARS):
        start = wave_start(year)
        last = seen_by(wave)
        step = span / max(last, 1)
        people = synth.persons(last)
        done = 0
        while done < last:
            chunk = [next(people) for _ in range(min(CHUNK, last - done))]
            P, F, E, R, H, M, A = ([] for _ in range(7))
            for person in chunk:
                joined = first_wave(person)
                if joined > wave:
                    continue
                at = (start + step * (person.num - 1)).isoformat(timespec="seconds")
                hall = HALL_CODE[person.region]
                window = f"{1 + person.num % 5:02d}"
                operator = f"clerk{1 + person.num % 5:02d}"

                def meta(at=at, hall=hall, window=window, operator=operator) -> dict:
                    return {"id": new_id(at), "created_at": at, "hall_code": hall, "window_code": window,
                            "operator_id": operator}

                if joined == wave:
                    pm = meta()
                    person_ids[person.num] = pm["id"]
                    values = {"id_number": person.id_number, "name": person.name, "sex": person.sex,
                              "birth_date": person.birth_date.isoformat(), "phone": person.phone,
                              "hukou_region": person.region, "residence_region": person.region,
                              "address": person.address, "hukou_nature": None,
                              "school": person.school, "school_kind": person.school_kind}
                    P.append((*pm.values(), person.num, at, person.id_number, person.id_number[::-1],
                              person.name, person.sex, values["birth_date"], person.phone, person.region,
                              person.region, person.address, None, person.school, person.school_kind,
                              person.category))
                    F.append((person.num, search.name_tokens(person.name)))
                    A.append(audit_row(meta(), "register", "person", "persons", pm["id"], pm["id"], None,
                                       values))
                    if person.household not in household_ids:  # its first member to come
                        hm = meta()
                        household_ids[person.household] = hm["id"]
                        H.append((*hm.values(), person.address))
                    mm = meta()
                    M.append((*mm.values(), household_ids[person.household], pm["id"], person.relationship))
                    if person.relationship != "户主":
                        A.append(audit_row(meta(), "add_member", "household", "household_members",
                                           mm["id"], pm["id"], None,
                                           {"household_id": household_ids[person.household],
                                            "relationship": person.relationship}))
                if person.num % 20 == 0:  # about 5 % never enroll
                    continue
                kind = "enroll" if joined == wave else "renewal"
                template = templates[(person.region, person.category, year, kind)]
                person_id = person_ids[person.num]
                em = meta()
                key = (hall, window, start.year)
                receipt_seq[key] = receipt_seq.get(key, 0) + 1
                serial = f"{hall}-{window}-{start.year}-{receipt_seq[key]:06d}"
                row = {**template, **em, "person_id": person_id, "receipt_serial": serial,
                       "paid_on": at[:10]}
                R.append((serial, at, operator, kind, em["id"], person_id, row["personal_fen"]))
                E.append(tuple(row[c] for c in e_cols))
                # as the services write it: the enrollment row is append-only, so its audit entry
                # chains the hash of the stored row (every column), not a copy
                stored = {c: row[c] for c in e_cols}
                A.append(audit_row(meta(), kind, kind, "enrollments", em["id"], person_id,
                                   row["personal_fen"], None, audit.row_sha256(stored)))
                enrolled += 1
            conn.execute("BEGIN")
            conn.executemany(insert_sql("persons", p_cols), P)
            conn.executemany("INSERT INTO person_name_fts (rowid, tokens) VALUES (?, ?)", F)
            conn.executemany(insert_sql("households", h_cols), H)
            conn.executemany(insert_sql("household_members", m_cols), M)
            conn.executemany(insert_sql("receipts", r_cols), R)
            conn.executemany(insert_sql("enrollments", e_cols), E)
            conn.executemany(insert_sql("audit", a_cols), A)
            conn.execute("COMMIT")
            done += len(chunk)
            log(f"  {year}: {done:>9,} of {last:,} persons  ({time.perf_counter() - began:6.1f} s)")
    conn.execute("PRAGMA optimize")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA journal_mode=WAL")  # as the application runs it
    conn.close()
    partial.replace(path)
    log(f"  built {path.name}: {n:,} persons, {enrolled:,} enrollments in "
        f"{time.perf_counter() - began:.0f} s, {path.stat().st_size / 1e6:.0f} MB")
    return path


def _china():
    from desktop.services.context import CHINA

    return CHINA


BENCH_CLERK = ("bench01", "基准测试经办人")
BENCH_ADMIN = ("bench_admin", "基准测试管理员")
BENCH_PASSWORD = "Jizhun2026ceshi"


def configure(path: Path, log=print) -> None:
    """首次设置 of the benchmark hall through the application's own services (the hall and an
    administrator, then a clerk account), once; a no-op while those services do not exist or
    the hall is configured already."""
    try:
        from desktop.services import accounts
        from desktop.services import hall as hall_service
    except ImportError:
        return
    from desktop.records.db import open_db

    db = open_db(path)
    try:
        if hall_service.hall(db) is not None:
            return
        log("configuring the benchmark hall (首次设置) and its clerk account ...")
        admin = hall_service.configure_hall(db, "武进区", "武进区医保经办大厅（基准测试）", HALL_CODE["武进区"],
                                            "03", BENCH_ADMIN[0], BENCH_PASSWORD, BENCH_ADMIN[1])
        accounts.create_account(hall_service.context_for(db, admin), BENCH_CLERK[0], BENCH_PASSWORD,
                                BENCH_CLERK[1], ["clerk"])
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.conn.close()


def ensure(n: int, log=print) -> Path:
    """The cached hall of `n` persons, built on first use. A cache of an older schema version
    is upgraded in place by the records layer's migrations (what a hall's file goes through),
    instead of being rebuilt."""
    from desktop.records import migrations
    from desktop.records.db import connect

    path = cache_path(n)
    older = sorted(CACHE.glob(f"hall-{n}-schema*-gen{GENERATOR_VERSION}.sqlite3"),
                   key=lambda p: int(p.name.split("-schema")[1].split("-")[0]))
    if not path.exists() and older:
        old = older[-1]
        log(f"upgrading {old.name} to schema {migrations.LATEST} ...")
        db = connect(old)
        migrations.migrate(db)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.conn.close()
        for suffix in ("-wal", "-shm"):
            Path(str(old) + suffix).unlink(missing_ok=True)
        old.replace(path)
    if not path.exists():
        log(f"building the synthetic hall of {n:,} persons (cached in {path.parent}) ...")
        build(n, path, log)
    configure(path, log)
    return path


def person_years(db_path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        persons = conn.execute("SELECT count(*) FROM persons").fetchone()[0]
        years = conn.execute("SELECT count(*) FROM enrollments").fetchone()[0]
    finally:
        conn.close()
    return persons, years
