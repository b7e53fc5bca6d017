"""How a pack cites its sources, and the one place a citation is turned into words for people.

A pack cites "<source id> §<section>"; its `sources` table gives each id the document's title,
文号, date and address (and the maintainers' local text file). People (screen, trace, papers)
read the document's title and 文号, never a file name; the calculator's trace keeps the file
name form in its `source` field (shared/spec/calc-api.md) and adds the shown text as `cited`.
"""

from __future__ import annotations

import re

# "<id> §<section>": ids are lower-case words joined by hyphens (cz-resident-2026)
CITATION_RE = re.compile(r"^(?P<id>[a-z0-9][a-z0-9-]*) (?P<section>§\S.*)$")
SOURCE_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_FILE_RE = re.compile(r"^(?P<file>\d{3}_[0-9a-f]{16}\.txt) ?(?P<section>§.*)?$")


class Cite(str):
    """A validated citation: the pack's text, plus `machine` (the file name form the calc API's
    trace names) and `shown` (《title》（文号）§section, or 沿用《…》 for an inherited block)."""

    machine: str
    shown: str
    document: str  # the document alone, as `shown` names it: 《title》（文号）, 沿用《…》

    @classmethod
    def make(cls, text: str, machine: str, shown: str, document: str) -> Cite:
        cite = cls(text)
        cite.machine = machine
        cite.shown = shown
        cite.document = document
        return cite


def document_text(title: str, number: str | None) -> str:
    """《title》（文号）: a title quoting another title keeps its inner marks as 〈〉."""
    inner = title.replace("《", "〈").replace("》", "〉")
    return f"《{inner}》" + (f"（{number}）" if number else "")


# Every source the loaded packs name, by id and by file: for citations written outside a pack
# (older code, audit payloads) that still name a file. Filled as packs are added to a PackSet.
_known: dict[str, str] = {}


def remember(source_id: str, file: str | None, shown_document: str) -> None:
    _known[source_id] = shown_document
    if file:
        _known[file] = shown_document


def shown(text: object) -> str:
    """The words people read for a citation: a pack's Cite as validated; a plain "<id or file>
    §<section>" looked up among the loaded packs' sources; anything else as it is."""
    if text is None:
        return ""
    if isinstance(text, Cite):
        return text.shown
    text = str(text)
    m = CITATION_RE.match(text) or _FILE_RE.match(text)
    if m is None:
        return text
    head = m.group("id") if "id" in m.groupdict() else m.group("file")
    document = _known.get(head)
    if document is None:
        return text
    return document + (m.group("section") or "")


def machine(text: object) -> str:
    """The calc API's `source`: the file name form of a Cite, other text as it is."""
    return text.machine if isinstance(text, Cite) else ("" if text is None else str(text))


def step_cited(step: object) -> str:
    """What people read for one trace step (a dict of the calc API): its `cited`, or, for a step
    stored before `cited` existed, its `source` shown by title."""
    get = getattr(step, "get", None)
    if get is None:
        return ""
    return str(get("cited") or shown(get("source")))
