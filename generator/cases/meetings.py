"""Meetings of the cooperation group: planned by ``pmp protocol new``, held once their F5 is accepted.

The F5 handler (``register_form_handler("F5", …)``) records who was present, every agenda item with
its decision, each case's new status, marks the reports it considered, and writes the final protocol.
What it returns as the submission's generic data carries no names: dates, case ids and statuses.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ..core.vocab import CASE_STATUSES as STATUSES
from ..core.vocab import CLOSED_CASE_STATUSES as CLOSED_STATUSES
from .decisions import record_decisions, record_reviews

if TYPE_CHECKING:
    from ..core.period import Period
    from ..core.workspace import Workspace
    from ..forms.submission import Submission


@dataclass
class Item:
    """One agenda item. ``kind``: case | plan_review | follow_up | budget | other; texts only while not
    purged."""

    seq: int
    kind: str
    title: str
    case_id: str | None = None
    report_ids: list[int] = field(default_factory=list)
    status: str | None = None
    reporter: str = ""
    discussed: str = ""
    decision: str = ""


@dataclass
class Member:
    """A group member at one meeting (adults; their names are not children's data)."""

    institution: str
    role: str
    name: str = ""
    present: bool | None = None


@dataclass
class Meeting:
    """A meeting as stored: planned (draft protocol) or held (final protocol)."""

    id: int
    year: int
    number: int
    meeting_date: date
    period: int
    place: str
    time_text: str
    chair: str
    secretary: str
    guests: str
    state: str
    members: list[Member] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)


def next_number(conn: sqlite3.Connection, year: int) -> int:
    """The next protocol number of a calendar year."""
    top = conn.execute("SELECT max(number) FROM meetings WHERE year = ?", (year,)).fetchone()[0]
    return int(top or 0) + 1


def planned_on(conn: sqlite3.Connection, day: date) -> int | None:
    """The id of a planned (not yet held) meeting on ``day``, if ``pmp protocol new`` already made one."""
    row = conn.execute("SELECT id FROM meetings WHERE meeting_date = ? AND state = 'planned' ORDER BY number",
                       (day.isoformat(),)).fetchone()
    return int(row[0]) if row else None


def earlier_in_year(conn: sqlite3.Connection, day: date, exclude: int | None = None) -> bool:
    """Whether another meeting of the same calendar year is held or planned before ``day``."""
    row = conn.execute("SELECT 1 FROM meetings WHERE year = ? AND meeting_date < ? AND id IS NOT ?",
                       (day.year, day.isoformat(), exclude)).fetchone()
    return row is not None


def save_planned(conn: sqlite3.Connection, meeting: Meeting) -> int:
    """Insert or replace a planned meeting with its members and items; returns its id."""
    now = datetime.now().astimezone().isoformat(timespec="seconds")
    if meeting.id:
        conn.execute("UPDATE meetings SET place = ?, time_text = ?, chair = ?, secretary = ? WHERE id = ?",
                     (meeting.place, meeting.time_text, meeting.chair, meeting.secretary, meeting.id))
        mid = meeting.id
    else:
        mid = int(conn.execute(
            "INSERT INTO meetings (year, number, meeting_date, period, place, time_text, chair, secretary, state,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'planned', ?)",
            (meeting.year, meeting.number, meeting.meeting_date.isoformat(), meeting.period, meeting.place,
             meeting.time_text, meeting.chair, meeting.secretary, now)).lastrowid or 0)
    _replace_members(conn, mid, meeting.members)
    _replace_items(conn, mid, meeting.items)
    meeting.id = mid
    return mid


def _replace_members(conn: sqlite3.Connection, mid: int, members: list[Member]) -> None:
    conn.execute("DELETE FROM meeting_members WHERE meeting_id = ?", (mid,))
    conn.executemany(
        "INSERT INTO meeting_members (meeting_id, seq, institution, role, name, present) VALUES (?, ?, ?, ?, ?, ?)",
        [(mid, n, m.institution, m.role, m.name, None if m.present is None else int(m.present))
         for n, m in enumerate(members, start=1)])


