"""``pmp demo``: the whole pipeline on the default municipality with generated realistic submissions.

A new workspace from the default preset; blank forms for every institution; a filled workbook from
the filler for every form every institution owes (two of them faulty, so their rejection receipts
can be seen, and one with a warning); case reports (F3) about two pupils; everything ingested; then
``build`` as the board would run it, and the cooperation group's next meeting record and draft protocol.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..core import lv
from ..core.errors import PeriodError
from ..core.period import Period, resolve_period
from ..core.workspace import DEFAULT_PRESET, Workspace, init_workspace
from ..forms import fill_workbook, form_filename, generate_forms
from ..intake.status import owed
from ..protocols import NewProtocol, new_protocol
from .build import BuildResult, build

#: (form, which institution of the kind, injected error) — two rejections and one warning.
FAULTS = (("F2", 0, "dropouts_above_pupils"), ("F1", 4, "bad_activity"))
WARNING = ("F2", 1, "many_dropouts")


@dataclass
class DemoResult:
    """The demo workspace, its period, what was submitted and what the build made."""

    workspace: Workspace
    period: Period
    blank_forms: list[Path] = field(default_factory=list)
    submitted: list[Path] = field(default_factory=list)
    faulty: list[Path] = field(default_factory=list)
    build: BuildResult | None = None
    case_reports: list[Path] = field(default_factory=list)
    protocol: NewProtocol | None = None


def demo_period(ws: Workspace, today: date) -> Period:
    """The current period when the plan covers it, else the plan's last year."""
    cfg = ws.config
    try:
        return resolve_period(cfg, None, today)
    except PeriodError:
        return resolve_period(cfg, cfg.period.plan_years[-1])


def run_demo(target: Path, today: date, progress: Callable[[str], None] | None = None,
             preset: str = DEFAULT_PRESET) -> DemoResult:
    """Create the demo workspace in ``target`` and run the pipeline; ``target`` must not be a workspace."""
    say = progress or (lambda _msg: None)
    ws = init_workspace(target, preset)
    cfg = ws.config
    period = demo_period(ws, today)
    result = DemoResult(ws, period)
    say(f"Darba vieta {ws.root} ({cfg.municipality.name}), periods {period.label}")
    result.blank_forms = generate_forms(ws, period)
    say(f"Tukšās veidlapas: {lv.count(len(result.blank_forms), 'fails', 'faili')} mapē {ws.forms_dir / str(period.year)}")
    seen: dict[str, int] = {}
    past = time.time() - 120  # written "a while ago": the intake need not wait for them to settle
    for n, (inst_id, form) in enumerate(owed(cfg, period)):
        index = seen.get(form, 0)
        seen[form] = index + 1
        errors = [e for f, i, e in (*FAULTS, WARNING) if f == form and i == index]
        dest = ws.inbox / form_filename(form, period, inst_id)
        fill_workbook(cfg, form, period, inst_id, dest, seed=n, errors=errors)
        os.utime(dest, (past, past))
        result.submitted.append(dest)
        if any(e in {x for _, _, x in FAULTS} for e in errors):
            result.faulty.append(dest)
    for n, school in enumerate(cfg.schools[:2]):
        # Case reports carry a child's name: a neutral file name, as the school guide asks.
        dest = ws.inbox / f"zinojums_{n + 1}.xlsx"
        fill_workbook(cfg, "F3", period, school.id, dest, seed=100 + n)
        os.utime(dest, (past, past))
        result.case_reports.append(dest)
    say(f"Aizpildīti iesniegumi iesūtnē: {len(result.submitted)} (ar kļūdām: {len(result.faulty)}), "
        f"ziņojumi par izglītojamajiem: {len(result.case_reports)}")
    result.build = build(ws, period, today, pdf=False, progress=say)
    meeting_day = min(today, period.end)
    result.protocol = new_protocol(ws, meeting_day, cfg.municipality.board_address, today=today)
    say(f"Sadarbības grupas sanāksmes protokola projekts Nr. {result.protocol.number}: "
        f"{result.protocol.cases} gadījumi darba kārtībā")
    return result
