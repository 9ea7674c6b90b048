"""The updated action plan (``pmp plan``): the plan table in the municipality's column layout.

The table follows ``layout.action_plan_columns``: a "years" column becomes one column per plan year
under "Īstenošanas periods", each marked "x"; a "tasks" column becomes the work-task columns of
Ludza's table 3.4 (task, deadline, executor, supervisor) with one row per task and the activity's
other cells merged across them. Two columns are always added: the execution status of the period and
the changes against the previous edition of the plan.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docxtpl import DocxTemplate

from ..core import lv
from ..core.config import Activity, Config, Goal
from ..core.period import Period
from ..core.vocab import NOT_PLANNED
from ..core.workspace import Workspace
from ..store import open_store
from . import tables
from .common import (
    NO_REPORT,
    STATUSES,
    activities_of,
    aggregate_status,
    capitalised,
    goals_by_level,
    refs_text,
    reported_statuses,
)
from .dataset import Dataset
from .editions import PlanChanges, compare, record_edition
from .fit import fit_widths
from .plan_tables import funding_text, goals_table, resources_table
from .render import TEMPLATE_NAMES, render_docx

LANDSCAPE_WIDTH_CM = 26.7

#: Column key -> (header label, relative width). "years" and "tasks" expand into several columns.
COLUMNS: dict[str, tuple[str, float]] = {
    "number": ("Nr.", 1.1),
    "goal": ("Mērķis", 3.2),
    "title": ("Prevencijas aktivitāte", 5.0),
    "expected_result": ("Sasniedzamais rezultāts", 5.0),
    "responsible": ("Atbildīgā institūcija", 2.4),
    "involved": ("Iesaistītās institūcijas", 2.6),
    "years": ("Īstenošanas periods", 1.1),  # width per year
    "funding": ("Finansējuma avots", 2.6),
    "link": ("Sasaiste ar citiem dokumentiem", 2.0),
    "tasks": ("Darba uzdevumi plāna izpildei", 0.0),
    "status": ("Izpildes statuss", 2.0),
    "changes": ("Izmaiņas", 2.0),
}
TASK_COLUMNS = (("Darba uzdevums", 4.2), ("Izpildes termiņš", 2.1), ("Izpildītājs", 2.3), ("Pārraugs", 2.3))
#: With the work-task columns the text columns give up width so the table still fits the page.
NARROW_IN_TASK_MODE = {"goal": 2.4, "title": 3.8, "expected_result": 3.8, "involved": 2.3}


@dataclass(frozen=True)
class GridColumn:
    """One column of the table grid: its group key, header texts and width."""

    key: str
    group_label: str
    sub_label: str  # "" when the column is not part of a group
    width: float
    index: int = 0  # position inside its group (year or task field)


def grid_columns(cfg: Config, period: Period) -> list[GridColumn]:
    """The grid in the municipality's order, plus the status and changes columns."""
    out: list[GridColumn] = []
    task_mode = "tasks" in cfg.layout.action_plan_columns
    for key in [*cfg.layout.action_plan_columns, "status", "changes"]:
        label, width = COLUMNS[key]
        if task_mode:
            width = NARROW_IN_TASK_MODE.get(key, width)
        if key == "years":
            out += [GridColumn(key, label, str(y), width, n) for n, y in enumerate(cfg.period.plan_years)]
        elif key == "tasks":
            out += [GridColumn(key, label, sub, w, n) for n, (sub, w) in enumerate(TASK_COLUMNS)]
        elif key == "status":
            out.append(GridColumn(key, f"{label} {period.short_label}", "", width))
        else:
            out.append(GridColumn(key, label, "", width))
    return out


def activity_status(act: Activity, ds: Dataset, period: Period) -> str:
    """The activity's execution status in the period (board override, else aggregated from F1)."""
    statuses = [s for s, _ in reported_statuses(ds.f1, act.number).values()]
    status = aggregate_status(act, statuses)
    if status == NO_REPORT and not (set(act.years) & period.plan_years):
        return NOT_PLANNED
    return status


def _change_text(number: str, changes: PlanChanges) -> str:
    if number in changes.new:
        return "jauna"
    if number in changes.changed:
        return "mainīta: " + ", ".join(changes.changed[number])
    return ""


#: Columns of free text, which start with a capital letter as the seeds' tables do.
TEXT_COLUMNS = frozenset({"goal", "title", "expected_result", "responsible", "involved", "funding", "link", "tasks"})
#: Marks a cell that is a reading of a damaged source text, not the adopted wording (``inferred``).
INFERRED_MARK = " [rekonstruēts]"
INFERRED_NOTE = ("[rekonstruēts], (x) — šūnas saturs nav nolasāms pieņemtā dokumenta tekstā; tas ir "
                 "rekonstruēts no blakus rindām un jāpārbauda pirms apstiprināšanas.")


