"""Locating a form's regions: the names the writer adds, forms without them, values typed below a table.

(Edits made by LibreOffice Calc itself are in test_forms_read_edits.py.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from generator.core.config import Config
from generator.core.period import Period
from generator.core.workspace import Workspace
from generator.forms import fill_workbook, read_submission, write_marked_copy
from generator.forms.definitions import FORMS
from generator.forms.fields import layout
from generator.forms.locate import PREFIX, field_name, parse_ref, table_name
from generator.forms.submission import Message

P2025 = Period(2025, "school_year")
F2_MAIN = "Situācijas apraksts"


@pytest.fixture
def cfg(mini_ws: Workspace) -> Config:
    return mini_ws.config


def _without_names(path: Path) -> Path:
    """The workbook as a form issued before region names existed (or a program that dropped them)."""
    wb = load_workbook(path)
    for name in [n for n in wb.defined_names if n.startswith(PREFIX)]:
        del wb.defined_names[name]
    wb.save(path)
    return path


@pytest.mark.parametrize(("form_id", "inst"), [("F1", "sd"), ("F2", "zilupes-vsk"), ("F3", "ludzas-psk"),
                                               ("F4", "ip")])
def test_every_region_is_named(cfg: Config, tmp_path: Path, form_id: str, inst: str) -> None:
    path = fill_workbook(cfg, form_id, P2025, inst, tmp_path / "f.xlsx", seed=2)
    names = {n: dn.attr_text for n, dn in load_workbook(path).defined_names.items()}
    lay = layout(FORMS[form_id])
    for slot in lay.singles:
        ref = parse_ref(names[field_name(slot.field.key)])
        assert ref is not None and (ref.sheet, ref.row, ref.col) == (slot.sheet, slot.row, slot.col)
    for ts in lay.tables:
        ref = parse_ref(names[table_name(ts.table.key)])
        assert ref is not None and (ref.sheet, ref.row, ref.col) == (ts.sheet, ts.header_row, 1)
        assert ref.last_col == len(ts.table.columns)
    assert {n for n in names if n.startswith(f"{PREFIX}S")} == {f"{PREFIX}S{i + 1}"
                                                               for i in range(len(FORMS[form_id].sheets))}


def test_statuses_range_ends_at_the_last_status(cfg: Config, tmp_path: Path) -> None:
    path = fill_workbook(cfg, "F1", P2025, "sd", tmp_path / "f.xlsx")
    ref = parse_ref(load_workbook(path).defined_names[table_name("statuses")].attr_text)
    assert ref is not None and (ref.row, ref.last_row) == (10, 12)  # header + the 2 statuses of "sd"


@pytest.mark.parametrize(("form_id", "inst"), [("F1", "ludzas-psk"), ("F2", "ludzas-vsk"), ("F4", "ip")])
def test_a_form_without_names_reads_the_same(cfg: Config, tmp_path: Path, form_id: str, inst: str) -> None:
    path = fill_workbook(cfg, form_id, P2025, inst, tmp_path / "f.xlsx", seed=4, errors=())
    before = read_submission(path, cfg)
    after = read_submission(_without_names(path), cfg)
    assert after.data == before.data and after.messages == before.messages


def test_a_form_without_names_and_moved_rows_is_one_message(cfg: Config, tmp_path: Path) -> None:
    path = _without_names(fill_workbook(cfg, "F2", P2025, "zilupes-vsk", tmp_path / "f.xlsx"))
    wb = load_workbook(path)
    wb[F2_MAIN].insert_rows(10)
    wb.save(path)
    sub = read_submission(path, cfg)
    assert sub.data == {} and sub.errors == [Message(
        "error", F2_MAIN, "", "",
        "Lapā “Situācijas apraksts” mainīta veidlapas struktūra: rinda ar lauku “Izglītojamo skaits mācību gada "
        "beigās, 7.–9. klase” pārvietota vai mainīta. Tāpēc datus nevar droši nolasīt; lūdzu, atsauciet šīs "
        "izmaiņas vai aizpildiet jaunu veidlapu.")]


def test_a_broken_name_is_one_message(cfg: Config, tmp_path: Path) -> None:
    path = fill_workbook(cfg, "F1", P2025, "sd", tmp_path / "f.xlsx")
    wb = load_workbook(path)
    wb.defined_names[table_name("activities")].attr_text = "#REF!"
    wb.save(path)
    sub = read_submission(path, cfg)
    assert [m.text for m in sub.messages] == [
        "Lapā “Aktivitātes” mainīta veidlapas struktūra: izdzēsta vai pārvietota tabula “Īstenotās aktivitātes "
        "(katra savā rindā)”. Tāpēc datus nevar droši nolasīt; lūdzu, atsauciet šīs izmaiņas vai aizpildiet "
        "jaunu veidlapu."]


def test_status_typed_below_the_table_is_not_lost(cfg: Config, tmp_path: Path) -> None:
    """A row under the last status is outside the table: an error on it, never a silent drop."""
    path = fill_workbook(cfg, "F1", P2025, "sd", tmp_path / "f.xlsx")
    wb = load_workbook(path)
    wb["Plāna izpilde"]["B13"] = "īstenota"
    wb.save(path)
    sub = read_submission(path, cfg)
    assert sub.errors == [Message(
        "error", "Plāna izpilde", "B13", "Izpildes statuss",
        "Šī rinda ir zem tabulas “Plāna aktivitātes, par kurām iestāde atbild vai kurās piedalās” beigām, tāpēc "
        "tās datus nevar nolasīt. Ievietojiet jaunu rindu tabulas iekšpusē (virs tās pēdējās rindas) un "
        "pārnesiet datus tur.")]


def test_notes_far_below_a_table_are_ignored(cfg: Config, tmp_path: Path) -> None:
    path = fill_workbook(cfg, "F1", P2025, "sd", tmp_path / "f.xlsx")
    before = read_submission(path, cfg)
    wb = load_workbook(path)
    wb["Plāna izpilde"]["B20"] = "piezīme pēc tukšas rindas"
    wb.save(path)
    after = read_submission(path, cfg)
    assert after.data == before.data and after.messages == before.messages


def test_row_inserted_into_statuses_marks_the_copy_at_the_forms_own_cells(cfg: Config, tmp_path: Path) -> None:
    """A row inserted between the two statuses of "sd" (names adjusted as Calc does): messages name the
    cells the school sees; the marked copy, which is the form as written, marks each status's own row."""
    path = fill_workbook(cfg, "F1", P2025, "sd", tmp_path / "f.xlsx")
    wb = load_workbook(path)
    ws = wb["Plāna izpilde"]
    ws.insert_rows(12)
    wb.defined_names[table_name("statuses")].attr_text = "'Plāna izpilde'!$A$10:$C$13"
    ws["B12"] = "īstenota"  # typed into the inserted row, which names no activity
    ws["B13"] = "gandrīz"
    wb.save(path)
    sub = read_submission(path, cfg)
    assert [(m.cell, m.text[:40]) for m in sub.errors] == [
        ("A12", "Šī rinda ievietota tabulā “Plāna aktivit"), ("B13", "“gandrīz” nav atļauta vērtība. Izvēlieti")]
    assert [s["activity"] for s in sub.data["statuses"]] == ["1.1", "3.1"]  # the inserted row is no status
    out = write_marked_copy(sub, cfg, tmp_path / "marked.xlsx")
    marked = load_workbook(out)["Plāna izpilde"]
    assert marked["B12"].value == "gandrīz" and marked["B12"].comment.text.startswith("Kļūda: “gandrīz”")
    assert marked["B11"].comment is None and marked["A12"].comment is None
    assert marked["B11"].value == load_workbook(path)["Plāna izpilde"]["B11"].value


def test_a_name_pointing_far_down_is_refused_without_reading_that_far(cfg: Config, tmp_path: Path) -> None:
    path = fill_workbook(cfg, "F2", P2025, "zilupes-vsk", tmp_path / "f.xlsx")
    wb = load_workbook(path)
    wb.defined_names[field_name("moved_in")].attr_text = f"'{F2_MAIN}'!$B$900000"
    wb[F2_MAIN]["B900000"] = 3
    wb.save(path)
    sub = read_submission(path, cfg)
    assert [m.text for m in sub.messages] == [
        "Lapā “Situācijas apraksts” mainīta veidlapas struktūra: ievietots pārāk daudz rindu (vairāk nekā 2000). "
        "Tāpēc datus nevar droši nolasīt; lūdzu, atsauciet šīs izmaiņas vai aizpildiet jaunu veidlapu."]
