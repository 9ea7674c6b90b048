"""Documents beyond the seeds: the one-page public summary and each institution's extract of next year.

The public summary (``outbox/<Y>/publiskais_kopsavilkums_<Y>.docx``) is for the board's website (Daugavpils'
board publishes its yearly progress): municipal totals only — activities by status, events, participants,
funding, indicators by assessment, the cooperation group's meetings — never a name, a school's own figures or
a case. The extracts (``outbox/<Y>/izraksti/<institution>_<next year>.docx``) give every institution the plan
activities it is responsible for or involved in next year, with their expected result, work tasks and funding,
for its own yearly work plan (Līvāni asks that the institutions can do so).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from functools import partial
from pathlib import Path

from ..core.config import Activity, Config, Institution
from ..core.period import Period
from ..core.workspace import Workspace
from . import tables
from .common import NO_REPORT, STATUSES, capitalised
from .completeness import expected_forms, missing_forms
from .coop_summary import summarise_records
from .dataset import Dataset
from .metrics import ASSESSMENTS, fmt, indicator_values, num
from .plan import activity_status
from .plan_tables import funding_text
from .report_activities import GROUPS, count, eur, events_by_activity
from .report_annex import generic_renderer, render_generic

PORTRAIT_WIDTH_CM = 16.0


def summary_lines(cfg: Config, ds: Dataset) -> list[tuple[str, list[str]]]:
    """(section title, sentences) of the public summary: municipal totals only."""
    period = ds.period
    expected = expected_forms(cfg, period)
    missing = missing_forms(cfg, ds)
    planned = [a for a in cfg.plan.activities if set(a.years) & period.plan_years]
    statuses = Counter(activity_status(a, ds, period) for a in planned)
    events = [e for ev in events_by_activity(ds).values() for _, e in ev]
    people = {label: sum(num(e.get(k)) for e in events) for k, label in GROUPS}
    values = indicator_values(cfg, ds)
    verdicts = Counter(v.assessment for v in values)
    coop = summarise_records(ds.f5)
    sections = [
        ("Plāna īstenošana", [
            f"Šajā periodā rīcības plānā paredzētas {count(len(planned), 'aktivitāte', 'aktivitātes')}: "
            + "; ".join(f"{s} — {statuses[s]}" for s in (*STATUSES, NO_REPORT) if statuses[s]) + ".",
            f"Notikuši {count(len(events), 'pasākums', 'pasākumi')}; dalībnieki: "
            + ", ".join(f"{label} — {fmt(n)}" for label, n in people.items() if n) + "."
            if events else "Par pasākumiem šajā periodā nav ziņots.",
            f"Pasākumiem izlietotais finansējums: {eur(sum(num(e.get('funding_eur')) for e in events))}.",
            f"Informāciju iesniegušas {len(expected) - len(missing)} no {len(expected)} iesaistītajām iestādēm.",
        ]),
        ("Rezultatīvie rādītāji", [
            f"No {count(len(values), 'rādītāja', 'rādītājiem')}: "
            + "; ".join(f"{a} — {verdicts.get(a, 0)}" for a in ASSESSMENTS) + "."
            if values else "Rīcības plānā nav noteikti rezultatīvie rādītāji.",
        ]),
        ("Starpinstitucionālā sadarbība", [
            f"Sadarbības grupa periodā sanākusi {count(coop.meetings_held, 'reizi', 'reizes')}.",
        ]),
    ]
    return sections


def summary_body(cfg: Config, ds: Dataset) -> tables.Block:
    block = tables.Block()
    block.add_text(f"Kopsavilkums par {cfg.municipality.genitive} priekšlaicīgas mācību pārtraukšanas "
                        f"prevencijas plāna īstenošanu ({ds.period.label}). Tajā ir tikai pašvaldības kopējie "
                        "skaitļi; personas dati tajā nav iekļauti.")
    for title, lines in summary_lines(cfg, ds):
        block.add_text(title, style="Heading 2")
        for line in lines:
            block.add_text(line, style="List Bullet")
    block.add_text(f"Sagatavoja: {cfg.municipality.board_name}, {cfg.municipality.board_address}.")
    return block


def summary_path(ws: Workspace, period: Period) -> Path:
    """``outbox/<Y>/publiskais_kopsavilkums_<Y>.docx``."""
    return ws.period_outbox(period.year) / f"publiskais_kopsavilkums_{period.year}.docx"


def make_public_summary(ws: Workspace, period: Period, ds: Dataset, today: date) -> Path:
    """Render the one-page public summary of the period."""
    cfg = ws.config
    return render_generic(ws, summary_path(ws, period), "PMP prevencijas plāna īstenošana — kopsavilkums",
                          period.label, today, f"{cfg.municipality.genitive} PMP plāna kopsavilkums, {period.label}",
                          lambda: summary_body(cfg, ds))


# ---- per-institution extracts ---------------------------------------------------------------------

EXTRACT_HEAD = ["Nr.", "Aktivitāte", "Sasniedzamais rezultāts", "Loma", "Darba uzdevumi un termiņi",
                "Finansējuma avots"]
EXTRACT_WEIGHTS = [0.9, 3.6, 3.6, 1.6, 3.8, 2.5]


def next_year_periods(cfg: Config, period: Period) -> Period | None:
    """The period after ``period`` when the plan still runs then."""
    nxt = Period(period.year + 1, cfg.period.kind)
    return nxt if nxt.plan_years & set(cfg.period.plan_years) else None


class Roles:
    """Each plan activity's institutions, resolved once for every extract (``Config.activities_for`` and
    ``resolve_refs`` for every institution's extract grow as S²)."""

    def __init__(self, cfg: Config) -> None:
        self.activities = [(act, {i.id for i in cfg.resolve_refs(act.responsible + act.involved)},
                            {i.id for i in cfg.resolve_refs(act.responsible)}) for act in cfg.plan.activities]

    def activities_for(self, inst_id: str, years: set[int] | None = None) -> list[tuple[Activity, bool]]:
        """What ``Config.activities_for`` gives, each with whether the institution is responsible for it."""
        return [(act, inst_id in responsible) for act, members, responsible in self.activities
                if inst_id in members and (years is None or set(act.years) & years)]


