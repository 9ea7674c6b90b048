"""Metrics computed from F2 data, checked against numbers worked out by hand, and the assessment rule."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from generator.core.config import MANUAL, METRIC_KEYS, Target
from generator.core.config_check import parse_config
from generator.core.period import Period
from generator.core.workspace import PRESETS, preset_path
from generator.documents.dataset import Dataset
from generator.documents.metrics import (
    ACHIEVED,
    LAGGING,
    METRICS,
    NO_DATA,
    NOT_ASSESSABLE,
    PROGRESSING,
    assess,
    compute,
    fmt,
    indicator_values,
    next_milestone,
)

PERIOD = Period(2025, "school_year")


def school(**over: Any) -> dict[str, Any]:
    """A complete F2 data dict with small round numbers; ``over`` replaces keys."""
    data: dict[str, Any] = {
        "pupils_start": {"1-6": 200, "7-9": 100, "10-12": 100}, "pupils_end": {"1-6": 198, "7-9": 99, "10-12": 98},
        "moved_out": 4, "moved_in": 1, "at_risk_basic": 30, "at_risk_secondary": 10, "dropouts_basic": 3,
        "dropouts_secondary": 2, "dropout_causes_basic": "", "dropout_causes_secondary": "",
        "risk_ranks": {"learning": 1, "social_health": 2, "economic": 3, "family": 4}, "risk_comment": "",
        "unexcused_per_pupil_basic": 6.0, "unexcused_per_pupil_secondary": 10.0, "over20_unexcused": 8,
        "extended_year": 4, "extended_year_subjects": "", "insufficient_grade": 12, "insufficient_grade_subjects": "",
        "repeating": 2, "repeating_subjects": "", "grade9_exam_failed": 1, "support_measures": 40, "iap": 6,
        "interest_education": 280, "career_counselling_7_12": 150, "families_two_talks": 20, "teachers_total": 40,
        "teachers_trained": 10,
        "support_staff": {"psychologist": 1.0, "social_pedagogue": 0.5, "special_pedagogue": 0.5,
                          "speech_therapist": 0.25, "career_consultant": 0.25, "teacher_assistant": 2.0,
                          "nurse": 0.5},
        "has_pmp_plan": True, "measures_needed": "", "partners": [],
        "grade9": {"enrolled": 20, "certificate": 19, "report_only": 1},
        "grade9_continuing": [{"institution": "Ludzas tehnikums", "count": 8}, {"institution": "ģimnāzija",
                                                                                 "count": 10}],
        "grade12": {"enrolled": 30, "certificate": 30, "report_only": 0}, "grade12_continuing": [],
    }
    data.update(over)
    return data


@pytest.fixture
def two_schools() -> Dataset:
    # School B teaches only basic stages, so its secondary counts are 0.
    b = school(pupils_start={"1-6": 100, "7-9": 100, "10-12": 0}, at_risk_basic=10, at_risk_secondary=0,
               dropouts_basic=1, dropouts_secondary=0, unexcused_per_pupil_basic=3.0,
               unexcused_per_pupil_secondary=0, over20_unexcused=2, repeating=0, interest_education=120,
               career_counselling_7_12=50, families_two_talks=5, teachers_total=20, teachers_trained=10,
               support_measures=20, has_pmp_plan=False, grade9={"enrolled": 10, "certificate": 10, "report_only": 0},
               grade9_continuing=[{"institution": "x", "count": 10}], grade9_exam_failed=0)
    return Dataset.from_data(PERIOD, f2={"a": school(), "b": b})


def test_every_metric_key_has_a_function() -> None:
    assert set(METRICS) == set(METRIC_KEYS)


@pytest.mark.parametrize(("key", "expected"), [
    # pupils: A 400 (basic 300, secondary 100), B 200 (basic 200)
    ("dropout_share", 100 * 6 / 600),
    ("dropout_share_basic", 100 * 4 / 500),
    ("dropout_share_secondary", 100 * 2 / 100),
    ("dropout_count", 6),
    ("at_risk_share", 100 * 50 / 600),
    ("at_risk_share_basic", 100 * 40 / 500),
    ("at_risk_share_secondary", 10.0),
    ("unexcused_per_pupil_basic", (6 * 300 + 3 * 200) / 500),
    ("unexcused_per_pupil_secondary", 10.0),
    ("unexcused_per_pupil", (6 * 300 + 10 * 100 + 3 * 200) / 600),
    ("over20_unexcused_share", 100 * 10 / 600),
    ("repeating_share", 100 * 2 / 600),
    ("grade9_not_continuing_count", 2),  # A: 20 enrolled − 18 continuing; B: 10 − 10
    ("grade9_not_continuing_share", 100 * 2 / 30),
    ("grade9_exam_failed_share", 100 * 1 / 30),
    ("grade9_exam_failed_count", 1),
    ("support_measures_share", 100 * 60 / 600),
    ("support_measures_share_basic", 100 * 20 / 200),  # only B can be split honestly (basic-only school)
    ("interest_education_share", 100 * 400 / 600),
    ("career_counselling_share", 100 * 200 / 300),  # A: 7-9 + 10-12 = 200; B: 100
    ("teachers_trained_share", 100 * 20 / 60),
    ("support_staff_fte", 2 * 5.0),
    ("schools_with_pmp_plan_share", 50.0),
    # Daugavpils 10 (seed 002 L265): families "% no kopējā izglītojamo skaita skolās" — of all pupils.
    ("families_two_talks_share", 100 * 25 / 600),
    # Līvāni 9 (seed 000 L236) "Sniegts atbalsts": pupils given support / pupils at PMP risk.
    ("support_measures_at_risk_share", 100 * 60 / 50),
])
def test_metric_values_match_hand_computation(two_schools: Dataset, key: str, expected: float) -> None:
    assert compute(key, two_schools) == pytest.approx(expected)


def test_no_data_gives_none() -> None:
    empty = Dataset.from_data(PERIOD)
    assert compute("dropout_share", empty) is None
    assert compute("support_staff_fte", empty) is None


def test_support_split_fields_are_used_when_given() -> None:
    ds = Dataset.from_data(PERIOD, f2={"a": school(support_measures_basic=15, support_measures_secondary=5)})
    assert compute("support_measures_share_basic", ds) == pytest.approx(5.0)
    assert compute("support_measures_share_secondary", ds) == pytest.approx(5.0)


def test_coop_counts_come_from_f5() -> None:
    f5 = [{"meeting_date": "2025-02-10", "items": [{"kind": "case", "case_id": "K1", "status": "turpinās"},
                                                    {"kind": "plan"}]},
          {"meeting_date": "2025-05-10", "items": [{"kind": "case", "case_id": "K1", "status": "atrisināts"},
                                                    {"kind": "case", "case_id": "K2", "status": "turpinās"}]}]
    ds = Dataset.from_data(PERIOD, f5=f5)
    assert compute("coop_meetings_count", ds) == 2
    assert compute("coop_cases_count", ds) == 2


@pytest.mark.parametrize(("value", "text", "target", "baseline", "direction", "expected"), [
    (0.8, "", "< 1", 1.2, "decrease", ACHIEVED),
    (1.0, "", "< 1", 1.2, "decrease", PROGRESSING),  # not below 1, but below the baseline
    (1.5, "", "< 1", 1.2, "decrease", LAGGING),
    (75.0, "", 75, 67, "increase", ACHIEVED),
    (70.0, "", 75, 67, "increase", PROGRESSING),
    (60.0, "", 75, 67, "increase", LAGGING),
    (0.5, "", "≤ 0,5", 1.2, "decrease", ACHIEVED),
    (None, "", 75, 67, "increase", NO_DATA),
    (None, "", "pēc pieprasījuma", None, "maintain", NO_DATA),
    (None, "Pēc pieprasījuma", "pēc pieprasījuma", None, "maintain", ACHIEVED),
    (None, "reizi gadā", "pēc pieprasījuma", None, "maintain", NOT_ASSESSABLE),  # data, but not the target
    (100.0, "", 100, 100, "maintain", ACHIEVED),
    (90.0, "", 100, 100, "maintain", LAGGING),
])
def test_assessment_rule(value: float | None, text: str, target: Any, baseline: Any, direction: str,
                         expected: str) -> None:
    tgt = Target.model_validate(target)
    base = None if baseline is None else Target.model_validate(baseline)
    assert assess(value, text, tgt, base, direction) == expected


def test_next_milestone() -> None:
    assert next_milestone([2025, 2027], 2024) == 2025
    assert next_milestone([2025, 2027], 2026) == 2027
    assert next_milestone([2025, 2027], 2028) == 2027


def test_fmt_is_latvian() -> None:
    assert fmt(12.345) == "12,3"
    assert fmt(5.0) == "5"
    assert fmt(None) == "–"


@pytest.mark.parametrize("preset", PRESETS)
def test_every_preset_indicator_resolves(preset: str) -> None:
    path = preset_path(preset)
    if not path.is_file():
        pytest.skip(f"preset {preset} not written yet")
    cfg = parse_config(tomllib.loads(Path(path).read_text(encoding="utf-8")))
    for ind in cfg.plan.indicators:
        for row in ind.rows:
            metric = ind.row_metric(row)
            assert metric == MANUAL or metric in METRICS, (ind.number, metric)
    period = Period(cfg.period.milestones[0], cfg.period.kind)
    values = indicator_values(cfg, Dataset.from_data(period, f2={"s": school()}))
    assert len(values) == sum(len(i.rows) for i in cfg.plan.indicators)
