"""F5 "Sanāksmes protokols" — the cooperation group's meeting record (Ludza annex Nr.4).

Not written by ``pmp forms``: ``pmp protocol new`` writes it for one meeting with a
:class:`MeetingContext` that carries the agenda (cases reported since the last meeting, the plan
review, budget proposals). The agenda's description columns are locked; the secretary fills who
reported, what was discussed and decided, and each case's status, ticks who was present, and sends
the workbook to the inbox. A rejected F5's marked copy is rebuilt with :func:`context_from_submission`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from ..core import lv
from ..core import period as core_period
from ..core.config import KIND_GROUP_LABELS, InstitutionKind
from ..core.vocab import (
    AGENDA_ITEM_KINDS,
    CASE_ID_RE,
    CASE_STATUSES,
    CLOSED_CASE_STATUSES,
    DECISION_KINDS,
    DECISION_RESULTS,
    REFERRAL_TO,
)
from .fields import CHOICE_LISTS, Field, FormContext, FormDef, Section, Sheet, Table

if TYPE_CHECKING:
    from ..core.config import Config
    from .submission import Submission
    from .validate import Checker


#: Agenda item kinds and how the workbook shows them.
ITEM_KINDS = AGENDA_ITEM_KINDS
_KIND_BY_LABEL = {label: code for code, label in ITEM_KINDS.items()}
#: A decision's reference in the follow-up table: "<protocol number>/<year>.<decision number>".
DECISION_REF = re.compile(r"^(\d{1,3})/(\d{4})\.(\d{1,3})$")

# The lists are the F5's own; registering them here keeps fields.py free of cooperation-group words.
CHOICE_LISTS.setdefault("case_status", lambda ctx: [(s, s) for s in CASE_STATUSES])
CHOICE_LISTS.setdefault("decision_kind", lambda ctx: [(k, v) for k, v in DECISION_KINDS.items()])
CHOICE_LISTS.setdefault("decision_result", lambda ctx: [(k, v) for k, v in DECISION_RESULTS.items()])


def decision_ref(number: int, year: int, seq: int) -> str:
    """How the follow-up table names decision ``seq`` of protocol ``number`` of ``year``."""
    return f"{number}/{year}.{seq}"




@dataclass
class MeetingContext(FormContext):
    """A :class:`FormContext` with one meeting's agenda rows (locked column key -> text)."""

    agenda: list[dict[str, Any]] = field(default_factory=list)
    follow_up: list[dict[str, Any]] = field(default_factory=list)


def member_rows(cfg: Config) -> list[dict[str, Any]]:
    """The group's members from config.toml: institution (or kind group), role, name."""
    rows = []
    for m in cfg.cooperation_group.members:
        if m.institution.startswith("kind:"):
            inst = KIND_GROUP_LABELS.get(m.institution[5:], m.institution)
        else:
            try:
                inst = cfg.institution(m.institution).name
            except KeyError:
                inst = m.institution
        rows.append({"institution": inst, "role": m.role, "name": m.name or None})
    return rows


MEETING = Sheet(
    name="Sanāksme",
    title="Sanāksmes protokols",
    widths=(34, 40, 30, 16),
    blocks=(
        Section("Sanāksme", (
            Field("number", "Protokola Nr.", "int", required=True, min=1,
                  help="Numurs, ko piešķīra `pmp protocol new`; nemainiet to."),
            Field("date", "Datums", "date", required=True, help="Sanāksmes datums, piemēram 12.02.2025."),
            Field("place", "Vieta", required=True),
            Field("time", "Laiks", help="Piemēram 10:00–12:00."),
            Field("chair", "Sanāksmi vada", required=True, help="Vārds, uzvārds."),
            Field("secretary", "Protokolē", required=True, help="Vārds, uzvārds."),
            Field("guests", "Citi dalībnieki (uzaicinātie)", lines=3,
                  help="Vārds, uzvārds, iestāde — katrs savā rindā."),
        )),
        Table("members", "Grupas locekļi", (
            Field("institution", "Iestāde", locked=True, width=34),
            Field("role", "Pārstāvis", locked=True, width=40, lines=2),
            Field("name", "Vārds, uzvārds", width=30),
            Field("present", "Piedalās", "choice", required=True, choices="yesno", width=16),
        ), rows=0, prefill=lambda ctx: member_rows(ctx.cfg),
            help="Katram loceklim izvēlieties “jā” vai “nē”."),
    ),
)

