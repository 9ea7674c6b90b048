"""What ``pmp status`` adds from the mail journal: forms the board sent back for correction.

A form sent back (``pmp return``) is listed under its row until a newer version arrives. Attachments
held for the board (a sender the institution does not use) are the intake's held files and appear in
its own section of ``pmp status``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..intake.status import StatusRow
from ..store import open_store

if TYPE_CHECKING:
    from ..core.workspace import Workspace


@dataclass(frozen=True)
class Returned:
    """An accepted form the board sent back; open until a newer submission of that slot arrives."""

    institution: str
    form_id: str
    period: int
    reason: str
    requested_at: str


def open_returns(conn: sqlite3.Connection, period: int) -> list[Returned]:
    rows = conn.execute(
        "SELECT r.institution, r.form_id, r.period, r.reason, r.requested_at FROM mail_returns r"
        " WHERE r.period = ? AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.institution = r.institution"
        " AND s.form_id = r.form_id AND s.period = r.period AND s.id > r.submission_id"
        " AND s.state IN ('accepted', 'superseded'))"
        " ORDER BY r.id", (period,)).fetchall()
    return [Returned(*r) for r in rows]


def mail_status(ws: Workspace, period: int) -> list[Returned]:
    with open_store(ws) as store:
        return open_returns(store.conn, period)


def status_json(rows: list[StatusRow], returned: list[Returned]) -> list[dict[str, Any]]:
    """``pmp status --json``: the intake's rows, with ``correction_requested`` where one is open."""
    open_ = {(r.institution, r.form_id): r for r in returned}
    out = []
    for row in rows:
        obj = row.as_json()
        ret = open_.get((row.institution, row.form))
        if ret is not None:
            obj["correction_requested"] = {"reason": ret.reason, "requested_at": ret.requested_at}
        out.append(obj)
    return out


def status_lines(returned: list[Returned], names: dict[str, str]) -> list[str]:
    """Lines printed after the status table."""
    if not returned:
        return []
    return ["", "Nosūtīti labošanai (gaida jaunu versiju):"] + [
        f"  {names.get(r.institution, r.institution)} — {r.form_id}: {r.reason} (nosūtīts {r.requested_at[:10]})"
        for r in returned]
