"""Reading filled workbooks back: data shapes, tolerant values, every error and warning class."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from generator.core.config import Config
from generator.core.period import Period
from generator.core.workspace import Workspace
from generator.forms import fill_workbook, read_submission, write_blank
from generator.forms.filler import ERRORS
from generator.forms.submission import Message

P2025 = Period(2025, "school_year")
F2_SHEET = "Situācijas apraksts"


@pytest.fixture
def cfg(mini_ws: Workspace) -> Config:
    return mini_ws.config


def _fill(cfg: Config, tmp_path: Path, form_id: str, inst: str, errors: tuple[str, ...] = (),
          seed: int = 0) -> Path:
    return fill_workbook(cfg, form_id, P2025, inst, tmp_path / f"{form_id}_{inst}.xlsx", seed=seed, errors=errors)


def _edit(path: Path, sheet: str, cells: dict[str, Any]) -> Path:
    """Type values into a workbook as a person would (openpyxl ignores the sheet protection)."""
    wb = load_workbook(path)
    for cell, value in cells.items():
        wb[sheet][cell].value = value
        if isinstance(value, str):
            wb[sheet][cell].data_type = "s"
    wb.save(path)
    return path


def test_f2_data_shape(cfg: Config, tmp_path: Path) -> None:
    sub = read_submission(_fill(cfg, tmp_path, "F2", "ludzas-vsk"), cfg)
    assert sub.ok, [m.line() for m in sub.messages]
    assert (sub.form_id, sub.form_version, sub.institution, sub.period) == ("F2", 1, "ludzas-vsk", 2025)
    d = sub.data
    assert set(d) == {
        "pupils_start", "pupils_end", "moved_out", "moved_in", "at_risk_basic", "at_risk_secondary",
        "dropouts_basic", "dropouts_secondary", "dropout_causes_basic", "dropout_causes_secondary", "risk_ranks",
        "risk_comment", "unexcused_per_pupil_basic", "unexcused_per_pupil_secondary", "over20_unexcused",
        "extended_year", "extended_year_subjects", "insufficient_grade", "insufficient_grade_subjects",
        "repeating", "repeating_subjects", "grade9_exam_failed", "support_measures", "support_measures_basic",
        "support_measures_secondary", "iap",
        "interest_education", "career_counselling_7_12", "families_two_talks", "teachers_total",
        "teachers_trained", "support_staff", "has_pmp_plan", "measures_needed", "partners", "grade9",
        "grade9_continuing", "grade12", "grade12_continuing"}
    assert set(d["pupils_start"]) == {"1-6", "7-9", "10-12"}
    assert d["pupils_start"]["1-6"] == 0 and d["pupils_end"]["1-6"] == 0  # not taught by a gymnasium
    assert isinstance(d["pupils_start"]["7-9"], int) and d["pupils_start"]["7-9"] > 0
    assert sorted(d["risk_ranks"].values()) == [1, 2, 3, 4]
    assert set(d["support_staff"]) == {"psychologist", "social_pedagogue", "special_pedagogue",
                                       "speech_therapist", "career_consultant", "teacher_assistant", "nurse"}
    assert all(isinstance(v, float) for v in d["support_staff"].values())
    assert isinstance(d["unexcused_per_pupil_basic"], float) and isinstance(d["has_pmp_plan"], bool)
    assert set(d["grade9"]) == {"enrolled", "certificate", "report_only"}
    assert d["partners"] and set(d["partners"][0]) == {"partner", "kind"}
    assert all(set(r) == {"institution", "count"} for r in d["grade9_continuing"])
    basic_only = read_submission(_fill(cfg, tmp_path, "F2", "ludzas-psk"), cfg).data
    assert basic_only["unexcused_per_pupil_secondary"] is None and basic_only["at_risk_secondary"] == 0
    assert basic_only["grade12"] == {"enrolled": 0, "certificate": 0, "report_only": 0}


def test_f1_f3_f4_data_shapes(cfg: Config, tmp_path: Path) -> None:
    f1 = read_submission(_fill(cfg, tmp_path, "F1", "sd"), cfg)
    assert f1.ok, [m.line() for m in f1.messages]
    assert set(f1.data) == {"activities", "statuses", "contact_name", "contact_email"}
    row = f1.data["activities"][0]
    assert set(row) == {"activity", "title", "date", "place", "pupils", "parents", "teachers", "others",
                        "impact", "factors", "sources", "funding_eur", "funding_source"}
    assert all(r["activity"] in ("1.1", "1.2", "2.1", "3.1", None) for r in f1.data["activities"])
    assert [s["activity"] for s in f1.data["statuses"]] == ["1.1", "3.1"]
    f3 = read_submission(_fill(cfg, tmp_path, "F3", "zilupes-vsk"), cfg)
    assert f3.ok and set(f3.data) == {"recipient", "head_name", "head_phone", "head_email", "pupil_name",
                                      "pupil_class", "pupil_birth_date", "situation", "risk_groups",
                                      "unexcused_lessons", "has_iap", "actions", "why_unsolved", "date",
                                      "legal_basis", "legal_basis_other", "parents_informed",
                                      "parents_informed_on"}
    assert f3.data["recipient"] in ("ip", "sd", "both") and f3.data["risk_groups"]
    assert set(f3.data["risk_groups"]) <= {"learning", "social_health", "economic", "family"}
    f4 = read_submission(_fill(cfg, tmp_path, "F4", "ip"), cfg)
    assert f4.ok
    assert [(v["indicator"], v["row"], v["row_label"]) for v in f4.data["values"]] == [
        ("1", 0, ""), ("2", 0, ""), ("3", 0, "pamatizglītībā"), ("3", 1, "vidējā izglītībā"), ("4", 0, "")]
    assert isinstance(f4.data["values"][0]["value"], float)
    assert f4.data["values"][4] == {"indicator": "4", "row": 0, "row_label": "", "value": None,
                                    "text": "pēc pieprasījuma", "source": "SD statistika", "note": ""}


def test_same_seed_same_data(cfg: Config, tmp_path: Path) -> None:
    a = read_submission(fill_workbook(cfg, "F2", P2025, "zilupes-vsk", tmp_path / "a.xlsx", seed=7), cfg)
    b = read_submission(fill_workbook(cfg, "F2", P2025, "zilupes-vsk", tmp_path / "b.xlsx", seed=7), cfg)
    c = read_submission(fill_workbook(cfg, "F2", P2025, "zilupes-vsk", tmp_path / "c.xlsx", seed=8), cfg)
    assert a.data == b.data and a.data != c.data


def test_values_typed_the_way_people_type(cfg: Config, tmp_path: Path) -> None:
    path = _fill(cfg, tmp_path, "F2", "zilupes-vsk")
    _edit(path, F2_SHEET, {"B6": " 1\u00a0234 ", "B31": "4,5", "B51": "42", "B53": "0,75", "B62": "JĀ"})
    renamed = path.rename(tmp_path / "musu skolas atskaite (galīgā).xlsx")
    sub = read_submission(renamed, cfg)
    assert sub.data["pupils_start"]["1-6"] == 1234
    assert sub.data["unexcused_per_pupil_basic"] == 4.5
    assert sub.data["teachers_total"] == 42 and sub.data["support_staff"]["psychologist"] == 0.75
    assert sub.data["has_pmp_plan"] is True


@pytest.mark.parametrize("typed", [45728, "12.03.2025", "2025-03-12", "12.03.25", " 12.03.2025. "])
def test_dates_as_serials_or_text(cfg: Config, tmp_path: Path, typed: Any) -> None:
    path = _edit(_fill(cfg, tmp_path, "F1", "sd"), "Aktivitātes", {"C7": typed})
    sub = read_submission(path, cfg)
    assert sub.ok, [m.line() for m in sub.messages]
    assert sub.data["activities"][0]["date"] == "2025-03-12"


def test_trailing_and_gap_rows_ignored(cfg: Config, tmp_path: Path) -> None:
    path = _fill(cfg, tmp_path, "F1", "sd")
    before = read_submission(path, cfg).data["activities"]
    _edit(path, "Aktivitātes", {"A150": "   ", "D156": None})
    assert read_submission(path, cfg).data["activities"] == before


def test_activity_typed_by_number(cfg: Config, tmp_path: Path) -> None:
    path = _edit(_fill(cfg, tmp_path, "F1", "sd"), "Aktivitātes", {"A7": "2.1", "A8": "cita, nav plānā"})
    acts = read_submission(path, cfg).data["activities"]
    assert acts[0]["activity"] == "2.1" and acts[1]["activity"] is None


ERROR_CASES = [
    ("F1", "ludzas-psk", "negative_count", Message(
        "error", "Aktivitātes", "E7", "Izglītojamie", "Vērtība nevar būt negatīva (-5). Ierakstiet 0 vai lielāku skaitli.")),
    ("F2", "zilupes-vsk", "negative_count", Message(
        "error", F2_SHEET, "B13", "Mācību gada laikā iestājušies",
        "Vērtība nevar būt negatīva (-5). Ierakstiet 0 vai lielāku skaitli.")),
    ("F3", "ludzas-psk", "wrong_type", Message(
        "error", "Ziņojums", "B24", "Neattaisnoti kavētās stundas šajā semestrī",
        "“daudz” nav vesels skaitlis. Ierakstiet veselu skaitli, piemēram 12.")),
    ("F2", "zilupes-vsk", "missing_required", Message(
        "error", F2_SHEET, "B51", "Pedagogu skaits kopā", "Obligāts lauks nav aizpildīts. Lūdzu, aizpildiet to.")),
    ("F1", "ludzas-psk", "bad_activity", Message(
        "error", "Aktivitātes", "A7", "Plāna aktivitāte",
        "“9.99 Neesoša aktivitāte” nav šī perioda plāna aktivitāšu sarakstā. Izvēlieties aktivitāti no "
        "saraksta vai “cita, nav plānā”.")),
    ("F3", "ludzas-psk", "date_outside_period", Message(
        "error", "Ziņojums", "B28", "Datums",
        "Datums 02.08.2024 nav pārskata periodā 2024./2025. mācību gads (01.09.2024–31.08.2025). Ierakstiet "
        "datumu šajā periodā.")),
    ("F2", "zilupes-vsk", "ranks_not_unique", Message(
        "error", F2_SHEET, "B24", "Mācīšanās un skolas vide",
        "Rangs 1 norādīts vairākām riska grupām. Katru skaitli 1, 2, 3, 4 izmantojiet tieši vienu reizi.")),
]


@pytest.mark.parametrize("form_id, inst, fault, expected", ERROR_CASES)
def test_error_classes(cfg: Config, tmp_path: Path, form_id: str, inst: str, fault: str,
                       expected: Message) -> None:
    sub = read_submission(_fill(cfg, tmp_path, form_id, inst, (fault,)), cfg)
    assert not sub.ok
    assert expected in sub.errors
    assert expected.line().startswith(f'Kļūda — lapa "{expected.sheet}", šūna {expected.cell}, lauks')


def test_stage_and_outcome_errors(cfg: Config, tmp_path: Path) -> None:
    path = _edit(_fill(cfg, tmp_path, "F2", "ludzas-psk"), F2_SHEET, {
        "B6": 100, "B7": 50, "B16": 151, "B18": 2, "B66": 20, "B67": 15, "B68": 2})
    sub = read_submission(path, cfg)
    assert Message("error", F2_SHEET, "B16", "PMP riskam pakļautie pamatizglītībā (1.–9. kl.)",
                   "PMP riskam pakļauto skaits (151) ir lielāks par izglītojamo skaitu pamatizglītībā mācību "
                   "gada sākumā (150). Pārbaudiet abus skaitļus un izlabojiet.") in sub.errors
    assert Message("error", F2_SHEET, "B66", "9. klasē mācījās mācību gada beigās",
                   "Saņēmušo apliecību (15) un tikai liecību (2) kopā ir 17, bet 9. klasē mācījās 20. "
                   "Izlabojiet skaitļus, lai tie sakristu.") in sub.errors
    dropouts = read_submission(_fill(cfg, tmp_path, "F2", "zilupes-vsk", ("dropouts_above_pupils",)), cfg)
    assert [(m.cell, m.text.split(" ir ")[0]) for m in dropouts.errors] == [
        ("B18", "Mācības pārtraukušo skaits (291)")]


def test_warnings_accept_but_flag(cfg: Config, tmp_path: Path) -> None:
    sub = read_submission(_fill(cfg, tmp_path, "F2", "zilupes-vsk",
                                ("many_dropouts", "high_unexcused", "missing_narrative")), cfg)
    assert sub.ok
    assert [m.cell for m in sub.warnings] == ["B18", "B31", "B39"]
    assert sub.warnings[1] == Message(
        "warning", F2_SHEET, "B31", "Neattaisnoti kavētās stundas uz 1 izglītojamo (pamatizglītība)",
        "Vairāk nekā 50 neattaisnoti kavētu stundu uz vienu izglītojamo (62,5) ir maz ticams. Pārbaudiet, "
        "vai norādīts vidējais uz vienu izglītojamo, nevis kopskaits.")
    assert sub.warnings[2].text == "Norādīti 2 izglītojamie, bet šis lauks ir tukšs. Lūdzu, aizpildiet to."
    assert sub.warnings[0].text.startswith("Mācības pārtraukušo skaits (57) ir vairāk nekā 10 %")


def test_dropdown_values_rechecked(cfg: Config, tmp_path: Path) -> None:
    path = _edit(_fill(cfg, tmp_path, "F1", "sd"), "Plāna izpilde", {"B11": "gandrīz", "A12": "3.2 Cits"})
    errs = read_submission(path, cfg).errors
    assert next(m for m in errs if m.cell == "A12") == Message(
        "error", "Plāna izpilde", "A12", "Plāna aktivitāte",
        "“3.2 Cits” nav šī perioda plāna aktivitāšu sarakstā. Izvēlieties aktivitāti no saraksta vai “cita, "
        "nav plānā”.")
    status = next(m for m in errs if m.cell == "B11")
    assert status.text == ("“gandrīz” nav atļauta vērtība. Izvēlieties no saraksta: “īstenota”, “daļēji”, "
                           "“nav īstenota”, “nav plānota šogad”.")


def test_metadata_disagrees_with_visible_cells(cfg: Config, tmp_path: Path) -> None:
    path = _edit(_fill(cfg, tmp_path, "F2", "zilupes-vsk"), F2_SHEET, {"B2": "Ludzas pilsētas pamatskola"})
    err = read_submission(path, cfg).errors[0]
    assert (err.sheet, err.cell, err.field) == (F2_SHEET, "B2", "Iestāde")
    assert err.text == ("Lapā redzamā iestāde “Ludzas pilsētas pamatskola” nesakrīt ar veidlapas metadatiem "
                        "(“Zilupes vidusskola”). Izmantojiet veidlapu, kas sagatavota tieši jūsu iestādei un "
                        "šim periodam.")


def test_old_version_refused(cfg: Config, tmp_path: Path) -> None:
    path = _edit(_fill(cfg, tmp_path, "F2", "zilupes-vsk"), "Metadati", {"B2": 0})
    sub = read_submission(path, cfg)
    assert sub.form_id == "F2" and sub.data == {}
    assert sub.errors == [Message("error", "", "", "", "Veidlapas F2 versiju 0 vairs nevar nolasīt (pašreizējā "
                                  "versija 1). Pārnesiet datus uz jaunāko veidlapu, ko izsniedz izglītības pārvalde.")]


def test_not_our_workbook(cfg: Config, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "Kaut kāda tabula"  # type: ignore[index]
    wb.save(tmp_path / "cits.xlsx")
    sub = read_submission(tmp_path / "cits.xlsx", cfg)
    assert sub.form_id is None and len(sub.errors) == 1
    assert sub.errors[0].text.startswith("Šī darbgrāmata nav PMP veidlapa")
    (tmp_path / "teksts.xlsx").write_text("nav zip")
    assert read_submission(tmp_path / "teksts.xlsx", cfg).errors[0].text.startswith("Failu nevar atvērt")
    with zipfile.ZipFile(tmp_path / "tukss.xlsx", "w") as z:
        z.writestr("readme.txt", "x")
    assert read_submission(tmp_path / "tukss.xlsx", cfg).form_id is None


def test_odd_content_never_crashes(cfg: Config, tmp_path: Path) -> None:
    path = _fill(cfg, tmp_path, "F2", "zilupes-vsk")
    wb = load_workbook(path)
    ws = wb[F2_SHEET]
    ws["B6"] = True
    ws["B51"] = "=1/0"
    ws.merge_cells("B12:C13")
    wb.create_sheet("Mana lapa")["A1"] = "papildu"
    del wb["Partneri un tālākizglītība"]
    wb.save(path)
    sub = read_submission(path, cfg)
    assert sub.form_id == "F2" and not sub.ok
    assert sub.errors == [Message("error", "Partneri un tālākizglītība", "", "",
                                  "Darbgrāmatā nav lapas “Partneri un tālākizglītība”. Neizdzēsiet un "
                                  "nepārdēvējiet veidlapas lapas; izmantojiet sākotnējo veidlapu.")]
    wb = load_workbook(_fill(cfg, tmp_path, "F2", "ludzas-vsk"))
    wb[F2_SHEET]["B7"] = True
    wb[F2_SHEET].merge_cells("B12:C13")
    wb.save(tmp_path / "odd.xlsx")
    odd = read_submission(tmp_path / "odd.xlsx", cfg)
    assert [m.cell for m in odd.errors] == ["B7", "B13"]


def test_blank_form_lists_missing_required(cfg: Config, tmp_path: Path) -> None:
    path = write_blank(cfg, "F3", P2025, "zilupes-vsk", tmp_path / "f3.xlsx")
    sub = read_submission(path, cfg)
    assert [m.cell for m in sub.errors] == ["B6", "B9", "B10", "B11", "B14", "B15", "B19", "B24", "B25",
                                            "B26", "B27", "B28", "B31", "B33"]


def test_every_documented_fault_is_caught(cfg: Config, tmp_path: Path) -> None:
    insts = {"F1": "ludzas-psk", "F2": "zilupes-vsk", "F3": "ludzas-psk"}
    for name, forms in ERRORS.items():
        for form_id in forms:
            sub = read_submission(_fill(cfg, tmp_path, form_id, insts[form_id], (name,)), cfg)
            assert sub.messages, (name, form_id)
            assert sub.ok == (name in ("many_dropouts", "high_unexcused", "missing_narrative")), (name, form_id)


@pytest.mark.parametrize(("fault", "level"), [("dropouts_above_pupils", "error"), ("many_dropouts", "warning")])
def test_dropout_faults_for_a_school_without_grades_1_to_6(cfg: Config, tmp_path: Path, fault: str,
                                                           level: str) -> None:
    """ludzas-vsk teaches 7–12 only: the filler's faults still land on the basic-stage dropouts."""
    sub = read_submission(_fill(cfg, tmp_path, "F2", "ludzas-vsk", errors=(fault,)), cfg)
    found = [m for m in sub.messages if m.cell == "B18"]
    assert [m.level for m in found] == [level]
    assert found[0].field == "Mācības pārtraukušie pamatizglītībā"


def test_content_below_the_form_is_ignored(cfg: Config, tmp_path: Path) -> None:
    """The reader stops after the last row the form needs: notes typed far below change nothing."""
    path = _fill(cfg, tmp_path, "F2", "zilupes-vsk")
    before = read_submission(path, cfg)
    _edit(path, F2_SHEET, {"B400": "piezīme zem veidlapas", "D401": 12345})
    after = read_submission(path, cfg)
    assert after.data == before.data and after.messages == before.messages
