"""Forms people edit in LibreOffice Calc: inserted and deleted rows, renamed sheets, text Calc turned into
formulas or dates. Each accepted file is stored whole and right; what cannot be read with certainty is
refused with one clear message.

Every edit is made by Calc itself (``uno_harness.py``, Latvian locale), so defined names, error cells
and dates are exactly what Calc saves. Each test fills every input with the filler, edits,
ingests, and compares what the store holds with what the unedited form holds.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from generator.core.period import Period
from generator.core.workspace import Workspace
from generator.forms import fill_workbook, form_filename, read_submission
from generator.intake import process_file
from generator.intake.safety import Limits
from generator.store import open_store

from .uno_harness import Calc, unavailable

PRESET = Path(__file__).parents[1] / "generator" / "resources" / "presets" / "ludza.toml"
FAST = Limits(settle_seconds=0.0)
P2025 = Period(2025, "school_year")

pytestmark = [pytest.mark.slow, pytest.mark.skipif(unavailable() is not None, reason=unavailable() or "")]


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Calc]:
    with Calc(tmp_path_factory.mktemp("calc")) as running:
        yield running


@pytest.fixture
def ws(mini_ws: Workspace) -> Workspace:
    """The Ludza programme: zilupes-vsk owes 17 plan-activity statuses, the board 11 indicator rows."""
    shutil.copyfile(PRESET, mini_ws.config_path)
    return Workspace(mini_ws.root)


def _fill(ws: Workspace, form_id: str, inst: str, seed: int = 3) -> Path:
    return fill_workbook(ws.config, form_id, P2025, inst, ws.root / "src" / form_filename(form_id, P2025, inst),
                         seed=seed)


@pytest.fixture
def calc(office: Calc) -> Callable[..., Path]:
    """``calc(src, dest, *edits)``: ``src`` opened in Calc, edited as a person would, saved as ``dest``.

    Edits: ``("insert_rows"|"delete_rows", sheet, row)`` (the sheet's protection switched off first, as a
    person must), ``("type", sheet, cell, text)`` (typed and Enter), ``("block", sheet, cell, rows)`` (a
    pasted block of values), ``("rename", sheet, new_name)``.
    """
    def edit(src: Path, dest: Path, *edits: tuple[Any, ...]) -> Path:
        actions: list[dict[str, Any]] = []
        for kind, sheet, *args in edits:
            actions.append({"sheet": sheet})
            if kind in ("insert_rows", "delete_rows"):
                actions += [{"unprotect": sheet}, {kind: [args[0]]}]
            elif kind == "type":
                actions.append({"type": [args[0], args[1]]})
            elif kind == "block":
                actions.append({"set_block": [args[0], args[1]]})
            else:
                actions += [{"unprotect_workbook": None}, {"rename_sheet": [sheet, args[0]]}]
        office.edit(src, dest, actions)
        return dest

    return edit


def _ingest(ws: Workspace, path: Path, name: str | None = None) -> Any:
    dest = ws.inbox / (name or path.name)
    shutil.copyfile(path, dest)
    return process_file(dest, ws, limits=FAST)


def _stored(ws: Workspace, inst: str, form_id: str) -> dict[str, Any] | None:
    with open_store(ws) as store:
        return store.accepted_data(inst, form_id, 2025)


def _json(data: dict[str, Any]) -> Any:
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))


def test_status_row_inserted_after_the_third_keeps_all_17(ws: Workspace, calc: Callable[..., Path]) -> None:
    """#1: a row inserted after the 3rd status, all 17 statuses filled: all 17 are stored."""
    src = _fill(ws, "F1", "zilupes-vsk")
    expected = read_submission(src, ws.config)
    assert expected.ok and len(expected.data["statuses"]) == 17
    edited = calc(src, ws.root / "f1.xlsx", ("insert_rows", "Plāna izpilde", 14))
    result = _ingest(ws, edited)
    assert result.outcome == "accepted", result.errors
    stored = _stored(ws, "zilupes-vsk", "F1")
    assert stored is not None and len(stored["statuses"]) == 17
    assert stored == _json(expected.data)


def test_f4_version_with_an_inserted_row_is_whole(ws: Workspace, calc: Callable[..., Path]) -> None:
    """#2: a second F4 with one inserted row keeps all 11 indicators, never a smaller version."""
    v1 = _fill(ws, "F4", "ip", seed=1)
    assert _ingest(ws, v1, "F4_v1.xlsx").outcome == "accepted"
    v2_src = _fill(ws, "F4", "ip", seed=2)
    expected = read_submission(v2_src, ws.config)
    assert len(expected.data["values"]) == 11
    v2 = calc(v2_src, ws.root / "f4.xlsx", ("insert_rows", "Rādītāji", 10))
    result = _ingest(ws, v2, "F4_v2.xlsx")
    assert (result.outcome, result.version) == ("accepted", 2), result.errors
    stored = _stored(ws, "ip", "F4")
    assert stored is not None and len(stored["values"]) == 11
    assert stored == _json(expected.data)


