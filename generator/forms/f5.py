"""F5 "Sanāksmes protokols" — the cooperation group's meeting record (Ludza annex Nr.4).

Not written by ``pmp forms``: ``pmp protocol new`` writes it for one meeting with a
:class:`MeetingContext` that carries the agenda (cases reported since the last meeting, the plan
review, budget proposals). The agenda's description columns are locked; the secretary fills who
reported, what was discussed and decided, and each case's status, ticks who was present, and sends
the workbook to the inbox. A rejected F5's marked copy is rebuilt with :func:`context_from_submission`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..core.config import KIND_GROUP_LABELS, Config, InstitutionKind
from ..core.vocab import CASE_ID_RE, CASE_STATUSES
from .fields import CHOICE_LISTS, Field, FormContext, FormDef, Section, Sheet, Table

if TYPE_CHECKING:
    from .submission import Submission
    from .validate import Checker


#: Agenda item kinds and how the workbook shows them.
ITEM_KINDS = {"case": "Gadījums", "plan_review": "Plāna izpilde", "budget": "Budžets", "other": "Cits jautājums"}
_KIND_BY_LABEL = {label: code for code, label in ITEM_KINDS.items()}

# The status list is the F5's own; registering it here keeps fields.py free of cooperation-group words.
CHOICE_LISTS.setdefault("case_status", lambda ctx: [(s, s) for s in CASE_STATUSES])


@dataclass
class MeetingContext(FormContext):
    """A :class:`FormContext` with one meeting's agenda rows (locked column key -> text)."""

    agenda: list[dict[str, Any]] = field(default_factory=list)


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


def check(chk: Checker) -> None:
    """Agenda rows must be the ones the tool wrote; every case needs a status, and should have a decision."""

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
    return data


def agenda_row(item: dict[str, Any]) -> dict[str, Any]:
    """An item (``kind`` as code) as the locked columns of an agenda row."""
    return {"nr": str(item["nr"]), "kind": ITEM_KINDS[item["kind"]], "case_id": item.get("case_id") or "",
            "subject": item.get("subject") or "", "report": item.get("report") or ""}


def context_from_submission(ctx: FormContext, sub: Submission) -> FormContext:
    """The context a read F5 was written with (its agenda comes from the workbook itself)."""
    rows = [agenda_row(i) for i in sub.data.get("items", [])]
    return MeetingContext(ctx.cfg, ctx.period, ctx.institution, agenda=rows)


FORM = FormDef(
    form_id="F5",
    version=1,
    title="Sanāksmes protokols",
    slug="sanaksmes_protokols",
    sheets=(MEETING, AGENDA, OTHER),
    applies_to=lambda inst, cfg: inst.kind == InstitutionKind.education_board,
    instructions=(
        "Sadarbības grupas sanāksmes protokols. Veidlapu sagatavo `pmp protocol new`; aizpilda protokolists.",
        "Lapā “Sanāksme” ierakstiet vietu, laiku, vadītāju, protokolistu un atzīmējiet klātesošos.",
        "Lapā “Darba kārtība” katram jautājumam ierakstiet, kas ziņoja, kas izskatīts un kāds lēmums "
        "pieņemts; gadījumiem izvēlieties lietas statusu.",
        "Veidlapā ir bērnu personas dati: glabājiet un sūtiet to tikai noteiktajā kārtībā.",
    ),
    finish=_finish,
    rules=check,
    generated=False,
    owed=False,
    versioned=False,  # meetings are kept by number in the case register
)
