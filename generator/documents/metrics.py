"""Indicator metrics computed from a period's accepted data, and the assessment against targets.

Every key of :data:`generator.config.METRIC_KEYS` has a :class:`Metric` here (a test checks it): the
function and, in Latvian, what it counts and what it divides by (:attr:`Metric.method`), which the
report prints so that a board can see how a computed value was obtained. Shares are percentages summed
over the schools that reported F2 ("basic" = grades 1–9 = stages "1-6" + "7-9", "secondary" = stage
"10-12", pupils counted at the start of the period):

* dropout / at-risk share per stage: Σ dropouts (at-risk pupils) of the stage / Σ pupils of the stage;
* unexcused lessons per pupil: the schools' per-pupil figures weighted by their pupils of the stage;
* support measures per stage: a school's ``support_measures_basic`` / ``support_measures_secondary``
  when the form gives them; otherwise a school teaching only that stage counts its ``support_measures``
  there, and a school teaching both stages without a split is left out of both numerator and
  denominator (its total cannot be divided honestly);
* support measures of at-risk pupils (Līvāni 9 "Sniegts atbalsts"): Σ pupils given support measures /
  Σ pupils at PMP risk;
* over-20-unexcused, repeating, extended year, insufficient grade, support measures, IAP, interest
  education: Σ pupils concerned / Σ all pupils;
* career counselling: Σ grade 7–12 pupils counselled / Σ pupils of stages "7-9" + "10-12";
* 9th-graders not continuing: per school max(0, grade9.enrolled − Σ grade9_continuing counts) — those
  enrolled in grade 9 whom the school cannot name a place of further education for; the share is of
  Σ grade9.enrolled; 9th-graders failing state exams: Σ grade9_exam_failed (count) and its share of
  Σ grade9.enrolled;
* teachers trained: Σ teachers_trained / Σ teachers_total; support staff: Σ FTE of every role;
* schools with a PMP work plan: schools answering yes / schools that reported F2;
* families with two talks (Daugavpils 10 "% no kopējā izglītojamo skaita skolās"): Σ families_two_talks /
  Σ all pupils;
* cooperation group meetings and cases: counts from the meetings held in the period (F5).

A metric is ``None`` ("nav datu") when nothing was reported or its denominator is zero — never 0: a
count of meetings or cases with no meeting recorded is no data, not zero.

The value of an indicator row (:func:`indicator_values`): the board's F4 value when it entered one (a
number, or a text from which a number is read, e.g. "Iesaistīti 38%"), else the computed metric; the
row says which (:attr:`IndicatorValue.origin`, :attr:`IndicatorValue.source`).

Assessment (:func:`assess`) of a value against the indicator row's *next* milestone target (the first
milestone year ≥ the period's year, else the last one):

* no target, or a placeholder target ("Sasniedzamie rezultāti tiks noteikti 2024. g.") → "nav nosakāms"
  (there is nothing to assess against), or "nav datu" when there is no value either (no target);
* a text target (e.g. "pēc pieprasījuma") → "sasniegts" when the board entered (F4) the same text,
  "nav datu" without a value, otherwise "nav nosakāms";
* a numeric target and no value → "nav datu"; a value that is only a text → "nav nosakāms";
* the target is met → "sasniegts": with a comparator (<, ≤, >, ≥) as written; without one, by the
  direction: increase → value ≥ target, decrease → value ≤ target, maintain → within 5 % of target;
* not met, but closer to the target than the numeric baseline was (the gap to the target's region —
  for "< 0,05" the amount above 0,05 — is smaller than the baseline's) → "virzās"; otherwise (also when
  the baseline is not a number) → "atpaliek".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from ..core import lv
from ..core.config import MANUAL, METRIC_KEYS, Config, Indicator, IndicatorRow, Target
from ..core.vocab import (
    ACHIEVED,
    ASSESSMENTS,
    BASIC_STAGES,
    EDUCATION_LEVELS,
    GRADES_7_12,
    LAGGING,
    NO_DATA,
    NOT_ASSESSABLE,
    PROGRESSING,
    STAGES,
)
from .coop_summary import summarise_records
from .dataset import Dataset

__all__ = ["ACHIEVED", "ASSESSMENTS", "LAGGING", "NO_DATA", "NOT_ASSESSABLE", "PROGRESSING", "IndicatorValue",
           "Metric", "METRICS", "assess", "compute", "computation_notes", "fmt", "indicator_values", "num",
           "pupils", "with_unit"]

BASIC = tuple(s for s in STAGES if s in BASIC_STAGES)
SECONDARY = tuple(s for s in STAGES if s not in BASIC_STAGES)
ALL_STAGES = STAGES
#: Relative tolerance of a "maintain" target without a comparator.
MAINTAIN_TOLERANCE = 0.05


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
    """Meetings or cases of the period's held meetings; no meeting recorded is no data, not 0."""
    if not ds.f5:
        return None
    summary = summarise_records(ds.f5)
    return float(summary.meetings_held if what == "meetings" else summary.cases_considered)


