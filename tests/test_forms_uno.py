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



def _pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True,
                          timeout=60).stdout
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


def test_blank_forms_print_every_table_with_its_header(calc: Calc, mini_ws: Workspace, tmp_path: Path) -> None:
    """Printed from Calc: ruled empty rows, the header on every page of a table, no table cut from its header."""
    period = Period(YEAR, "school_year")
    pages: dict[str, list[str]] = {}
    for form_id, inst in (("F1", "sd"), ("F2", "zilupes-vsk")):
        blank = write_blank(mini_ws.config, form_id, period, inst, tmp_path / f"{form_id}.xlsx")
        calc.run([{"open": str(blank)}, {"export_pdf": str(tmp_path / f"{form_id}.pdf")}])
        pages[form_id] = _pdf_pages(tmp_path / f"{form_id}.pdf")
    activity_pages = [p for p in pages["F1"] if "Veicinošie un kavējošie faktori" in p and "Lapa Daļa" not in p]
    assert len(activity_pages) >= 2  # 150 ruled rows do not fit one page …
    assert all("Plāna aktivitāte *" in p and "Finansējuma avots" in p for p in activity_pages)  # … each has the header
    for form_id, form_pages in pages.items():
        for n, page in enumerate(form_pages, start=1):
            # a page holding nothing but the page number is a table cut off from its header
            assert page.strip() != f"{n}. lpp. no {len(form_pages)}", (form_id, n)
    tables = [p for p in pages["F2"] if "Partneris *" in p or "Izglītības iestāde *" in p]
    titles = ("9. klašu beidzēji: kur turpina izglītību", "12. klašu beidzēji: kur turpina izglītību")
    assert [sum(p.count(t) for p in tables) for t in titles] == [1, 1]  # each title printed once …
    for page in tables:  # … on the page of its header row
        assert page.count("Izglītības iestāde *") == sum(page.count(t) for t in titles), page


# ---- the edits of issue 11, rows 1–6 ----------------------------------------------------------------

def _errors_at(result: Result, cell: str) -> list[str]:
    return [line for line in result.errors if f"šūna {cell}," in line or line.endswith(f"šūna {cell}")]


def test_row1_f1_row_inserted_in_the_status_table_keeps_every_status(calc: Calc, mini_ws: Workspace,
                                                                      tmp_path: Path) -> None:
    cells, expected = filled_cells(mini_ws, "F1", "ludzas-psk", tmp_path)
    status = cells.pop("Plāna izpilde")
    statuses = [r["status"] for r in expected["statuses"]]
    assert len(statuses) == 4  # rows 11–14
    moved = {cell: value for cell, value in status.items() if int(cell[1:]) < 14}
    moved.update({f"{cell[0]}{int(cell[1:]) + 1}": value for cell, value in status.items() if int(cell[1:]) >= 14})
    actions = [*type_cells(cells), {"sheet": "Plāna izpilde"}, {"unprotect": "Plāna izpilde"},
               {"insert_rows": [14]},  # a row after the 3rd status
               *type_cells({"Plāna izpilde": moved})]
    result = submit(calc, mini_ws, "F1", "ludzas-psk", actions)
    assert (result.outcome, result.errors) == ("accepted", [])
    data = stored(mini_ws, "ludzas-psk", "F1")
    assert data is not None and [r["status"] for r in data["statuses"]] == statuses
    assert data == expected


def test_row2_f4_new_version_with_an_inserted_row_is_never_smaller(calc: Calc, mini_ws: Workspace,
                                                                    tmp_path: Path) -> None:
    values = {f"H{r}": v for r, v in zip(range(7, 12), ("72,5", "76", "0,9", "1,8", "pēc pieprasījuma"), strict=True)}
    first = submit(calc, mini_ws, "F4", "ip", type_cells({"Rādītāji": values}), name="v1.xlsx")
    assert first.outcome == "accepted"
    v1 = stored(mini_ws, "ip", "F4")
    assert v1 is not None and len(v1["values"]) == 5
    changed = {**values, "H7": "74"}
    shifted = {(f"H{int(c[1:]) + 1}" if int(c[1:]) >= 10 else c): v for c, v in changed.items()}
    second = submit(calc, mini_ws, "F4", "ip", [{"sheet": "Rādītāji"}, {"unprotect": "Rādītāji"},
                                                {"insert_rows": [10]}, *type_cells({"Rādītāji": shifted})],
                    name="v2.xlsx")
    now = stored(mini_ws, "ip", "F4")
    assert now is not None and len(now["values"]) == 5, (second.outcome, second.errors)
    if second.outcome == "accepted":
        assert [v["value"] for v in now["values"]] == [74.0, 76.0, 0.9, 1.8, None]
        assert now["values"][4]["text"] == "pēc pieprasījuma"
    else:
        assert second.outcome == "rejected" and now == v1 and len(second.errors) == 1, second.errors


