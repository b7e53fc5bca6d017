"""Helpers of the printing tests: ID numbers, contexts, PDF text, the real CLI."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

from pypdf import PdfReader
from stdnum.cn import ric

from desktop.services.context import CHINA, Context

ROOT = Path(__file__).resolve().parents[2]


def make_id(birth: date, seq: int = 1, *, region_code: str = "320402") -> str:
    body = f"{region_code}{birth:%Y%m%d}{(seq * 2) % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_ctx(db, *, region="天宁区", hall_code="320402", window="03", operator_id="clerk01",
             role="clerk", now=datetime(2025, 11, 15, 10, 0, tzinfo=CHINA), settings=None) -> Context:
    return Context(db=db, region=region, hall_code=hall_code, window=window, operator_id=operator_id,
                   role=role, clock=lambda: now,  # type: ignore[arg-type]
                   settings=settings if settings is not None else {"elderly_from_age": 60})


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def flat(data: bytes) -> str:
    """The PDF's text without line breaks, spaces and thousands separators, for phrase checks."""
    return "".join(pdf_text(data).split()).replace(",", "")


CLERK_PASSWORD = "Desk2026qq"


def with_accounts(db_path: Path, *, region: str = "天宁区", hall_code: str = "320402") -> None:
    """Configure the hall of a file whose businesses were done by `clerk01` and give clerk01
    an account: `render --record` runs as a logged-in clerk."""
    from desktop.records.db import open_db
    from desktop.services import accounts, hall

    db = open_db(db_path)
    try:
        admin = hall.configure_hall(db, region, "测试大厅", hall_code, "03", "admin", "Guard2026zz", "王管理")
        accounts.create_account(hall.context_for(db, admin), "clerk01", CLERK_PASSWORD, "李经办", ["clerk"])
    finally:
        db.close()


def run_cli(*args: str, db: Path | None = None, home: Path | None = None,
            stdin: str | None = None, password: str | None = None) -> subprocess.CompletedProcess:
    """The real command line, `python -m desktop.cli`, never touching the user's data."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("YIBAO_DESK_PASSWORD", None)
    if password is not None:
        env["YIBAO_DESK_PASSWORD"] = password
    if home is not None:
        env["YIBAO_DESK_HOME"] = str(home)
    argv = [sys.executable, "-m", "desktop.cli", *(["--db", str(db)] if db else []), *args]
    return subprocess.run(argv, input=stdin, capture_output=True, encoding="utf-8", cwd=ROOT,
                          env=env, timeout=120)


def cli_json(done: subprocess.CompletedProcess) -> dict:
    assert "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout)