def extract_rows(cfg: Config, inst: Institution, nxt: Period, roles: Roles | None = None) -> list[list[str]]:
    rows = []
    for act, responsible in (roles or Roles(cfg)).activities_for(inst.id, set(nxt.plan_years)
                                                                  & set(cfg.period.plan_years)):
        role = "atbildīgā" if responsible else "iesaistītā"
        rows.append([act.number, capitalised(act.title), capitalised(act.expected_result) or "—", role,
                     tasks_text(act) or "—", funding_text(cfg, act) or "—"])
    return rows


def tasks_text(act: Activity) -> str:
    return "\n".join(capitalised(t.title) + (f" ({t.deadline})" if t.deadline else "") for t in act.tasks)


def extract_body(cfg: Config, inst: Institution, period: Period, nxt: Period | None,
                 roles: Roles | None = None) -> tables.Block:
    block = tables.Block()
    if nxt is None:
        years = cfg.period.plan_years
        block.add_text(f"Rīcības plāns {years[0]}.–{years[-1]}. gadam pēc {period.label} beidzas; "
                            "nākamajam periodam aktivitāšu nav.")
        return block
    rows = extract_rows(cfg, inst, nxt, roles)
    block.add_text(f"{inst.name}: PMP prevencijas rīcības plāna aktivitātes, par kurām iestāde ir atbildīga "
                        f"vai kurās tā iesaistīta {nxt.label} — iekļaušanai iestādes darba plānā.")
    if not rows:
        block.add_text("Šajā periodā iestādei rīcības plānā aktivitāšu nav.")
        return block
    tables.fitted_table(block, EXTRACT_HEAD, EXTRACT_WEIGHTS, [("row", r) for r in rows], PORTRAIT_WIDTH_CM, 8, numbered=False)
    block.add_text(f"Kopā: {count(len(rows), 'aktivitāte', 'aktivitātes')}.")
    return block


def extract_path(ws: Workspace, period: Period, inst_id: str) -> Path:
    """``outbox/<Y>/izraksti/<institution>_<next year>.docx``."""
    return ws.period_outbox(period.year) / "izraksti" / f"{inst_id}_{period.year + 1}.docx"


def make_extracts(ws: Workspace, period: Period, today: date, only: str | None = None) -> list[Path]:
    """One extract per institution the plan names (responsible or involved), or only ``only``."""
    cfg = ws.config
    nxt = next_year_periods(cfg, period)
    out = []
    renderer = generic_renderer(ws)
    roles = Roles(cfg)
    for inst in cfg.institutions:
        if only is not None and inst.id != only:
            continue
        if only is None and not roles.activities_for(inst.id):
            continue
        label = nxt.label if nxt else period.label
        out.append(render_generic(ws, extract_path(ws, period, inst.id), "Izraksts no PMP prevencijas rīcības plāna",
                                  f"{inst.name} — {label}", today,
                                  f"{cfg.municipality.genitive} PMP rīcības plāna izraksts, {inst.name}",
                                  partial(extract_body, cfg, inst, period, nxt, roles), renderer))
    return out