def _cell(col: GridColumn, cfg: Config, goal: Goal, act: Activity, task_row: int, status: str,
          changes: PlanChanges) -> str:
    text = _raw_cell(col, cfg, goal, act, task_row, status, changes)
    if col.key in TEXT_COLUMNS:
        text = capitalised(text)
    if col.key in act.inferred and text:
        text = f"({text})" if col.key == "years" else text + INFERRED_MARK
    return text


def _raw_cell(col: GridColumn, cfg: Config, goal: Goal, act: Activity, task_row: int, status: str,
              changes: PlanChanges) -> str:
    key = col.key
    if key == "number":
        return act.number
    if key == "goal":
        return goal.number if cfg.layout.goals_as_rows else f"{goal.number}. {goal.title}"
    if key == "title":
        return act.title
    if key == "expected_result":
        return act.expected_result
    if key in ("responsible", "involved"):
        return refs_text(cfg, getattr(act, key))
    if key == "years":
        return "x" if cfg.period.plan_years[col.index] in act.years else ""
    if key == "funding":
        return funding_text(cfg, act)
    if key == "link":
        return act.link
    if key == "tasks":
        if task_row >= len(act.tasks):
            return ""
        task = act.tasks[task_row]
        return (task.title, task.deadline, task.executor, task.supervisor)[col.index]
    if key == "status":
        return status
    return _change_text(act.number, changes)


def plan_rows(cfg: Config, ds: Dataset, period: Period, changes: PlanChanges,
              cols: list[GridColumn]) -> list[tuple[Goal, Activity, list[list[str]]]]:
    """Every activity's rows of cell texts (one row per work task in the task layout)."""
    task_mode = "tasks" in cfg.layout.action_plan_columns
    out = []
    for _level, _label, goals in goals_by_level(cfg):
        for goal in goals:
            for act in activities_of(cfg, goal):
                status = activity_status(act, ds, period)
                rows = [[_cell(c, cfg, goal, act, task_row, status, changes) for c in cols]
                        for task_row in range(max(1, len(act.tasks)) if task_mode else 1)]
                out.append((goal, act, rows))
    return out


def build_plan_table(container: Any, cfg: Config, ds: Dataset, period: Period, changes: PlanChanges) -> Any:
    """The action plan table in ``container`` (a subdocument or a document)."""
    cols = grid_columns(cfg, period)
    grouped = any(c.sub_label for c in cols)
    texts = plan_rows(cfg, ds, period, changes, cols)
    first_head = ["" if c.sub_label else c.group_label for c in cols]
    second_head = ["" if c.key == "years" else c.sub_label for c in cols]
    widths, size = fit_widths([c.width for c in cols],
                              [(first_head, True), (second_head, True)]
                              + [(row, False) for _g, _a, rows in texts for row in rows],
                              LANDSCAPE_WIDTH_CM, 7 if len(cols) > 13 else 8)
    cells_of = {act.number: rows for _g, act, rows in texts}
    table = tables.new_table(container, widths, font_pt=size)
    first = tables.add_row(table, [c.group_label for c in cols], bold=True, header=True,
                           fill=tables.HEADER_FILL, center=True)
    if grouped:
        second = tables.add_row(table, [c.sub_label for c in cols], bold=True, header=True,
                                fill=tables.HEADER_FILL, center=True)
        for cell, c in zip(second, cols, strict=True):
            if c.key == "years":
                tables.vertical_text(cell)
        tables.min_height(first, 0.5)
        tables.min_height(second, 1.0)
        n = 0
        while n < len(cols):
            end = n
            while end + 1 < len(cols) and cols[end + 1].key == cols[n].key and cols[n].sub_label:
                end += 1
            if cols[n].sub_label:
                merged = first[n].merge(first[end]) if end > n else first[n]
                tables.set_text(merged, cols[n].group_label, bold=True, center=True,
                                size=table._pmp_font)  # type: ignore[attr-defined]
            else:
                tables.merge_down(table, n, 0, 1)
            n = end + 1
    groups: list[int] = []
    for c in cols:
        if c.key == "years" and c.index > 0:
            groups[-1] += 1
        else:
            groups.append(1)
    tables.number_row(table, groups)
    goal_col = next((n for n, c in enumerate(cols) if c.key == "goal"), None)
    for _level, label, goals in goals_by_level(cfg):
        tables.spanning_row(table, label, fill=tables.LEVEL_FILL, center=True)
        for goal in goals:
            if cfg.layout.goals_as_rows:
                tables.spanning_row(table, f"{goal.number}. mērķis: {goal.title}", fill=tables.GOAL_FILL)
            goal_first = len(table.rows)
            for act in activities_of(cfg, goal):
                start = len(table.rows)
                for row in cells_of[act.number]:
                    cells = tables.add_row(table, row)
                    for cell, c in zip(cells, cols, strict=True):
                        if c.key == "years":
                            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
                end = len(table.rows) - 1
                for n, c in enumerate(cols):
                    if c.key != "tasks" and n != goal_col:
                        tables.merge_down(table, n, start, end)
            if goal_col is not None and len(table.rows) - 1 > goal_first:
                tables.merge_down(table, goal_col, goal_first, len(table.rows) - 1)
    return table