def _replace_items(conn: sqlite3.Connection, mid: int, items: list[Item]) -> None:
    conn.execute("DELETE FROM meeting_item_text WHERE meeting_id = ?", (mid,))
    conn.execute("DELETE FROM meeting_items WHERE meeting_id = ?", (mid,))
    for it in items:
        conn.execute("INSERT INTO meeting_items (meeting_id, seq, kind, case_id, title, report_ids, status)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (mid, it.seq, it.kind, it.case_id, it.title, json.dumps(it.report_ids), it.status))
        if it.reporter or it.discussed or it.decision:
            conn.execute("INSERT INTO meeting_item_text (meeting_id, seq, reporter, discussed, decision)"
                         " VALUES (?, ?, ?, ?, ?)", (mid, it.seq, it.reporter, it.discussed, it.decision))


def load_meeting(conn: sqlite3.Connection, mid: int) -> Meeting:
    """One meeting with its members and items (texts that were purged come back empty)."""
    r = conn.execute("SELECT id, year, number, meeting_date, period, place, time_text, chair, secretary, guests,"
                     " state FROM meetings WHERE id = ?", (mid,)).fetchone()
    meeting = Meeting(r[0], r[1], r[2], date.fromisoformat(r[3]), *r[4:])
    meeting.members = [Member(i, role, name, None if p is None else bool(p)) for i, role, name, p in conn.execute(
        "SELECT institution, role, name, present FROM meeting_members WHERE meeting_id = ? ORDER BY seq", (mid,))]
    for row in conn.execute(
            "SELECT i.seq, i.kind, i.title, i.case_id, i.report_ids, i.status, t.reporter, t.discussed, t.decision"
            " FROM meeting_items i LEFT JOIN meeting_item_text t ON t.meeting_id = i.meeting_id AND t.seq = i.seq"
            " WHERE i.meeting_id = ? ORDER BY i.seq", (mid,)):
        meeting.items.append(Item(row[0], row[1], row[2], row[3], json.loads(row[4]), row[5], row[6] or "",
                                  row[7] or "", row[8] or ""))
    return meeting


def find_meeting(conn: sqlite3.Connection, year: int, number: int) -> int | None:
    """The id of protocol ``number`` of ``year``."""
    row = conn.execute("SELECT id FROM meetings WHERE year = ? AND number = ?", (year, number)).fetchone()
    return int(row[0]) if row else None


def _apply_status(conn: sqlite3.Connection, case_id: str, status: str, day: date) -> None:
    row = conn.execute("SELECT status_on FROM cases WHERE case_id = ?", (case_id,)).fetchone()
    if row is None or day.isoformat() < row[0]:
        return  # a later report or meeting already decided the current status
    conn.execute("UPDATE cases SET status = ?, status_on = ?, closed_on = ? WHERE case_id = ?",
                 (status, day.isoformat(), day.isoformat() if status in CLOSED_STATUSES else None, case_id))


def record_meeting(conn: sqlite3.Connection, submission_id: int, sub: Submission, ws: Workspace) -> dict[str, Any]:
    """The F5 form handler: the meeting is held; statuses and decisions recorded (the intake then writes
    the final protocol, see :mod:`generator.intake.handlers`)."""
    d = sub.data
    day = date.fromisoformat(str(d["date"]))
    number = int(d["number"])
    mid = find_meeting(conn, day.year, number)
    planned: dict[str, list[int]] = {}
    if mid is not None:
        planned = {it.case_id: it.report_ids for it in load_meeting(conn, mid).items if it.case_id}
        conn.execute("UPDATE meetings SET meeting_date = ?, period = ?, place = ?, time_text = ?, chair = ?,"
                     " secretary = ?, guests = ?, state = 'held', submission_id = ? WHERE id = ?",
                     (day.isoformat(), sub.period, d.get("place") or "", d.get("time") or "", d.get("chair") or "",
                      d.get("secretary") or "", d.get("guests") or "", submission_id, mid))
    else:
        mid = int(conn.execute(
            "INSERT INTO meetings (year, number, meeting_date, period, place, time_text, chair, secretary, guests,"
            " state, submission_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'held', ?, ?)",
            (day.year, number, day.isoformat(), sub.period, d.get("place") or "", d.get("time") or "",
             d.get("chair") or "", d.get("secretary") or "", d.get("guests") or "", submission_id,
             datetime.now().astimezone().isoformat(timespec="seconds"))).lastrowid or 0)
    conn.execute("INSERT OR IGNORE INTO meeting_submissions (meeting_id, submission_id) VALUES (?, ?)",
                 (mid, submission_id))
    _replace_members(conn, mid, [Member(m.get("institution") or "", m.get("role") or "", m.get("name") or "",
                                        m.get("present")) for m in d.get("members", [])])
    items: list[Item] = []
    for raw in d.get("items", []):
        seq = len(items) + 1
        kind, case_id = raw["kind"], raw.get("case_id")
        if kind == "case" and (not case_id or conn.execute("SELECT 1 FROM cases WHERE case_id = ?",
                                                           (case_id,)).fetchone() is None):
            kind, case_id = "other", None
        status = raw.get("status") if kind == "case" and raw.get("status") in STATUSES else None
        title = f"Lieta {case_id}" if kind == "case" else str(raw.get("subject") or "")
        items.append(Item(seq, kind, title, case_id, planned.get(case_id or "", []), status,
                          raw.get("reporter") or "", raw.get("discussed") or "", raw.get("decision") or ""))
    case_by_nr = {int(str(raw.get("nr"))): raw["case_id"] for raw in d.get("items", [])
                  if raw.get("kind") == "case" and str(raw.get("nr") or "").isdigit() and raw.get("case_id")
                  and any(it.case_id == raw["case_id"] for it in items)}
    for raw in d.get("other", []):
        items.append(Item(len(items) + 1, "other", raw.get("title") or "Cits jautājums", None, [], None,
                          raw.get("reporter") or "", raw.get("discussed") or "", raw.get("decision") or ""))
    _replace_items(conn, mid, items)
    for it in items:
        if it.kind != "case" or it.case_id is None:
            continue
        if it.report_ids:
            marks = ",".join("?" * len(it.report_ids))
            conn.execute(f"UPDATE case_reports SET meeting_id = ? WHERE meeting_id IS NULL AND id IN ({marks})",
                         (mid, *it.report_ids))
        if it.status:
            _apply_status(conn, it.case_id, it.status, day)
    made = record_decisions(conn, mid, day, d.get("decisions", []), case_by_nr)
    reviewed = record_reviews(conn, mid, day, d.get("follow_up", []))
    return {"meeting_date": day.isoformat(), "year": day.year, "number": number,
            "present": sum(1 for m in d.get("members", []) if m.get("present")),
            "items": [{"kind": it.kind, "case_id": it.case_id, "status": it.status} for it in items],
            "decisions": made, "reviewed": reviewed}


def meeting_of_submission(conn: sqlite3.Connection, submission_id: int) -> int | None:
    """The meeting an accepted F5 submission recorded, if any."""
    row = conn.execute("SELECT id FROM meetings WHERE submission_id = ?", (submission_id,)).fetchone()
    return None if row is None else int(row[0])


def meeting_records(conn: sqlite3.Connection, period: Period) -> list[dict[str, Any]]:
    """Held meetings dated inside ``period`` as count-only records (see :mod:`generator.documents.coop_summary`)."""
    out: list[dict[str, Any]] = []
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meetings'").fetchone() is None:
        return out  # a store opened before the case register was loaded has no meetings yet
    rows = conn.execute("SELECT id, meeting_date, number FROM meetings WHERE state = 'held'"
                        " AND meeting_date BETWEEN ? AND ? ORDER BY meeting_date, number",
                        (period.start.isoformat(), period.end.isoformat())).fetchall()
    for mid, day, number in rows:
        items = [{"kind": k, "case_id": c, "status": s} for k, c, s in conn.execute(
            "SELECT kind, case_id, status FROM meeting_items WHERE meeting_id = ? ORDER BY seq", (mid,))]
        decisions = [{"kind": k, "due": due, "state": st, "done_on": done} for k, due, st, done in conn.execute(
            "SELECT kind, due, state, done_on FROM decisions WHERE meeting_id = ? ORDER BY seq", (mid,))]
        out.append({"meeting_date": day, "number": number, "items": items, "decisions": decisions})
    return out
