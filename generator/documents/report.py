"""The annual implementation report (``pmp report``) -> ``outbox/<Y>/gada_parskats_<Y>.docx``."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from ..core import lv
from ..core.config import Config
from ..core.period import Period
from ..core.workspace import Workspace
from . import charts, tables
from .common import capitalised, deadline, goals_by_level, institution
from .completeness import FORM_TITLES, expected_forms, missing_forms
from .coop_summary import summarise_records
from .dataset import Dataset
from .metrics import (
    ASSESSMENTS,
    BASIC,
    LAGGING,
    SECONDARY,
    IndicatorValue,
    computation_notes,
    fmt,
    indicator_values,
    num,
    pupils,
)
from .plan_tables import funding_text
from .render import TEMPLATE_NAMES, render_docx
from .report_activities import levels_section, results_table, tasks_table
from .report_annex import make_annex
from .report_sections import conclusions, other_activities, situation_lines

PORTRAIT_WIDTH_CM = 16.0


def _received(ds: Dataset, form: str, inst_id: str) -> str:
    rec = ds.received.get(form, {}).get("" if form == "F4" and inst_id not in ds.received.get(form, {})
                                        else inst_id)
    if rec is None:
        return "nav iesniegts"
    when = rec.received_at[:10]
    if len(when) == 10 and when[4] == "-":
        when = f"{when[8:10]}.{when[5:7]}.{when[:4]}."
    return f"iesniegts (v{rec.version}{', ' + when if when else ''})"


def reported_table(cfg: Config, ds: Dataset) -> tables.Block:
    """Table 1: every institution that owes forms and what it has sent."""
    block = tables.Block()
    expected = expected_forms(cfg, ds.period)
    forms = [f for f in ("F1", "F2", "F4") if any(f in v for v in expected.values())]
    head = ["Iestāde"] + [f"{f} {FORM_TITLES[f]}" for f in forms]
    rows = [[institution(cfg, inst_id).name] + [_received(ds, f, inst_id) if f in owed else "—" for f in forms]
            for inst_id, owed in expected.items()]
    tables.fitted_table(block, head, [6.0] + [3.0] * len(forms), [("row", r) for r in rows], PORTRAIT_WIDTH_CM, 8)
    return block


SITUATION_HEADERS = ["Izglītības iestāde", "Izglīt. skaits sākumā", "PMP riska grupā", "Pārtraukuši mācības",
                     "Neattais. st. uz 1 izgl.", "> 20 neattais. st.", "Atkārto mācību gadu",
                     "Atbalsta pasākumi"]


def _school_row(d: dict[str, Any]) -> list[float]:
    total = pupils(d)
    risk = num(d.get("at_risk_basic")) + num(d.get("at_risk_secondary"))
    drop = num(d.get("dropouts_basic")) + num(d.get("dropouts_secondary"))
    basic_w, sec_w = pupils(d, BASIC), pupils(d, SECONDARY)
    unexcused = ((num(d.get("unexcused_per_pupil_basic")) * basic_w
                  + num(d.get("unexcused_per_pupil_secondary")) * sec_w) / total) if total else 0.0
    return [total, risk, drop, unexcused, num(d.get("over20_unexcused")), num(d.get("repeating")),
            num(d.get("support_measures"))]


def situation_table(cfg: Config, ds: Dataset) -> tables.Block:
    """Table 2: per school figures from F2 with a total row."""
    block = tables.Block()
    if not ds.f2:
        return block
    totals = [0.0] * 7
    rows = []
    for school in cfg.schools:
        d = ds.f2.get(school.id)
        if d is None:
            continue
        values = _school_row(d)
        totals = [t + (v * values[0] if n == 3 else v) for n, (t, v) in enumerate(zip(totals, values, strict=True))]
        rows.append([school.name] + [fmt(v) for v in values])
    if totals[0]:
        totals[3] = totals[3] / totals[0]
    total_row = ["Kopā"] + [fmt(v) for v in totals]
    tables.fitted_table(block, SITUATION_HEADERS, [4.2] + [1.7] * 7,
                        [*(("row", r) for r in rows), ("total", total_row)], PORTRAIT_WIDTH_CM, 7.5)
    return block


def indicator_cells(v: IndicatorValue) -> list[str]:
    """One indicator row: number, title, baseline (year), targets, value, source, assessment (units kept)."""
    number = v.indicator.number if v.row_index == 0 else ""
    return [number, v.title, v.baseline_text, *(t for _, t in v.targets_text), v.text, v.source, v.assessment]


def indicator_table(cfg: Config, values: list[IndicatorValue], period: Period) -> tables.Block:
    """The indicator table: baseline, milestone targets, this period's value, assessment."""
    block = tables.Block()
    milestones = [str(m) for m in cfg.period.milestones]
    head = (["Nr.", "Rādītājs", "Bāzes vērtība"] + [f"Mērķis {m}" for m in milestones]
            + [f"Vērtība {period.short_label}", "Datu avots", "Vērtējums"])
    if not values:
        block.add_text("Rīcības plānā nav noteikti rezultatīvie rādītāji.")
        return block
    body: tables.Body = []
    by_level: dict[str, list[IndicatorValue]] = {}
    for v in values:
        by_level.setdefault(v.indicator.level, []).append(v)
    for level, label, _goals in goals_by_level(cfg):
        rows = by_level.pop(level, [])
        if rows:
            body.append(("level", [label]))
        body += [("row", indicator_cells(v)) for v in rows]
    for rows in by_level.values():  # indicators of a level without goals
        body += [("row", indicator_cells(v)) for v in rows]
    weights = [1.0, 5.5, 1.8] + [1.6] * len(milestones) + [1.6, 2.2, 1.8]
    tables.fitted_table(block, head, weights, body, PORTRAIT_WIDTH_CM, 8)
    notes = computation_notes(values)
    if notes:  # how each computed value was obtained: what it counts and what it divides by
        block.add_text("Aprēķinātās vērtības (rādītāja Nr.: aprēķina veids):")
        for note in notes:
            block.add_text(note)
    return block