AGENDA_COLUMNS = (
    Field("nr", "Nr.", locked=True, width=5),
    Field("kind", "Jautājums", locked=True, width=12),
    Field("case_id", "Lieta", locked=True, width=14),
    Field("subject", "Par ko", locked=True, width=28, lines=3),
    Field("report", "Ziņojumā norādīts", locked=True, width=48, lines=8),
    Field("reporter", "Ziņo", width=18),
    Field("discussed", "Izskatīts, diskutēts", width=40, lines=8),
    Field("decision", "Lēmums", width=36, lines=8),
    Field("status", "Lietas statuss", "choice", choices="case_status", width=16,
          help="Tikai gadījumiem."),
)

AGENDA = Sheet(
    name="Darba kārtība",
    title="Darba kārtība, izskatītais un lēmumi",
    widths=tuple(c.width for c in AGENDA_COLUMNS),
    landscape=True,
    blocks=(Table("agenda", "Darba kārtība", AGENDA_COLUMNS, rows=0,
                  prefill=lambda ctx: list(getattr(ctx, "agenda", [])),
                  help="Gadījumiem obligāti norādiet lietas statusu."),),
)

OTHER_COLUMNS = (
    Field("title", "Jautājums", width=36, lines=2),
    Field("reporter", "Ziņo", width=20),
    Field("discussed", "Izskatīts, diskutēts", width=44, lines=4),
    Field("decision", "Lēmums", width=40, lines=4),
)

OTHER = Sheet(
    name="Citi jautājumi",
    title="Citi jautājumi, kas nebija darba kārtībā",
    widths=tuple(c.width for c in OTHER_COLUMNS),
    landscape=True,
    blocks=(Table("other", "Citi jautājumi", OTHER_COLUMNS, rows=10),),
)


DECISION_COLUMNS = (
    Field("item", "Jautājuma Nr.", "int", min=1, width=10,
          help="Gadījuma rindas Nr. lapā “Darba kārtība”."),
    Field("kind", "Lēmuma veids", "choice", choices="decision_kind", width=26),
    Field("task", "Kas jādara", width=42, lines=3),
    Field("responsible", "Atbildīgā iestāde(s)", width=28, lines=2,
          help="Nodošanai var neaizpildīt: atbild iestāde, kurai lietu nodod."),
    Field("deadline", "Termiņš", "date", in_period=False, width=14),
    Field("referred_on", "Nodots (datums)", "date", in_period=False, width=14,
          help="Tikai nodošanai; ja tukšs — sanāksmes datums."),
)

DECISIONS = Sheet(
    name="Lēmumi",
    title="Lēmumi par gadījumiem: atbildīgie un termiņi",
    widths=tuple(c.width for c in DECISION_COLUMNS),
    landscape=True,
    blocks=(Table("decisions", "Lēmumi", DECISION_COLUMNS, rows=15,
                  help="Katram lēmumam sava rinda; vienam gadījumam var būt vairāki lēmumi."),),
)

FOLLOW_UP_COLUMNS = (
    Field("ref", "Lēmums", locked=True, width=10),
    Field("case_id", "Lieta", locked=True, width=14),
    Field("task", "Kas bija jādara", locked=True, width=40, lines=4),
    Field("responsible", "Atbildīgie", locked=True, width=24, lines=2),
    Field("deadline", "Termiņš", locked=True, width=12),
    Field("result", "Izpilde", "choice", choices="decision_result", width=14),
    Field("outcome", "Rezultāts, komentārs", width=36, lines=4),
    Field("new_deadline", "Jauns termiņš", "date", in_period=False, width=14,
          help="Obligāts, ja lēmums mainīts."),
)

FOLLOW_UP = Sheet(
    name="Lēmumu izpilde",
    title="Iepriekšējās sanāksmēs pieņemto lēmumu izpilde",
    widths=tuple(c.width for c in FOLLOW_UP_COLUMNS),
    landscape=True,
    blocks=(Table("follow_up", "Atvērtie lēmumi", FOLLOW_UP_COLUMNS, rows=0,
                  prefill=lambda ctx: list(getattr(ctx, "follow_up", [])),
                  help="Katram lēmumam izvēlieties “izpildīts”, “nav izpildīts” vai “mainīts”."),),
)

NO_FUTURE = ("Sanāksmes datums {day} ir nākotnē (veidlapa saņemta {today}). Protokolu "
             "iesniedz pēc sanāksmes: pārbaudiet datumu.")


