"""An F2 whose at-risk count is larger than last year's by more than half is accepted with a warning."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from generator.core.period import Period
from generator.core.workspace import Workspace
from generator.forms import fill_workbook
from generator.forms.definitions import FORMS
from generator.forms.fields import layout
from generator.intake import process_file
from generator.intake.safety import Limits

FAST = Limits(settle_seconds=0.0, recheck_seconds=0.0, stable_checks=1)


def _f2(ws: Workspace, year: int, at_risk_basic: int, name: str) -> Path:
    path = fill_workbook(ws.config, "F2", Period(year, "school_year"), "zilupes-vsk", ws.inbox / name, seed=year)
    slot = layout(FORMS["F2"]).slot("at_risk_basic")
    wb = load_workbook(path)
    wb[slot.sheet][slot.cell] = at_risk_basic
    wb.save(path)
    return path


def test_at_risk_rising_by_more_than_half_is_flagged(mini_ws: Workspace) -> None:
    first = process_file(_f2(mini_ws, 2025, 10, "a.xlsx"), mini_ws, limits=FAST)
    assert first.outcome == "accepted" and not any("pusotru" in w for w in first.warnings)
    second = process_file(_f2(mini_ws, 2026, 16, "b.xlsx"), mini_ws, limits=FAST)
    assert second.outcome == "accepted"
    cell = layout(FORMS["F2"]).slot("at_risk_basic").cell
    assert (f'Brīdinājums — lapa "Situācijas apraksts", šūna {cell}, lauks "PMP riskam pakļautie pamatizglītībā '
            f'(1.–9. kl.)": Skaits (16) ir vairāk nekā pusotru reizi lielāks nekā pagājušajā periodā (10). '
            f'Pārbaudiet, vai skaitlis ir pareizs; ja ir, paskaidrojiet pieaugumu laukā “Komentārs par riska '
            f'grupām”.') in second.warnings


def test_steady_counts_are_not_flagged(mini_ws: Workspace) -> None:
    process_file(_f2(mini_ws, 2025, 10, "a.xlsx"), mini_ws, limits=FAST)
    again = process_file(_f2(mini_ws, 2026, 15, "b.xlsx"), mini_ws, limits=FAST)
    assert again.outcome == "accepted" and not any("pusotru" in w for w in again.warnings)
