"""The updated plan's tables besides the action plan: goals with their expected improvements, and resources.

Both print what ``config.toml`` holds and the seed's plan shows: the strategic goals with the improvements
each is to bring ("Sagaidāmie uzlabojumi", Rīga 4.1. tab.; every seed's goals table), and the resources plan
(Ogre 3.4., Ludza 3.5./3.6.: per activity the expected result, the resources or planned funding, the
funding source, the responsible institution) wherever the plan gives activities planned funding.
"""

from __future__ import annotations

from typing import Any

from ..core.config import Activity, Config, Goal
from . import tables
from .common import activities_of, capitalised, goals_by_level, refs_text

LANDSCAPE_WIDTH_CM = 26.7

GOALS_HEAD = ["Nr.", "Mērķis", "Sagaidāmie uzlabojumi"]
GOALS_WEIGHTS = [1.0, 9.0, 16.0]
RESOURCES_HEAD = ["Nr.", "Prevencijas aktivitāte", "Sasniedzamais rezultāts",
                  "Nepieciešamie resursi / plānotais finansējums", "Finanšu avots", "Atbildīgā institūcija"]
RESOURCES_WEIGHTS = [1.0, 5.0, 5.5, 6.5, 4.5, 3.5]


def _level_goal_rows(cfg: Config, row_of: Any, goal_rows: bool) -> list[tuple[str, list[str]]]:
    body: list[tuple[str, list[str]]] = []
    for _level, label, goals in goals_by_level(cfg):
        body.append(("level", [label]))
        for goal in goals:
            body += row_of(goal) if not goal_rows else [("goal", [f"{goal.number}. mērķis: {goal.title}"]),
                                                        *row_of(goal)]
    return body


def _render(head: list[str], weights: list[float], body: tables.Body) -> tables.Block:
    block = tables.Block()
    tables.fitted_table(block, head, weights, body, LANDSCAPE_WIDTH_CM, 8)
    return block


def goals_table(cfg: Config) -> tables.Block | str:
    """Strategic goals and their expected improvements ("" when no goal has any)."""
    if not any(g.expected_results for g in cfg.plan.goals):
        return ""

    def row_of(goal: Goal) -> list[tuple[str, list[str]]]:
        results = "\n".join(capitalised(r) for r in goal.expected_results) or "—"
        return [("row", [goal.number, capitalised(goal.title), results])]

    return _render(GOALS_HEAD, GOALS_WEIGHTS, _level_goal_rows(cfg, row_of, goal_rows=False))


def planned_funding_text(cfg: Config, act: Activity) -> str:
    """The activity's planned funding or needed resources as the plan writes them (amount and source
    when there is no text)."""
    parts = []
    for pf in act.planned_funding:
        text = pf.text or (f"{pf.amount:.2f}".replace(".", ",") + "\u00a0EUR" if pf.amount is not None else "")
        if pf.source and not pf.text:
            try:
                source = cfg.funding_source(pf.source).name
            except KeyError:
                source = pf.source
            text = f"{text} ({source})" if text else source
        if pf.year:
            text = f"{pf.year}: {text}"
        if text:
            parts.append(capitalised(text))
    return "\n".join(parts)


def funding_text(cfg: Config, act: Activity) -> str:
    """The funding source as the plan words it, else the sources' names."""
    if act.funding_text:
        return capitalised(act.funding_text)
    names = []
    for fid in act.funding:
        try:
            names.append(cfg.funding_source(fid).name)
        except KeyError:
            names.append(fid)
    return ", ".join(names)


def resources_table(cfg: Config) -> tables.Block | str:
    """The resources plan ("" when no activity has planned funding or needed resources)."""
    if not any(a.planned_funding for a in cfg.plan.activities):
        return ""

    def row_of(goal: Goal) -> list[tuple[str, list[str]]]:
        return [("row", [a.number, capitalised(a.title), capitalised(a.expected_result) or "—",
                         planned_funding_text(cfg, a) or "—", funding_text(cfg, a) or "—",
                         refs_text(cfg, a.responsible) or "—"]) for a in activities_of(cfg, goal)]

    return _render(RESOURCES_HEAD, RESOURCES_WEIGHTS, _level_goal_rows(cfg, row_of, goal_rows=True))


