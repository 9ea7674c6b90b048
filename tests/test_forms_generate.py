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
    assert {k: FORM_VERSION[k] for k in FORM_IDS[:4]} == {"F1": 1, "F2": 1, "F3": 2, "F4": 1}
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
        f"Izveidotas veidlapas: 3, iestādes: 1 (2024./2025. mācību gads); mape {mini_ws.forms_dir / '2025'}.",
    ]
    assert (mini_ws.forms_dir / "2025" / "ludzas-psk" / "F2_situacijas_apraksts_2025_ludzas-psk.xlsx").is_file()
    bad = CliRunner().invoke(cli, ["forms", "--period", "2025", "--institution", "nav"])
    assert bad.exit_code == 1
    assert "Kļūda: iestāde “nav” nav konfigurācijā (config.toml, institutions)" in bad.output


@pytest.mark.parametrize("text, expected", [
    ("=SUM(A1:A2)", " =SUM(A1:A2)"), ("+371 2000", " +371 2000"), ("-5", " -5"), ("@cmd", " @cmd"),
    ("\t=1", " \t=1"), ("\r=1", " \r=1"), ("Parasts teksts", "Parasts teksts"), (None, ""), (12, "12"),
])
def test_safe_text(text: object, expected: str) -> None:
    assert safe_text(text) == expected


# ---- help pop-ups, printing, instructions (issue 11) ----------------------------------------------

