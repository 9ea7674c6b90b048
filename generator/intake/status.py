"""``pmp status``: for every institution and form of a period — accepted, held, rejected or missing —
from the store (the forms each institution owes in the period, see :func:`generator.forms.owed_forms`,
and any accepted form from an institution that did not owe it); then the files that need the board:
held ones, ones that were not recognised as any form, and inbox entries the intake does not take."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..core.period import Period
from ..core.vocab import FORM_TITLES, STATE_LABELS
from ..forms import owed_forms
from ..forms.definitions import FORMS
from ..store import HeldRow, SubmissionRow, open_store
from .receipts import UNKNOWN_DIR, display_name
from .staging import KIND_LV
from .taking import Skipped, scan_inbox

if TYPE_CHECKING:
    from ..core.config import Config
    from ..core.workspace import Workspace

STATE_LV = STATE_LABELS
RETRY_HINT = "Pēc programmas labošanas vai sūtītāja pārbaudes apstrādājiet tos vēlreiz: pmp ingest --retry-held"


@dataclass
class StatusRow:
    """One form of one institution. ``errors``/``warnings`` are receipt lines (for a held file, the
    reason it is held)."""

    institution: str
    institution_name: str
    form: str
    period: int
    state: str  # accepted | held | rejected | missing
    version: int | None = None
    received_at: str | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: An accepted version is in use, but a later file was rejected (the school may be waiting for news).
    rejected_later: bool = False
    #: False for a form the institution sent although it does not owe it.
    owed: bool = True

    def as_json(self) -> dict[str, Any]:
        """The JSON object of DESIGN.md (plus the institution's name, ``rejected_later`` and ``owed``)."""
        return asdict(self)


@dataclass
class PeriodStatus:
    """Everything ``pmp status`` shows for a period."""

    rows: list[StatusRow]
    held: list[HeldRow]  # every held file (not only this period's: they wait for the board)
    unrecognised: list[SubmissionRow]  # refused files that named no institution, since the period began
    inbox: list[Skipped]  # inbox entries that are not taken


def owed(cfg: Config, period: Period | None = None) -> list[tuple[str, str]]:
    """(institution id, form id) pairs due in ``period`` (see :func:`generator.forms.owed_forms`)."""
    return [(inst.id, form_id) for inst, form_id in owed_forms(cfg, period)]


def _held_line(h: HeldRow) -> str:
    return f"Aizturēts pārbaudei: {h.detail}"


def _slot_row(names: dict[str, str], inst_id: str, form: str, period: int, history: list[SubmissionRow],
              held: list[HeldRow], is_owed: bool) -> StatusRow:
    name = names[inst_id]
    current = [r for r in history if r.state == "accepted"]
    rejected = [r for r in history if r.state == "rejected"]
    if current:
        cur = current[-1]
        return StatusRow(inst_id, name, form, period, "accepted", cur.version, cur.received_at, [], cur.warnings,
                         rejected_later=bool(rejected and rejected[-1].id > cur.id), owed=is_owed)
    if held:
        return StatusRow(inst_id, name, form, period, "held", None, held[-1].received_at,
                         [_held_line(h) for h in held], owed=is_owed)
    if rejected:
        last = rejected[-1]
        return StatusRow(inst_id, name, form, period, "rejected", None, last.received_at, last.errors,
                         owed=is_owed)
    return StatusRow(inst_id, name, form, period, "missing", owed=is_owed)


def period_status(ws: Workspace, period: int) -> list[StatusRow]:
    """Status of every owed form for ``period``, and of accepted forms nobody owed."""
    return full_status(ws, period).rows


def full_status(ws: Workspace, period: int) -> PeriodStatus:
    """Rows per institution and form, held and unrecognised files, and what the inbox holds untaken."""
    cfg = ws.plain_config  # only read: without pydantic when the workspace keeps the validated config
    since = Period(period, cfg.period.kind).start.isoformat()
    with open_store(ws) as store:
        rows = store.period_rows(period)
        held = store.held()
        unrecognised = store.unrecognised(since)
    names = {i.id: i.name for i in cfg.institutions}  # one lookup per row, not a walk (S = 600: 1,200 rows)
    known = names.keys()
    slots: dict[tuple[str, str], list[SubmissionRow]] = {}
    for r in rows:
        if r.institution in known and r.form_id:
            slots.setdefault((r.institution, r.form_id), []).append(r)
    held_slots: dict[tuple[str, str], list[HeldRow]] = {}
    for h in held:
        if h.institution in known and h.form_id and h.period == period:
            held_slots.setdefault((h.institution, h.form_id), []).append(h)
    due = owed(cfg, Period(period, cfg.period.kind))
    out = [_slot_row(names, i, f, period, slots.get((i, f), []), held_slots.get((i, f), []), True) for i, f in due]
    extra = sorted({k for k, hist in slots.items() if any(r.state == "accepted" for r in hist)
                    and FORMS.get(k[1]) is not None and FORMS[k[1]].versioned} - set(due))
    out += [_slot_row(names, i, f, period, slots[(i, f)], [], False) for i, f in extra]
    return PeriodStatus(out, held, unrecognised, scan_inbox(ws.inbox)[1])


def _short_time(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).strftime("%d.%m.%Y %H:%M")
    except ValueError:
        return iso


def unrecognised_lines(files: list[SubmissionRow]) -> list[str]:
    """One line per refused file that named no institution (their receipts are in ``_nezinama``)."""
    return [f"    {_short_time(r.received_at)}  \"{display_name(r.original_name)}\" — "
            f"{(r.errors or ['noraidīts'])[0].removeprefix('Kļūda: ')}" for r in files]


def status_table(rows: list[StatusRow], period_label: str, extra: PeriodStatus | None = None) -> str:
    """A readable Latvian table with the findings under each row, totals, then files needing the board."""
    head = ["Iestāde", "Veidlapa", "Stāvoklis", "Versija", "Saņemts", "Kļūdas", "Brīdinājumi"]
    body = [[r.institution_name, f"{r.form} {FORM_TITLES.get(r.form, '')}".strip(),
             STATE_LV[r.state] + ("" if r.owed else " (nav jāiesniedz)"),
             str(r.version or ""), _short_time(r.received_at), str(len(r.errors) or "") if r.state != "held" else "",
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
    due = [r for r in rows if r.owed]
    n = {s: sum(1 for r in due if r.state == s) for s in STATE_LV}
    held = f", aizturēti {n['held']}" if n["held"] else ""
    lines += ["", f"Kopā jāiesniedz {len(due)}: pieņemti {n['accepted']}{held}, noraidīti {n['rejected']}, "
                  f"trūkst {n['missing']}."]
    if extra is not None:
        lines += _board_sections(extra)
    return "\n".join(lines)


def attention_lines(ws: Workspace, period: int) -> list[str]:
    """What needs the board beyond the table: held files, unrecognised files, untaken inbox entries
    (printed by ``pmp status`` and in ``pmp build``'s summary)."""
    return _board_sections(full_status(ws, period))[1:]


def _board_sections(st: PeriodStatus) -> list[str]:
    out: list[str] = []
    if st.held:
        from .process import shown_name  # with the per-file path (the reader): only when files are held

        out += ["", f"Aizturēti faili ({len(st.held)}) — saņemti, skolām paziņots, ka tie tiek pārbaudīti:"]
        for h in st.held:
            who = h.institution or "iestāde nav nosakāma"
            what = f"{h.form_id or '?'} {h.period or ''}".strip()
            name = shown_name(h.original_name, h.form_id)
            out.append(f"    {_short_time(h.received_at)}  {name} {who} {what} — {h.detail}"
                       f" (mēģinājumi: {h.attempts}; izsekojums: archive/intake.log)")
        out.append(f"    {RETRY_HINT}")
    if st.unrecognised:
        out += ["", f"Neatpazīti faili ({len(st.unrecognised)}) — nav nosakāms, no kuras iestādes tie ir; "
                    f"kvītis: outbox/receipts/{UNKNOWN_DIR}/ (nosūtiet tās sūtītājam):"]
        out += unrecognised_lines(st.unrecognised)
    if st.inbox:
        out += ["", f"Iesūtnē ir ieraksti, kurus neapstrādājam ({len(st.inbox)}):"]
        out += [f"    \"{display_name(s.name)}\" — {KIND_LV.get(s.kind, s.kind)}" for s in st.inbox]
    return out
