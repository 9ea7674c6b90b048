"""The configuration of a workspace's ``config.toml``: its vocabulary and every lookup on it.

The pydantic models that validate config.toml live in :mod:`.config_model` and take their methods from
the plain classes here (:class:`ConfigLookups`, :class:`InstitutionLookups` …), so that the same lookups
run on the validated config restored from the workspace's cache without pydantic (:mod:`.config_cache`:
``pmp status`` imports no pydantic). ``Config``, ``Institution`` and the other models are imported from
here as before; the first such import loads pydantic and the models. Cross-references between parts (an
activity's goal, an institution named as responsible, a target year that must be a milestone) are
checked by :func:`generator.core.config_check.check_references`.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TYPE_CHECKING

from .lazy import lender
from .vocab import LEVEL_LABELS as LEVEL_LABELS

if TYPE_CHECKING:  # the models, for type checkers; at run time they come from __getattr__ below
    from .config_model import (  # noqa: F401
        ActionPlanColumn,
        Activity,
        Config,
        CooperationGroup,
        FundingSource,
        Goal,
        GroupMember,
        Indicator,
        IndicatorRow,
        Institution,
        IntakeSettings,
        Layout,
        MailSettings,
        Monitoring,
        Municipality,
        PeriodSettings,
        Plan,
        PlannedFunding,
        Strict,
        Target,
        WorkTask,
    )

SLUG_RE = r"^[a-z0-9][a-z0-9_-]*$"

#: The models of :mod:`.config_model`, lent on first use (see :func:`__getattr__`).
MODEL_NAMES = frozenset({
    "Strict", "Target", "Municipality", "PeriodSettings", "Institution", "FundingSource", "GroupMember",
    "CooperationGroup", "Goal", "WorkTask", "PlannedFunding", "Activity", "IndicatorRow", "Indicator", "Plan",
    "ActionPlanColumn", "Layout", "Monitoring", "IntakeSettings", "MailSettings", "Config",
})


#: ``Config``, ``Institution`` … from :mod:`.config_model`: pydantic is imported by the first command that
#: validates or builds a model, not by everyone who needs a kind's label or a metric's name.
__getattr__ = lender(__name__, __package__, dict.fromkeys(MODEL_NAMES, "config_model"))


class InstitutionKind(StrEnum):
    school = "school"
    preschool = "preschool"
    social_service = "social_service"
    orphans_court = "orphans_court"
    municipal_police = "municipal_police"
    youth_centre = "youth_centre"
    education_board = "education_board"
    ngo = "ngo"
    other = "other"


#: Latvian plural names of institution kinds; a plan may name a whole kind as ``kind:school``.
KIND_GROUP_LABELS: dict[str, str] = {
    "school": "izglītības iestādes",
    "preschool": "pirmsskolas izglītības iestādes",
    "social_service": "sociālais dienests",
    "orphans_court": "bāriņtiesa",
    "municipal_police": "pašvaldības policija",
    "youth_centre": "jauniešu centri",
    "education_board": "izglītības pārvalde",
    "ngo": "NVO",
    "other": "citas institūcijas",
}

KIND_LABELS: dict[str, str] = {
    "school": "vispārizglītojošā skola",
    "preschool": "pirmsskolas izglītības iestāde",
    "social_service": "sociālais dienests",
    "orphans_court": "bāriņtiesa",
    "municipal_police": "pašvaldības policija",
    "youth_centre": "jauniešu centrs",
    "education_board": "izglītības pārvalde",
    "ngo": "nevalstiskā organizācija",
    "other": "cita institūcija",
}


#: Metric keys computed from the forms (F2 unless noted). An indicator row names one of these or "manual".
METRIC_KEYS: dict[str, str] = {
    "dropout_share": "Mācības pārtraukušo īpatsvars (%), visi posmi",
    "dropout_share_basic": "Mācības pārtraukušo īpatsvars pamatizglītībā (%)",
    "dropout_share_secondary": "Mācības pārtraukušo īpatsvars vidējā izglītībā (%)",
    "dropout_count": "Mācības pārtraukušo skaits",
    "at_risk_share": "PMP riskam pakļauto izglītojamo īpatsvars (%)",
    "at_risk_share_basic": "PMP riskam pakļauto īpatsvars pamatizglītībā (%)",
    "at_risk_share_secondary": "PMP riskam pakļauto īpatsvars vidējā izglītībā (%)",
    "unexcused_per_pupil": "Neattaisnoti kavētās stundas uz 1 izglītojamo",
    "unexcused_per_pupil_basic": "Neattaisnoti kavētās stundas uz 1 izglītojamo pamatizglītībā",
    "unexcused_per_pupil_secondary": "Neattaisnoti kavētās stundas uz 1 izglītojamo vidējā izglītībā",
    "over20_unexcused_share": "Izglītojamo ar vairāk nekā 20 neattaisnoti kavētām stundām semestrī īpatsvars (%)",
    "repeating_share": "Izglītojamo, kuri atkārto mācību gadu, īpatsvars (%)",
    "extended_year_share": "Izglītojamo ar pagarinātu mācību gadu īpatsvars (%)",
    "insufficient_grade_share": "Izglītojamo ar nepietiekamu vērtējumu gadā īpatsvars (%)",
    "grade9_not_continuing_share": "9. klašu beidzēju, kuri neturpina izglītību, īpatsvars (%)",
    "grade9_not_continuing_count": "9. klašu beidzēju, kuri neturpina izglītību, skaits",
    "grade9_exam_failed_share": "9. klašu izglītojamo, kuri nenokārtoja valsts pārbaudījumus, īpatsvars (%)",
    "support_measures_share": "Izglītojamo, kuriem sniegti PMP atbalsta pasākumi, īpatsvars (%)",
    "support_measures_share_basic": "Izglītojamo, kuriem sniegti PMP atbalsta pasākumi, īpatsvars pamatizglītībā (%)",
    "support_measures_share_secondary": "Izglītojamo, kuriem sniegti PMP atbalsta pasākumi, īpatsvars vidējā izglītībā (%)",
    "grade9_exam_failed_count": "9. klašu izglītojamo, kuri nenokārtoja valsts pārbaudījumus, skaits",
    "iap_share": "Izglītojamo ar individuālo atbalsta plānu īpatsvars (%)",
    "interest_education_share": "Izglītojamo, kuri iesaistīti interešu izglītībā, īpatsvars (%)",
    "career_counselling_share": "7.–12. klašu izglītojamo, kuri saņēmuši karjeras konsultācijas, īpatsvars (%)",
    "teachers_trained_share": "Pedagogu, kuri apguvuši PMP riska pazīmju atpazīšanu, īpatsvars (%)",
    "support_staff_fte": "Atbalsta personāla likmes (kopā)",
    "schools_with_pmp_plan_share": "Izglītības iestāžu ar PMP prevencijas darba plānu īpatsvars (%)",
    "families_two_talks_share": "Ģimeņu, ar kurām notikušas vismaz divas individuālas sarunas, īpatsvars no visiem izglītojamajiem (%)",
    "support_measures_at_risk_share": "PMP riskam pakļauto izglītojamo, kuriem sniegti atbalsta pasākumi, īpatsvars (%)",
    "coop_meetings_count": "Sadarbības grupas sanāksmju skaits (F5)",
    "coop_cases_count": "Sadarbības grupā izskatīto gadījumu skaits (F5)",
}
MANUAL = "manual"
#: Metrics computed from the schools' F2 (the others count the cooperation group's meetings, F5).
SCHOOL_METRICS = frozenset(k for k in METRIC_KEYS if not k.startswith("coop_"))

# A number, but not a year written as "2024. g." / "2023./24.m.g." (those make a target text-only).
_NUM_RE = re.compile(r"(?<!\d)(-?\d+(?:[.,]\d+)?)(?!\d)(?!\.(?:/|\s*g|\s*m\.g))")
_CMP_RE = re.compile(r"^\s*(<=|>=|≤|≥|<|>)")
# A value the programme leaves to be set later ("Sasniedzamie rezultāti tiks noteikti 2024. g.",
# "Tiks noteikta 2024.g.", "Mērījums tiks uzsākts 2023./24.m.g."): nothing can be assessed against it.
_PLACEHOLDER_RE = re.compile(r"\btiks\s+(?:noteikt|uzsākt|noteik|mērīt)", re.IGNORECASE)
# A bare number, optionally with a comparator: the cell gets the indicator's unit appended ("< 1" -> "< 1 %").
_BARE_RE = re.compile(r"^\s*(?:<=|>=|≤|≥|<|>)?\s*-?\d+(?:[.,]\d+)?\s*$")


class TargetLookups:
    """What a target or baseline value (:class:`Target`) says."""

    if TYPE_CHECKING:
        raw: str
        value: float | None

    @property
    def is_text(self) -> bool:
        return self.value is None

    @property
    def is_placeholder(self) -> bool:
        """A value the programme leaves to be set later ("… tiks noteikti 2024. g."): not assessable."""
        return bool(_PLACEHOLDER_RE.search(self.raw))

    def display(self, unit: str = "") -> str:
        """The value as a table cell shows it: a bare number of a percentage indicator keeps its "%"."""
        if unit == "%" and _BARE_RE.match(self.raw):
            return f"{self.raw.strip()} %"
        return self.raw


class InstitutionLookups:
    """The lookups of an institution (:class:`Institution`)."""

    if TYPE_CHECKING:
        name: str
        short: str | None
        email: str | None
        senders: list[str]

    @property
    def label(self) -> str:
        return self.short or self.name

    def sends_from(self, address: str) -> bool:
        """True when ``address`` is the registered address, one of ``senders``, or in a listed domain."""
        addr = address.strip().lower()
        if not addr or "@" not in addr:
            return False
        domain = addr.rsplit("@", 1)[1]
        for entry in [self.email or "", *self.senders]:
            entry = entry.strip().lower()
            if not entry:
                continue
            if "@" in entry.lstrip("@"):
                if addr == entry:
                    return True
            elif domain == entry.lstrip("@"):
                return True
        return False


class IndicatorRowLookups:
    """The cells of an indicator row (:class:`IndicatorRow`)."""

    if TYPE_CHECKING:
        baseline_year: int | None
        baseline: Target | None

    def baseline_display(self, unit: str = "") -> str:
        """The baseline cell: the value with its unit, and the baseline year after a value (never after a
        text such as "Mērījums tiks uzsākts 2024. gadā")."""
        if self.baseline is None:
            return "–"
        text = self.baseline.display(unit)
        if self.baseline_year and self.baseline.value is not None:
            return f"{text} ({self.baseline_year})"
        return text


class IndicatorLookups:
    """The lookups of an indicator (:class:`Indicator`)."""

    if TYPE_CHECKING:
        metric: str

    def row_metric(self, row: IndicatorRow) -> str:
        return row.metric or self.metric


class ConfigLookups:
    """The lookups on a whole config (:class:`Config`) used everywhere."""

    if TYPE_CHECKING:
        institutions: list[Institution]
        funding_sources: list[FundingSource]
        layout: Layout
        plan: Plan
        #: (key, ids of each activity's members): see :meth:`_activity_members`.
        _members: tuple[tuple[int, ...], list[frozenset[str]]] | None

    def institution(self, inst_id: str) -> Institution:
        for inst in self.institutions:
            if inst.id == inst_id:
                return inst
        raise KeyError(inst_id)

    @property
    def reporting_institutions(self) -> list[Institution]:
        """Institutions asked for an F1 in some year of the plan (see :meth:`owes_f1`)."""
        return [i for i in self.institutions if self.owes_f1(i)]

    def computed_from_forms(self, metric: str) -> bool:
        """Whether an indicator ``metric`` can be computed from the forms this config asks for: a school
        metric needs a school that submits F2 (Rīga's programme names none); otherwise the board enters it."""
        if metric not in METRIC_KEYS:
            return False
        return metric not in SCHOOL_METRICS or any(s.reports is not False for s in self.schools)

    def owes_f1(self, inst: Institution, years: set[int] | None = None) -> bool:
        """Whether ``inst`` is asked for its activity report (F1) for a period of ``years`` (None: any year).

        The board's explicit ``reports`` setting decides; without it every institution of a named kind
        reports, and one of kind "other" when the plan names it responsible or involved in an activity
        running in those years — whoever the plan makes answerable is asked.
        """
        if inst.reports is not None:
            return inst.reports
        if inst.kind != InstitutionKind.other:
            return True
        return bool(self.activities_for(inst.id, years))

    @property
    def schools(self) -> list[Institution]:
        return [i for i in self.institutions if i.kind == InstitutionKind.school]

    @property
    def board(self) -> Institution:
        for inst in self.institutions:
            if inst.kind == InstitutionKind.education_board:
                return inst
        raise KeyError("education_board")

    def goal(self, number: str) -> Goal:
        for g in self.plan.goals:
            if g.number == number:
                return g
        raise KeyError(number)

    def activity(self, number: str) -> Activity:
        for a in self.plan.activities:
            if a.number == number:
                return a
        raise KeyError(number)

    def funding_source(self, fid: str) -> FundingSource:
        for f in self.funding_sources:
            if f.id == fid:
                return f
        raise KeyError(fid)

    def _ref_index(self) -> dict[str, list[Institution]]:
        """Each id and each ``kind:<kind>`` group → its institutions in config order (one walk)."""
        by_ref: dict[str, list[Institution]] = {}
        for inst in self.institutions:
            by_ref.setdefault(inst.id, []).append(inst)
            by_ref.setdefault("kind:" + inst.kind.value, []).append(inst)
        return by_ref

    def resolve_refs(self, refs: list[str], index: dict[str, list[Institution]] | None = None) -> list[Institution]:
        """Institutions named by ids and ``kind:<kind>`` groups, in order, without repeats (``index``: a
        :meth:`_ref_index` of these institutions, when resolving many)."""
        by_ref = self._ref_index() if index is None else index
        out: list[Institution] = []
        seen: set[str] = set()
        for ref in refs:
            for inst in by_ref.get(ref, ()):
                if inst.id not in seen:
                    seen.add(inst.id)
                    out.append(inst)
        return out

    def ref_label(self, ref: str) -> str:
        """How a reference is printed in a plan table: the abbreviation/name, or the kind's plural."""
        if ref.startswith("kind:"):
            return self.layout.group_labels.get(ref[5:]) or KIND_GROUP_LABELS.get(ref[5:], ref)
        try:
            return self.institution(ref).label
        except KeyError:
            return ref

    def activities_for(self, inst_id: str, years: set[int] | None = None) -> list[Activity]:
        """Plan activities the institution is responsible for or involved in (optionally in given years)."""
        acts = self.plan.activities
        return [act for act, members in zip(acts, self._activity_members(), strict=True)
                if inst_id in members and (years is None or set(act.years) & years)]

    def _activity_members(self) -> list[frozenset[str]]:
        """Ids of each plan activity's responsible and involved institutions, resolved once per config.

        Every F1 (its status table, its choice lists) asks :meth:`activities_for`; resolving each
        activity's ``kind:`` groups against every institution on each call made intake grow as S².
        The key notices a copy with other institutions or activities (``model_copy(update=…)``) or a
        list changed in place.
        """
        acts = self.plan.activities
        key = (id(self.institutions), len(self.institutions), id(acts), len(acts),
               *(id(a) for a in acts), *(id(i) for i in self.institutions))
        if self._members is None or self._members[0] != key:
            index = self._ref_index()
            self._members = (key, [frozenset(i.id for i in self.resolve_refs(a.responsible + a.involved, index))
                                   for a in acts])
        return self._members[1]


#: The lookups each model takes (the models in :mod:`.config_model`, the plain objects of :mod:`.config_cache`).
LOOKUPS: dict[str, type] = {"Config": ConfigLookups, "Institution": InstitutionLookups, "Target": TargetLookups,
                            "IndicatorRow": IndicatorRowLookups, "Indicator": IndicatorLookups}
