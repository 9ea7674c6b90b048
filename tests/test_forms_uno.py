"""The forms filled in the real client: LibreOffice Calc with a Latvian locale, driven through UNO.

A school secretary's edits — typing values as people type them, picking from dropdowns, pasting a
block, inserting and deleting rows, saving as .xlsx — are made in Calc itself (``uno_harness.py``);
then the saved file goes through the intake, and the tests assert on the verdict and on what the store
holds, compared with what was typed.
"""

from __future__ import annotations

import subprocess
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from generator.core.period import Period
from generator.core.workspace import Workspace
from generator.forms import fill_workbook, read_submission, write_blank
from generator.intake import Result, process_file
from generator.store import open_store

from .intake_helpers import FAST
from .uno_harness import Calc, unavailable

pytestmark = [pytest.mark.slow, pytest.mark.skipif(unavailable() is not None, reason=unavailable() or "")]

YEAR = 2026  # the school year 2025./2026.: "12.03.26" is inside it


@pytest.fixture(scope="module")
def calc(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One Latvian-locale LibreOffice for the module, killed at the end whatever happens."""
    with Calc(tmp_path_factory.mktemp("calc")) as office:
        yield office


def typed(value: Any) -> str:
    """How a person in Latvia types ``value`` into a cell."""
    if isinstance(value, bool):
        return "jā" if value else "nē"
    if isinstance(value, datetime | date):
        return f"{value:%d.%m.%y}"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def type_cells(cells: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Actions typing every cell of ``{sheet: {cell: value}}``, sheet by sheet."""
    actions: list[dict[str, Any]] = []
    for sheet, values in cells.items():
        actions.append({"sheet": sheet})
        actions += [{"type": [cell, typed(v)]} for cell, v in values.items() if v not in (None, "")]
    return actions


def filled_cells(ws: Workspace, form_id: str, inst: str, tmp: Path, seed: int = 3) -> tuple[dict, dict]:
    """A realistic set of inputs for the form (from the filler) and the data they must give when read."""
    path = fill_workbook(ws.config, form_id, Period(YEAR, ws.config.period.kind), inst, tmp / f"src_{form_id}.xlsx",
                         seed=seed)
    sub = read_submission(path, ws.config)
    assert sub.ok, sub.messages
    return sub.raw_cells, sub.data


def submit(calc: Calc, ws: Workspace, form_id: str, inst: str, actions: list[dict[str, Any]],
           name: str | None = None) -> Result:
    """Open the blank form in Calc, apply ``actions``, save it into the inbox and run the intake on it."""
    period = Period(YEAR, ws.config.period.kind)
    blank = write_blank(ws.config, form_id, period, inst, ws.root / "blank" / f"{form_id}_{inst}.xlsx")
    dest = ws.inbox / (name or f"{form_id}_{inst}.xlsx")
    calc.edit(blank, dest, actions)
    return process_file(dest, ws, limits=FAST)


def stored(ws: Workspace, inst: str, form_id: str) -> dict[str, Any] | None:
    with open_store(ws) as store:
        return store.accepted_data(inst, form_id, YEAR)


def test_values_typed_as_people_type_them_are_stored_right(calc: Calc, mini_ws: Workspace, tmp_path: Path) -> None:
    cells, expected = filled_cells(mini_ws, "F2", "zilupes-vsk", tmp_path)
    main = cells["Situācijas apraksts"]
    main.update({"B8": "1 200",   # pupils at the start, grades 10–12: a thousands space
                 "B13": " 7 ",     # moved in: stray spaces
                 "B31": "12,5",    # unexcused lessons per pupil: a decimal comma
                 "B62": "jā"})     # picked from the dropdown
    expected["pupils_start"]["10-12"], expected["moved_in"] = 1200, 7
    expected["unexcused_per_pupil_basic"], expected["has_pmp_plan"] = 12.5, True
    result = submit(calc, mini_ws, "F2", "zilupes-vsk", type_cells(cells))
    assert (result.outcome, result.errors) == ("accepted", [])
    assert stored(mini_ws, "zilupes-vsk", "F2") == expected  # every typed value, as the school typed it


def test_f1_dates_dropdowns_and_a_pasted_block(calc: Calc, mini_ws: Workspace, tmp_path: Path) -> None:
    cells, expected = filled_cells(mini_ws, "F1", "ludzas-psk", tmp_path)
    acts = cells["Aktivitātes"]
    acts["C7"] = "12.03.26"  # a date as people type it in Latvia
    expected["activities"][0]["date"] = "2026-03-12"
    rows = len(expected["activities"])
    # the last activity row is copied and pasted below the others (Ctrl+C, Ctrl+V), then its title changed
    actions = [*type_cells(cells), {"sheet": "Aktivitātes"}, {"copy": f"A{6 + rows}:M{6 + rows}"},
               {"paste": f"A{7 + rows}"}, {"type": [f"B{7 + rows}", "Tā pati aktivitāte vēlreiz"]}]
    expected["activities"].append({**expected["activities"][-1], "title": "Tā pati aktivitāte vēlreiz"})
    result = submit(calc, mini_ws, "F1", "ludzas-psk", actions)
    assert (result.outcome, result.errors) == ("accepted", [])
    assert stored(mini_ws, "ludzas-psk", "F1") == expected


def test_long_text_typed_in_calc_prints_whole(calc: Calc, mini_ws: Workspace, tmp_path: Path) -> None:
    """A long narrative typed into a blank form grows its row, so the printed page shows all of it."""
    long = " ".join(f"Teikums {n} par veicinošajiem un kavējošajiem faktoriem skolā." for n in range(1, 13))
    long += " Beigu vārds."
    blank = write_blank(mini_ws.config, "F1", Period(YEAR, "school_year"), "sd", tmp_path / "f1.xlsx")
    saved = tmp_path / "f1_long.xlsx"
    calc.edit(blank, saved, [{"sheet": "Aktivitātes"}, {"type": ["J7", long]}, {"type": ["B7", "Garš apraksts"]}])
    pdf = tmp_path / "f1_long.pdf"
    calc.run([{"open": str(saved)}, {"export_pdf": str(pdf)}])
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True,
                          timeout=60).stdout
    words = " ".join(text.split())  # the cell's text wraps over many printed lines
    assert all(f"Teikums {n} par" in words for n in range(1, 13)) and "skolā. Beigu vārds." in words, words[:3000]
    # the blank table's ruled rows print too: the activities sheet takes more than its header's page
    assert text.count("Plāna aktivitāte *") >= 2