def test_f4_inserted_row_with_a_value_is_refused_not_dropped(ws: Workspace, calc: Callable[..., Path]) -> None:
    """#2: an inserted row someone typed into is no indicator of the plan: refused, naming its cell."""
    v2 = calc(_fill(ws, "F4", "ip"), ws.root / "f4.xlsx", ("insert_rows", "Rādītāji", 10),
              ("type", "Rādītāji", "H10", "17"))
    result = _ingest(ws, v2)
    assert result.outcome == "rejected"
    assert result.errors == ['Kļūda — lapa "Rādītāji", šūna A10, lauks "Nr.": Šī rinda ievietota tabulā “Plāna '
                             'rādītāji”, bet tās aizsargātajās šūnās nav veidlapas sagatavotā teksta, tāpēc to nevar '
                             'nolasīt. Ierakstiet datus veidlapas sagatavotajās rindās un izdzēsiet ievietoto rindu.']
    assert _stored(ws, "ip", "F4") is None


def test_deleted_empty_partner_row_keeps_every_table(ws: Workspace, calc: Callable[..., Path]) -> None:
    """#3: one empty row of the partners table deleted: both further-education tables read whole."""
    src = _fill(ws, "F2", "zilupes-vsk")
    expected = read_submission(src, ws.config)
    assert expected.data["grade9_continuing"] and expected.data["grade12_continuing"]
    edited = calc(src, ws.root / "f2.xlsx", ("delete_rows", "Partneri un tālākizglītība", 20))
    result = _ingest(ws, edited)
    assert result.outcome == ("accepted" if expected.ok else "rejected"), result.errors
    assert read_submission(edited, ws.config).data == expected.data
    if expected.ok:
        assert _stored(ws, "zilupes-vsk", "F2") == _json(expected.data)


def test_every_partner_row_filled_and_one_inserted_keeps_all_21(ws: Workspace, calc: Callable[..., Path]) -> None:
    """All 20 partner rows filled, a 21st row inserted in the middle and filled: 21 partners stored, in order."""
    sheet = "Partneri un tālākizglītība"
    rows = [[f"Partneris {n}", f"sadarbība {n}"] for n in range(1, 21)]
    edited = calc(_fill(ws, "F2", "zilupes-vsk"), ws.root / "f2.xlsx", ("block", sheet, "A7", rows),
                  ("insert_rows", sheet, 15), ("type", sheet, "A15", "Ievietotais partneris"),
                  ("type", sheet, "B15", "mentori"))
    result = _ingest(ws, edited)
    assert result.outcome == "accepted", result.errors
    stored = _stored(ws, "zilupes-vsk", "F2")
    assert stored is not None
    assert stored["partners"] == ([{"partner": p, "kind": k} for p, k in rows[:8]]
                                  + [{"partner": "Ievietotais partneris", "kind": "mentori"}]
                                  + [{"partner": p, "kind": k} for p, k in rows[8:]])


def test_inserted_row_on_the_main_sheet_reads_right(ws: Workspace, calc: Callable[..., Path]) -> None:
    """#4: a row inserted in the middle of F2's main sheet: every field read from its own cell."""
    src = _fill(ws, "F2", "zilupes-vsk")
    expected = read_submission(src, ws.config)
    assert expected.ok, [m.line() for m in expected.messages]
    edited = calc(src, ws.root / "f2.xlsx", ("insert_rows", "Situācijas apraksts", 10),
                  ("rename", "Partneri un tālākizglītība", "Partneri"))
    result = _ingest(ws, edited)
    assert result.outcome == "accepted", result.errors
    assert _stored(ws, "zilupes-vsk", "F2") == _json(expected.data)


def test_messages_name_the_cell_where_the_school_sees_it(ws: Workspace, calc: Callable[..., Path]) -> None:
    """After an inserted row, an error names the moved cell; the marked copy marks the field's own cell."""
    src = _fill(ws, "F2", "zilupes-vsk")
    edited = calc(src, ws.root / "f2.xlsx", ("insert_rows", "Situācijas apraksts", 10),
                  ("type", "Situācijas apraksts", "B52", "daudz"))
    result = _ingest(ws, edited)
    assert result.outcome == "rejected"
    assert result.errors == ['Kļūda — lapa "Situācijas apraksts", šūna B52, lauks "Pedagogu skaits kopā": '
                             '“daudz” nav vesels skaitlis. Ierakstiet veselu skaitli, piemēram 12.']
    marked = load_workbook(result.marked_copy)["Situācijas apraksts"]
    assert marked["B51"].value == "daudz" and marked["B51"].comment.text.startswith("Kļūda: “daudz”")
    assert marked["B52"].comment is None