@dataclass(frozen=True)
class Metric:
    """How an indicator value is computed: the function and, in Latvian, what it counts.

    ``counts`` is the numerator (or the whole sum for a count), ``per`` the denominator of a share
    ("" for counts and sums), ``form`` the form the data comes from.
    """

    func: Callable[[Dataset], float | None]
    counts: str
    per: str = ""
    form: str = "F2"

    @property
    def method(self) -> str:
        """One Latvian line the report can print under the indicator table."""
        where = "skolu F2 veidlapām" if self.form == "F2" else "sadarbības grupas sanāksmju protokoliem (F5)"
        if self.per:
            return f"aprēķināts no {where}: {self.counts} / {self.per} × 100"
        return f"aprēķināts no {where}: {self.counts}"


ALL = "visi izglītojamie mācību gada sākumā"
BASIC_ALL = "1.–9. klašu izglītojamie mācību gada sākumā"
SECONDARY_ALL = "10.–12. klašu izglītojamie mācību gada sākumā"
GRADE9 = "9. klasē mācījušies mācību gada beigās"
SUPPORTED = "izglītojamie, kuriem sniegti PMP atbalsta pasākumi"



def _stage_share(prefix: str, what: str, level: str) -> Metric:
    """Σ ``<prefix>_<level>`` / Σ pupils of that level ("basic" = grades 1–9, "secondary" = 10–12)."""
    stages, per = (BASIC, BASIC_ALL) if level == "basic" else (SECONDARY, SECONDARY_ALL)
    return Metric(lambda ds: _share(ds, _field(f"{prefix}_{level}"), lambda d: pupils(d, stages)),
                  f"{what} {EDUCATION_LEVELS[level]}", per)


