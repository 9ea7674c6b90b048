"""The case register: accepted F3 reports become cases (``register_form_handler("F3", …)``).

A report about a pupil already in the register joins that case's history; a closed or purged case
reported again is opened again. Only the pseudonymous id, dates, codes and counts are kept on the
statistics side and returned as the submission's generic data; names and narratives go to
``case_identity`` / ``case_report_text``.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from ..core.secret import ensure_secret
from ..core.vocab import CASE_IN_REVIEW, NEW_CASE, OPEN_CASE_STATUSES
from ..core.vocab import CLOSED_CASE_STATUSES as CLOSED_STATUSES
from .identity import IdentityKeys, case_id_for, identity_keys

if TYPE_CHECKING:
    from ..core.workspace import Workspace
    from ..forms.submission import Submission


def _find_case(conn: sqlite3.Connection, keys: IdentityKeys) -> str | None:
    """The existing case of this identity, if any.

    The birth-date key decides when both sides have one; a report without a birth date joins the
    case of the same name at the same school; a report with a birth date joins such a case only if
    that case has no birth date of its own (otherwise they are two namesakes).
    """
    if keys.birth:
        row = conn.execute("SELECT case_id FROM case_keys WHERE key = ?", (keys.birth,)).fetchone()
        if row:
            return str(row[0])
    row = conn.execute("SELECT case_id FROM case_keys WHERE key = ?", (keys.school,)).fetchone()
    if row is None:
        return None
    if keys.birth:
        has_birth = conn.execute("SELECT 1 FROM case_keys WHERE case_id = ? AND kind = 'birth'",
                                 (row[0],)).fetchone()
        if has_birth:
            return None
    return str(row[0])


def _new_case_id(conn: sqlite3.Connection, keys: IdentityKeys) -> str:
    case_id = case_id_for(keys.primary)
    # A 50-bit collision between two different pupils is practically impossible; stay correct anyway.
    n = 0
    while conn.execute("SELECT 1 FROM case_keys WHERE case_id = ?", (case_id,)).fetchone():
        n += 1
        case_id = case_id_for(keys.primary[n:] + keys.primary[:n])
    return case_id


def record_report(conn: sqlite3.Connection, submission_id: int, sub: Submission, ws: Workspace) -> dict[str, Any]:
    """The F3 form handler: file the report under its case; return the non-identifying data."""
    data = sub.data
    institution = sub.institution or ""
    birth = data.get("pupil_birth_date") or None
    keys = identity_keys(ensure_secret(ws), str(data["pupil_name"]), birth, institution)
    report_date = str(data.get("date") or date.today().isoformat())
    case_id = _find_case(conn, keys)
    if case_id is None:
        case_id = _new_case_id(conn, keys)
        known = conn.execute("SELECT 1 FROM cases WHERE case_id = ?", (case_id,)).fetchone()
        if known is None:
            conn.execute("INSERT INTO cases (case_id, institution, status, opened_on, status_on)"
                          " VALUES (?, ?, ?, ?, ?)", (case_id, institution, NEW_CASE, report_date, report_date))
    status = conn.execute("SELECT status, purged_at FROM cases WHERE case_id = ?", (case_id,)).fetchone()
    if status[0] in CLOSED_STATUSES or status[1] is not None:
        conn.execute("UPDATE cases SET status = ?, status_on = ?, closed_on = NULL, purged_at = NULL"
                     " WHERE case_id = ?", (NEW_CASE, report_date, case_id))
    for kind, key in keys.all():
        conn.execute("INSERT OR IGNORE INTO case_keys (key, case_id, kind) VALUES (?, ?, ?)", (key, case_id, kind))
    conn.execute(
        "INSERT INTO case_identity (case_id, pupil_name, pupil_class, pupil_birth_date) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (case_id) DO UPDATE SET pupil_name = excluded.pupil_name,"
        " pupil_class = excluded.pupil_class,"
        " pupil_birth_date = coalesce(excluded.pupil_birth_date, case_identity.pupil_birth_date)",
        (case_id, data["pupil_name"], data.get("pupil_class") or "", birth))
    risk = list(data.get("risk_groups") or [])
    lessons = int(data.get("unexcused_lessons") or 0)
    basis, informed = data.get("legal_basis") or None, bool(data.get("parents_informed"))
    informed_on = data.get("parents_informed_on") or None
    report_id = conn.execute(
        "INSERT INTO case_reports (case_id, submission_id, institution, period, report_date, recipient,"
        " risk_groups, unexcused_lessons, has_iap, legal_basis, parents_informed, parents_informed_on)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (case_id, submission_id, institution, sub.period or 0, report_date, str(data.get("recipient") or ""),
         json.dumps(risk), lessons, int(bool(data.get("has_iap"))), basis, int(informed), informed_on)).lastrowid
    conn.execute(
        "INSERT INTO case_report_text (report_id, pupil_name, pupil_class, pupil_birth_date, head_name,"
        " head_phone, head_email, situation, actions, why_unsolved, legal_basis_other)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (report_id, data["pupil_name"], data.get("pupil_class") or "", birth, data.get("head_name") or "",
         data.get("head_phone") or "", data.get("head_email") or "", data.get("situation") or "",
         data.get("actions") or "", data.get("why_unsolved") or "", data.get("legal_basis_other") or ""))
    return {"case_id": case_id, "report_date": report_date, "recipient": data.get("recipient"),
            "risk_groups": risk, "unexcused_lessons": lessons, "has_iap": bool(data.get("has_iap")),
            "legal_basis": basis, "parents_informed": informed, "parents_informed_on": informed_on}


@dataclass(frozen=True)
class CaseReport:
    """One report of a case as the protocols show it (identifying: only for protocols)."""

    report_id: int
    institution: str
    report_date: str
    pupil_name: str
    pupil_class: str
    situation: str
    actions: str
    why_unsolved: str
    legal_basis: str | None = None
    legal_basis_other: str = ""
    parents_informed: bool | None = None
    parents_informed_on: str | None = None


@dataclass(frozen=True)
class Case:
    """A case with its current status; ``pupil_name`` is empty once purged."""

    case_id: str
    institution: str
    status: str
    status_on: str
    closed_on: str | None
    purged: bool
    pupil_name: str
    pupil_class: str


def get_case(conn: sqlite3.Connection, case_id: str) -> Case | None:
    """One case (with identity when it still exists)."""
    row = conn.execute(
        "SELECT c.case_id, c.institution, c.status, c.status_on, c.closed_on, c.purged_at, i.pupil_name,"
        " i.pupil_class FROM cases c LEFT JOIN case_identity i ON i.case_id = c.case_id WHERE c.case_id = ?",
        (case_id,)).fetchone()
    if row is None:
        return None
    return Case(row[0], row[1], row[2], row[3], row[4], row[5] is not None, row[6] or "", row[7] or "")


#: Reports a meeting on day ? can consider: dated no later than that day (a report dated after the
#: receipt day is refused at intake, so this also keeps reports received after a planned meeting out).
_BEFORE = " AND r.report_date <= ?"


def case_reports(conn: sqlite3.Connection, case_id: str, only_unconsidered: bool = False,
                 before: date | None = None) -> list[CaseReport]:
    """The reports of a case with their narratives, oldest first (purged reports are left out);
    ``before``: only those dated on or before that day."""
    sql = ("SELECT r.id, r.institution, r.report_date, t.pupil_name, t.pupil_class, t.situation, t.actions,"
           " t.why_unsolved, r.legal_basis, t.legal_basis_other, r.parents_informed, r.parents_informed_on"
           " FROM case_reports r JOIN case_report_text t ON t.report_id = r.id WHERE r.case_id = ?"
           + (" AND r.meeting_id IS NULL" if only_unconsidered else "") + (_BEFORE if before else "")
           + " ORDER BY r.report_date, r.id")
    args = (case_id,) + ((before.isoformat(),) if before else ())
    out = []
    for row in conn.execute(sql, args):
        informed = None if row[10] is None else bool(row[10])
        out.append(CaseReport(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9],
                              informed, row[11]))
    return out


def agenda_cases(conn: sqlite3.Connection, day: date) -> list[tuple[Case, list[CaseReport]]]:
    """Open cases for the meeting on ``day``: reported (dated by that day) since they were last considered,
    or still under consideration (izskatīšanā); each with those reports, oldest case first."""
    rows = conn.execute(
        "SELECT c.case_id FROM cases c JOIN case_identity i ON i.case_id = c.case_id"
        " WHERE c.status IN (?, ?) AND c.purged_at IS NULL"
        " AND (c.status = ? OR EXISTS (SELECT 1 FROM case_reports r WHERE r.case_id = c.case_id"
        " AND r.meeting_id IS NULL" + _BEFORE + ")) ORDER BY c.opened_on, c.case_id",
        (*OPEN_CASE_STATUSES, CASE_IN_REVIEW, day.isoformat())).fetchall()
    out = []
    for (case_id,) in rows:
        case = get_case(conn, case_id)
        assert case is not None
        out.append((case, case_reports(conn, case_id, only_unconsidered=True, before=day)))
    return out
