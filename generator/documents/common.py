"""What the report and the plan share: levels, goals in order, aggregated activity status."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from ..core.config import Activity, Config, Goal, Institution
from ..core.period import Period
from ..core.vocab import ACTIVITY_STATUSES, LEVEL_LABELS, NO_REPORT, NOT_PLANNED, PARTLY

STATUSES = ACTIVITY_STATUSES


def goals_by_level(cfg: Config) -> list[tuple[str, str, list[Goal]]]:
    """(level, level label, goals) in U, M, P order, skipping empty levels."""
    out = []
    for level, label in LEVEL_LABELS.items():
        goals = [g for g in cfg.plan.goals if g.level == level]
        if goals:
            out.append((level, label, goals))
    return out


def activities_of(cfg: Config, goal: Goal) -> list[Activity]:
    """The plan's activities under ``goal`` in plan order."""
    return [a for a in cfg.plan.activities if a.goal == goal.number]


def refs_text(cfg: Config, refs: Iterable[str]) -> str:
    """Institutions as a plan table prints them ("SD, izglītības iestādes")."""
    return ", ".join(cfg.ref_label(r) for r in refs)


def capitalised(text: str) -> str:
    """A cell's text starting with a capital letter, as the seeds' tables write it ("iespēja …" -> "Iespēja …")."""
    text = str(text or "").strip()
    return text[:1].upper() + text[1:] if text[:1].islower() else text


_index: tuple[list[Institution], int, dict[str, Institution]] | None = None


def institution(cfg: Config, inst_id: str) -> Institution:
    """``cfg.institution(inst_id)`` (KeyError when unknown) through an index by id: the documents look up an
    institution for every row they print, and a walk over every institution each time grows as S²."""
    global _index
    insts = cfg.institutions
    if _index is None or _index[0] is not insts or _index[1] != len(insts):
        by_id: dict[str, Institution] = {}
        for inst in insts:
            by_id.setdefault(inst.id, inst)  # the first of a repeated id, as cfg.institution gives
        _index = (insts, len(insts), by_id)
    return _index[2][inst_id]


def institution_label(cfg: Config, inst_id: str) -> str:
    """The label a table prints for an institution id (its abbreviation or name; the id itself when unknown)."""
    try:
        return institution(cfg, inst_id).label
    except KeyError:
        return inst_id


def institution_name(cfg: Config, inst_id: str) -> str:
    """The full name of an institution id (the id itself when unknown)."""
    try:
        return institution(cfg, inst_id).name
    except KeyError:
        return inst_id


def reported_statuses(f1: dict[str, dict[str, Any]], number: str) -> dict[str, tuple[str, str]]:
    """Institution id -> (status, comment) that each F1 gives for activity ``number``."""
    return dict(_statuses_by_activity(f1).get(number, {}))


_statuses: tuple[dict[str, dict[str, Any]], tuple[Any, ...], dict[str, dict[str, tuple[str, str]]]] | None = None


def _statuses_by_activity(f1: dict[str, dict[str, Any]]) -> dict[str, dict[str, tuple[str, str]]]:
    """Every F1's statuses by activity, indexed once per set of F1s: documents ask for each activity, and a
    walk over every F1 for each grows as S² (the key notices another dict, or F1s or status lists changed)."""
    global _statuses
    key = tuple((inst, id(data), id(data.get("statuses")), len(data.get("statuses") or ()))
                for inst, data in f1.items())
    if _statuses is None or _statuses[0] is not f1 or _statuses[1] != key:
        index: dict[str, dict[str, tuple[str, str]]] = {}
        for inst, data in sorted(f1.items()):
            for item in data.get("statuses") or []:
                if item.get("status"):
                    index.setdefault(str(item.get("activity")), {})[inst] = (str(item["status"]),
                                                                             str(item.get("comment") or ""))
        _statuses = (f1, key, index)
    return _statuses[2]


def aggregate_status(activity: Activity, statuses: Iterable[str]) -> str:
    """One status from the institutions' statuses; the board's ``status_override`` wins.

    "nav plānota šogad" counts only when every institution says so; of the rest, all "īstenota" →
    īstenota, all "nav īstenota" → nav īstenota, any other mix → daļēji; nobody reported → "nav ziņu".
    """
    if activity.status_override:
        return activity.status_override
    given = [s for s in statuses if s in STATUSES]
    if not given:
        return NO_REPORT
    kinds = set(given) - {NOT_PLANNED}
    if not kinds:
        return NOT_PLANNED
    if len(kinds) == 1:
        return kinds.pop()
    return PARTLY


def deadline(cfg: Config, period: Period) -> date:
    """The report deadline: ``period.report_deadline`` (MM-DD) on or after the period's end."""
    month, day = (int(x) for x in cfg.period.report_deadline.split("-"))
    due = date(period.end.year, month, day)
    return due if due >= period.end else date(period.end.year + 1, month, day)
