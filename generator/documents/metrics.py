"""Indicator metrics computed from a period's accepted data, and the assessment against targets.

Every key of :data:`generator.config.METRIC_KEYS` has a function here (a test checks it). Shares are
percentages of the relevant pupils summed over the schools that reported F2 ("basic" = grades 1–9 =
stages "1-6" + "7-9", "secondary" = stage "10-12", pupils counted at the start of the period):

* dropout / at-risk share per stage: Σ dropouts (at-risk pupils) of the stage / Σ pupils of the stage;
* unexcused lessons per pupil: the schools' per-pupil figures weighted by their pupils of the stage;
* support measures per stage: a school's ``support_measures_basic`` / ``support_measures_secondary``
  when the form gives them; otherwise a school teaching only that stage counts its ``support_measures``
  there, and a school teaching both stages without a split is left out of both numerator and
  denominator (its total cannot be divided honestly);
* over-20-unexcused, repeating, extended year, insufficient grade, support measures, IAP, interest
  education: Σ pupils concerned / Σ all pupils;
* career counselling: Σ grade 7–12 pupils counselled / Σ pupils of stages "7-9" + "10-12";
* 9th-graders not continuing: per school max(0, grade9.enrolled − Σ grade9_continuing counts) — those
  enrolled in grade 9 whom the school cannot name a place of further education for; the share is of
  Σ grade9.enrolled; 9th-graders failing state exams: Σ grade9_exam_failed (count) and its share of
  Σ grade9.enrolled;
* teachers trained: Σ teachers_trained / Σ teachers_total; support staff: Σ FTE of every role;
* schools with a PMP work plan: schools answering yes / schools that reported F2;
* families with two talks: Σ families_two_talks / Σ at-risk pupils (one family per at-risk pupil);
* cooperation group meetings and cases: counts from accepted F5 records.

A metric is ``None`` ("nav datu") when nothing was reported or its denominator is zero.

Assessment (:func:`assess`) of a value against the indicator row's *next* milestone target (the first
milestone year ≥ the period's year, else the last one):

* no value, no target → "nav datu"; a text target (e.g. "pēc pieprasījuma") → "sasniegts" when the
  board entered (F4) the same text, otherwise "nav datu";
* the target is met → "sasniegts": with a comparator (<, ≤, >, ≥) as written; without one, by the
  direction: increase → value ≥ target, decrease → value ≤ target, maintain → within 5 % of target;
* not met but moved from the numeric baseline toward the target (increase: above the baseline,
  decrease: below it) → "virzās"; otherwise → "atpaliek".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..core import lv
from ..core.config import MANUAL, METRIC_KEYS, Config, Indicator, IndicatorRow, Target
from ..core.vocab import BASIC_STAGES, GRADES_7_12, STAGES
from .coop_summary import summarise_records
from .dataset import Dataset

ACHIEVED, PROGRESSING, LAGGING, NO_DATA = "sasniegts", "virzās", "atpaliek", "nav datu"
ASSESSMENTS = (ACHIEVED, PROGRESSING, LAGGING, NO_DATA)
BASIC = tuple(s for s in STAGES if s in BASIC_STAGES)
SECONDARY = tuple(s for s in STAGES if s not in BASIC_STAGES)
ALL_STAGES = STAGES


def num(value: Any) -> float:
    """A reported number, with empty answers counted as 0."""
    if value is None or value == "" or isinstance(value, bool):
        return 0.0
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def pupils(data: dict[str, Any], stages: tuple[str, ...] = ALL_STAGES) -> float:
    """Pupils at the start of the period in the given stages."""
    start = data.get("pupils_start") or {}
    return sum(num(start.get(s)) for s in stages)


def _share(ds: Dataset, numer: Callable[[dict[str, Any]], float],
           denom: Callable[[dict[str, Any]], float]) -> float | None:
    if not ds.f2:
        return None
    top = sum(numer(d) for d in ds.f2.values())
    bottom = sum(denom(d) for d in ds.f2.values())
    return None if bottom <= 0 else 100.0 * top / bottom


def _sum(ds: Dataset, func: Callable[[dict[str, Any]], float]) -> float | None:
    return None if not ds.f2 else float(sum(func(d) for d in ds.f2.values()))


def _field(name: str) -> Callable[[dict[str, Any]], float]:
    return lambda d: num(d.get(name))


def _weighted(ds: Dataset, fields: list[tuple[str, tuple[str, ...]]]) -> float | None:
    """Per-pupil figures of the schools weighted by their pupils in the matching stages."""
    if not ds.f2:
        return None
    total = weight = 0.0
    for d in ds.f2.values():
        for name, stages in fields:
            w = pupils(d, stages)
            total += num(d.get(name)) * w
            weight += w
    return None if weight <= 0 else total / weight


def grade9_not_continuing(data: dict[str, Any]) -> float:
    """Enrolled 9th-graders without a named place of further education (never negative)."""
    enrolled = num((data.get("grade9") or {}).get("enrolled"))
    continuing = sum(num(c.get("count")) for c in data.get("grade9_continuing") or [])
    return max(0.0, enrolled - continuing)


def _grade9(d: dict[str, Any]) -> float:
    return num((d.get("grade9") or {}).get("enrolled"))


def _at_risk(d: dict[str, Any]) -> float:
    return num(d.get("at_risk_basic")) + num(d.get("at_risk_secondary"))


def _dropouts(d: dict[str, Any]) -> float:
    return num(d.get("dropouts_basic")) + num(d.get("dropouts_secondary"))


def _support_stage(ds: Dataset, stage: str) -> float | None:
    """Share of pupils of a stage given support measures (see the module docstring for split rules)."""
    stages, other = (BASIC, SECONDARY) if stage == "basic" else (SECONDARY, BASIC)
    top = bottom = 0.0
    for d in ds.f2.values():
        split = d.get(f"support_measures_{stage}")
        if split is not None:
            top += num(split)
        elif pupils(d, other) == 0:
            top += num(d.get("support_measures"))
        else:
            continue
        bottom += pupils(d, stages)
    return None if bottom <= 0 else 100.0 * top / bottom


def _schools_with_plan(ds: Dataset) -> float | None:
    if not ds.f2:
        return None
    return 100.0 * sum(1 for d in ds.f2.values() if d.get("has_pmp_plan") is True) / len(ds.f2)


def _coop(ds: Dataset, what: str) -> float | None:
    summary = summarise_records(ds.f5)
    return float(summary.meetings_held if what == "meetings" else summary.cases_considered)


METRICS: dict[str, Callable[[Dataset], float | None]] = {
    "dropout_share": lambda ds: _share(ds, _dropouts, pupils),
    "dropout_share_basic": lambda ds: _share(ds, _field("dropouts_basic"), lambda d: pupils(d, BASIC)),
    "dropout_share_secondary": lambda ds: _share(ds, _field("dropouts_secondary"),
                                                 lambda d: pupils(d, SECONDARY)),
    "dropout_count": lambda ds: _sum(ds, _dropouts),
    "at_risk_share": lambda ds: _share(ds, _at_risk, pupils),
    "at_risk_share_basic": lambda ds: _share(ds, _field("at_risk_basic"), lambda d: pupils(d, BASIC)),
    "at_risk_share_secondary": lambda ds: _share(ds, _field("at_risk_secondary"),
                                                 lambda d: pupils(d, SECONDARY)),
    "unexcused_per_pupil": lambda ds: _weighted(ds, [("unexcused_per_pupil_basic", BASIC),
                                                     ("unexcused_per_pupil_secondary", SECONDARY)]),
    "unexcused_per_pupil_basic": lambda ds: _weighted(ds, [("unexcused_per_pupil_basic", BASIC)]),
    "unexcused_per_pupil_secondary": lambda ds: _weighted(ds, [("unexcused_per_pupil_secondary",
                                                                SECONDARY)]),
    "over20_unexcused_share": lambda ds: _share(ds, _field("over20_unexcused"), pupils),
    "repeating_share": lambda ds: _share(ds, _field("repeating"), pupils),
    "extended_year_share": lambda ds: _share(ds, _field("extended_year"), pupils),
    "insufficient_grade_share": lambda ds: _share(ds, _field("insufficient_grade"), pupils),
    "grade9_not_continuing_share": lambda ds: _share(ds, grade9_not_continuing, _grade9),
    "grade9_not_continuing_count": lambda ds: _sum(ds, grade9_not_continuing),
    "grade9_exam_failed_share": lambda ds: _share(ds, _field("grade9_exam_failed"), _grade9),
    "support_measures_share": lambda ds: _share(ds, _field("support_measures"), pupils),
    "support_measures_share_basic": lambda ds: _support_stage(ds, "basic"),
    "support_measures_share_secondary": lambda ds: _support_stage(ds, "secondary"),
    "grade9_exam_failed_count": lambda ds: _sum(ds, _field("grade9_exam_failed")),
    "iap_share": lambda ds: _share(ds, _field("iap"), pupils),
    "interest_education_share": lambda ds: _share(ds, _field("interest_education"), pupils),
    "career_counselling_share": lambda ds: _share(ds, _field("career_counselling_7_12"),
                                                  lambda d: pupils(d, GRADES_7_12)),
    "teachers_trained_share": lambda ds: _share(ds, _field("teachers_trained"), _field("teachers_total")),
    "support_staff_fte": lambda ds: _sum(ds, lambda d: sum(num(v) for v in
                                                           (d.get("support_staff") or {}).values())),
    "schools_with_pmp_plan_share": _schools_with_plan,
    "families_two_talks_share": lambda ds: _share(ds, _field("families_two_talks"), _at_risk),
    "coop_meetings_count": lambda ds: _coop(ds, "meetings"),
    "coop_cases_count": lambda ds: _coop(ds, "cases"),
}
assert set(METRICS) == set(METRIC_KEYS), "every metric key needs a function"


def compute(key: str, ds: Dataset) -> float | None:
    """The value of metric ``key`` for the dataset (None when there is no data)."""
    return METRICS[key](ds)


def fmt(value: float | None, digits: int = 1) -> str:
    """A number as Latvian documents write it: decimal comma, no trailing ",0"; "–" for no data."""
    if value is None:
        return "–"
    return lv.number(round(value, digits))


def next_milestone(milestones: list[int], year: int) -> int:
    """The first milestone year not before ``year``, else the last milestone."""
    later = sorted(m for m in milestones if m >= year)
    return later[0] if later else max(milestones)


def _met(value: float, target: Target, direction: str) -> bool:
    t = float(target.value or 0.0)
    cmp = target.comparator
    if cmp == "<":
        return value < t
    if cmp == "≤":
        return value <= t
    if cmp == ">":
        return value > t
    if cmp == "≥":
        return value >= t
    if direction == "increase":
        return value >= t
    if direction == "decrease":
        return value <= t
    return abs(value - t) <= max(abs(t) * 0.05, 1e-9)


def assess(value: float | None, text: str, target: Target | None, baseline: Target | None,
           direction: str) -> str:
    """Sasniegts / virzās / atpaliek / nav datu — the rule in the module docstring."""
    if target is None:
        return NO_DATA
    if target.is_text:
        same = text.strip().casefold() == target.raw.strip().casefold()
        return ACHIEVED if text.strip() and same else NO_DATA
    if value is None:
        return NO_DATA
    if _met(value, target, direction):
        return ACHIEVED
    if baseline is not None and baseline.value is not None:
        tval = float(target.value or 0.0)
        toward_up = direction == "increase" or (direction == "maintain" and tval > baseline.value)
        toward_down = direction == "decrease" or (direction == "maintain" and tval < baseline.value)
        if (toward_up and value > baseline.value) or (toward_down and value < baseline.value):
            return PROGRESSING
    return LAGGING


@dataclass(frozen=True)
class IndicatorValue:
    """One indicator row as the report's table shows it."""

    indicator: Indicator
    row: IndicatorRow
    row_index: int
    metric: str
    value: float | None
    text: str  # the value as printed ("12,5", a manual text, or "–")
    source: str
    milestone: int
    target: Target | None
    assessment: str

    @property
    def title(self) -> str:
        return self.indicator.title + (f" — {self.row.label}" if self.row.label else "")


