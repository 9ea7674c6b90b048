"""The report's activity part, made for a council to read: one table row per plan activity.

Each goal gets its expected improvements and a table whose rows give an activity's status, its events and
participants, the funding spent and the institutions — counted, not repeated. What every institution wrote
(each event, its impact and the factors that helped or hindered, comments on the status) goes to the annex
(:mod:`generator.documents.report_annex`) and the consolidated workbook. Municipalities whose programme
evaluates more than activities get their own tables: Ludza's results table (3.6. tab.: planned funding,
expected result, achieved value, impact, factors) and the work tasks of Ludza's and Ogre's plans.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from ..core import lv
from ..core.config import Activity, Config, Goal
from ..core.period import Period
from ..core.vocab import PARTICIPANT_GROUPS_TEXT
from . import tables
from .common import (
    NO_REPORT,
    activities_of,
    capitalised,
    goals_by_level,
    institution,
    institution_label,
    refs_text,
    reported_statuses,
)
from .dataset import Dataset
from .metrics import fmt, num
from .plan import activity_status
from .plan_tables import planned_funding_text

PORTRAIT_WIDTH_CM = 16.0
GROUPS = tuple(PARTICIPANT_GROUPS_TEXT.items())
Events = list[tuple[str, dict[str, Any]]]

ACTIVITY_HEAD = ["Nr.", "Aktivitāte", "Izpildes statuss", "Pasākumi un dalībnieki", "Izlietotais finansējums",
                 "Atbildīgā un ziņojušās iestādes"]
ACTIVITY_WEIGHTS = [1.0, 5.2, 2.0, 3.6, 2.0, 3.2]


def count(n: int, one: str, many: str) -> str:
    """"1 pasākums", "2 pasākumi", "21 pasākums" (:func:`lv.count`)."""
    return lv.count(n, one, many)


def eur(value: float) -> str:
    """"1 234,50 EUR" with no-break spaces, so an amount never breaks across lines (:func:`lv.money`)."""
    return lv.money(value).replace(" ", "\u00a0")


def participants(events: Sequence[dict[str, Any]]) -> str:
    """"izglītojamie — 107, vecāki — 14" over the events (or "nav norādīti")."""
    parts = []
    for key, label in GROUPS:
        total = sum(num(e.get(key)) for e in events)
        if total:
            parts.append(f"{label} — {_fmt(total)}")
    return ", ".join(parts) if parts else "nav norādīti"


@lru_cache(maxsize=4096)
def _fmt(value: float) -> str:
    """:func:`fmt` remembered: the annex writes the participants of every event (Babel formats slowly)."""
    return fmt(value)


def events_by_activity(ds: Dataset) -> dict[str | None, Events]:
    """Plan activity number (None: not in the plan) -> [(institution id, F1 event row)]."""
    out: dict[str | None, Events] = defaultdict(list)
    for inst, data in sorted(ds.f1.items()):
        for row in data.get("activities") or []:
            number = row.get("activity")
            out[str(number) if number else None].append((inst, row))
    return out


def spent(events: Events) -> float:
    return sum(num(e.get("funding_eur")) for _, e in events)


#: Kinds counted rather than named when they report ("12 izglītības iestādes").
COUNTED_KINDS = {"school": ("izglītības iestāde", "izglītības iestādes"),
                 "preschool": ("pirmsskolas izglītības iestāde", "pirmsskolas izglītības iestādes")}
NAMED_AT_MOST = 4


def reporters_text(cfg: Config, inst_ids: set[str]) -> str:
    """The reporting institutions, short: schools counted, at most four others named, the rest counted."""
    counted: dict[str, int] = defaultdict(int)
    named = []
    for inst_id in sorted(inst_ids):
        try:
            kind = institution(cfg, inst_id).kind.value
        except KeyError:
            kind = ""
        if kind in COUNTED_KINDS:
            counted[kind] += 1
        else:
            named.append(institution_label(cfg, inst_id))
    parts = [count(n, *COUNTED_KINDS[k]) for k, n in counted.items()]
    parts += named[:NAMED_AT_MOST]
    if len(named) > NAMED_AT_MOST:
        parts.append(f"vēl {count(len(named) - NAMED_AT_MOST, 'iestāde', 'iestādes')}")
    return ", ".join(parts)


def activity_row(cfg: Config, ds: Dataset, period: Period, act: Activity, events: Events) -> list[str]:
    """One activity as a row: number, title, status, events and participants, funding, institutions."""
    status = activity_status(act, ds, period)
    rows = [e for _, e in events]
    happened = f"{count(len(rows), 'pasākums', 'pasākumi')}; {participants(rows)}" if rows else "nav ziņots"
    reporters = {i for i, _ in events} | set(reported_statuses(ds.f1, act.number))
    who = f"Atbildīgā: {refs_text(cfg, act.responsible) or '—'}"
    if reporters:
        who += "\nZiņoja: " + reporters_text(cfg, reporters)
    return [act.number, capitalised(act.title), status, happened, eur(spent(events)) if rows else "—", who]


def goal_table(cfg: Config, ds: Dataset, period: Period, goal: Goal, events: dict[str | None, Events]) -> tables.Block:
    """The table of one goal's activities."""
    block = tables.Block()
    rows = [activity_row(cfg, ds, period, a, events.get(a.number, [])) for a in activities_of(cfg, goal)]
    tables.fitted_table(block, ACTIVITY_HEAD, ACTIVITY_WEIGHTS, [("row", r) for r in rows], PORTRAIT_WIDTH_CM, 8,
                        numbered=False)
    return block