def test_deleted_field_row_is_one_clear_message(ws: Workspace, calc: Callable[..., Path]) -> None:
    """A deleted input row cannot be mapped: one message naming the sheet and the field, nothing stored."""
    edited = calc(_fill(ws, "F2", "zilupes-vsk"), ws.root / "f2.xlsx", ("delete_rows", "Situācijas apraksts", 13))
    result = _ingest(ws, edited)
    assert result.outcome == "rejected"
    assert result.errors == [
        'Kļūda — lapa "Situācijas apraksts": Lapā “Situācijas apraksts” mainīta veidlapas struktūra: izdzēsta '
        'vai pārvietota lauka “Mācību gada laikā iestājušies” šūna. Tāpēc datus nevar droši nolasīt; lūdzu, '
        'atsauciet šīs izmaiņas vai aizpildiet jaunu veidlapu.']
    assert _stored(ws, "zilupes-vsk", "F2") is None


def test_deleted_table_header_is_one_clear_message(ws: Workspace, calc: Callable[..., Path]) -> None:
    edited = calc(_fill(ws, "F2", "zilupes-vsk"), ws.root / "f2.xlsx",
                  ("delete_rows", "Partneri un tālākizglītība", 6))
    result = _ingest(ws, edited)
    assert result.outcome == "rejected" and len(result.errors) == 1
    assert "mainīta vai pārvietota tabulas “Stratēģiskie partneri” galvene" in result.errors[0]


def test_text_typed_with_equals_is_an_error_cell(ws: Workspace, calc: Callable[..., Path]) -> None:
    """#5: "=Pasākums notika skolā" becomes #VALUE! in Calc: an error naming the cell, marked in the copy."""
    edited = calc(_fill(ws, "F1", "zilupes-vsk"), ws.root / "f1.xlsx",
                  ("type", "Aktivitātes", "B7", "=Pasākums notika skolā"))
    result = _ingest(ws, edited)
    assert result.outcome == "rejected"
    assert result.errors == [
        'Kļūda — lapa "Aktivitātes", šūna B7, lauks "Nosaukums, apraksts": Šūnā ir formulas kļūda #VALUE!, nevis '
        'vērtība: ierakstītais sākas ar “=”, tāpēc tika uztverts kā formula. Ierakstiet to vēlreiz bez “=” sākumā.']
    marked = load_workbook(result.marked_copy)["Aktivitātes"]
    assert marked["B7"].comment.text.startswith("Kļūda: Šūnā ir formulas kļūda #VALUE!")
    assert marked["B7"].fill.fgColor.rgb == "00FF9C9C"


def test_text_with_equals_in_a_case_report(ws: Workspace, calc: Callable[..., Path]) -> None:
    edited = calc(_fill(ws, "F3", "zilupes-vsk"), ws.root / "f3.xlsx",
                  ("type", "Ziņojums", "B14", "=Skolēns kavē stundas"))
    sub = read_submission(edited, ws.config)
    assert [(m.cell, m.text.split(",")[0]) for m in sub.errors] == [("B14", "Šūnā ir formulas kļūda #VALUE!")]


def test_point_decimal_that_calc_made_a_date(ws: Workspace, calc: Callable[..., Path]) -> None:
    """#6: "4.5" typed in a Latvian Calc is the 4th of May: the message asks for a decimal comma."""
    edited = calc(_fill(ws, "F2", "zilupes-vsk"), ws.root / "f2.xlsx",
                  ("type", "Situācijas apraksts", "B31", "4.5"))
    result = _ingest(ws, edited)
    assert result.outcome == "rejected"
    assert result.errors == [
        'Kļūda — lapa "Situācijas apraksts", šūna B31, lauks "Neattaisnoti kavētās stundas uz 1 izglītojamo '
        '(pamatizglītība)": Šūnā ir datums 04.05.2026, nevis skaitlis: skaitli ar punktu (4.5) LibreOffice vai '
        'Excel pārvērš datumā. Ierakstiet skaitli ar decimālkomatu, piemēram 4,5.']


def test_thousands_point_in_euro_is_read_with_a_warning(ws: Workspace, calc: Callable[..., Path]) -> None:
    """#6: "1.200" in EUR stays text in Calc: read as 1,2, but never silently."""
    src = _fill(ws, "F1", "zilupes-vsk")
    edited = calc(src, ws.root / "f1.xlsx", ("type", "Aktivitātes", "L7", "1.200"),
                  ("type", "Aktivitātes", "M7", "Pašvaldības finansējums"))
    result = _ingest(ws, edited)
    assert result.outcome == "accepted", result.errors
    assert 'Brīdinājums — lapa "Aktivitātes", šūna L7, lauks "Finansējums, EUR": “1.200” nolasīts kā 1,2. Ja ' \
           'domāts 1200, ierakstiet skaitli bez punkta; decimāldaļu atdaliet ar komatu.' in result.warnings
    stored = _stored(ws, "zilupes-vsk", "F1")
    assert stored is not None and stored["activities"][0]["funding_eur"] == 1.2