def _check_agenda(chk: Checker) -> dict[int, dict[str, Any]]:
    """Agenda rows are the ones the tool wrote; returns the case rows by their number."""

    cases: dict[int, dict[str, Any]] = {}
    for index, row in chk.rows("agenda"):
        kind = _KIND_BY_LABEL.get(str(row.get("kind") or ""))
        if kind is None:
            chk.row_error("agenda", index, "kind", "Nezināms darba kārtības jautājuma veids. Neveidojiet un "
                          "nemainiet darba kārtības rindas — tās sagatavo `pmp protocol new`.")
            continue
        if kind != "case":
            continue
        if not CASE_ID_RE.match(str(row.get("case_id") or "")):
            chk.row_error("agenda", index, "case_id", "Lietas numurs ir bojāts. Izmantojiet sagatavoto "
                          "protokola veidlapu un nemainiet aizsargātās šūnas.")
        if not row.get("status"):
            chk.row_error("agenda", index, "status", "Norādiet lietas statusu pēc sanāksmes: "
                          + ", ".join(f"“{s}”" for s in CASE_STATUSES) + ".")
        if not row.get("decision"):
            chk.row_warning("agenda", index, "decision", "Lēmums nav ierakstīts. Ierakstiet sanāksmes lēmumu "
                            "par šo gadījumu.")
        if str(row.get("nr") or "").isdigit():
            cases[int(str(row["nr"]))] = row
    return cases


def _check_decisions(chk: Checker, cases: dict[int, dict[str, Any]], day: date | None) -> None:
    """Each decision names a case row of the agenda, its kind, owner and deadline."""
    for index, row in chk.rows("decisions"):
        if not any(row.get(k) not in (None, "", 0) for k in ("item", "kind", "task", "responsible", "deadline")):
            continue
        item, kind = row.get("item"), row.get("kind")
        if item is None:
            chk.row_error("decisions", index, "item", "Norādiet gadījuma rindas Nr. no lapas “Darba kārtība”.")
        elif item not in cases:
            chk.row_error("decisions", index, "item", f"Darba kārtībā nav gadījuma ar Nr. {item}. Lēmumu "
                          "izpildi uzskaita gadījumiem: norādiet gadījuma rindas Nr.")
        elif kind == "closed" and cases[item].get("status") not in CLOSED_CASE_STATUSES:
            chk.row_warning("decisions", index, "kind", "Lēmums “lieta slēgta”, bet darba kārtībā lietas "
                            f"statuss ir “{cases[item].get('status') or '—'}”. Pārbaudiet lietas statusu.")
        if kind is None:
            chk.row_error("decisions", index, "kind", "Norādiet lēmuma veidu: "
                          + ", ".join(f"“{v}”" for v in DECISION_KINDS.values()) + ".")
            continue
        if kind == "closed":
            continue
        if kind == "support" and not row.get("task"):
            chk.row_error("decisions", index, "task", "Ierakstiet, kas jādara (atbalsta pasākums).")
        if kind == "support" and not row.get("responsible"):
            chk.row_error("decisions", index, "responsible", "Ierakstiet atbildīgo iestādi.")
        deadline = row.get("deadline")
        if not deadline:
            chk.row_error("decisions", index, "deadline", "Ierakstiet termiņu, līdz kuram lēmums jāizpilda.")
        elif day is not None and deadline < day.isoformat():
            chk.row_error("decisions", index, "deadline", f"Termiņš {dmy(deadline)} ir pirms sanāksmes "
                          f"({lv.date_short(day)}). Ierakstiet termiņu pēc sanāksmes datuma.")
        referred = row.get("referred_on")
        if referred and kind not in REFERRAL_TO:
            chk.row_warning("decisions", index, "referred_on", "Nodošanas datums attiecas tikai uz lietas "
                            "nodošanu citai iestādei; šim lēmumam tas netiks ņemts vērā.")
        elif referred and referred > core_period.today().isoformat():
            chk.row_error("decisions", index, "referred_on", f"Nodošanas datums {dmy(referred)} ir nākotnē. "
                          "Ierakstiet dienu, kad lieta nodota (vai atstājiet tukšu).")


def _check_follow_up(chk: Checker, day: date | None) -> None:
    for index, row in chk.rows("follow_up"):
        if not DECISION_REF.match(str(row.get("ref") or "")):
            chk.row_error("follow_up", index, "ref", "Lēmuma numurs ir bojāts. Izmantojiet sagatavoto "
                          "protokola veidlapu un nemainiet aizsargātās šūnas.")
            continue
        result, new = row.get("result"), row.get("new_deadline")
        if result is None:
            chk.row_warning("follow_up", index, "result", "Izpilde nav norādīta: lēmums paliek atvērts un būs "
                            "nākamās sanāksmes darba kārtībā.")
        elif result == "changed" and not new:
            chk.row_error("follow_up", index, "new_deadline", "Lēmums mainīts: ierakstiet jauno termiņu "
                          "(un komentārā — kas mainīts).")
        if new and day is not None and new < day.isoformat():
            chk.row_error("follow_up", index, "new_deadline", f"Jaunais termiņš {dmy(new)} ir pirms "
                          f"sanāksmes ({lv.date_short(day)}).")