def levels_section(cfg: Config, ds: Dataset, period: Period) -> list[dict[str, Any]]:
    """Level → goal (title, expected improvements, activity table) for the template's loops."""
    events = events_by_activity(ds)
    out = []
    for _level, label, goals in goals_by_level(cfg):
        entries = []
        for g in goals:
            has_activities = bool(activities_of(cfg, g))
            entries.append({
                "title": f"{g.number}. mērķis: {g.title}",
                "improvements": [capitalised(r) for r in g.expected_results],
                "table": goal_table(cfg, ds, period, g, events) if has_activities else "",
                "note": "" if has_activities else "Šim mērķim rīcības plānā nav noteiktu aktivitāšu.",
            })
        out.append({"label": label, "goals": entries})
    return out


# ---- results table (Ludza 3.6. tab.) ---------------------------------------------------------------

RESULTS_HEAD = ["Nr.", "Aktivitāte", "Ieguldītais finansējums: plānotais", "Izlietotais finansējums",
                "Plānotais sasniedzamais rezultāts", "Izpilde (sasniegtā vērtība)", "Ietekmes novērtējums",
                "Ietekmes faktoru analīze"]
RESULTS_WEIGHTS = [0.9, 2.6, 1.8, 1.6, 2.6, 2.2, 2.6, 2.6]
#: How many different texts a results-table cell quotes before it points to the annex.
QUOTED = 2


def distinct_texts(events: Events, key: str) -> str:
    """The different texts of ``key`` among the events, at most :data:`QUOTED`, then a pointer."""
    seen: list[str] = []
    for _, e in events:
        text = str(e.get(key) or "").strip()
        if text and text not in seen:
            seen.append(text)
    if not seen:
        return NO_REPORT
    more = len(seen) - QUOTED
    return "\n".join(capitalised(t) for t in seen[:QUOTED]) + (f"\n(vēl {more} — pielikumā)" if more > 0 else "")


def results_table(cfg: Config, ds: Dataset, period: Period) -> tables.Block:
    """Per activity: planned and spent funding, expected result, achievement, impact, factors."""
    block = tables.Block()
    events = events_by_activity(ds)
    body: tables.Body = []
    for _level, label, goals in goals_by_level(cfg):
        body.append(("level", [label]))
        for g in goals:
            body.append(("goal", [f"{g.number}. mērķis: {g.title}"]))
            for act in activities_of(cfg, g):
                ev = events.get(act.number, [])
                rows = [e for _, e in ev]
                achieved = activity_status(act, ds, period)
                if rows:
                    people = sum(num(e.get(k)) for e in rows for k, _ in GROUPS)
                    achieved += f"; {count(len(rows), 'pasākums', 'pasākumi')}, {fmt(people)} dalībnieki"
                body.append(("row", [act.number, capitalised(act.title), planned_funding_text(cfg, act) or "—",
                                     eur(spent(ev)) if rows else "—", capitalised(act.expected_result) or "—",
                                     achieved, distinct_texts(ev, "impact"), distinct_texts(ev, "factors")]))
    tables.fitted_table(block, RESULTS_HEAD, RESULTS_WEIGHTS, body, PORTRAIT_WIDTH_CM, 7.5)
    return block


# ---- work tasks (Ludza 3.4. tab., Ogre 3.3.) ---------------------------------------------------------

TASKS_HEAD = ["Nr.", "Darba uzdevums", "Izpildes termiņš", "Izpildītājs", "Izpilde periodā"]
TASKS_WEIGHTS = [0.9, 5.5, 2.8, 2.6, 3.0]
_YEAR = re.compile(r"(20\d\d)")


def task_years(deadline: str) -> set[int]:
    """Years a deadline text covers: "2024.-2027.g." -> 2024…2027, "2024., 2026." -> {2024, 2026}."""
    years = [int(y) for y in _YEAR.findall(deadline)]
    if re.search(r"20\d\d\.?\s*[-–]\s*20\d\d", deadline) and len(years) >= 2:
        return set(range(min(years), max(years) + 1))
    return set(years)


def task_execution(act: Activity, deadline: str, ds: Dataset, period: Period) -> str:
    """A work task's execution in the period, from its activity's status reported in F1."""
    years = task_years(deadline)
    if years and not (years & period.plan_years):
        return "termiņš nav šajā periodā"
    status = activity_status(act, ds, period)
    comments = [c for _, c in reported_statuses(ds.f1, act.number).values() if c]
    return status + (f" ({comments[0]})" if comments else "")


def tasks_table(cfg: Config, ds: Dataset, period: Period) -> tables.Block:
    """Each work task with its deadline, executor and execution in the period."""
    block = tables.Block()
    rows = [[act.number, capitalised(t.title), capitalised(t.deadline), capitalised(t.executor),
             task_execution(act, t.deadline, ds, period)]
            for act in cfg.plan.activities for t in act.tasks]
    if not rows:
        return block
    tables.fitted_table(block, TASKS_HEAD, TASKS_WEIGHTS, [("row", r) for r in rows], PORTRAIT_WIDTH_CM, 8)
    return block
