"""``pmp status``: for every institution and every form it owes for a period — accepted, rejected
or missing — from the store (F1 from every institution answerable in the period, F2 from schools, F4
from the board; see :func:`generator.forms.owed_forms`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..core.period import Period
from ..core.vocab import FORM_TITLES, STATE_LABELS
from ..forms import owed_forms
from ..store import SubmissionRow, open_store

if TYPE_CHECKING:
    from ..core.config import Config
    from ..core.workspace import Workspace

STATE_LV = STATE_LABELS


@dataclass
class StatusRow:
    """One owed form of one institution. ``errors``/``warnings`` are receipt lines."""

    institution: str
    institution_name: str
    form: str
    period: int
    state: str  # accepted | rejected | missing
    version: int | None = None
    received_at: str | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: An accepted version is in use, but a later file was rejected (the school may be waiting for news).
    rejected_later: bool = False

    def as_json(self) -> dict[str, Any]:
        """The JSON object of DESIGN.md (plus the institution's name and ``rejected_later``)."""
        return asdict(self)


def owed(cfg: Config, period: Period | None = None) -> list[tuple[str, str]]:
    """(institution id, form id) pairs due in ``period`` (see :func:`generator.forms.owed_forms`)."""
    return [(inst.id, form_id) for inst, form_id in owed_forms(cfg, period)]


def period_status(ws: Workspace, period: int) -> list[StatusRow]:
    """Status of every owed form for ``period`` (creates the store if it does not exist yet)."""
    cfg = ws.config
    with open_store(ws) as store:
        rows = store.period_rows(period)
    slots: dict[tuple[str, str], list[SubmissionRow]] = {}
    for r in rows:
        if r.institution and r.form_id:
            slots.setdefault((r.institution, r.form_id), []).append(r)
    out: list[StatusRow] = []
    for inst_id, form in owed(cfg, Period(period, cfg.period.kind)):
        name = cfg.institution(inst_id).name
        history = slots.get((inst_id, form), [])
        current = [r for r in history if r.state == "accepted"]
        rejected = [r for r in history if r.state == "rejected"]
        if current:
            cur = current[-1]
            out.append(StatusRow(inst_id, name, form, period, "accepted", cur.version, cur.received_at,
                                 [], cur.warnings, rejected_later=bool(rejected and rejected[-1].id > cur.id)))
        elif rejected:
            last = rejected[-1]
            out.append(StatusRow(inst_id, name, form, period, "rejected", None, last.received_at, last.errors))
        else:
            out.append(StatusRow(inst_id, name, form, period, "missing"))
    return out


def _short_time(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).strftime("%d.%m.%Y %H:%M")
    except ValueError:
        return iso


def status_table(rows: list[StatusRow], period_label: str) -> str:
    """A readable Latvian table with the findings under each row and totals at the end."""
    head = ["Iestāde", "Veidlapa", "Stāvoklis", "Versija", "Saņemts", "Kļūdas", "Brīdinājumi"]
    body = [[r.institution_name, f"{r.form} {FORM_TITLES.get(r.form, '')}".strip(), STATE_LV[r.state],
             str(r.version or ""), _short_time(r.received_at), str(len(r.errors) or ""),
             str(len(r.warnings) or "")] for r in rows]
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head))]

    def fmt(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    lines = [f"Iesniegumi — {period_label}", "", fmt(head), fmt(["-" * w for w in widths])]
    for row, cells in zip(rows, body, strict=True):
        lines.append(fmt(cells))
        for msg in row.errors + row.warnings:
            lines.append(f"    {msg}")
        if row.rejected_later:
            lines.append("    Vēlāk iesūtītais fails noraidīts; spēkā ir šī versija.")
    n = {s: sum(1 for r in rows if r.state == s) for s in STATE_LV}
    lines += ["", f"Kopā jāiesniedz {len(rows)}: pieņemti {n['accepted']}, noraidīti {n['rejected']}, "
                  f"trūkst {n['missing']}."]
    return "\n".join(lines)
