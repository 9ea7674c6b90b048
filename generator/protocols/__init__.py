"""Meeting protocols of the cooperation group (Ludza annex Nr.4): draft, final and blank.

``new_protocol`` plans a meeting (next number of the year, agenda from the case register), writes its
F5 workbook to ``forms/protokoli/`` and the draft protocol to ``outbox/protokoli/``; the F5 handler
calls ``write_final`` once the filled F5 is accepted; ``write_blank`` prints the empty form. Every
file and folder here is owner-only: protocols name pupils.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..cases.decisions import open_decisions
from ..cases.meetings import (
    Meeting,
    Member,
    find_meeting,
    load_meeting,
    next_number,
    planned_on,
    save_planned,
)
from ..cases.perms import (
    form_protocols_dir,
    outbox_protocols_dir,
    private_dir,
    private_file,
    protect_workspace,
    save_private_workbook,
)
from ..core.errors import CaseError, PeriodError
from ..core.period import Period, resolve_period
from ..core.workspace import Workspace
from ..documents.render import render_docx
from ..forms.definitions import FORMS
from ..forms.f5 import MeetingContext, agenda_row, member_rows
from ..forms.fields import layout
from ..forms.writer import build_workbook
from ..store import open_store
from .agenda import describe, follow_up_rows
from .document import TEMPLATE_NAME, Mode, context_builder

NO_BOARD = ("konfigurācijā nav izglītības pārvaldes (institutions ar kind = \"education_board\"); "
            "protokola veidlapu F5 iesniedz pārvalde")


@dataclass(frozen=True)
class NewProtocol:
    """What ``pmp protocol new`` made (no names: counts and paths)."""

    year: int
    number: int
    meeting_date: date
    items: int
    cases: int
    form: Path
    draft: Path
    reused: bool
    decisions: int = 0  # open decisions of earlier meetings to report on
    overdue: int = 0


def period_of(cfg_kind: str, day: date) -> int:
    """The reporting period (year) a meeting date belongs to."""
    return day.year + 1 if cfg_kind == "school_year" and day.month >= 9 else day.year


def form_path(ws: Workspace, year: int, number: int) -> Path:
    """``forms/protokoli/F5_sanaksmes_protokols_<year>_nr<n>.xlsx``."""
    return form_protocols_dir(ws) / f"F5_sanaksmes_protokols_{year}_nr{number}.xlsx"


def draft_path(ws: Workspace, year: int, number: int) -> Path:
    """``outbox/protokoli/protokols_<year>_nr<n>_projekts.docx``."""
    return outbox_protocols_dir(ws) / f"protokols_{year}_nr{number}_projekts.docx"


def final_path(ws: Workspace, year: int, number: int) -> Path:
    """``outbox/protokoli/protokols_<year>_nr<n>.docx``."""
    return outbox_protocols_dir(ws) / f"protokols_{year}_nr{number}.docx"


def blank_path(ws: Workspace) -> Path:
    """``outbox/protokoli/protokols_tukss.docx``."""
    return outbox_protocols_dir(ws) / "protokols_tukss.docx"


def _render(ws: Workspace, conn: sqlite3.Connection | None, meeting: Meeting | None, mode: Mode,
            out: Path, today: date) -> Path:
    private_dir(out.parent)
    render_docx(ws.template(TEMPLATE_NAME), context_builder(conn, ws.config, meeting, mode, today), out)
    return private_file(out)


def _write_form(ws: Workspace, conn: sqlite3.Connection, meeting: Meeting, dest: Path) -> Path:
    cfg = ws.config
    try:
        board = cfg.board
    except KeyError as e:
        raise CaseError(NO_BOARD) from e
    rows = []
    for it in meeting.items:
        subject, report = describe(conn, cfg, it)
        rows.append(agenda_row({"nr": it.seq, "kind": it.kind, "case_id": it.case_id, "subject": subject,
                                "report": report}))
    form = FORMS["F5"]
    lay = layout(form)
    given = {"number": meeting.number, "date": meeting.meeting_date, "place": meeting.place or None}
    values: dict[str, dict[str, object]] = {lay.slot(k).sheet: {} for k in given}
    for key, value in given.items():
        if value is not None:
            values[lay.slot(key).sheet][lay.slot(key).cell] = value
    ctx = MeetingContext(cfg, Period(meeting.period, cfg.period.kind), board, agenda=rows,
                         follow_up=follow_up_rows(conn, meeting.meeting_date))
    return save_private_workbook(build_workbook(form, ctx, values), dest)


def new_protocol(ws: Workspace, day: date, place: str | None = None, today: date | None = None) -> NewProtocol:
    """Plan the meeting on ``day`` (or refresh the one already planned for that day): F5 and draft."""
    from .agenda import build_agenda

    cfg = ws.config
    try:
        period = resolve_period(cfg, period_of(cfg.period.kind, day))
    except PeriodError as e:
        years = cfg.period.plan_years
        raise CaseError(f"sanāksmes datums {day:%d.%m.%Y} nav plāna periodā {years[0]}–{years[-1]}") from e
    today = today or date.today()
    with open_store(ws) as store, store.transaction() as conn:
        mid = planned_on(conn, day)
        old = load_meeting(conn, mid) if mid is not None else None
        number = old.number if old else next_number(conn, day.year)
        group = cfg.cooperation_group
        meeting = Meeting(mid or 0, day.year, number, day, period.year,
                          place if place is not None else (old.place if old else ""), "", group.chair,
                          group.secretary, "", "planned",
                          [Member(r["institution"], r["role"], r["name"] or "") for r in member_rows(cfg)],
                          build_agenda(conn, cfg, day, mid))
        save_planned(conn, meeting)
        form = _write_form(ws, conn, meeting, form_path(ws, day.year, number))
        draft = _render(ws, conn, meeting, "draft", draft_path(ws, day.year, number), today)
        follow = open_decisions(conn, day)
    protect_workspace(ws)
    cases = sum(1 for it in meeting.items if it.kind == "case")
    return NewProtocol(day.year, number, day, len(meeting.items), cases, form, draft, old is not None,
                       len(follow), sum(1 for d in follow if d.overdue(day)))


def write_final(conn: sqlite3.Connection, ws: Workspace, meeting_id: int, today: date | None = None) -> Path:
    """The final protocol of a held meeting from the store (inside the caller's transaction)."""
    meeting = load_meeting(conn, meeting_id)
    return _render(ws, conn, meeting, "final", final_path(ws, meeting.year, meeting.number), today or date.today())


def final_again(ws: Workspace, year: int, number: int) -> Path:
    """``pmp protocol final``: write the final protocol of a held meeting again (e.g. after fixing the
    template); a meeting whose F5 was not accepted yet is a :class:`CaseError`."""
    with open_store(ws) as store, store.transaction() as conn:
        mid = find_meeting(conn, year, number)
        if mid is None or load_meeting(conn, mid).state != "held":
            raise CaseError(f"{year}. gada protokola Nr. {number} aizpildītā veidlapa F5 vēl nav pieņemta")
        path = write_final(conn, ws, mid)
    protect_workspace(ws)
    return path


def rewrite_protocols(conn: sqlite3.Connection, ws: Workspace, meeting_id: int) -> list[Path]:
    """Render again every protocol of a meeting that exists on disk (after a purge); returns them."""
    meeting = load_meeting(conn, meeting_id)
    out = []
    final = final_path(ws, meeting.year, meeting.number)
    if meeting.state == "held":
        out.append(write_final(conn, ws, meeting_id))
        draft_path(ws, meeting.year, meeting.number).unlink(missing_ok=True)
        form_path(ws, meeting.year, meeting.number).unlink(missing_ok=True)
    else:
        final.unlink(missing_ok=True)
        out.append(_render(ws, conn, meeting, "draft", draft_path(ws, meeting.year, meeting.number), date.today()))
        out.append(_write_form(ws, conn, meeting, form_path(ws, meeting.year, meeting.number)))
    return out


def write_blank(ws: Workspace) -> Path:
    """The empty protocol form to print (``pmp protocol blank``)."""
    _ = ws.config  # a broken config.toml is reported before anything is written
    path = _render(ws, None, None, "blank", blank_path(ws), date.today())
    protect_workspace(ws)
    return path


__all__ = ["NewProtocol", "blank_path", "draft_path", "final_again", "final_path", "form_path", "new_protocol",
           "rewrite_protocols", "write_blank", "write_final"]
