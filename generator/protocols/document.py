"""Rendering the protocol .docx — draft (before the meeting), final (from the accepted F5) or blank.

The draft and the blank form leave lines to write on by hand (a right tab stop with an underscore
leader spans the text width exactly); the final protocol prints what the F5 recorded. Pupil data is
taken from the case register at render time, so a protocol rendered after ``pmp purge`` shows only
the case id.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from typing import Any, Literal

from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.shared import Cm, Pt
from docxtpl import DocxTemplate

from ..cases.decisions import Decision, decisions_made, open_decisions, reviews_at
from ..cases.meetings import Meeting
from ..core import lv
from ..core.config import Config
from ..core.vocab import CASE_STATUSES as STATUSES
from ..core.vocab import DECISION_KINDS, DECISION_RESULTS
from ..documents.render import TEMPLATE_NAMES
from ..documents.render import TEMPLATE_VARIABLES as ALL_TEMPLATE_VARIABLES
from ..documents.tables import Block, add_row, new_table
from .agenda import agenda_line, decision_line, describe, dmy

Mode = Literal["draft", "final", "blank"]
TEMPLATE_NAME = TEMPLATE_NAMES["protocol"]
#: Every variable the template may use (``pmp config check`` lints the template against this set).
TEMPLATE_VARIABLES = ALL_TEMPLATE_VARIABLES["protocol"]
TEXT_WIDTH_CM = 16.9
BOX = "☐"
DRAFT_NOTE = ("PROTOKOLA PROJEKTS, sagatavots {today}. Sanāksmes gaitu un lēmumus ierakstiet ar roku; pēc "
              "sanāksmes aizpildiet veidlapu F5 (Sanāksmes protokols) un iesūtiet to — tad tiks izveidots "
              "galīgais protokols.")


def _line(block: Block, label: str = "", *, before: float = 9) -> None:
    """A line to write on: optional bold label, then an underscore leader to the right margin."""
    p = block.add_paragraph()
    p.paragraph_format.space_before, p.paragraph_format.space_after = Pt(before), Pt(0)
    p.paragraph_format.tab_stops.add_tab_stop(Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.LINES)
    if label:
        p.add_run(label + " ").bold = True
    p.add_run("\t")


def _text(block: Block, text: str, *, bold: bool = False, size: float = 12, indent: float = 0,
          before: float = 0, label: str = "", keep: bool = False) -> None:
    """Paragraphs from ``text`` (one per line); ``label`` bold in front of the first; ``keep`` keeps
    them on the page of what follows."""
    for n, line in enumerate(str(text).split("\n")):
        p = block.add_paragraph()
        p.paragraph_format.keep_with_next = keep
        p.paragraph_format.space_before = Pt(before if n == 0 else 0)
        p.paragraph_format.space_after = Pt(2)
        if indent:
            p.paragraph_format.left_indent = Cm(indent)
        if label and n == 0:
            p.add_run(label + " ").bold = True
        run = p.add_run(line)
        run.bold, run.font.size = bold, Pt(size)


def _tall(table: Any) -> None:
    """Room to write a name by hand in the table's last row."""
    row = table.rows[-1]
    row.height, row.height_rule = Cm(0.85), WD_ROW_HEIGHT_RULE.AT_LEAST


def participants(cfg: Config, meeting: Meeting | None, mode: Mode) -> Block:
    """The members' table: institution, representative, name, present — and the invited guests."""
    block = Block()
    table = new_table(block, (1.0, 5.2, 4.6, 4.0, 2.1), font_pt=10)
    add_row(table, ["Nr.", "Iestāde", "Pārstāvis", "Vārds, uzvārds", "Piedalās"], bold=True, header=True,
            fill="E7E6E6", center=True)
    members = meeting.members if meeting else []
    if mode == "blank" or not members:
        for n in range(1, 9):
            add_row(table, [f"{n}.", "", "", "", ""])
            _tall(table)
    for n, m in enumerate(members if mode != "blank" else [], start=1):
        present = f"{BOX} jā  {BOX} nē" if mode == "draft" or m.present is None else ("jā" if m.present else "nē")
        add_row(table, [f"{n}.", m.institution, m.role, m.name, present])
        if mode == "draft":
            _tall(table)
    if mode == "final":
        guests = (meeting.guests if meeting else "").strip()
        if guests:
            _text(block, guests, label="Uzaicinātie:", before=6)
    else:
        _line(block, "Uzaicinātie:")
        _line(block)
    return block


