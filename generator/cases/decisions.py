"""Decisions of the cooperation group about cases, and how the next meetings follow them through.

An accepted F5 records its decisions (sheet "Lēmumi": case, kind, what to do, owner, deadline, referral
date) and what it found about earlier ones (sheet "Lēmumu izpilde": done / not done / changed, outcome,
new deadline). A decision is open until a meeting records it done; a changed one keeps going with its
new deadline (``due``); "lieta slēgta" is done when made. Kinds, dates and states are statistics; what
was typed (task, owner, outcome) lives in ``decision_text`` / ``decision_review_text``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..core.vocab import REFERRAL_TO
from ..forms.f5 import DECISION_REF, decision_ref


@dataclass(frozen=True)
class Decision:
    """One decision as the protocols show it (``task``/``responsible`` empty once its case is purged)."""

    id: int
    ref: str
    case_id: str
    kind: str
    made_on: str
    deadline: str | None
    due: str | None
    referred_on: str | None
    state: str
    done_on: str | None
    task: str
    responsible: str

    def overdue(self, on: date) -> bool:
        """Open with its (current) deadline before ``on``."""
        return self.state == "open" and bool(self.due) and str(self.due) < on.isoformat()


@dataclass(frozen=True)
class Review:
    """What one meeting recorded about one decision."""

    decision: Decision
    result: str | None
    outcome: str
    new_deadline: str | None


_SELECT = ("SELECT d.id, m.number, m.year, d.seq, d.case_id, d.kind, d.made_on, d.deadline, d.due, d.referred_on,"
           " d.state, d.done_on, coalesce(t.task, ''), coalesce(t.responsible, '')"
           " FROM decisions d JOIN meetings m ON m.id = d.meeting_id"
           " LEFT JOIN decision_text t ON t.decision_id = d.id")


def _decision(row: tuple[Any, ...]) -> Decision:
    return Decision(row[0], decision_ref(row[1], row[2], row[3]), *row[4:])


def decisions_made(conn: sqlite3.Connection, meeting_id: int) -> list[Decision]:
    """The decisions a meeting made, in the order of its record."""
    return [_decision(r) for r in conn.execute(_SELECT + " WHERE d.meeting_id = ? ORDER BY d.seq", (meeting_id,))]


def open_decisions(conn: sqlite3.Connection, day: date) -> list[Decision]:
    """Open decisions of meetings held before ``day`` about cases whose data is kept, oldest first."""
    return [_decision(r) for r in conn.execute(
        _SELECT + " JOIN cases c ON c.case_id = d.case_id WHERE d.state = 'open' AND m.state = 'held'"
        " AND m.meeting_date < ? AND c.purged_at IS NULL ORDER BY m.meeting_date, m.number, d.seq",
        (day.isoformat(),))]


def reviews_at(conn: sqlite3.Connection, meeting_id: int) -> list[Review]:
    """What a meeting recorded about earlier decisions."""
    reviews = {d: (res, outcome, new) for d, res, outcome, new in conn.execute(
        "SELECT r.decision_id, r.result, coalesce(t.outcome, ''), r.new_deadline FROM decision_reviews r"
        " LEFT JOIN decision_review_text t ON t.decision_id = r.decision_id AND t.meeting_id = r.meeting_id"
        " WHERE r.meeting_id = ?", (meeting_id,))}
    reviewed = conn.execute(_SELECT + " WHERE d.id IN (SELECT decision_id FROM decision_reviews WHERE meeting_id = ?)"
                            " ORDER BY m.meeting_date, m.number, d.seq", (meeting_id,))
    return [Review(_decision(r), *reviews[r[0]]) for r in reviewed]


def _find(conn: sqlite3.Connection, ref: str) -> int | None:
    m = DECISION_REF.match(ref)
    if m is None:
        return None
    row = conn.execute("SELECT d.id FROM decisions d JOIN meetings m ON m.id = d.meeting_id"
                       " WHERE m.number = ? AND m.year = ? AND d.seq = ?",
                       (int(m.group(1)), int(m.group(2)), int(m.group(3)))).fetchone()
    return int(row[0]) if row else None


def _refresh(conn: sqlite3.Connection, decision_id: int) -> None:
    """State, done date and current deadline of a decision from its kind and reviews."""
    kind, made_on, deadline = conn.execute("SELECT kind, made_on, deadline FROM decisions WHERE id = ?",
                                           (decision_id,)).fetchone()
    done = made_on if kind == "closed" else conn.execute(
        "SELECT min(reviewed_on) FROM decision_reviews WHERE decision_id = ? AND result = 'done'",
        (decision_id,)).fetchone()[0]
    moved = conn.execute("SELECT new_deadline FROM decision_reviews WHERE decision_id = ? AND new_deadline IS NOT"
                         " NULL ORDER BY reviewed_on DESC LIMIT 1", (decision_id,)).fetchone()
    conn.execute("UPDATE decisions SET state = ?, done_on = ?, due = ? WHERE id = ?",
                 ("done" if done else "open", done, moved[0] if moved else deadline, decision_id))


def record_decisions(conn: sqlite3.Connection, meeting_id: int, day: date, rows: list[dict[str, Any]],
                     case_by_nr: dict[int, str]) -> int:
    """Store the F5's decisions (a corrected F5 of the same meeting replaces them); returns how many."""
    kept = 0
    for row in rows:
        case_id = case_by_nr.get(int(row.get("item") or 0))
        if case_id is None or not row.get("kind"):
            continue
        kept += 1
        kind = str(row["kind"])
        referred = (row.get("referred_on") or day.isoformat()) if kind in REFERRAL_TO else None
        values = (row.get("item"), case_id, kind, day.isoformat(), row.get("deadline") or None, referred)
        old = conn.execute("SELECT id FROM decisions WHERE meeting_id = ? AND seq = ?", (meeting_id, kept)).fetchone()
        if old:
            did = int(old[0])
            conn.execute("UPDATE decisions SET item_seq = ?, case_id = ?, kind = ?, made_on = ?, deadline = ?,"
                         " referred_on = ? WHERE id = ?", (*values, did))
        else:
            did = int(conn.execute(
                "INSERT INTO decisions (meeting_id, seq, item_seq, case_id, kind, made_on, deadline, referred_on,"
                " state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open')", (meeting_id, kept, *values)).lastrowid or 0)
        responsible = row.get("responsible") or REFERRAL_TO.get(kind, "")
        conn.execute("INSERT INTO decision_text (decision_id, task, responsible) VALUES (?, ?, ?) ON CONFLICT"
                     " (decision_id) DO UPDATE SET task = excluded.task, responsible = excluded.responsible",
                     (did, row.get("task") or "", responsible))
        _refresh(conn, did)
    # Decisions the corrected record no longer has go, unless a later meeting already reviewed them.
    for (did,) in conn.execute("SELECT id FROM decisions WHERE meeting_id = ? AND seq > ? AND NOT EXISTS"
                               " (SELECT 1 FROM decision_reviews r WHERE r.decision_id = decisions.id)",
                               (meeting_id, kept)).fetchall():
        conn.execute("DELETE FROM decision_text WHERE decision_id = ?", (did,))
        conn.execute("DELETE FROM decisions WHERE id = ?", (did,))
    return kept


