"""The hall's database file as the window uses it: where it is, opening it (upgrading in place),
a connection of a worker thread's own, and the idle WAL checkpoints. The window reaches the
records through the services only (pyproject's layers contract); this is its way to the file."""

from __future__ import annotations

from pathlib import Path

from desktop.records import db as records_db
from desktop.records import paths

__all__ = ["checkpoint", "connect", "db_file", "default_path", "defer_checkpoints", "demo_path", "open_database",
           "spool_dir"]

db_file = paths.db_file  # the file an open connection reads (None: in memory)
demo_path = paths.demo_db_path  # the demo hall's own file
open_database = records_db.open_db  # creating or upgrading in place; default `default_path()`
connect = records_db.connect  # a worker thread's own connection to an existing file
defer_checkpoints = records_db.defer_checkpoints  # the window then calls `checkpoint` when idle
checkpoint = records_db.checkpoint


def default_path() -> Path:
    """The hall's database when no --db is given (YIBAO_DESK_HOME or the user's data folder)."""
    return paths.db_path(None)


def spool_dir() -> Path:
    """`spool/` in the data folder (0700): where the window hands a print job to the printer."""
    return paths.private_dir(paths.data_dir() / "spool")