METRICS: dict[str, Metric] = {
    "dropout_share": Metric(lambda ds: _share(ds, _dropouts, pupils), "mācības pārtraukušie (1.–12. kl.)", ALL),
    "dropout_share_basic": _stage_share("dropouts", "mācības pārtraukušie", "basic"),
    "dropout_share_secondary": _stage_share("dropouts", "mācības pārtraukušie", "secondary"),
    "dropout_count": Metric(lambda ds: _sum(ds, _dropouts), "mācības pārtraukušo skaits (1.–12. kl.)"),
    "at_risk_share": Metric(lambda ds: _share(ds, _at_risk, pupils), "PMP riskam pakļautie (1.–12. kl.)", ALL),
    "at_risk_share_basic": _stage_share("at_risk", "PMP riskam pakļautie", "basic"),
    "at_risk_share_secondary": _stage_share("at_risk", "PMP riskam pakļautie", "secondary"),
    "unexcused_per_pupil": Metric(
        lambda ds: _weighted(ds, [("unexcused_per_pupil_basic", BASIC),
                                  ("unexcused_per_pupil_secondary", SECONDARY)]),
        "skolu neattaisnoti kavētās stundas uz 1 izglītojamo, vidējais, svērts ar izglītojamo skaitu"),
    "unexcused_per_pupil_basic": Metric(
        lambda ds: _weighted(ds, [("unexcused_per_pupil_basic", BASIC)]),
        "skolu neattaisnoti kavētās stundas uz 1 izglītojamo pamatizglītībā, vidējais, svērts ar "
        "1.–9. klašu izglītojamo skaitu"),
    "unexcused_per_pupil_secondary": Metric(
        lambda ds: _weighted(ds, [("unexcused_per_pupil_secondary", SECONDARY)]),
        "skolu neattaisnoti kavētās stundas uz 1 izglītojamo vidējā izglītībā, vidējais, svērts ar "
        "10.–12. klašu izglītojamo skaitu"),
    "over20_unexcused_share": Metric(
        lambda ds: _share(ds, _field("over20_unexcused"), pupils),
        "izglītojamie (1.–12. kl.) ar vairāk nekā 20 neattaisnoti kavētām stundām semestrī", ALL),
    "repeating_share": Metric(lambda ds: _share(ds, _field("repeating"), pupils),
                              "izglītojamie, kuri atkārto mācību gadu", ALL),
    "extended_year_share": Metric(lambda ds: _share(ds, _field("extended_year"), pupils),
                                  "izglītojamie ar pagarinātu mācību gadu", ALL),
    "insufficient_grade_share": Metric(lambda ds: _share(ds, _field("insufficient_grade"), pupils),
                                       "izglītojamie ar nepietiekamu vērtējumu gadā", ALL),
    "grade9_not_continuing_share": Metric(
        lambda ds: _share(ds, grade9_not_continuing, _grade9),
        "9. klasē mācījušies, kuriem skola nenorāda tālākizglītības vietu", GRADE9),
    "grade9_not_continuing_count": Metric(
        lambda ds: _sum(ds, grade9_not_continuing),
        "9. klasē mācījušies, kuriem skola nenorāda tālākizglītības vietu (skaits)"),
    "grade9_exam_failed_share": Metric(lambda ds: _share(ds, _field("grade9_exam_failed"), _grade9),
                                       "9. klašu izglītojamie, kuri nenokārtoja valsts pārbaudījumus", GRADE9),
    "support_measures_share": Metric(lambda ds: _share(ds, _field("support_measures"), pupils), SUPPORTED, ALL),
    "support_measures_share_basic": Metric(lambda ds: _support_stage(ds, "basic"),
                                           f"{SUPPORTED} (1.–9. kl.)", BASIC_ALL),
    "support_measures_share_secondary": Metric(lambda ds: _support_stage(ds, "secondary"),
                                               f"{SUPPORTED} (10.–12. kl.)", SECONDARY_ALL),
    "support_measures_at_risk_share": Metric(lambda ds: _share(ds, _field("support_measures"), _at_risk),
                                             SUPPORTED, "PMP riskam pakļautie izglītojamie"),
    "grade9_exam_failed_count": Metric(lambda ds: _sum(ds, _field("grade9_exam_failed")),
                                       "9. klašu izglītojamie, kuri nenokārtoja valsts pārbaudījumus (skaits)"),
    "iap_share": Metric(lambda ds: _share(ds, _field("iap"), pupils),
                        "izglītojamie ar individuālo atbalsta plānu", ALL),
    "interest_education_share": Metric(lambda ds: _share(ds, _field("interest_education"), pupils),
                                       "izglītojamie (1.–12. kl.) vismaz vienā interešu izglītības programmā", ALL),
    "career_counselling_share": Metric(
        lambda ds: _share(ds, _field("career_counselling_7_12"), lambda d: pupils(d, GRADES_7_12)),
        "7.–12. klašu izglītojamie, kuri saņēmuši karjeras konsultācijas",
        "7.–12. klašu izglītojamie mācību gada sākumā"),
    "teachers_trained_share": Metric(lambda ds: _share(ds, _field("teachers_trained"), _field("teachers_total")),
                                     "pedagogi, kuri apguvuši PMP riska pazīmju atpazīšanu", "pedagogi kopā"),
    "support_staff_fte": Metric(
        lambda ds: _sum(ds, lambda d: sum(num(v) for v in (d.get("support_staff") or {}).values())),
        "atbalsta personāla slodžu summa"),
    "schools_with_pmp_plan_share": Metric(_schools_with_plan, "skolas ar PMP prevencijas darba plānu",
                                          "skolas, kuras iesniegušas F2"),
    "families_two_talks_share": Metric(lambda ds: _share(ds, _field("families_two_talks"), pupils),
                                       "ģimenes ar vismaz 2 individuālām sarunām ar skolu", ALL),
    "coop_meetings_count": Metric(lambda ds: _coop(ds, "meetings"), "notikušo sanāksmju skaits", form="F5"),
    "coop_cases_count": Metric(lambda ds: _coop(ds, "cases"), "izskatīto atsevišķo gadījumu skaits", form="F5"),
}
assert set(METRICS) == set(METRIC_KEYS), "every metric key needs a function"