def manual_value(ds: Dataset, number: str, row: int) -> tuple[float | None, str, str]:
    """The board's F4 value of indicator ``number`` row ``row``: (number, text, source)."""
    for item in (ds.f4 or {}).get("values") or []:
        if str(item.get("indicator")) == number and int(item.get("row") or 0) == row:
            value = item.get("value")
            return (None if value is None else float(value), str(item.get("text") or ""),
                    str(item.get("source") or ""))
    return None, "", ""


def indicator_values(cfg: Config, ds: Dataset) -> list[IndicatorValue]:
    """Every indicator row of the plan with this period's value and its assessment."""
    milestone = next_milestone(cfg.period.milestones, ds.period.year)
    out: list[IndicatorValue] = []
    for ind in cfg.plan.indicators:
        for n, row in enumerate(ind.rows):
            metric = ind.row_metric(row)
            value, text, source = manual_value(ds, ind.number, n)
            if metric != MANUAL:
                value, text, source = compute(metric, ds), "", ind.source or "veidlapa F2"
            shown = text if (value is None and text) else fmt(value)
            target = row.targets.get(str(milestone))
            out.append(IndicatorValue(ind, row, n, metric, value, shown, source, milestone, target,
                                      assess(value, text, target, row.baseline, ind.direction)))
    return out