def _inputs(ws) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Every unlocked (input) cell of a data sheet and the validations that cover it."""
    cells: dict[str, list] = {}
    for row in ws.iter_rows():
        for c in row:
            if c.has_style and not c.protection.locked:
                cells[c.coordinate] = [dv for dv in _validations(ws) if c.coordinate in dv.sqref]
    return cells


@pytest.mark.parametrize("form_id, inst", [("F1", "sd"), ("F2", "zilupes-vsk"), ("F2", "ludzas-psk"),
                                           ("F3", "zilupes-vsk"), ("F4", "ip")])
def test_each_field_has_its_own_help_popup(mini_ws: Workspace, tmp_path: Path, form_id: str, inst: str) -> None:
    from generator.forms.definitions import FORMS
    from generator.forms.fields import layout

    path = write_blank(mini_ws.config, form_id, P2025, inst, tmp_path / "f.xlsx")
    wb = load_workbook(path)
    form, lay = FORMS[form_id], layout(FORMS[form_id])
    where = {(s.sheet, s.cell): (s.field, "") for s in lay.singles}
    for ts in lay.tables:
        for f in ts.table.columns:
            where[(ts.sheet, ts.cell(0, f.key))] = (f, ts.table.title)
    for sheet in form.sheets:
        ws = wb[sheet.name]
        popups: dict[tuple[str, str], str] = {}
        for cell, dvs in _inputs(ws).items():
            assert len(dvs) == 1, (sheet.name, cell, len(dvs))  # exactly one pop-up per input cell
            dv = dvs[0]
            assert dv.showInputMessage and dv.prompt, (sheet.name, cell)
            assert len(dv.promptTitle) <= 32 and len(dv.prompt) <= 255
            if (sheet.name, cell) not in where:
                continue
            f, _ = where[(sheet.name, cell)]
            # a cut title ends at a whole word of the label, then "…"
            assert dv.promptTitle == f.label or (dv.promptTitle.endswith("…") and f.label.startswith(
                dv.promptTitle[:-1]) and f.label[len(dv.promptTitle) - 1] in " ,;:(."), dv.promptTitle
            popups[(dv.promptTitle, dv.prompt)] = f"{cell} {f.label}"
        fields = {(f, part) for (name, cell), (f, part) in where.items()
                  if name == sheet.name and ws[cell].protection.locked is False}
        assert len(popups) == len(fields), (sheet.name, popups)  # no two fields share a pop-up


def test_popups_named_in_the_issue(mini_ws: Workspace, tmp_path: Path) -> None:
    def popup(wb, sheet: str, cell: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
        dv = _validation_of(wb[sheet], cell)
        return dv.promptTitle, dv.prompt

    f2 = load_workbook(write_blank(mini_ws.config, "F2", P2025, "zilupes-vsk", tmp_path / "f2.xlsx"))
    main = "Situācijas apraksts"
    assert popup(f2, main, "B6") == ("Izglītojamo skaits mācību gada…",
                                     "Izglītojamo skaits mācību gada sākumā (1.–6. klase).")
    assert popup(f2, main, "B51") == ("Pedagogu skaits kopā", "Pedagogu skaits kopā. Vesels skaitlis, 0 vai vairāk.")
    assert popup(f2, main, "B33") == (
        "Izglītojamie ar vairāk nekā 20…",
        "Izglītojamie ar vairāk nekā 20 neattaisnoti kavētām stundām semestrī. Vesels skaitlis, 0 vai vairāk.")
    assert popup(f2, main, "B53") == ("Psihologs (slodzes)",
                                      "Psihologs: slodžu skaits skolā, piemēram 0,5; ja šāda amata nav — 0.")
    f1 = load_workbook(write_blank(mini_ws.config, "F1", P2025, "sd", tmp_path / "f1.xlsx"))
    assert [popup(f1, "Aktivitātes", f"{col}9")[0] for col in "EFGH"] == [
        "Izglītojamie", "Vecāki", "Pedagogi, speciālisti", "Citi"]
    assert popup(f1, "Aktivitātes", "F9")[1] == "Cik vecāku piedalījās aktivitātē."
    f3 = load_workbook(write_blank(mini_ws.config, "F3", P2025, "zilupes-vsk", tmp_path / "f3.xlsx"))
    assert popup(f3, "Ziņojums", "B25") == ("Izglītojamajam ir individuālais…",
                                            "Izglītojamajam ir individuālais atbalsta plāns. Izvēlieties “jā” vai “nē”.")
    assert popup(f3, "Ziņojums", "B20")[1].startswith("Riska grupa: Mācīšanās un skolas vide. Izvēlieties “jā”")
    assert popup(f3, "Ziņojums", "B9")[1].startswith("Izglītības iestādes vadītājs — Vārds, uzvārds.")
    assert popup(f3, "Ziņojums", "B14")[1].startswith("Izglītojamais — Vārds, uzvārds.")


def test_cut_words() -> None:
    from generator.forms.writer import cut_words

    assert cut_words("Izglītojamo skaits mācību gada sākumā, 1.–6. klase", 32) == "Izglītojamo skaits mācību gada…"
    assert cut_words("Īss", 32) == "Īss"
    assert cut_words("Vārds" * 10, 12) == "VārdsVārdsV…"


def test_print_setup_blank_tables_headers_and_breaks(mini_ws: Workspace, tmp_path: Path) -> None:
    f1 = load_workbook(write_blank(mini_ws.config, "F1", P2025, "sd", tmp_path / "f1.xlsx"))
    acts = f1["Aktivitātes"]
    # a blank F1 prints its 150 ruled rows, with the header repeated on every page
    assert acts.print_area == "'Aktivitātes'!$A$1:$M$156" and acts.print_title_rows == "$6:$6"
    assert all(acts[f"{c}156"].border.bottom.style == "thin" for c in "AM")
    status = f1["Plāna izpilde"]
    assert status.print_title_rows == "$10:$10"  # the status table's header, after the contact section
    f2 = load_workbook(write_blank(mini_ws.config, "F2", P2025, "zilupes-vsk", tmp_path / "f2.xlsx"))
    tables = f2["Partneri un tālākizglītība"]
    breaks = [b.id + 1 for b in tables.row_breaks.brk]  # rows that start a new page
    spans = [(5, 26), (28, 49), (51, 72)]  # title row .. last row of each table
    assert breaks, "three 20-row tables do not fit one A4 page"
    for first, last in spans:
        assert not any(first < b <= last for b in breaks), (first, last, breaks)
    assert tables["A51"].value == "12. klašu beidzēji: kur turpina izglītību" and 51 in breaks
    for ws in f2.worksheets:
        if ws.sheet_state == "visible":
            assert ws.page_setup.paperSize == 9 and ws.sheet_properties.pageSetUpPr.fitToPage
            assert ws.print_area


def test_rows_fit_their_text_and_never_have_fixed_heights(mini_ws: Workspace, tmp_path: Path) -> None:
    path = write_blank(mini_ws.config, "F2", P2025, "ludzas-psk", tmp_path / "f2.xlsx")
    import zipfile

    with zipfile.ZipFile(path) as zf:
        sheets = [zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not any("customHeight" in xml for xml in sheets)  # both apps fit rows as text is typed
    wb = load_workbook(path)
    ws = wb["Situācijas apraksts"]
    from generator.forms.definitions import FORMS
    from generator.forms.fields import layout

    for slot in layout(FORMS["F2"]).singles:
        if slot.sheet == ws.title:  # label, input and help of every field wrap
            assert all(ws.cell(slot.row, col).alignment.wrap_text for col in (1, 2, 3)), slot.row
    # a narrative starts tall; a two-line label row is taller than a one-line one
    assert ws.row_dimensions[20].height >= 45 and ws.row_dimensions[33].height > 15
    help_ws = wb["Norādījumi"]
    assert all(c.alignment.wrap_text for row in help_ws.iter_rows(min_row=15) for c in row if c.value)


@pytest.mark.parametrize("inst, secondary", [("ludzas-psk", False), ("zilupes-vsk", True)])
def test_instructions_follow_what_the_school_must_fill(mini_ws: Workspace, tmp_path: Path, inst: str,
                                                       secondary: bool) -> None:
    ws = load_workbook(write_blank(mini_ws.config, "F2", P2025, inst, tmp_path / "f2.xlsx"))["Norādījumi"]
    rows = {r[2]: r for r in ws.iter_rows(values_only=True) if r[0] == "Situācijas apraksts"}
    ten_twelve = rows["Izglītojamo skaits mācību gada sākumā, 10.–12. klase"]
    assert ten_twelve[3:6] == (("B8", "jā", "Izglītojamo skaits mācību gada sākumā (10.–12. klase).") if secondary
                               else ("B8", "nav jāaizpilda", "Skola šo posmu neīsteno — nav jāaizpilda."))
    assert rows["Izglītojamo skaits mācību gada sākumā, 7.–9. klase"][4] == "jā"
    lines = [r[0] for r in ws.iter_rows(max_col=1, max_row=12, values_only=True) if r[0]]
    stages = [line for line in lines if "skola neīsteno" in line]
    assert stages == ([] if secondary else
                      ["Posms, ko skola neīsteno (10.–12. klase), ir atzīmēts ar “—”: tā lauki nav jāaizpilda."])
    data = load_workbook(tmp_path / "f2.xlsx")["Situācijas apraksts"]
    assert data["A8"].value.endswith(" *") == secondary  # the sheet and the instructions agree


def test_instructions_and_school_guide_say_the_same(mini_ws: Workspace, tmp_path: Path) -> None:
    from generator.forms.writer import GENERAL_INSTRUCTIONS

    ws = load_workbook(write_blank(mini_ws.config, "F1", P2025, "sd", tmp_path / "f1.xlsx"))["Norādījumi"]
    texts = [r[0] for r in ws.iter_rows(max_col=1, values_only=True) if r[0]]
    assert all(line in texts for line in GENERAL_INSTRUCTIONS)
    assert "Saglabājiet failu .xlsx formātā un nosūtiet to izglītības pārvaldei. Faila nosaukumu drīkst mainīt, " \
           "bet nerakstiet tajā vārdus vai citus personas datus." in texts
    guide = (Path(__file__).parent.parent / "docs" / "skolam.md").read_text(encoding="utf-8")
    flat = " ".join(guide.split())
    assert "Faila nosaukumu drīkst mainīt" in flat and "nosaukumu nemainiet" not in flat
    assert "ar komatu" in flat and "4.5" in flat and "“=”" in flat
