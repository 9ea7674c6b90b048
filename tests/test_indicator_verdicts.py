"""Every indicator row of every preset, assessed on one fixed dataset, against values worked out by hand.

The dataset: two schools' F2 (the ``two_schools`` data of test_metrics: school A teaches 1–12 with
200 + 100 + 100 pupils, school B only 1–9 with 100 + 100), a few board values (F4) and, for Daugavpils,
two cooperation-group meetings (F5). Totals by hand: 600 pupils, 500 in grades 1–9, 100 in 10–12,
300 in 7–12; dropouts 4 basic + 2 secondary; at risk 40 + 10; support measures 40 + 20; interest
education 280 + 120; career counselling 150 + 50; families with two talks 20 + 5; teachers 40 + 20, of
them trained 10 + 10; support staff 5 + 5 FTE; a PMP work plan at A only; 9th grade 20 + 10 enrolled,
2 of A's without a named next school; 1 failed the exams; 8 + 2 pupils with > 20 unexcused lessons;
2 repeating.

Expected (value cell, source, verdict) per row come from each seed's indicator table (targets of the
first milestone) and are written out by hand, not computed by the code under test.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from generator.core.config import Config, Target
from generator.core.config_check import parse_config
from generator.core.period import Period
from generator.core.workspace import preset_path
from generator.documents.dataset import Dataset
from generator.documents.metrics import IndicatorValue, assess, computation_notes, indicator_values

from .test_metrics import school

B_SCHOOL = dict(pupils_start={"1-6": 100, "7-9": 100, "10-12": 0}, at_risk_basic=10, at_risk_secondary=0,
                dropouts_basic=1, dropouts_secondary=0, unexcused_per_pupil_basic=3.0,
                unexcused_per_pupil_secondary=0, over20_unexcused=2, repeating=0, interest_education=120,
                career_counselling_7_12=50, families_two_talks=5, teachers_total=20, teachers_trained=10,
                support_measures=20, has_pmp_plan=False,
                grade9={"enrolled": 10, "certificate": 10, "report_only": 0},
                grade9_continuing=[{"institution": "x", "count": 10}], grade9_exam_failed=0)
F2 = {"a": school(), "b": school(**B_SCHOOL)}


def f4(*rows: tuple[str, int, float | None, str, str]) -> dict[str, Any]:
    """Board values: (indicator, row, number, text, source)."""
    return {"values": [{"indicator": i, "row": r, "value": v, "text": t, "source": s} for i, r, v, t, s in rows]}


def preset(name: str) -> Config:
    return parse_config(tomllib.loads(Path(preset_path(name)).read_text(encoding="utf-8")))


def table(values: list[IndicatorValue]) -> dict[tuple[str, int], tuple[str, str, str]]:
    return {(v.indicator.number, v.row_index): (v.text, v.source, v.assessment) for v in values}


F2_SOURCE = "F2, 2 skolas"

# Līvāni (seed 000, table L219–L236), period 2025, targets of 2025.
LIVANI_F4 = f4(("1", 0, None, "Iesaistīti 30%", "Aptauja 2025"), ("3", 0, 86.0, "", "Aptauja"),
               ("6", 0, 2.0, "", ""), ("8", 0, None, "Iesaistīti 40%", "Aptauja"),
               ("11", 0, None, "sniegts atbalsts pēc pieprasījuma", "SD statistika"))
LIVANI = {
    ("1", 0): ("Iesaistīti 30%", "Aptauja 2025 (F4)", "virzās"),  # 30 < 35, but 5 from it vs 10 at baseline 25
    ("2", 0): ("–", "", "nav datu"),
    ("3", 0): ("86 %", "Aptauja (F4)", "sasniegts"),  # ≥ 85
    ("4", 0): ("66,7 %", F2_SOURCE, "virzās"),  # 400/600; target 75, baseline 41
    ("5", 0): ("10 likmes", F2_SOURCE, "atpaliek"),  # 5 + 5 FTE; target 16, baseline 13,47
    ("6", 0): ("2 pasākumi gadā", "Aptauja (F4)", "sasniegts"),  # ≥ 1 pasākums gadā
    ("7", 0): ("–", "", "nav datu"),
    ("8", 0): ("Iesaistīti 40%", "Aptauja (F4)", "atpaliek"),  # below the baseline 45
    ("9", 0): ("120 %", F2_SOURCE, "sasniegts"),  # 60 supported / 50 at risk; target 75
    ("10", 0): ("–", "", "nav datu"),  # the seed gives no value and no target
    ("11", 0): ("sniegts atbalsts pēc pieprasījuma", "SD statistika (F4)", "sasniegts"),  # the target's words
}

# Rīga (seed 001): no schools in the preset, so no F2 — every value the board has is entered in F4,
# including those a metric would compute. Period 2026, targets of 2026.
RIGA_F4 = f4(("1", 0, 72.0, "", "Vecāku aptauja"), ("2", 0, 73.0, "", "Iedzīvotāju aptauja"),
             ("4", 0, 55.0, "", "IKSD"), ("5", 0, 4.0, "", "RIIMC"), ("6", 0, 9.5, "", "VIIS"),
             ("7", 0, None, "pēc pieprasījuma", "IKSD"), ("8", 0, 1.0, "", "VIIS"), ("8", 1, 3.8, "", "VIIS"),
             ("8", 2, 70.0, "", "VIIS"))
RIGA = {
    ("1", 0): ("72 %", "Vecāku aptauja (F4)", "sasniegts"),  # ≥ 70
    ("2", 0): ("73 %", "Iedzīvotāju aptauja (F4)", "virzās"),  # 74 not reached, baseline 72
    ("3", 0): ("–", "", "nav datu"),  # computed from F2, and Rīga has no F2 and no F4 value
    ("4", 0): ("55 %", "IKSD (F4)", "virzās"),  # board value wins over the (missing) F2 metric
    ("5", 0): ("4 %", "RIIMC (F4)", "atpaliek"),  # below the baseline 5
    ("6", 0): ("9,5 %", "VIIS (F4)", "sasniegts"),  # ≥ 9
    ("6", 1): ("–", "", "nav datu"),
    ("7", 0): ("pēc pieprasījuma", "IKSD (F4)", "nav nosakāms"),  # a text against a numeric target
    ("8", 0): ("1 %", "VIIS (F4)", "atpaliek"),  # "< 1%": 1 is not below 1, and no nearer than baseline 1
    ("8", 1): ("3,8 %", "VIIS (F4)", "virzās"),  # target 3,5, baseline 4
    ("8", 2): ("70 %", "VIIS (F4)", "atpaliek"),  # target 65, baseline 67
    ("9", 0): ("–", "", "nav datu"),
}

# Ludza (seed 004), school year 2024./2025., targets of 2025.
LUDZA_F4 = f4(("1", 0, 65.0, "", "Vecāku aptauja"), ("8", 2, 30.0, "", "VIIS"))
LUDZA = {
    ("1", 0): ("65 %", "Vecāku aptauja (F4)", "atpaliek"),  # below 70; the baseline is "Tiks noteikta 2024.g."
    ("2", 0): ("–", "", "nav datu"),
    ("3", 0): ("66,7 %", F2_SOURCE, "atpaliek"),  # 400/600 below the baseline 67; target 75
    ("4", 0): ("50 %", F2_SOURCE, "atpaliek"),  # 1 of 2 schools; baseline 77
    ("5", 0): ("33,3 %", F2_SOURCE, "atpaliek"),  # 20/60 teachers; baseline 60
    ("6", 0): ("10 %", F2_SOURCE, "sasniegts"),  # 60/600 ≥ 8
    ("7", 0): ("66,7 %", F2_SOURCE, "sasniegts"),  # 200/300 ≥ 45
    ("8", 0): ("0,8 %", F2_SOURCE, "atpaliek"),  # 4/500 above the target 0 (baseline 0)
    ("8", 1): ("2 %", F2_SOURCE, "atpaliek"),  # 2/100 against "<0,05%" (baseline 0,02)
    ("8", 2): ("30 %", "VIIS (F4)", "virzās"),  # target 20, baseline 43
    ("9", 0): ("6,67 %", F2_SOURCE, "atpaliek"),  # 2/30 against "<0,05%"
}

# Ogre (seed 003), school year 2024./2025., targets of 2025.
OGRE_F4 = f4(("2", 0, 75.0, "", "Aptauja"), ("4", 0, None, "nav apkopots", ""))
OGRE = {
    ("1", 0): ("–", "", "nav datu"),
    ("2", 0): ("75 %", "Aptauja (F4)", "sasniegts"),
    ("3", 0): ("50 %", F2_SOURCE, "atpaliek"),
    ("4", 0): ("nav apkopots", "Izglītības pārvalde (F4)", "nav nosakāms"),  # F4 source empty: the plan's
    ("6", 0): ("33,3 %", F2_SOURCE, "atpaliek"),
    ("7", 0): ("10 %", F2_SOURCE, "sasniegts"),  # grades 1–9 only (seed 003 L1465): B's 20/200 (A gives no split)
    ("8", 0): ("66,7 %", F2_SOURCE, "sasniegts"),  # ≥ 45
    ("9", 0): ("0,8 %", F2_SOURCE, "atpaliek"),
    ("9", 1): ("2 %", F2_SOURCE, "atpaliek"),
    ("9", 2): ("–", "", "nav datu"),
    ("10", 0): ("6,67 %", F2_SOURCE, "atpaliek"),  # 2/30 against the ceiling "<0,05%"
}

# Daugavpils (seed 002, table 2.4 L246–L278), period 2026, targets of 2026; two meetings held.
DAUGAVPILS_F5 = [
    {"meeting_date": "2026-06-10", "items": [{"kind": "case", "case_id": "K1", "status": "izskatīšanā"},
                                             {"kind": "case", "case_id": "K2", "status": "jauns"}]},
    {"meeting_date": "2026-12-09", "items": [{"kind": "case", "case_id": "K1", "status": "atrisināts"},
                                             {"kind": "case", "case_id": "K3", "status": "jauns"}]},
]
DAUGAVPILS_F4 = f4(("1", 0, None, "78 % jūtas droši", "Izglītojamo aptauja"), ("5", 0, 2.5, "", "VIIS"),
                   ("14", 0, 50.0, "", ""), ("15", 0, 22.0, "", "Sociālais dienests"))
DAUGAVPILS = {
    ("1", 0): ("78 % jūtas droši", "Izglītojamo aptauja (F4)", "nav nosakāms"),  # target "tiks noteikti"
    ("2", 0): ("66,7 %", F2_SOURCE, "sasniegts"),  # ≥ 65
    ("3", 0): ("–", "", "nav nosakāms"),  # target "tiks noteikti 2024. g."
    ("4", 0): ("–", "", "nav datu"),
    ("5", 0): ("2,5 %", "VIIS (F4)", "virzās"),  # the board's VIIS figure wins over F2's 10/600
    ("6", 0): ("3", "F5, 2 sanāksmes", "sasniegts"),  # K1, K2, K3 ≤ 20
    ("7", 0): ("–", "", "nav nosakāms"),
    ("8", 0): ("33,3 %", F2_SOURCE, "nav nosakāms"),  # a value, but the target is still to be set
    ("9", 0): ("–", "", "nav nosakāms"),
    ("10", 0): ("4,17 %", F2_SOURCE, "atpaliek"),  # 25 families / 600 pupils; baseline 30
    ("11", 0): ("0,33 %", F2_SOURCE, "sasniegts"),  # 2/600 ≤ 0,8
    ("12", 0): ("1", F2_SOURCE, "sasniegts"),  # a count ≤ 40
    ("13", 0): ("1 %", F2_SOURCE, "atpaliek"),  # 6/600, to be kept at 0
    ("14", 0): ("50 %", "BJC \"Jaunība\" (F4)", "virzās"),  # target 55, baseline 43
    ("15", 0): ("22", "Sociālais dienests (F4)", "virzās"),  # a count: no "skaits" after it
}

CASES = {
    "livani": (2025, LIVANI_F4, [], F2, LIVANI),
    "riga": (2026, RIGA_F4, [], {}, RIGA),
    "ludza": (2025, LUDZA_F4, [], F2, LUDZA),
    "ogre": (2025, OGRE_F4, [], F2, OGRE),
    "daugavpils": (2026, DAUGAVPILS_F4, DAUGAVPILS_F5, F2, DAUGAVPILS),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_indicator_row_of_the_preset(name: str) -> None:
    year, board, meetings, f2, expected = CASES[name]
    cfg = preset(name)
    ds = Dataset.from_data(Period(year, cfg.period.kind), f2=f2, f4=board, f5=meetings)
    got = table(indicator_values(cfg, ds))
    assert set(got) == set(expected), "every indicator row of the preset is listed by hand"
    for key, want in expected.items():
        assert got[key] == want, key


def test_daugavpils_6_without_meetings_is_no_data() -> None:
    # The case: no meeting recorded gave 0 cases, and 0 ≤ 20 read as "sasniegts".
    cfg = preset("daugavpils")
    got = table(indicator_values(cfg, Dataset.from_data(Period(2026, "calendar_year"), f2=F2)))
    assert got[("6", 0)] == ("–", "", "nav datu")


def test_board_value_wins_and_computed_value_is_kept() -> None:
    cfg = preset("daugavpils")
    ds = Dataset.from_data(Period(2026, "calendar_year"), f2=F2, f4=DAUGAVPILS_F4)
    row5 = next(v for v in indicator_values(cfg, ds) if v.indicator.number == "5")
    assert (row5.value, row5.origin, round(row5.computed or 0, 2)) == (2.5, "F4", 1.67)
    assert row5.method == ("aprēķināts no skolu F2 veidlapām: izglītojamie (1.–12. kl.) ar vairāk nekā 20 "
                           "neattaisnoti kavētām stundām semestrī / visi izglītojamie mācību gada sākumā × 100")


@pytest.mark.parametrize(("name", "number", "baseline", "targets"), [
    ("daugavpils", "5", "3,81 % (2023)", ("2 %", "1 %")),
    ("daugavpils", "8", "Mērījums tiks uzsākts 2024. gadā",  # no "(2023)" after a text
     ("Sasniedzamie rezultāti tiks noteikti 2024. g.",) * 2),
    ("daugavpils", "6", "40 (2023)", ("20", "10")),  # a count: never "40 skaits"
    ("ogre", "10", "0,02 % (2023)", ("<0,05%", "0,05 %")),
    ("livani", "5", "13,47 likmes (2023)", ("16 likmes", "17 likmes")),
])
def test_baseline_and_target_cells_keep_units(name: str, number: str, baseline: str,
                                              targets: tuple[str, ...]) -> None:
    cfg = preset(name)
    ds = Dataset.from_data(Period(cfg.period.milestones[0], cfg.period.kind))
    row = next(v for v in indicator_values(cfg, ds) if v.indicator.number == number)
    assert row.baseline_text == baseline
    assert tuple(t for _, t in row.targets_text) == targets


@pytest.mark.parametrize(("value", "target", "baseline", "direction", "expected"), [
    (10.2, "<0,05%", 0.02, "maintain", "atpaliek"),  # Ogre 10 as the issue saw it: far above a 0,05 % ceiling
    (10.2, "<0,05%", 0.02, "decrease", "atpaliek"),
    (0.01, 0.05, 0.02, "decrease", "sasniegts"),  # Ogre 10's 2027 target "0,05%": a ceiling, not 0,05 ± 5 %
    (0.04, "<0,05%", 0.02, "maintain", "sasniegts"),
    (0.5, "< 0,4", 1.0, "maintain", "virzās"),  # above the ceiling, but nearer than the baseline
    (3.0, "≤ 2", 2.0, "decrease", "atpaliek"),
    (2.0, "≤ 2", 4.0, "decrease", "sasniegts"),
    (12.0, "> 10", 8.0, "increase", "sasniegts"),
    (10.0, "> 10", 8.0, "increase", "virzās"),
    (10.0, "≥ 10", 8.0, "increase", "sasniegts"),
    (0.0, 0, 0, "maintain", "sasniegts"),
    (0.1, 0, 0, "maintain", "atpaliek"),
    (52.0, 50, 50, "maintain", "sasniegts"),  # within 5 %
    (30.0, "Sasniedzamie rezultāti tiks noteikti 2024. g.", None, "increase", "nav nosakāms"),
    (None, "tiks noteikti 2024. g.", None, "increase", "nav nosakāms"),
])
def test_assessment_directions_and_comparators(value: float | None, target: Any, baseline: Any, direction: str,
                                               expected: str) -> None:
    base = None if baseline is None else Target.model_validate(baseline)
    assert assess(value, "", Target.model_validate(target), base, direction) == expected


def test_placeholder_target_repeated_by_the_board_is_not_achieved() -> None:
    target = Target.model_validate("Sasniedzamie rezultāti tiks noteikti 2024. g.")
    text = "Sasniedzamie rezultāti tiks noteikti 2024. g."
    assert assess(None, text, target, None, "increase") == "nav nosakāms"


def test_computation_notes_say_how_values_were_obtained() -> None:
    cfg = preset("daugavpils")
    ds = Dataset.from_data(Period(2026, "calendar_year"), f2=F2, f4=DAUGAVPILS_F4, f5=DAUGAVPILS_F5)
    notes = computation_notes(indicator_values(cfg, ds))
    assert notes[:2] == [
        "2: aprēķināts no skolu F2 veidlapām: izglītojamie (1.–12. kl.) vismaz vienā interešu izglītības "
        "programmā / visi izglītojamie mācību gada sākumā × 100.",
        "5: izmantota pārvaldes vērtība (F4); no veidlapām aprēķinātā vērtība 1,67 % (aprēķināts no skolu F2 "
        "veidlapām: izglītojamie (1.–12. kl.) ar vairāk nekā 20 neattaisnoti kavētām stundām semestrī / visi "
        "izglītojamie mācību gada sākumā × 100) nav izmantota."]
    assert "6: aprēķināts no sadarbības grupas sanāksmju protokoliem (F5): izskatīto atsevišķo gadījumu skaits." in notes
    assert len(notes) == 8  # 2, 5, 6, 8, 10, 11, 12, 13 — the rows with a computed value
