"""Editions of the action plan kept in the store, and what changed between two editions.

Each time a plan document is produced, the plan's edition (``Config.plan_edition()``, a hash of goals,
activities and indicators) is recorded with the plan itself, unless it is already the newest edition
recorded. The document then marks activities as new or changed against the edition recorded before
the current one.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..core.config import Activity, Config

#: Activity fields compared between editions, with the Latvian name printed in the list of changes.
COMPARED = {
    "title": "nosaukums",
    "goal": "mērķis",
    "expected_result": "sasniedzamais rezultāts",
    "responsible": "atbildīgā institūcija",
    "involved": "iesaistītās institūcijas",
    "years": "īstenošanas periods",
    "funding": "finansējuma avots",
    "funding_text": "finansējuma avots",
    "link": "sasaiste ar citiem dokumentiem",
    "tasks": "darba uzdevumi",
}


@dataclass(frozen=True)
class Edition:
    """One recorded edition of the plan."""

    edition: str
    period: int
    created_at: str
    plan: dict[str, Any]

    @property
    def created(self) -> date:
        return datetime.fromisoformat(self.created_at).date()


@dataclass(frozen=True)
class PlanChanges:
    """Activity numbers new, changed (with the Latvian names of changed fields) and removed."""

    new: list[str]
    changed: dict[str, list[str]]
    removed: list[tuple[str, str]]  # (number, title)


def record_edition(conn: sqlite3.Connection, cfg: Config, period: int, today: date) -> tuple[Edition,
                                                                                             Edition | None]:
    """Record the current edition if it is not the newest one; return (current, previous)."""
    edition = cfg.plan_edition()
    rows = conn.execute("SELECT edition, period, created_at, plan FROM plan_editions ORDER BY id").fetchall()
    editions = [Edition(r[0], r[1], r[2], json.loads(r[3])) for r in rows]
    if not editions or editions[-1].edition != edition:
        plan = cfg.plan.model_dump(mode="json")
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO plan_editions (edition, period, created_at, plan) VALUES (?, ?, ?, ?)",
                     (edition, period, today.isoformat(), json.dumps(plan, ensure_ascii=False)))
        conn.execute("COMMIT")
        editions.append(Edition(edition, period, today.isoformat(), plan))
    # The date of an edition is when it first appeared after a different one.
    current = editions[-1]
    start = len(editions) - 1
    while start > 0 and editions[start - 1].edition == edition:
        start -= 1
    current = Edition(edition, current.period, editions[start].created_at, current.plan)
    previous = editions[start - 1] if start > 0 else None
    return current, previous


def _activity_dump(act: Activity) -> dict[str, Any]:
    return act.model_dump(mode="json")


def compare(cfg: Config, previous: dict[str, Any] | None) -> PlanChanges:
    """What changed in ``cfg``'s activities since the ``previous`` plan dump (None: nothing to compare)."""
    if previous is None:
        return PlanChanges([], {}, [])
    old = {a["number"]: a for a in previous.get("activities", [])}
    new: list[str] = []
    changed: dict[str, list[str]] = {}
    for act in cfg.plan.activities:
        before = old.get(act.number)
        if before is None:
            new.append(act.number)
            continue
        now = _activity_dump(act)
        fields: list[str] = []
        for key, label in COMPARED.items():
            if now.get(key) != before.get(key) and label not in fields:
                fields.append(label)
        if fields:
            changed[act.number] = fields
    current = {a.number for a in cfg.plan.activities}
    removed = [(n, str(a.get("title", ""))) for n, a in old.items() if n not in current]
    return PlanChanges(new, changed, removed)
