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
from .common import goals_by_level
from .completeness import FORM_TITLES, expected_forms, missing_forms
from .coop_summary import summarise_records
from .dataset import Dataset
from .metrics import (
    ASSESSMENTS,
    BASIC,
    LAGGING,
    SECONDARY,
    IndicatorValue,
    fmt,
    indicator_values,
    num,
    pupils,
)
from .render import TEMPLATE_NAMES, render_docx
from .report_sections import conclusions, levels_section, other_activities, situation_lines

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
    table = tables.new_table(block, tables.scale([6.0] + [3.0] * len(forms), PORTRAIT_WIDTH_CM))
    tables.add_row(table, ["Iestāde"] + [f"{f} {FORM_TITLES[f]}" for f in forms], bold=True, header=True,
                   fill=tables.HEADER_FILL, center=True)
    tables.number_row(table, [1] * (len(forms) + 1))
    for inst_id, owed in expected.items():
        row = [cfg.institution(inst_id).name]
        row += [_received(ds, f, inst_id) if f in owed else "—" for f in forms]
        tables.add_row(table, row)
    return block


SITUATION_HEADERS = ["Izglītības iestāde", "Izglīt. skaits sākumā", "PMP riska grupā", "Pārtrau­kuši mācības",
                     "Neattais. st. uz 1 izgl.", "> 20 neattais. st.", "Atkārto mācību gadu",
                     "Atbalsta pasā­kumi"]


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
    table = tables.new_table(block, tables.scale([4.2] + [1.7] * 7, PORTRAIT_WIDTH_CM), font_pt=7.5)
    tables.add_row(table, SITUATION_HEADERS, bold=True, header=True, fill=tables.HEADER_FILL, center=True)
    tables.number_row(table, [1] * len(SITUATION_HEADERS))
    totals = [0.0] * 7
    for school in cfg.schools:
        d = ds.f2.get(school.id)
        if d is None:
            continue
        values = _school_row(d)
        totals = [t + (v * values[0] if n == 3 else v) for n, (t, v) in enumerate(zip(totals, values, strict=True))]
        tables.add_row(table, [school.name] + [fmt(v) for v in values])
    if totals[0]:
        totals[3] = totals[3] / totals[0]
    tables.add_row(table, ["Kopā"] + [fmt(v) for v in totals], bold=True)
    return block


def indicator_table(cfg: Config, values: list[IndicatorValue], period: Period) -> tables.Block:
    """The indicator table: baseline, milestone targets, this period's value, assessment."""
    block = tables.Block()
    milestones = [str(m) for m in cfg.period.milestones]
    head = (["Nr.", "Rādītājs", "Bāzes vērtība"] + [f"Mērķis {m}" for m in milestones]
            + [f"Vērtība {period.short_label}", "Datu avots", "Vērtējums"])
    if not values:
        block.add_paragraph("Rīcības plānā nav noteikti rezultatīvie rādītāji.")
        return block
    widths = tables.scale([1.0, 5.5, 1.8] + [1.6] * len(milestones) + [1.6, 2.2, 1.8], PORTRAIT_WIDTH_CM)
    table = tables.new_table(block, widths)
    tables.add_row(table, head, bold=True, header=True, fill=tables.HEADER_FILL, center=True)
    tables.number_row(table, [1] * len(head))
    by_level: dict[str, list[IndicatorValue]] = {}
    for v in values:
        by_level.setdefault(v.indicator.level, []).append(v)
    for level, label, _goals in goals_by_level(cfg):
        rows = by_level.pop(level, [])
        if rows:
            tables.spanning_row(table, label, fill=tables.LEVEL_FILL, center=True)
        for v in rows:
            number = v.indicator.number if v.row_index == 0 else ""
            tables.add_row(table, [number, v.title, v.baseline_text, *(t for _, t in v.targets_text), v.text,
                                   v.source, v.assessment])
    for rows in by_level.values():  # indicators of a level without goals
        for v in rows:
            tables.add_row(table, [v.indicator.number, v.title, "", *[""] * len(milestones), v.text, v.source,
                                   v.assessment])
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
    coop_lines = summarise_records(ds.f5).lines()  # counts only (generator/coop_summary.py)
    lagging = [f"{v.indicator.number}. {v.title}: {v.text} (mērķis {v.milestone}: {v.target_text})"
               for v in values if v.assessment == LAGGING]
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
        "reported_summary": (f"Pārskata periods: {period.label}. Visas gaidītās veidlapas iesniegušas "
                             f"{len(expected) - len(missing)} no {len(expected)} iestādēm (1. tabula)."),
        "reported_table": reported_table(cfg, ds),
        "missing": [f"{m.institution.name} ({', '.join(m.forms)})" for m in missing],
        "situation_lines": situation_lines(cfg, ds),
        "situation_table": situation_table(cfg, ds),
        "situation_chart": situation_chart,
        "levels": levels_section(cfg, ds, period),
        "other_activities": other_activities(cfg, ds),
        "indicator_summary": ("Rādītāji novērtēti pret tuvāko starprezultātu gada mērķi: "
                              + "; ".join(f"{a} — {counts.get(a, 0)}" for a in ASSESSMENTS) + "."),
        "indicator_table": indicator_table(cfg, values, period),
        "indicator_chart": indicator_chart,
        "coop_lines": coop_lines,
        "conclusions": conclusions(cfg, ds, period, lagging),
    }


def report_path(ws: Workspace, period: Period) -> Path:
    """``outbox/<Y>/gada_parskats_<Y>.docx``."""
    return ws.period_outbox(period.year) / f"gada_parskats_{period.year}.docx"


def make_report(ws: Workspace, period: Period, ds: Dataset, today: date) -> Path:
    """Render the annual implementation report of the period."""
    cfg = ws.config
    return render_docx(ws.template(TEMPLATE_NAMES["report"]),
                       lambda tpl: report_context(tpl, cfg, ds, period, today), report_path(ws, period))
