"""The evaluations the programmes schedule: the mid-term evaluation (Rīga 2026) and the final one.

An evaluation looks at every period of the plan up to the evaluated one, from the store's history of
accepted data (each period's newest accepted version of every form): each indicator over every year
against its baseline and milestone targets, each activity's execution status year by year, and the events,
participants and funding per year. ``pmp evaluation --kind mid|final`` writes it
(``outbox/<Y>/starpposma_izvertejums_<Y>.docx`` or ``noslegmuma_zinojums_<Y>.docx``); ``pmp build`` writes it
in the period the programme schedules it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from ..core import lv
from ..core.config import Config
from ..core.period import Period
from ..core.vocab import NOT_DONE, NOT_PLANNED
from ..core.workspace import Workspace
from . import tables
from .common import NO_REPORT, capitalised
from .dataset import Dataset, load_dataset
from .metrics import ACHIEVED, ASSESSMENTS, LAGGING, NO_DATA, IndicatorValue, fmt, indicator_values, num
from .plan import activity_status
from .report_activities import GROUPS, count, eur, events_by_activity
from .report_annex import render_generic

Kind = Literal["mid", "final"]
PORTRAIT_WIDTH_CM = 16.0
TITLES = {"mid": "PMP prevencijas plāna ieviešanas starpposma izvērtējums",
          "final": "PMP prevencijas plāna īstenošanas noslēguma ziņojums"}
FILES = {"mid": "starpposma_izvertejums", "final": "nosleguma_zinojums"}

@dataclass
class YearData:
    """One period of the evaluation: its dataset and indicator values."""

    period: Period
    ds: Dataset
    values: list[IndicatorValue]


def evaluation_year(cfg: Config, kind: Kind) -> int:
    """The period an evaluation of ``kind`` is written in (mid: ``monitoring.mid_term_year``; final: the
    year of ``monitoring.final_report`` or the plan's last year)."""
    mon = cfg.monitoring
    if kind == "mid":
        if mon.mid_term_year is None:
            years = cfg.period.plan_years
            return years[len(years) // 2]
        return mon.mid_term_year
    if mon.final_report:
        return int(mon.final_report[:4])
    return cfg.period.plan_years[-1]


def scheduled_kinds(cfg: Config, period: Period) -> list[Kind]:
    """The evaluations due in ``period``: the mid-term one where the programme names its year, the final
    one in the plan's last period."""
    kinds: list[Kind] = []
    if cfg.monitoring.mid_term_year is not None and period.year == cfg.monitoring.mid_term_year:
        kinds.append("mid")
    if period.year == evaluation_year(cfg, "final"):
        kinds.append("final")
    return kinds


def due_text(cfg: Config, kind: Kind) -> str:
    """When the evaluation is due, as the programme says it ("2027. gada septembrī", "2026. gadā")."""
    if kind == "final" and cfg.monitoring.final_report:
        year, month = (int(x) for x in cfg.monitoring.final_report.split("-"))
        return f"{year}. gada {lv.MONTHS_LOCATIVE[month - 1]}"
    return f"{evaluation_year(cfg, kind)}. gadā"


def history(ws: Workspace, upto: Period, current: Dataset | None = None) -> list[YearData]:
    """Every plan period up to ``upto`` with its accepted data (an empty dataset where nothing came);
    ``current``: ``upto``'s dataset when the caller has it already (the build), so it is not held twice."""
    cfg = ws.config
    out = []
    for year in cfg.period.plan_years:
        period = Period(year, cfg.period.kind)
        if year > upto.year:
            break
        ds = current if current is not None and year == upto.year else load_dataset(ws, period)
        out.append(YearData(period, ds, indicator_values(cfg, ds)))
    return out


def _table(block: tables.Block, head: list[str], weights: list[float], rows: list[list[str]]) -> None:
    tables.fitted_table(block, head, weights, [("row", r) for r in rows], PORTRAIT_WIDTH_CM, 8)


def indicator_rows(cfg: Config, years: list[YearData]) -> tuple[list[str], list[list[str]]]:
    """Header and rows: indicator, baseline, each year's value, each milestone's target, assessment."""
    milestones = [str(m) for m in cfg.period.milestones]
    head = (["Nr.", "Rādītājs", "Bāzes vērtība"] + [y.period.short_label for y in years]
            + [f"Mērķis {m}" for m in milestones] + ["Vērtējums"])
    rows = []
    for n, first in enumerate(years[-1].values if years else []):
        per_year = [y.values[n].text or "–" for y in years]
        # The verdict of the latest year that has data (against that year's milestone).
        latest = next((y for y in reversed(years) if y.values[n].assessment != NO_DATA), None)
        verdict = latest.values[n].assessment if latest else NO_DATA
        if latest is not None and latest is not years[-1]:
            verdict += f" (pēc {latest.period.short_label} datiem)"
        rows.append([first.indicator.number if first.row_index == 0 else "", first.title, first.baseline_text,
                     *per_year, *(t for _, t in first.targets_text), verdict])
    return head, rows


def activity_rows(cfg: Config, years: list[YearData]) -> tuple[list[str], list[list[str]]]:
    """Header and rows: each activity's execution status in every evaluated period."""
    head = ["Nr.", "Aktivitāte"] + [y.period.short_label for y in years]
    rows = []
    for act in cfg.plan.activities:
        statuses = []
        for y in years:
            planned = bool(set(act.years) & y.period.plan_years)
            status = activity_status(act, y.ds, y.period)
            statuses.append(status if planned or status != NOT_PLANNED else "—")
        rows.append([act.number, capitalised(act.title), *statuses])
    return head, rows


def totals_rows(years: list[YearData]) -> list[list[str]]:
    """Per period: reporting institutions, events, participants by group, funding spent."""
    rows = []
    for y in years:
        events = [e for ev in events_by_activity(y.ds).values() for _, e in ev]
        groups = [fmt(sum(num(e.get(k)) for e in events)) for k, _ in GROUPS]
        rows.append([y.period.label, str(len(y.ds.f1)), str(len(events)), *groups,
                     eur(sum(num(e.get("funding_eur")) for e in events))])
    return rows


def evaluation_body(cfg: Config, years: list[YearData], kind: Kind) -> tables.Block:
    """The evaluation's sections."""
    block = tables.Block()
    mon = cfg.monitoring
    plan = cfg.period.plan_years
    last = years[-1].period if years else None
    block.add_text("1. Izvērtējuma pamats", style="Heading 1")
    what = ("Plāna ieviešanas starpposma izvērtējums un plāna aktualizācija" if kind == "mid"
            else "Plāna īstenošanas noslēguma ziņojums")
    block.add_text(f"{what} ({due_text(cfg, kind)}) par plānu {plan[0]}.–{plan[-1]}. gadam. Izvērtēti periodi: "
                        + ", ".join(y.period.label for y in years) + ". Dati: katra perioda jaunākā pieņemtā "
                        "iestāžu informācija (veidlapas F1, F2, F4) un sadarbības grupas sanāksmju uzskaite.")
    block.add_text(f"Izvērtējumu sagatavoja: {mon.prepared_by or cfg.municipality.board_name}."
                        + (f" To {mon.presented_to}." if mon.presented_to else ""))

    block.add_text("2. Rezultatīvo rādītāju dinamika", style="Heading 1")
    head, ind_rows = indicator_rows(cfg, years)
    if ind_rows:
        block.add_text("Katra rādītāja vērtība katrā periodā pret bāzes vērtību un starprezultātu mērķiem; "
                            "vērtējums pēc pēdējā perioda, kurā ir dati.")
        _table(block, head, [1.0, 5.0, 1.8] + [1.5] * len(years) + [1.5] * len(cfg.period.milestones) + [1.8],
               ind_rows)
        counts = Counter(r[-1].split(" (")[0] for r in ind_rows)
        block.add_text("Kopā: " + "; ".join(f"{a} — {counts.get(a, 0)}" for a in ASSESSMENTS) + ".")
    else:
        block.add_text("Rīcības plānā nav noteikti rezultatīvie rādītāji.")

    block.add_text("3. Aktivitāšu izpilde pa gadiem", style="Heading 1")
    head, rows = activity_rows(cfg, years)
    _table(block, head, [1.0, 7.0] + [2.0] * len(years), rows)
    for y, col in zip(years, range(2, 2 + len(years)), strict=True):
        c = Counter(r[col] for r in rows if r[col] != "—")
        block.add_text(f"{y.period.label}: " + "; ".join(f"{s} — {n}" for s, n in sorted(c.items())) + ".",
                            style="List Bullet")

    block.add_text("4. Pasākumi, dalībnieki un finansējums pa gadiem", style="Heading 1")
    _table(block, ["Periods", "Ziņojušas iestādes", "Pasākumi", "Izglītojamie", "Vecāki", "Pedagogi un speciālisti",
                   "Citi", "Izlietotais finansējums"], [2.6, 1.6, 1.4, 1.6, 1.4, 1.8, 1.2, 2.4], totals_rows(years))

    block.add_text("5. Secinājumi un priekšlikumi plāna aktualizācijai", style="Heading 1")
    lagging = [r for r in ind_rows if r[-1].startswith(LAGGING)]
    achieved = [r for r in ind_rows if r[-1].startswith(ACHIEVED)]
    never = [r for r in rows if all(s in (NO_REPORT, NOT_DONE, "—") for s in r[2:])
             and any(s != "—" for s in r[2:])]
    lines = [f"Sasniegti vai pārsniegti mērķi: {count(len(achieved), 'rādītājs', 'rādītāji')}; "
             f"atpaliek: {count(len(lagging), 'rādītājs', 'rādītāji')}."]
    lines += [f"Atpaliek: {r[0] or '–'} {r[1]} — pēdējā vērtība {next((v for v in reversed(r[3:3 + len(years)]) if v != '–'), '–')}."
              for r in lagging]
    lines += [f"Aktivitāte {r[0]} {r[1]} nevienā periodā nav ziņota kā īstenota — pārskatīt tās aktualitāti, "
              "atbildīgos vai resursus." for r in never]
    if kind == "mid":
        lines.append("Stratēģiskie mērķi līdz plāna īstenošanas beigām netiek mainīti; aktualizē aktivitātes, "
                     "to atbildīgos, termiņus un resursus.")
    if last is not None and kind == "final":
        lines.append(f"Plāna periods noslēdzas ar {last.label}; secinājumi izmantojami nākamā plānošanas "
                     "perioda programmas izstrādē.")
    for line in lines:
        block.add_text(line, style="List Bullet")
    return block


def evaluation_path(ws: Workspace, period: Period, kind: Kind) -> Path:
    """``outbox/<Y>/starpposma_izvertejums_<Y>.docx`` or ``nosleguma_zinojums_<Y>.docx``."""
    return ws.period_outbox(period.year) / f"{FILES[kind]}_{period.year}.docx"


def make_evaluation(ws: Workspace, period: Period, kind: Kind, today: date, current: Dataset | None = None) -> Path:
    """Render the ``kind`` evaluation over the plan periods up to ``period`` (``current``: its dataset, if
    already loaded)."""
    cfg = ws.config
    years = history(ws, period, current)
    plan = cfg.period.plan_years
    return render_generic(ws, evaluation_path(ws, period, kind), TITLES[kind],
                          f"Plāns {plan[0]}.–{plan[-1]}. gadam; izvērtētie periodi: "
                          f"{years[0].period.short_label}–{period.short_label}" if years else period.label, today,
                          f"{cfg.municipality.genitive} {TITLES[kind]}, {period.label}",
                          lambda: evaluation_body(cfg, years, kind))