def agenda(conn: sqlite3.Connection | None, cfg: Config, meeting: Meeting | None, mode: Mode) -> Block:
    """Numbered agenda lines (blank: six lines to fill)."""
    block = Block()
    if mode == "blank" or meeting is None or conn is None:
        for _ in range(6):
            _line(block)
        return block
    for item in meeting.items:
        _text(block, agenda_line(conn, cfg, item))
        if item.kind == "follow_up":
            for d in _followed(conn, meeting, mode):
                _text(block, decision_line(d, meeting.meeting_date), size=11, indent=0.5)
    if mode == "draft":
        _line(block, f"{len(meeting.items) + 1}.")
    return block


def discussion(conn: sqlite3.Connection | None, cfg: Config, meeting: Meeting | None, mode: Mode) -> Block:
    """Per item: what the report says, who reports, what was discussed (lines by hand in the draft)."""
    block = Block()
    if mode == "blank" or meeting is None or conn is None:
        for _ in range(30):
            _line(block)
        return block
    for item in meeting.items:
        subject, report = describe(conn, cfg, item)
        _text(block, f"{item.seq}. {subject.replace(chr(10), ', ')}", bold=True, before=8, keep=True)
        if item.kind == "follow_up":
            _follow_up(block, conn, meeting, mode)
            continue
        if report:
            _text(block, "Ziņojumā norādīts:", size=11, indent=0.5, keep=True)
            _text(block, report, size=11, indent=0.5)
        if mode == "draft":
            _line(block, "Ziņo:")
            for _ in range(4):
                _line(block)
        else:
            if item.reporter:
                _text(block, item.reporter, label="Ziņo:", before=4)
            _text(block, item.discussed or "—", label="Izskatīts, diskutēts:", before=4)
    if mode == "draft":
        _text(block, "Citi jautājumi:", bold=True, before=8)
        for _ in range(3):
            _line(block)
    return block


def _followed(conn: sqlite3.Connection, meeting: Meeting, mode: Mode) -> list[Decision]:
    """The decisions a meeting reports on: open ones before it (draft), the ones it reviewed (final)."""
    if mode == "final":
        return [r.decision for r in reviews_at(conn, meeting.id)]
    return open_decisions(conn, meeting.meeting_date)


def _follow_up(block: Block, conn: sqlite3.Connection, meeting: Meeting, mode: Mode) -> None:
    """Each open decision with owner and deadline: boxes and a line in the draft, the result in the final."""
    day = meeting.meeting_date
    if mode == "draft":
        for d in open_decisions(conn, day):
            _text(block, decision_line(d, day), size=11, indent=0.5, before=4, keep=True)
            _text(block, "  ".join(f"{BOX} {r}" for r in DECISION_RESULTS.values()), label="Izpilde:", size=11,
                  indent=0.5, keep=True)
            _line(block, "Rezultāts:", before=4)
        return
    for r in reviews_at(conn, meeting.id):
        _text(block, decision_line(r.decision, day), size=11, indent=0.5, before=4, keep=True)
        result = DECISION_RESULTS.get(r.result or "", "nav norādīts")
        moved = f"jauns termiņš {dmy(r.new_deadline)}" if r.new_deadline else ""
        extra = [x for x in (r.outcome, moved) if x]
        _text(block, result + (" — " + "; ".join(extra) if extra else ""), label="Izpilde:", size=11, indent=0.5)


def _decision_made(d: Decision) -> str:
    """A decision as the final protocol lists it under its case."""
    kind = DECISION_KINDS.get(d.kind, d.kind)
    parts = [f"{d.ref} {kind}" + (f": {d.task}" if d.task and d.task != kind else "")]
    if d.responsible:
        parts.append(f"atbildīgie: {d.responsible}")
    if d.deadline:
        parts.append(f"termiņš: {dmy(d.deadline)}")
    if d.referred_on:
        parts.append(f"nodots {dmy(d.referred_on)}")
    return "; ".join(parts)


