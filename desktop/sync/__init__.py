"""A window's side of the county hub, without Qt: the window's sync worker, status bar, 冲突
page and pre-business check call these; so do `yibao-desk sync` and `bundle`.

    sync_once(db, url=None) -> SyncResult     push then pull once (url None: the remembered hub)
    pending_count(db) -> int                  own businesses not yet on the hub
    last_sync(db) -> SyncStatus               configured, node, last success/attempt/error, pending
    hub_has_enrollment(url, id_number, year)  an enrollment in force on the hub, or None
    open_conflicts(db) -> list[dict]          conflicts as last pulled, not yet resolved
    hub_url(db) / remember_hub(db, url)       the remembered hub (secret kept outside the file)
"""

from desktop.sync.engine import (
    SyncResult,
    hub_has_enrollment,
    hub_url,
    last_sync,
    open_conflicts,
    pending_count,
    remember_hub,
    sync_once,
)
from desktop.sync.state import SyncStatus

__all__ = [
    "SyncResult",
    "SyncStatus",
    "hub_has_enrollment",
    "hub_url",
    "last_sync",
    "open_conflicts",
    "pending_count",
    "remember_hub",
    "sync_once",
]