def dmy(iso: str) -> str:
    """An ISO date as schools write it ("15.03.2026")."""
    return lv.date_short(date.fromisoformat(iso))


def check(chk: Checker) -> None:
    """Agenda rows must be the ones the tool wrote; every case needs a status, and should have a decision;
    decisions name a case, owner and deadline; the meeting is not dated after the form arrived."""
    raw_day = chk.get("date")
    day = date.fromisoformat(raw_day) if raw_day else None
    if day is not None and day > core_period.today():
        chk.error("date", NO_FUTURE.format(day=lv.date_short(day), today=lv.date_short(core_period.today())))
    cases = _check_agenda(chk)
    _check_decisions(chk, cases, day)
    _check_follow_up(chk, day)
    if not any(p.get("present") for _, p in chk.rows("members")):
        chk.warning("chair", "Neviens grupas loceklis nav atzīmēts kā klātesošs. Atzīmējiet klātesošos "
                    "lapā “Sanāksme”.")


def _finish(data: dict[str, Any], ctx: FormContext) -> dict[str, Any]:
    items = []
    for row in data.pop("agenda", []):
        items.append({
            "nr": row.get("nr") or "", "kind": _KIND_BY_LABEL.get(str(row.get("kind") or ""), "other"),
            "case_id": row.get("case_id") or None, "subject": row.get("subject") or "",
            "report": row.get("report") or "", "reporter": row.get("reporter") or "",
            "discussed": row.get("discussed") or "", "decision": row.get("decision") or "",
            "status": row.get("status") if row.get("status") in CASE_STATUSES else None,
        })
    data["items"] = items
    data["other"] = [r for r in data.get("other", []) if any(r.get(k) for k in ("title", "discussed", "decision"))]
    data["decisions"] = [r for r in data.get("decisions", []) if r.get("item") and r.get("kind")]
    data["follow_up"] = [r for r in data.get("follow_up", []) if DECISION_REF.match(str(r.get("ref") or ""))]
    return data


def agenda_row(item: dict[str, Any]) -> dict[str, Any]:
    """An item (``kind`` as code) as the locked columns of an agenda row."""
    return {"nr": str(item["nr"]), "kind": ITEM_KINDS[item["kind"]], "case_id": item.get("case_id") or "",
            "subject": item.get("subject") or "", "report": item.get("report") or ""}


def context_from_submission(ctx: FormContext, sub: Submission) -> FormContext:
    """The context a read F5 was written with (its agenda comes from the workbook itself)."""
    rows = [agenda_row(i) for i in sub.data.get("items", [])]
    follow = [{k: r.get(k) or "" for k in ("ref", "case_id", "task", "responsible", "deadline")}
              for r in sub.data.get("follow_up", [])]
    return MeetingContext(ctx.cfg, ctx.period, ctx.institution, agenda=rows, follow_up=follow)


FORM = FormDef(
    form_id="F5",
    version=2,
    title="Sanāksmes protokols",
    slug="sanaksmes_protokols",
    sheets=(MEETING, AGENDA, DECISIONS, FOLLOW_UP, OTHER),
    applies_to=lambda inst, cfg: inst.kind == InstitutionKind.education_board,
    instructions=(
        "Sadarbības grupas sanāksmes protokols. Veidlapu sagatavo `pmp protocol new`; aizpilda protokolists.",
        "Lapā “Sanāksme” ierakstiet vietu, laiku, vadītāju, protokolistu un atzīmējiet klātesošos.",
        "Lapā “Darba kārtība” katram jautājumam ierakstiet, kas ziņoja, kas izskatīts un kāds lēmums "
        "pieņemts; gadījumiem izvēlieties lietas statusu.",
        "Lapā “Lēmumi” katram lēmumam par gadījumu norādiet gadījuma Nr., lēmuma veidu, kas jādara, atbildīgo "
        "iestādi un termiņu; lietas nodošanai — arī nodošanas datumu.",
        "Lapā “Lēmumu izpilde” par katru iepriekš pieņemto lēmumu norādiet, vai tas izpildīts, nav izpildīts "
        "vai mainīts (mainītam — jauno termiņu), un rezultātu.",
        "Veidlapā ir bērnu personas dati: glabājiet un sūtiet to tikai noteiktajā kārtībā.",
    ),
    finish=_finish,
    rules=check,
    generated=False,
    owed=False,
    versioned=False,  # meetings are kept by number in the case register
)