def report_context(tpl: DocxTemplate, cfg: Config, ds: Dataset, period: Period, today: date) -> dict[str, Any]:
    """Every variable of the report template."""
    values = indicator_values(cfg, ds)
    counts = Counter(v.assessment for v in values)
    missing = missing_forms(cfg, ds)
    expected = expected_forms(cfg, period)
    f2_names = [s.name for s in cfg.schools if s.id in ds.f2]
    situation_chart: Any = ""
    if ds.f2:
        rows = [_school_row(ds.f2[s.id]) for s in cfg.schools if s.id in ds.f2]
        img = charts.school_shares_chart(f2_names, [100 * r[1] / r[0] if r[0] else 0 for r in rows],
                                         [100 * r[2] / r[0] if r[0] else 0 for r in rows])
        situation_chart = InlineImage(tpl, img, width=Mm(150))
    indicator_chart: Any = ""
    if values:
        indicator_chart = InlineImage(tpl, charts.assessment_chart(dict(counts)), width=Mm(130))
    lagging = [f"{v.indicator.number}. {v.title}: {v.text} (mērķis {v.milestone}: {v.target_text})"
               for v in values if v.assessment == LAGGING]
    annex_name = f"gada_parskats_{period.year}_pielikums.docx"
    years = cfg.period.plan_years
    return {
        "genitive": cfg.municipality.genitive,
        "board_name": cfg.municipality.board_name,
        "board_address": cfg.municipality.board_address,
        "plan_years": f"{years[0]}.–{years[-1]}. gadam",
        "period_label": period.label,
        "place": cfg.municipality.name,
        "date_text": lv.date_long(today),
        "footer_text": f"{cfg.municipality.genitive} PMP plāna īstenošanas pārskats, {period.label}",
        "preparation_lines": preparation_lines(cfg, period),
        "reported_summary": (f"Pārskata periods: {period.label}. Visas gaidītās veidlapas iesniegušas "
                             f"{len(expected) - len(missing)} no {len(expected)} iestādēm (1. tabula)."),
        "reported_table": reported_table(cfg, ds),
        "missing": [f"{m.institution.name} ({', '.join(m.forms)})" for m in missing],
        "situation_lines": situation_lines(cfg, ds),
        "situation_table": situation_table(cfg, ds),
        "situation_chart": situation_chart,
        "levels": levels_section(cfg, ds, period),
        "other_activities": other_activities(cfg, ds),
        "annex_note": (f"Katras iestādes ziņotie pasākumi, ietekmes novērtējums un faktoru analīze pilnā apjomā ir "
                       f"pielikumā ({annex_name}) un kopsavilkuma darbgrāmatā."),
        "extra_tables": extra_tables(cfg, ds, period),
        "indicator_summary": ("Rādītāji novērtēti pret tuvāko starprezultātu gada mērķi: "
                              + "; ".join(f"{a} — {counts.get(a, 0)}" for a in ASSESSMENTS) + "."),
        "indicator_table": indicator_table(cfg, values, period),
        "indicator_chart": indicator_chart,
        "coop_lines": coop_section(cfg, ds),
        "conclusions": conclusions(cfg, ds, period, lagging) + [b for b in [budget_section(cfg, period)] if b],
    }


