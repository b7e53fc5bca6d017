"""What cannot be merged automatically: found on the hub as rows arrive, kept, listed, resolved
by a new business.

    same_id_number     one ID number registered as two persons at two nodes while apart: both
                       persons stay; every node takes the earlier registration as the person and
                       the later as its alias (persons.alias_of), so nothing is rewritten
    double_enrollment  one person (by ID number) enrolled for the same year at two nodes while
                       apart: both enrollments stay (money was taken, receipts handed over)
                       until a termination or refund of one resolves it
    same_field         one field of a person changed at two nodes, the second without having
                       pulled the first: both are applied in time order (the later wins)

Detection runs in the pushing node's (or the importing administrator's) transaction, under the
push lock, against everything the hub already holds; a pair is recorded once (UNIQUE on the kind
and the two ids in order), whichever side arrives second.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import psycopg

# Enrollments of the pushed batch against every other node's enrollment of a person registered
# under the same ID number for the same year, still in force. Driven from the batch's ids (index
# lookups whatever the planner's statistics say: a hub fed in bulk has not been analysed yet).
_DOUBLE = """
SELECT pn.id_number, e.year, e.id, e.hall_code || '-' || e.window_code, o.id, o.hall_code || '-' || o.window_code
FROM unnest(%(ids)s::text[]) AS m(id)
JOIN hub.enrollments e ON e.id = m.id
JOIN hub.person_numbers pn ON pn.person_id = e.person_id
JOIN hub.person_numbers po ON po.id_number = pn.id_number
JOIN hub.enrollments o ON o.person_id = po.person_id AND o.year = e.year AND o.id <> e.id
  AND (o.hall_code, o.window_code) <> (e.hall_code, e.window_code)
WHERE NOT EXISTS (SELECT 1 FROM hub.refund_payouts p WHERE p.enrollment_id = o.id)
  AND NOT EXISTS (
    SELECT 1 FROM hub.terminations t JOIN hub.review_requests r ON r.subject_id = t.id
    WHERE t.enrollment_id = o.id
      AND (SELECT count(*) FROM hub.reviews v WHERE v.request_id = r.id AND v.decision = 'approve') >= r.levels)
"""
_REGISTERED_UNDER = """
SELECT id_number, person_id, hall_code || '-' || window_code FROM hub.person_numbers
WHERE id_number = ANY(%(numbers)s)
"""
# A change of a field the node made without having pulled another node's change of it.
_SAME_FIELD = """
SELECT m.person_id, m.field, m.id, m.hall_code || '-' || m.window_code, o.id, o.hall_code || '-' || o.window_code
FROM unnest(%(ids)s::text[]) AS x(id)
JOIN hub.changes m ON m.id = x.id
JOIN hub.changes o ON o.person_id = m.person_id AND o.field = m.field AND o.id <> m.id
  AND (o.hall_code, o.window_code) <> (m.hall_code, m.window_code) AND o.hub_seq > %(seen)s
"""


def _record(conn: psycopg.Connection, kind: str, subject: str, year: int | None, a: tuple[str, str], b: tuple[str, str], detail: dict[str, Any]) -> int:
    (a_id, a_origin), (b_id, b_origin) = sorted([a, b])
    cur = conn.execute(
        "INSERT INTO hub.conflicts (kind, subject, year, a_id, b_id, a_origin, b_origin, detail) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (kind, a_id, b_id) DO NOTHING",
        [kind, subject, year, a_id, b_id, a_origin, b_origin, json.dumps(detail, ensure_ascii=False)],
    )
    return cur.rowcount


def detect(
    conn: psycopg.Connection,
    *,
    enrollments: Sequence[str] = (),
    registrations: Sequence[tuple[str, str]] = (),
    changes: Sequence[str] = (),
    changes_seen: int = 0,
) -> int:
    """Record the conflicts the newly ingested rows make; the number newly recorded.

    `registrations`: (ID number, person id) of newly arrived registrations;
    `changes_seen`: the pushing node's pull cursor of changes (what it had already seen)."""
    found = 0
    if enrollments:
        for num, year, a, a_origin, b, b_origin in conn.execute(_DOUBLE, {"ids": list(enrollments)}).fetchall():
            found += _record(conn, "double_enrollment", num, year, (a, a_origin), (b, b_origin), {})
    if registrations:
        numbers = sorted({num for num, _ in registrations})
        holders: dict[str, list[tuple[str, str]]] = {}
        for num, person, origin in conn.execute(_REGISTERED_UNDER, {"numbers": numbers}).fetchall():
            holders.setdefault(num, []).append((person, origin))
        for num, person in registrations:
            mine = next(h for h in holders[num] if h[0] == person)
            for other in holders[num]:
                if other[0] != person:
                    found += _record(conn, "same_id_number", num, None, mine, other, {})
    if changes:
        rows = conn.execute(_SAME_FIELD, {"ids": list(changes), "seen": changes_seen}).fetchall()
        for person, field, a, a_origin, b, b_origin in rows:
            found += _record(conn, "same_field", person, None, (a, a_origin), (b, b_origin), {"field": field})
    return found


_OPEN = """
SELECT c.id, c.kind, c.subject, c.year, c.a_id, c.a_origin, c.b_id, c.b_origin, c.detail,
       c.found_at, c.hub_seq
FROM hub.conflicts c
WHERE NOT EXISTS (SELECT 1 FROM hub.conflict_resolutions r WHERE r.conflict_id = c.id)
ORDER BY c.id
"""


def open_conflicts(conn: psycopg.Connection) -> list[dict[str, Any]]:
    """The conflicts not yet resolved, oldest first, with both sides' receipts where they have one."""
    out = []
    for cid, kind, subject, year, a_id, a_origin, b_id, b_origin, detail, found_at, _ in conn.execute(_OPEN).fetchall():
        sides = []
        for rid, origin in ((a_id, a_origin), (b_id, b_origin)):
            receipt = conn.execute(
                "SELECT serial, amount_fen, created_at FROM hub.receipts WHERE record_id = %s", [rid]
            ).fetchone()
            sides.append(
                {
                    "id": rid,
                    "node": origin,
                    "receipt": receipt[0] if receipt else None,
                    "amount_fen": receipt[1] if receipt else None,
                    "at": receipt[2] if receipt else None,
                }
            )
        out.append(
            {
                "id": cid,
                "kind": kind,
                "subject": subject,
                "year": year,
                "sides": sides,
                "detail": detail,
                "found_at": found_at.isoformat(timespec="seconds"),
            }
        )
    return out