def test_row3_f2_deleted_empty_partner_row_keeps_further_education_rows(calc: Calc, mini_ws: Workspace,
                                                                         tmp_path: Path) -> None:
    cells, expected = filled_cells(mini_ws, "F2", "zilupes-vsk", tmp_path)
    tables = cells.pop("Partneri un tālākizglītība")
    assert {"A7", "A30", "A53"} <= set(tables)  # partners, grade 9 and grade 12 rows are filled
    shifted = {(f"{c[0]}{int(c[1:]) - 1}" if int(c[1:]) > 20 else c): v for c, v in tables.items()}
    actions = [*type_cells(cells), {"sheet": "Partneri un tālākizglītība"},
               {"unprotect": "Partneri un tālākizglītība"}, {"delete_rows": [20]},  # an empty partner row
               *type_cells({"Partneri un tālākizglītība": shifted})]
    result = submit(calc, mini_ws, "F2", "zilupes-vsk", actions)
    if result.outcome == "accepted":
        assert stored(mini_ws, "zilupes-vsk", "F2") == expected
    else:
        assert len(result.errors) == 1 and "Partneri un tālākizglītība" in result.errors[0], result.errors


def test_row4_f2_row_inserted_on_the_main_sheet(calc: Calc, mini_ws: Workspace, tmp_path: Path) -> None:
    cells, expected = filled_cells(mini_ws, "F2", "zilupes-vsk", tmp_path)
    main = cells.pop("Situācijas apraksts")
    shifted = {(f"B{int(c[1:]) + 1}" if int(c[1:]) >= 16 else c): v for c, v in main.items()}
    actions = [{"sheet": "Situācijas apraksts"}, {"unprotect": "Situācijas apraksts"}, {"insert_rows": [16]},
               *type_cells({"Situācijas apraksts": shifted}), *type_cells(cells)]
    result = submit(calc, mini_ws, "F2", "zilupes-vsk", actions)
    if result.outcome == "accepted":
        assert stored(mini_ws, "zilupes-vsk", "F2") == expected
    else:  # one clear message that the layout changed, not a cascade of wrong ones
        assert len(result.errors) == 1, result.errors
        assert not any("Obligāts lauks nav aizpildīts" in e for e in result.errors)


@pytest.mark.parametrize("form_id, inst, key", [("F1", "ludzas-psk", None), ("F3", "zilupes-vsk", "situation")])
def test_row5_text_typed_with_equals_is_an_error_naming_the_cell(calc: Calc, mini_ws: Workspace, tmp_path: Path,
                                                                  form_id: str, inst: str, key: str | None) -> None:
    from generator.forms.definitions import FORMS
    from generator.forms.fields import layout

    cells, _ = filled_cells(mini_ws, form_id, inst, tmp_path)
    slot = layout(FORMS[form_id]).slot(key) if key else None
    sheet, cell = (slot.sheet, slot.cell) if slot else ("Aktivitātes", "B7")  # F1: the first activity's title
    cells[sheet][cell] = "=Pasākums notika skolā"  # Calc makes it a formula (Err:509, #VALUE! in .xlsx)
    result = submit(calc, mini_ws, form_id, inst, type_cells(cells))
    assert result.outcome == "rejected"
    lines = _errors_at(result, cell)
    # says to type it again without "=" (in words where an F3 receipt hides quoted text)
    assert len(lines) == 1 and ("bez “=”" in lines[0] or "bez vienādības zīmes" in lines[0]), result.errors
    assert stored(mini_ws, inst, form_id) is None


def test_row6_decimal_point_typed_in_a_number_cell(calc: Calc, mini_ws: Workspace, tmp_path: Path) -> None:
    cells, _ = filled_cells(mini_ws, "F2", "zilupes-vsk", tmp_path)
    cells["Situācijas apraksts"]["B31"] = "4.5"  # a Latvian Calc makes this 4 May
    result = submit(calc, mini_ws, "F2", "zilupes-vsk", type_cells(cells))
    assert result.outcome == "rejected"
    lines = _errors_at(result, "B31")
    assert lines and "komat" in lines[0] and "2026-05-04" not in lines[0], result.errors


def test_row6_amount_with_a_thousands_point_is_flagged(calc: Calc, mini_ws: Workspace, tmp_path: Path) -> None:
    cells, _ = filled_cells(mini_ws, "F1", "ludzas-psk", tmp_path)
    cells["Aktivitātes"]["L7"] = "1.200"  # stays text in a Latvian Calc; must not silently become 1,2 EUR
    result = submit(calc, mini_ws, "F1", "ludzas-psk", type_cells(cells))
    flagged = [line for line in result.errors + result.warnings if "šūna L7" in line]
    assert flagged, (result.outcome, result.errors, result.warnings)


def test_renamed_sheet_is_read_or_refused_with_one_message(calc: Calc, mini_ws: Workspace, tmp_path: Path) -> None:
    cells, expected = filled_cells(mini_ws, "F1", "ludzas-psk", tmp_path)
    actions = [*type_cells(cells), {"unprotect_workbook": None}, {"rename_sheet": ["Plāna izpilde", "Izpilde 2026"]}]
    result = submit(calc, mini_ws, "F1", "ludzas-psk", actions)
    if result.outcome == "accepted":
        assert stored(mini_ws, "ludzas-psk", "F1") == expected
    else:
        assert len(result.errors) == 1 and "Plāna izpilde" in result.errors[0], result.errors
