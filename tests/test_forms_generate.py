"""Blank workbooks: what a school sees when it opens one (cells, dropdowns, protection, metadata)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from generator.cli import cli
from generator.core.errors import FormError
from generator.core.period import Period
from generator.core.safe import safe_text
from generator.core.workspace import Workspace
from generator.forms import FORM_IDS, FORM_VERSION, form_filename, generate_forms, write_blank

P2025 = Period(2025, "school_year")


def _validations(ws) -> list:  # type: ignore[no-untyped-def]
    return list(ws.data_validations.dataValidation)


def _validation_of(ws, cell: str):  # type: ignore[no-untyped-def]
    for dv in _validations(ws):
        if cell in dv.sqref:
            return dv
    return None


def test_public_constants() -> None:
    assert FORM_IDS[:4] == ("F1", "F2", "F3", "F4")
    assert {k: FORM_VERSION[k] for k in FORM_IDS[:4]} == {"F1": 1, "F2": 1, "F3": 1, "F4": 1}
    assert set(FORM_VERSION) == set(FORM_IDS)
    assert form_filename("F2", P2025, "ludzas-vsk") == "F2_situacijas_apraksts_2025_ludzas-vsk.xlsx"
    assert form_filename("F1", P2025, "sd") == "F1_aktivitasu_parskats_2025_sd.xlsx"


def test_f2_blank_prefilled_locked_and_protected(mini_ws: Workspace, tmp_path: Path) -> None:
    path = write_blank(mini_ws.config, "F2", P2025, "ludzas-vsk", tmp_path / "f2.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Norādījumi", "Situācijas apraksts", "Partneri un tālākizglītība", "Saraksti",
                             "Metadati"]
    ws = wb["Situācijas apraksts"]
    assert ws["A1"].value == "F2. PMP riski. Situācijas apraksts"
    assert ws["B2"].value == "Ludzas valsts ģimnāzija" and ws["B2"].protection.locked
    assert ws["B3"].value == "2024./2025. mācību gads" and ws["B3"].protection.locked
    assert ws.protection.sheet is True and not ws.protection.password
    # the school teaches 7-9 and 10-12: grades 1-6 are shown as not applicable and locked
    assert ws["A6"].value == "Izglītojamo skaits mācību gada sākumā, 1.–6. klase"
    assert ws["B6"].value == "—" and ws["B6"].protection.locked
    assert ws["A7"].value == "Izglītojamo skaits mācību gada sākumā, 7.–9. klase *"
    assert ws["B7"].value is None and not ws["B7"].protection.locked
    assert ws["B7"].fill.fgColor.rgb == "00FFF2CC"
    assert ws["A1"].protection.locked
    count = _validation_of(ws, "B7")
    assert count.type == "whole" and count.formula1 == "0"
    assert count.error == "Ierakstiet veselu skaitli, kas nav mazāks par 0."
    rank = _validation_of(ws, "B24")
    assert rank.error == "Ierakstiet veselu skaitli no 1 līdz 4."
    yesno = _validation_of(ws, "B62")
    assert yesno.type == "list" and yesno.formula1.startswith("'Saraksti'!$")
    assert ws.freeze_panes == "A5"
    assert ws.page_setup.paperSize == 9 and ws.page_setup.fitToWidth == 1  # 9 = A4
    meta = wb["Metadati"]
    assert meta.sheet_state == "hidden" and meta.protection.sheet
    assert {r[0].value: r[1].value for r in meta.iter_rows()} == {
        "form_id": "F2", "form_version": 1, "institution_id": "ludzas-vsk", "period": 2025,
        "plan_edition": mini_ws.config.plan_edition()}
    assert wb["Saraksti"].sheet_state == "hidden"
    assert wb.security.lockStructure
    tables = wb["Partneri un tālākizglītība"]
    assert tables["A6"].value == "Partneris *" and tables["A29"].value == "Izglītības iestāde *"
    assert all(not tables[f"A{r}"].protection.locked for r in range(7, 27))  # 20 partner rows


def test_f1_dropdowns_status_table_and_print_setup(mini_ws: Workspace, tmp_path: Path) -> None:
    path = write_blank(mini_ws.config, "F1", P2025, "sd", tmp_path / "f1.xlsx")
    wb = load_workbook(path)
    ws = wb["Aktivitātes"]
    assert [c.value for c in ws[6]][:4] == ["Plāna aktivitāte *", "Nosaukums, apraksts *", "Datums *",
                                            "Norises vieta"]
    activity = _validation_of(ws, "A7")
    assert activity.type == "list" and "A156" in activity.sqref  # 150 activity rows
    lists = wb["Saraksti"]
    col = activity.formula1.split("$")[1]
    labels = [c.value for c in lists[col][1:] if c.value]
    # 2024./2025. touches plan years 2024 and 2025: 3.2 (2027 only) is not offered
    assert labels == ["1.1 Atbalsta grupas vecākiem bērnu audzināšanas jautājumos.",
                      "1.2 Vecāku sapulces & lekcijas par PMP riskiem.",
                      "2.1 Pedagogu profesionālā pilnveide par PMP riska pazīmēm.",
                      "3.1 Starpinstitucionālās sadarbības grupas sanāksmes.", "cita, nav plānā"]
    date_dv = _validation_of(ws, "C7")
    assert date_dv.type == "date" and date_dv.errorStyle == "warning"
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$6:$6"
    assert ws.freeze_panes == "A7"
    status = wb["Plāna izpilde"]
    # the social service is responsible for 1.1 and 3.1
    assert [status[f"A{r}"].value for r in (11, 12, 13)] == [
        "1.1 Atbalsta grupas vecākiem bērnu audzināšanas jautājumos.",
        "3.1 Starpinstitucionālās sadarbības grupas sanāksmes.", None]
    assert status["A11"].protection.locked and not status["B11"].protection.locked
    assert _validation_of(status, "B12").type == "list"
    assert status["A5"].value == "Kontaktpersona"


def test_f4_prefilled_indicator_rows(mini_ws: Workspace, tmp_path: Path) -> None:
    path = write_blank(mini_ws.config, "F4", P2025, "ip", tmp_path / "f4.xlsx")
    ws = load_workbook(path)["Rādītāji"]
    rows = [[c.value for c in row][:8] for row in ws.iter_rows(min_row=7, max_row=11)]
    assert rows[2][:6] == ["3", "Izglītojamo īpatsvars, kuri priekšlaicīgi pārtraukuši mācības.",
                           "pamatizglītībā", "%", "1,2 % (2023)", "2025: < 1 %; 2027: ≤ 0,5 %"]
    assert rows[2][6] == "aprēķina no F2/F5" and rows[0][6] == "ievada pārvalde"
    assert rows[4][0] == "4"
    assert ws["A7"].protection.locked and not ws["H7"].protection.locked


def test_instructions_sheet_documents_every_field(mini_ws: Workspace, tmp_path: Path) -> None:
    path = write_blank(mini_ws.config, "F3", P2025, "zilupes-vsk", tmp_path / "f3.xlsx")
    ws = load_workbook(path)["Norādījumi"]
    rows = [[c.value for c in row] for row in ws.iter_rows(values_only=False)]
    assert rows[0][0] == "F3. Ziņojums par izglītojamo — norādījumi"
    assert ["Ziņojums", "Izglītojamais", "Dzimšanas datums", "B16", None, "Piemēram 12.03.2012."] in rows


def test_unknown_form_or_institution(mini_ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(FormError, match="nezināma veidlapa “F9”"):
        write_blank(mini_ws.config, "F9", P2025, "sd", tmp_path / "x.xlsx")
    with pytest.raises(FormError, match="iestāde “nav” nav konfigurācijā"):
        write_blank(mini_ws.config, "F1", P2025, "nav", tmp_path / "x.xlsx")


def test_generate_forms_per_institution_kind(mini_ws: Workspace) -> None:
    paths = generate_forms(mini_ws, P2025)
    rel = sorted(str(p.relative_to(mini_ws.forms_dir)) for p in paths)
    assert "2025/ip/F4_raditaju_vertibas_2025_ip.xlsx" in rel
    assert "2025/ludzas-psk/F3_zinojums_par_izglitojamo_2025_ludzas-psk.xlsx" in rel
    assert not any(r.startswith("2025/sd/F2") for r in rel)
    # 7 institutions get F1, 3 schools F2 and F3, the board F4
    assert len(rel) == 7 + 3 + 3 + 1


def test_pmp_forms_command(mini_ws: Workspace) -> None:
    result = CliRunner().invoke(cli, ["forms", "--period", "2025", "--institution", "ludzas-psk"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "  forms/2025/ludzas-psk/F1_aktivitasu_parskats_2025_ludzas-psk.xlsx",
        "  forms/2025/ludzas-psk/F2_situacijas_apraksts_2025_ludzas-psk.xlsx",
        "  forms/2025/ludzas-psk/F3_zinojums_par_izglitojamo_2025_ludzas-psk.xlsx",
        f"Izveidotas 3 veidlapas 1 iestādēm (2024./2025. mācību gads) mapē {mini_ws.forms_dir / '2025'}.",
    ]
    assert (mini_ws.forms_dir / "2025" / "ludzas-psk" / "F2_situacijas_apraksts_2025_ludzas-psk.xlsx").is_file()
    bad = CliRunner().invoke(cli, ["forms", "--period", "2025", "--institution", "nav"])
    assert bad.exit_code == 1
    assert "Error: iestāde “nav” nav konfigurācijā (config.toml, institutions)" in bad.output


@pytest.mark.parametrize("text, expected", [
    ("=SUM(A1:A2)", " =SUM(A1:A2)"), ("+371 2000", " +371 2000"), ("-5", " -5"), ("@cmd", " @cmd"),
    ("\t=1", " \t=1"), ("\r=1", " \r=1"), ("Parasts teksts", "Parasts teksts"), (None, ""), (12, "12"),
])
def test_safe_text(text: object, expected: str) -> None:
    assert safe_text(text) == expected