def record_reviews(conn: sqlite3.Connection, meeting_id: int, day: date, rows: list[dict[str, Any]]) -> int:
    """Store what the meeting found about earlier decisions; returns how many rows named a known decision."""
    touched = {r[0] for r in conn.execute("SELECT decision_id FROM decision_reviews WHERE meeting_id = ?",
                                          (meeting_id,))}
    conn.execute("DELETE FROM decision_review_text WHERE meeting_id = ?", (meeting_id,))
    conn.execute("DELETE FROM decision_reviews WHERE meeting_id = ?", (meeting_id,))
    n = 0
    for row in rows:
        did = _find(conn, str(row.get("ref") or ""))
        if did is None:
            continue
        n += 1
        touched.add(did)
        conn.execute("INSERT OR REPLACE INTO decision_reviews (decision_id, meeting_id, reviewed_on, result,"
                     " new_deadline) VALUES (?, ?, ?, ?, ?)",
                     (did, meeting_id, day.isoformat(), row.get("result") or None, row.get("new_deadline") or None))
        if row.get("outcome"):
            conn.execute("INSERT OR REPLACE INTO decision_review_text (decision_id, meeting_id, outcome)"
                         " VALUES (?, ?, ?)", (did, meeting_id, row["outcome"]))
    for did in touched:
        _refresh(conn, did)
    return n

