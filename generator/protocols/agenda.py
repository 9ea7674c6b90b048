"""The agenda of a new meeting and how each item is described (with the pupil's data, for protocols only).

Order: the plan-implementation review at the year's first meeting, then the follow-up of every open
decision of earlier meetings, then every open case reported (and received) before the meeting since it
was last considered (and cases still under consideration), then budget proposals at the year's last
meeting (``cooperation_group.meeting_months``; Rīga's and Daugavpils' practice).
"""

from __future__ import annotations

import sqlite3
from datetime import date

from ..cases.decisions import Decision, open_decisions
from ..cases.meetings import Item, earlier_in_year
from ..cases.register import CaseReport, agenda_cases, case_reports, get_case
from ..core import lv
from ..core.config import Config
from ..core.vocab import DECISION_KINDS, LEGAL_BASES, REFERRAL_TO

PLAN_REVIEW = "Rīcības plāna īstenošanas izvērtējums par iepriekšējo periodu"
BUDGET = "Priekšlikumi nākamā gada budžetam PMP prevencijas pasākumiem"
PURGED = "personas dati dzēsti"
FOLLOW_UP = "Atkārtota izskatīšana (lieta izskatīšanā); jaunu ziņojumu nav."
DECISIONS_REVIEW = "Iepriekšējās sanāksmēs pieņemto lēmumu izpilde"


def is_last_meeting(cfg: Config, day: date) -> bool:
    """The year's last meeting: in or after the last of ``meeting_months`` (without them: from October)."""
    months = cfg.cooperation_group.meeting_months
    return day.month >= (max(months) if months else 10)


def build_agenda(conn: sqlite3.Connection, cfg: Config, day: date, meeting_id: int | None) -> list[Item]:
    """Agenda items for a meeting on ``day`` (statistics side only: ids, kinds, report ids)."""
    items: list[Item] = []
    if not earlier_in_year(conn, day, exclude=meeting_id):
        items.append(Item(len(items) + 1, "plan_review", PLAN_REVIEW))
    if open_decisions(conn, day):
        items.append(Item(len(items) + 1, "follow_up", DECISIONS_REVIEW))
    for case, reports in agenda_cases(conn, day):
        items.append(Item(len(items) + 1, "case", f"Lieta {case.case_id}", case.case_id,
                          [r.report_id for r in reports]))
    if is_last_meeting(cfg, day):
        items.append(Item(len(items) + 1, "budget", BUDGET))
    return items


def _school(cfg: Config, inst_id: str) -> str:
    try:
        return cfg.institution(inst_id).name
    except KeyError:
        return inst_id


def _class(text: str) -> str:
    text = text.strip()
    return text if not text or "klase" in text.lower() else f"{text} klase"


def dmy(iso: str) -> str:
    """An ISO date as the protocols write it ("15.03.2026.")."""
    return lv.date_short(date.fromisoformat(iso)) + "."


def _basis(r: CaseReport) -> list[str]:
    """The legal basis and the parents' notice of a report (reports before F3 v2 have neither)."""
    if r.legal_basis is None:
        return []
    basis = LEGAL_BASES.get(r.legal_basis, r.legal_basis)
    if r.legal_basis == "other" and r.legal_basis_other:
        basis = f"{basis} — {r.legal_basis_other}"
    told = (f"informēti {dmy(r.parents_informed_on)}" if r.parents_informed and r.parents_informed_on
            else "informēti" if r.parents_informed else "nav informēti")
    return [f"Ziņošanas pamats: {basis}; vecāki {told}"]


def _report_text(r: CaseReport) -> str:
    return "\n".join([f"Ziņojums {dmy(r.report_date)}", *_basis(r), f"Situācija: {r.situation}",
                      f"Veiktās darbības: {r.actions}", f"Nav atrisināts, jo: {r.why_unsolved}"])


def decision_text(d: Decision) -> str:
    """What was decided: the kind, and what to do when typed ("nodot sociālajam dienestam: …")."""
    kind = DECISION_KINDS.get(d.kind, d.kind)
    return f"{kind}: {d.task}" if d.task and d.task != kind else kind


def decision_line(d: Decision, on: date) -> str:
    """One open decision to report on: reference, case, what, owner, deadline (late ones marked)."""
    parts = [f"{d.ref} Lieta {d.case_id} — {decision_text(d)}"]
    if d.responsible:
        parts.append(f"atbildīgie: {d.responsible}")
    if d.due:
        parts.append(f"termiņš: {dmy(d.due)}" + (" (nokavēts)" if d.overdue(on) else ""))
    if d.referred_on and d.kind in REFERRAL_TO:
        parts.append(f"nodots {dmy(d.referred_on)}")
    return "; ".join(parts)


def follow_up_rows(conn: sqlite3.Connection, day: date) -> list[dict[str, str]]:
    """The F5 "Lēmumu izpilde" rows of a meeting on ``day``: every open decision with owner and deadline."""
    return [{"ref": d.ref, "case_id": d.case_id, "task": decision_text(d), "responsible": d.responsible,
             "deadline": dmy(d.due) if d.due else ""} for d in open_decisions(conn, day)]


def describe(conn: sqlite3.Connection, cfg: Config, item: Item) -> tuple[str, str]:
    """(subject, report text) of an item. For a case: school, class and pupil, and the reports on the
    agenda; once the case is purged only its id and "personas dati dzēsti"."""
    if item.kind == "follow_up":
        return item.title, "Lēmumi ar atbildīgajiem un termiņiem — lapā “Lēmumu izpilde”."
    if item.kind != "case" or not item.case_id:
        return item.title, ""
    case = get_case(conn, item.case_id)
    if case is None or case.purged or not case.pupil_name:
        return f"Lieta {item.case_id} — {PURGED}", ""
    wanted = set(item.report_ids)
    reports = [r for r in case_reports(conn, item.case_id) if r.report_id in wanted]
    school = _school(cfg, reports[-1].institution if reports else case.institution)
    klass = reports[-1].pupil_class if reports else case.pupil_class
    subject = f"{school}, {_class(klass)}\n{case.pupil_name}"
    report = "\n\n".join(_report_text(r) for r in reports) if reports else FOLLOW_UP
    return subject, report


def agenda_line(conn: sqlite3.Connection, cfg: Config, item: Item) -> str:
    """One line of "Darba kārtībā": "2. Lieta L-…: school, class, pupil"."""
    subject, _ = describe(conn, cfg, item)
    if item.kind == "case" and item.case_id and PURGED not in subject:
        return f"{item.seq}. Lieta {item.case_id}: {subject.replace(chr(10), ', ')}"
    return f"{item.seq}. {subject}"