def coop_section(cfg: Config, ds: Dataset) -> list[str]:
    """Section 5, the cooperation group's work: the meetings the programme plans, then counts only
    (meetings, cases, outcomes; decisions and referrals come from ``coop_summary``). No name or case
    narrative ever reaches the report."""
    months = cfg.cooperation_group.meeting_months
    planned = []
    if months:
        planned.append(f"Programma paredz sadarbības grupas sanāksmes {lv.count(len(months), 'reizi', 'reizes')} "
                       f"gadā ({', '.join(lv.MONTHS_LOCATIVE[m - 1] for m in sorted(months))}).")
    return planned + summarise_records(ds.f5).lines()


def budget_section(cfg: Config, period: Period) -> dict[str, Any] | None:
    """Next year's activities and their funding, for the meeting that proposes the municipal budget
    (``monitoring.budget_proposals``, Rīga)."""
    if not cfg.monitoring.budget_proposals:
        return None
    nxt = Period(period.year + 1, cfg.period.kind)
    acts = [a for a in cfg.plan.activities if set(a.years) & nxt.plan_years]
    lines = [f"{a.number} {capitalised(a.title)} — finansējuma avots: {funding_text(cfg, a) or 'nav norādīts'}"
             for a in acts]
    return {"title": f"Aktivitātes {nxt.label} — priekšlikumi pašvaldības nākamā gada budžetam",
            "lines": lines or ["Nākamajā gadā rīcības plānā aktivitāšu nav."]}


def preparation_lines(cfg: Config, period: Period) -> list[str]:
    """Who prepared the report, who coordinates, to whom it goes and by when (the monitoring chapter)."""
    mon = cfg.monitoring
    lines = [f"Pārskatu sagatavoja: {mon.prepared_by or cfg.municipality.board_name}."]
    if mon.coordinated_by:
        lines.append(f"PMP prevencijas plāna ieviešanas koordinēšanu un uzraudzību nodrošina: {mon.coordinated_by}.")
    due = lv.date_long(deadline(cfg, period))
    lines.append(f"Iesniegšanas termiņš: {due}" + (f"; pārskatu {mon.presented_to}." if mon.presented_to else "."))
    if mon.approved_by:
        lines.append(f"Pārskata informāciju izvērtē un apstiprina: {mon.approved_by}.")
    return lines


def extra_tables(cfg: Config, ds: Dataset, period: Period) -> list[dict[str, Any]]:
    """The tables a municipality's programme evaluates beyond activities (results 3.6., work tasks)."""
    out = []
    if cfg.layout.results_table:
        out.append({"caption": "Prevencijas aktivitāšu rezultātu uzskaite un analīze",
                    "table": results_table(cfg, ds, period)})
    if any(a.tasks for a in cfg.plan.activities):
        out.append({"caption": "Darba uzdevumu izpilde (pēc atbildīgo iestāžu ziņotā aktivitāšu statusa)",
                    "table": tasks_table(cfg, ds, period)})
    return out


def report_path(ws: Workspace, period: Period) -> Path:
    """``outbox/<Y>/gada_parskats_<Y>.docx``."""
    return ws.period_outbox(period.year) / f"gada_parskats_{period.year}.docx"


def make_report(ws: Workspace, period: Period, ds: Dataset, today: date) -> Path:
    """Render the annual implementation report of the period and its annex (returns the report)."""
    cfg = ws.config
    out = render_docx(ws.template(TEMPLATE_NAMES["report"]),
                      lambda tpl: report_context(tpl, cfg, ds, period, today), report_path(ws, period))
    make_annex(ws, period, ds, today)
    return out