def decisions(conn: sqlite3.Connection | None, meeting: Meeting | None, mode: Mode) -> Block:
    """Per item the decision and, for a case, its status and the decisions with owner and deadline
    (boxes to tick in the draft)."""
    block = Block()
    if mode == "blank" or meeting is None:
        for _ in range(8):
            _line(block)
        return block
    made = decisions_made(conn, meeting.id) if conn is not None and mode == "final" else []
    for item in meeting.items:
        head = f"{item.seq}." + (f" Lieta {item.case_id}:" if item.kind == "case" and item.case_id else "")
        if mode == "draft":
            _line(block, head)
            _line(block)
            if item.kind == "case":
                _text(block, "  ".join(f"{BOX} {s}" for s in STATUSES), label="Lietas statuss:", size=11,
                      indent=0.5, before=4)
                _text(block, "  ".join(f"{BOX} {k}" for k in DECISION_KINDS.values()), label="Lēmuma veids:",
                      size=11, indent=0.5, before=4)
                _line(block, "Atbildīgie, termiņš:")
        else:
            _text(block, item.decision or "—", label=head, before=6)
            if item.kind == "case" and item.status:
                _text(block, item.status, label="Lietas statuss:", indent=0.5)
            for d in (d for d in made if d.case_id == item.case_id):
                _text(block, _decision_made(d), size=11, indent=0.5)
    return block


BLANK_FIELD = "_" * 30


def context_builder(conn: sqlite3.Connection | None, cfg: Config, meeting: Meeting | None, mode: Mode,
                    today: date) -> Callable[[DocxTemplate], dict[str, Any]]:
    """The template variables for one protocol (a function of the template, as ``render_docx`` wants)."""
    group = cfg.cooperation_group

    def build(tpl: DocxTemplate) -> dict[str, Any]:
        if meeting is None or mode == "blank":
            number, place, when, chair, secretary = "____", BLANK_FIELD, BLANK_FIELD, BLANK_FIELD, BLANK_FIELD
            footer = f"{group.name} — sanāksmes protokols"
        else:
            number = str(meeting.number)
            footer = f"{group.name} — sanāksmes protokols Nr. {meeting.number}, {lv.date_long(meeting.meeting_date)}"
            if mode == "draft":
                place = meeting.place or BLANK_FIELD
                when = f"{lv.date_long(meeting.meeting_date)}, plkst. {meeting.time_text or '________'}"
                chair = f"{BLANK_FIELD} ({meeting.chair})" if meeting.chair else BLANK_FIELD
                secretary = f"{BLANK_FIELD} ({meeting.secretary})" if meeting.secretary else BLANK_FIELD
            else:
                place = meeting.place
                when = lv.date_long(meeting.meeting_date) + (f", plkst. {meeting.time_text}" if meeting.time_text else "")
                chair, secretary = meeting.chair, meeting.secretary
        final = mode == "final" and meeting is not None
        return {
            "municipality": f"{cfg.municipality.genitive} pašvaldība",
            "group_name": group.name,
            "number_text": number,
            "draft_note": DRAFT_NOTE.format(today=lv.date_long(today)) if mode == "draft" else "",
            "place": place, "when": when, "chair": chair, "secretary": secretary,
            "participants": participants(cfg, meeting, mode),
            "agenda": agenda(conn, cfg, meeting, mode),
            "discussion": discussion(conn, cfg, meeting, mode),
            "decisions": decisions(conn, meeting, mode),
            "chair_sign": f"{BLANK_FIELD} /{meeting.chair}/" if final and meeting and meeting.chair else BLANK_FIELD,
            "secretary_sign": (f"{BLANK_FIELD} /{meeting.secretary}/" if final and meeting and meeting.secretary
                               else BLANK_FIELD),
            "footer_text": footer,
        }

    return build
