"""Memos of pack structures: what a lookup finds in a pack depends only on the pack and the labels.

Packs are frozen once validated, so a lookup (a category by label, a table row by group and
level, bands with a reduction applied, a band's description) can be kept beside the pack and
reused by the next request of the same region and year. Only pack structures are kept here,
never answers. Entries are keyed by the pack object's identity and hold a reference to it, so
an identity is never reused while its entries live.
"""

from __future__ import annotations

_store: dict[int, tuple[object, dict]] = {}


def of(obj: object) -> dict:
    """The memo dict of one pack (or any long-lived pack structure)."""
    entry = _store.get(id(obj))
    if entry is None or entry[0] is not obj:
        if len(_store) > 256:  # many re-read hall packs: start afresh rather than grow
            _store.clear()
        entry = (obj, {})
        _store[id(obj)] = entry
    return entry[1]
