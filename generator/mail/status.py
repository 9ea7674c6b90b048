"""What ``pmp status`` adds from the mail journal: attachments held for the board, forms sent back.

A held attachment is not any institution's data yet; it is listed with the sender, the institution
the workbook names and why it was held, until the board releases it (``pmp mail release``). A form
sent back for correction (``pmp return``) is listed under its row until a newer version arrives.
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
class Held:
    """One attachment waiting for the board's decision."""

    ref: str  # "<message>-<seq>", what ``pmp mail release`` takes
    sender: str
    institution: str | None
    form_id: str | None
    period: int | None
    reason: str
    received_at: str

    def as_json(self) -> dict[str, Any]:
        """A ``pmp status --json`` object (state ``held``) with the sender and the reason as the error."""
        return {"institution": self.institution, "form": self.form_id, "period": self.period, "state": "held",
                "version": None, "received_at": self.received_at, "errors": [self.reason], "warnings": [],
                "source": "e-pasts", "sender": self.sender, "ref": self.ref}


@dataclass(frozen=True)
class Returned:
    """An accepted form the board sent back; open until a newer submission of that slot arrives."""

    institution: str
    form_id: str
    period: int
    reason: str
    requested_at: str


def held_items(conn: sqlite3.Connection, period: int | None = None) -> list[Held]:
    rows = conn.execute(
        "SELECT p.message, p.seq, m.sender, p.institution, p.form_id, p.period, p.hold_reason, m.received_at"
        " FROM mail_parts p JOIN mail_messages m ON m.id = p.message"
        " WHERE p.outcome IN ('held', 'failed') AND p.released_at IS NULL ORDER BY p.message, p.seq").fetchall()
    return [Held(f"{r[0]}-{r[1]}", r[2], r[3], r[4], r[5], r[6] or "", r[7]) for r in rows
            if period is None or r[5] in (None, period)]


def open_returns(conn: sqlite3.Connection, period: int) -> list[Returned]:
    rows = conn.execute(
        "SELECT r.institution, r.form_id, r.period, r.reason, r.requested_at FROM mail_returns r"
        " WHERE r.period = ? AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.institution = r.institution"
        " AND s.form_id = r.form_id AND s.period = r.period AND s.id > r.submission_id"
        " AND s.state IN ('accepted', 'superseded'))"
        " ORDER BY r.id", (period,)).fetchall()
    return [Returned(*r) for r in rows]


def mail_status(ws: Workspace, period: int) -> tuple[list[Held], list[Returned]]:
    with open_store(ws) as store:
        return held_items(store.conn, period), open_returns(store.conn, period)


def status_json(rows: list[StatusRow], held: list[Held], returned: list[Returned]) -> list[dict[str, Any]]:
    """``pmp status --json``: the intake's rows (with ``correction_requested``), then held attachments."""
    open_ = {(r.institution, r.form_id): r for r in returned}
    out = []
    for row in rows:
        obj = row.as_json()
        ret = open_.get((row.institution, row.form))
        if ret is not None:
            obj["correction_requested"] = {"reason": ret.reason, "requested_at": ret.requested_at}
        out.append(obj)
    return out + [h.as_json() for h in held]


def status_lines(held: list[Held], returned: list[Returned], names: dict[str, str]) -> list[str]:
    """Lines printed after the status table."""
    lines: list[str] = []
    if returned:
        lines += ["", "Nosūtīti labošanai (gaida jaunu versiju):"]
        lines += [f"  {names.get(r.institution, r.institution)} — {r.form_id}: {r.reason} "
                  f"(nosūtīts {r.requested_at[:10]})" for r in returned]
    if held:
        lines += ["", "Aizturēti e-pasta pielikumi (nav saglabāti kā iestādes dati; "
                  "pieņemt: pmp mail release NR):"]
        for h in held:
            what = " ".join(x for x in (names.get(h.institution or "", h.institution or "?"), h.form_id or "") if x)
            lines.append(f"  Nr. {h.ref}  no {h.sender}, veidlapa: {what}. Iemesls: {h.reason}")
    return lines