def compute(key: str, ds: Dataset) -> float | None:
    """The value of metric ``key`` for the dataset (None when there is no data)."""
    return METRICS[key].func(ds)


def fmt(value: float | None, digits: int = 1) -> str:
    """A number as Latvian documents write it (:func:`generator.core.lv.number`): decimal comma, rounded to
    ``digits``, no trailing ",0"; "–" for no data."""
    if value is None:
        return "–"
    return lv.number(round(value, digits) + 0.0)


def with_unit(value: float, unit: str) -> str:
    """A value with the indicator's unit: "64,9 %", "3,81 %", "13,5 likmes"; a count stays bare ("0", never
    "0 skaits"). Values under 10 keep two decimals, as the seeds write them ("1,22 %", "0,05 %")."""
    text = fmt(value, 1 if abs(value) >= 10 else (2 if abs(value) >= 0.1 or value == 0 else 3))
    if unit == "%":
        return f"{text} %"
    if unit and unit != "skaits":
        return f"{text} {unit}"
    return text


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
    return abs(value - t) <= max(abs(t) * MAINTAIN_TOLERANCE, 1e-9)


def _gap(value: float, target: Target, direction: str) -> float:
    """How far ``value`` lies from the region the target asks for (0 on its edge or inside)."""
    t = float(target.value or 0.0)
    if target.comparator in ("<", "≤") or (target.comparator is None and direction == "decrease"):
        return max(0.0, value - t)
    if target.comparator in (">", "≥") or direction == "increase":
        return max(0.0, t - value)
    return max(0.0, abs(value - t) - abs(t) * MAINTAIN_TOLERANCE)


def assess(value: float | None, text: str, target: Target | None, baseline: Target | None,
           direction: str) -> str:
    """Sasniegts / virzās / atpaliek / nav nosakāms / nav datu — the rule in the module docstring."""
    has_data = value is not None or bool(text.strip())
    if target is None or target.is_placeholder:
        return NOT_ASSESSABLE if has_data or target is not None else NO_DATA
    if target.is_text:
        if not has_data:
            return NO_DATA
        same = text.strip().casefold() == target.raw.strip().casefold()
        return ACHIEVED if same else NOT_ASSESSABLE
    if value is None:
        return NOT_ASSESSABLE if has_data else NO_DATA
    if _met(value, target, direction):
        return ACHIEVED
    if baseline is not None and baseline.value is not None and not baseline.is_placeholder:
        if _gap(value, target, direction) < _gap(baseline.value, target, direction):
            return PROGRESSING
    return LAGGING


@dataclass(frozen=True)
class IndicatorValue:
    """One indicator row as the report's table shows it.

    ``value`` is what was assessed; ``origin`` says where it came from: "F4" (the board's value, which
    always wins), "F2"/"F5" (computed by ``metric``, described by ``method``) or "" (no data).
    ``computed`` is the metric's own value even when F4 overrides it. The ``*_text`` fields are the
    formatted cells: units kept ("64,9 %", "< 1 %"), counts bare, no year after a text baseline.
    """

    indicator: Indicator
    row: IndicatorRow
    row_index: int
    metric: str
    value: float | None
    text: str  # the value as printed ("64,9 %", a manual text, or "–")
    source: str  # where this value came from ("VIIS (F4)", "F2, 3 skolas", "")
    milestone: int
    target: Target | None
    assessment: str
    origin: str = ""
    method: str = ""
    computed: float | None = None
    baseline_text: str = "–"
    targets_text: tuple[tuple[str, str], ...] = ()  # (milestone year, cell) in milestone order

    @property
    def title(self) -> str:
        return self.indicator.title + (f" — {self.row.label}" if self.row.label else "")

    @property
    def target_text(self) -> str:
        """The assessed milestone's target cell ("–" without one)."""
        return dict(self.targets_text).get(str(self.milestone), "–")