def change_lines(cfg: Config, changes: PlanChanges) -> list[str]:
    """The list of changes printed under the table."""
    lines = [f"{n} {cfg.activity(n).title} — jauna aktivitāte" for n in changes.new]
    lines += [f"{n} {cfg.activity(n).title} — mainīts: {', '.join(f)}" for n, f in changes.changed.items()]
    lines += [f"{n} {title} — aktivitāte svītrota" for n, title in changes.removed]
    return lines


def plan_context(tpl: DocxTemplate, cfg: Config, ds: Dataset, period: Period, edition_date: date,
                 edition_id: str, previous_date: date | None, changes: PlanChanges) -> dict[str, Any]:
    """Every variable of the plan template."""
    subdoc = tables.Block()
    build_plan_table(subdoc, cfg, ds, period, changes)
    counts = Counter(activity_status(a, ds, period) for a in cfg.plan.activities)
    years = cfg.period.plan_years
    order = [*STATUSES, NO_REPORT]
    summary = "; ".join(f"{s} — {counts[s]}" for s in order if counts[s])
    if previous_date is None:
        prev_text = "Šī ir pirmā rīcības plāna redakcija, kas sagatavota ar šo rīku; izmaiņu nav."
    elif not (changes.new or changes.changed or changes.removed):
        prev_text = f"Salīdzinot ar redakciju no {lv.date_genitive(previous_date)}, aktivitātes nav mainītas."
    else:
        prev_text = f"Salīdzinot ar redakciju no {lv.date_genitive(previous_date)}:"
    goals, resources = goals_table(cfg), resources_table(cfg)
    number = 1
    before = []
    if goals:
        before.append({"caption": f"{number}. tabula. Stratēģiskie mērķi un sagaidāmie uzlabojumi", "table": goals})
        number += 1
    plan_number = number
    after = []
    if resources:
        after.append({"caption": f"{number + 1}. tabula. PMP prevencijas aktivitātēm nepieciešamo resursu un "
                                 "finansējuma plāns", "table": resources})
    mon = cfg.monitoring
    return {
        "genitive": cfg.municipality.genitive,
        "board_name": cfg.municipality.board_name,
        "plan_years": f"{years[0]}.–{years[-1]}. gadam",
        "edition_date": lv.date_long(edition_date),
        "edition_id": edition_id,
        "period_label": period.label,
        "prepared_text": (f"Aktualizēto plānu sagatavoja: {mon.prepared_by or cfg.municipality.board_name}"
                          + (f"; to {mon.presented_to}." if mon.presented_to else ".")),
        "before_tables": before,
        "table_caption": f"{plan_number}. tabula. PMP prevencijas sistēmas ieviešanas rīcības plāns",
        "inferred_note": INFERRED_NOTE if any(a.inferred for a in cfg.plan.activities) else "",
        "after_tables": after,
        "plan_table": subdoc,
        "status_summary": f"Aktivitāšu izpildes statuss ({period.label}): {summary}.",
        "previous_edition_text": prev_text,
        "changes": change_lines(cfg, changes),
        "footer_text": f"{cfg.municipality.genitive} PMP rīcības plāns, {lv.date_long(edition_date)}",
    }


def plan_path(ws: Workspace, period: Period) -> Path:
    """``outbox/<Y>/ricibas_plans_<Y>.docx``."""
    return ws.period_outbox(period.year) / f"ricibas_plans_{period.year}.docx"


def make_plan(ws: Workspace, period: Period, ds: Dataset, today: date) -> Path:
    """Record the plan's edition in the store, then render the updated action plan."""
    cfg = ws.config
    with open_store(ws) as store:
        current, previous = record_edition(store.conn, cfg, period.year, today)
    changes = compare(cfg, previous.plan if previous else None)
    return render_docx(
        ws.template(TEMPLATE_NAMES["plan"]),
        lambda tpl: plan_context(tpl, cfg, ds, period, current.created, current.edition,
                                 previous.created if previous else None, changes),
        plan_path(ws, period),
    )