def _number_in(text: str) -> float | None:
    """A number the board wrote inside a text ("Iesaistīti 38%"); None for a pure text."""
    if not text.strip():
        return None
    try:
        target = Target.model_validate(text)
    except ValidationError:
        return None
    return None if target.is_placeholder else target.value


def manual_value(ds: Dataset, number: str, row: int) -> tuple[float | None, str, str]:
    """The board's F4 value of indicator ``number`` row ``row``: (number, text, source).

    A number typed as a number comes back with an empty text; a text keeps its words and yields the
    number written in it, if any ("Iesaistīti 38%" -> 38).
    """
    for item in (ds.f4 or {}).get("values") or []:
        if str(item.get("indicator")) == number and int(item.get("row") or 0) == row:
            value = item.get("value")
            if value is not None:
                return float(value), "", str(item.get("source") or "")
            text = str(item.get("text") or "").strip()
            return _number_in(text), text, str(item.get("source") or "")
    return None, "", ""


def _counted_from(metric: Metric, ds: Dataset) -> str:
    if metric.form == "F5":
        return f"F5, {lv.count(len(ds.f5), 'sanāksme', 'sanāksmes')}"
    return f"F2, {lv.count(len(ds.f2), 'skola', 'skolas')}"


def indicator_value(cfg: Config, ds: Dataset, ind: Indicator, n: int, milestone: int) -> IndicatorValue:
    """Row ``n`` of indicator ``ind``: the board's F4 value if given, else the computed one, assessed."""
    row = ind.rows[n]
    key = ind.row_metric(row)
    metric = METRICS.get(key) if key != MANUAL else None
    computed = metric.func(ds) if metric else None
    value, text, given_source = manual_value(ds, ind.number, n)
    if value is not None or text:
        origin, source = "F4", f"{given_source or ind.source or 'pārvalde'} (F4)"
        shown = text or with_unit(value or 0.0, ind.unit)
    elif computed is not None and metric is not None:
        origin, source, value, text = metric.form, _counted_from(metric, ds), computed, ""
        shown = with_unit(computed, ind.unit)
    else:
        origin, source, shown = "", "", "–"
    target = row.targets.get(str(milestone))
    targets_text = tuple((str(m), row.targets[str(m)].display(ind.unit) if str(m) in row.targets else "–")
                         for m in cfg.period.milestones)
    return IndicatorValue(
        ind, row, n, key, value, shown, source, milestone, target,
        assess(value, text, target, row.baseline, ind.direction), origin=origin,
        method=metric.method if metric else "", computed=computed,
        baseline_text=row.baseline_display(ind.unit), targets_text=targets_text)


def indicator_values(cfg: Config, ds: Dataset) -> list[IndicatorValue]:
    """Every indicator row of the plan with this period's value and its assessment."""
    milestone = next_milestone(cfg.period.milestones, ds.period.year)
    return [indicator_value(cfg, ds, ind, n, milestone)
            for ind in cfg.plan.indicators for n in range(len(ind.rows))]


def computation_notes(values: list[IndicatorValue]) -> list[str]:
    """How each computed value of the indicator table was obtained, one Latvian line per row, for the
    report to print under the table ("the report says how it was computed"); a board value (F4) that
    replaced a computed one says so, with the computed value."""
    out = []
    for v in values:
        label = v.indicator.number + (f" ({v.row.label})" if v.row.label else "")
        if v.origin in ("F2", "F5"):
            out.append(f"{label}: {v.method}.")
        elif v.origin == "F4" and v.computed is not None:
            out.append(f"{label}: izmantota pārvaldes vērtība (F4); no veidlapām aprēķinātā vērtība "
                       f"{with_unit(v.computed, v.indicator.unit)} ({v.method}) nav izmantota.")
    return out
