"""The configuration model of a workspace's ``config.toml`` (pydantic v2).

The structural model lives here; cross-references between parts (an activity's goal, an
institution named as responsible, a target year that must be a milestone) are checked by
:func:`check_references`, which gives one Latvian problem per line with its key path.
"""

from __future__ import annotations

import hashlib
import json
import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from . import lv
from .vocab import LEVEL_LABELS as LEVEL_LABELS
from .vocab import ActivityStatus, Level, Stage

SLUG_RE = r"^[a-z0-9][a-z0-9_-]*$"


class Strict(BaseModel):
    """Base: unknown keys are an error (a typo in config.toml must not pass silently)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


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


class Target(BaseModel):
    """A target or baseline value as the seed writes it: a number with optional comparator, or text.

    Built from a TOML number or string: ``75``, ``"< 1%"``, ``"≤ 5"``, ``"Iesaistīti 35%"`` (number 35,
    the text kept), ``"pēc pieprasījuma"`` (text only).
    """

    model_config = ConfigDict(extra="forbid")

    raw: str
    comparator: Literal["<", "≤", ">", "≥"] | None = None
    value: float | None = None

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, data: Any) -> Any:
        if isinstance(data, bool):
            raise ValueError("gaidīts skaitlis vai teksts")
        if isinstance(data, int | float):
            return {"raw": _fmt_number(float(data)), "value": float(data)}
        if isinstance(data, str):
            text = data.strip()
            if not text:
                raise ValueError("tukša vērtība")
            out: dict[str, Any] = {"raw": text}
            m = _CMP_RE.match(text)
            if m:
                out["comparator"] = {"<=": "≤", ">=": "≥"}.get(m.group(1), m.group(1))
            n = _NUM_RE.search(text)
            if n:
                out["value"] = float(n.group(1).replace(",", "."))
            return out
        return data

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


def _fmt_number(x: float) -> str:
    return lv.number(x)


class Municipality(Strict):
    name: str = Field(min_length=1)
    genitive: str = Field(min_length=1, description='Genitive used in titles, e.g. "Ludzas novada"')
    board_name: str = Field(min_length=1)
    board_address: str = Field(min_length=1)
    logo: str | None = None


class PeriodSettings(Strict):
    plan_years: list[int] = Field(min_length=1)
    kind: Literal["calendar_year", "school_year"]
    report_deadline: str = Field(pattern=r"^\d{2}-\d{2}$", description="MM-DD after the period ends")
    milestones: list[int] = Field(min_length=1)

    @field_validator("plan_years")
    @classmethod
    def _consecutive(cls, v: list[int]) -> list[int]:
        if sorted(v) != list(range(min(v), max(v) + 1)):
            raise ValueError("plāna gadiem jābūt secīgiem, piemēram [2024, 2025, 2026, 2027]")
        return sorted(v)


class Institution(Strict):
    id: str = Field(pattern=SLUG_RE, max_length=40)
    name: str = Field(min_length=1)
    short: str | None = Field(default=None, description="Abbreviation used in the plan tables (IP, SD, BT …)")
    kind: InstitutionKind
    email: str | None = Field(default=None, description="The institution's registered address: receipts and "
                              "reminders go there")
    senders: list[str] = Field(
        default_factory=list,
        description='Other addresses ("direktore@skola.lv") or whole domains ("skola.lv") that may send '
        "this institution's forms by e-mail",
    )
    stages: list[Stage] = Field(default_factory=list)
    reports: bool | None = Field(
        default=None,
        description="Whether it is asked for its forms (F1; a school also F2). Default: every institution "
        "of a named kind, and one of kind \"other\" when the plan names it responsible or involved in an "
        "activity of the period. `reports = false` opts it out (parents, entrepreneurs, lecturers and other "
        "parties that are not reporting institutions); `reports = true` asks it even without activities.",
    )

    @model_validator(mode="after")
    def _stages_only_for_schools(self) -> Institution:
        if self.kind == InstitutionKind.school and not self.stages:
            raise ValueError("skolai jānorāda apgūstamie posmi (stages), piemēram [\"1-6\", \"7-9\"]")
        if self.kind != InstitutionKind.school and self.stages:
            raise ValueError("posmi (stages) norādāmi tikai skolām (kind = \"school\")")
        return self

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


class FundingSource(Strict):
    id: str = Field(pattern=SLUG_RE)
    name: str = Field(min_length=1)


class GroupMember(Strict):
    name: str = Field(default="", description="Person's name; may stay empty where only the role is known")
    institution: str
    role: str = Field(min_length=1)


class CooperationGroup(Strict):
    name: str = "Starpinstitucionālā sadarbības grupa"
    chair: str = Field(min_length=1)
    secretary: str = ""
    members: list[GroupMember] = Field(default_factory=list)
    meeting_months: list[Annotated[int, Field(ge=1, le=12)]] = Field(default_factory=list)
    retention_years: int = Field(default=5, ge=0, description="Years a closed case's personal data is kept")
    inactive_years: int = Field(default=3, ge=1, description="Years an open case may stay without activity "
                                "before its personal data is erased (after warning the board)")
    purge_warning_days: int = Field(default=30, ge=0, description="Days between warning the board about an "
                                    "inactive open case and erasing it")


class Goal(Strict):
    number: str = Field(min_length=1)
    level: Level
    title: str = Field(min_length=1)
    expected_results: list[str] = Field(default_factory=list)


class WorkTask(Strict):
    title: str = Field(min_length=1)
    deadline: str = ""
    executor: str = ""
    supervisor: str = ""


class PlannedFunding(Strict):
    source: str = ""
    amount: float | None = None
    year: int | None = None
    text: str = ""


class Activity(Strict):
    number: str = Field(min_length=1)
    goal: str
    title: str = Field(min_length=1)
    expected_result: str = ""
    responsible: list[str] = Field(default_factory=list)
    involved: list[str] = Field(default_factory=list)
    years: list[int] = Field(default_factory=list)
    funding: list[str] = Field(default_factory=list, description="Funding source ids")
    funding_text: str = Field(default="", description="Funding as the seed words it, when more than the ids")
    link: str = ""
    tasks: list[WorkTask] = Field(default_factory=list)
    planned_funding: list[PlannedFunding] = Field(default_factory=list)
    status_override: ActivityStatus | None = None
    inferred: list[Literal["title", "expected_result", "responsible", "involved", "years", "funding", "link"]] = Field(
        default_factory=list, description="Cells that are a reading of a damaged source, not the adopted text; "
        "the plan marks them")


class IndicatorRow(Strict):
    label: str = ""
    baseline_year: int | None = None
    baseline: Target | None = None
    targets: dict[str, Target] = Field(default_factory=dict, description="milestone year -> target")
    metric: str | None = Field(default=None, description="Overrides the indicator's metric for this row")

    def baseline_display(self, unit: str = "") -> str:
        """The baseline cell: the value with its unit, and the baseline year after a value (never after a
        text such as "Mērījums tiks uzsākts 2024. gadā")."""
        if self.baseline is None:
            return "–"
        text = self.baseline.display(unit)
        if self.baseline_year and self.baseline.value is not None:
            return f"{text} ({self.baseline_year})"
        return text


class Indicator(Strict):
    number: str = Field(min_length=1)
    level: Level
    goal: str | None = None
    title: str = Field(min_length=1)
    unit: str = ""
    direction: Literal["increase", "decrease", "maintain"]
    rows: list[IndicatorRow] = Field(min_length=1)
    source: str = ""
    metric: str = MANUAL

    def row_metric(self, row: IndicatorRow) -> str:
        return row.metric or self.metric


class Plan(Strict):
    goals: list[Goal] = Field(min_length=1)
    activities: list[Activity] = Field(min_length=1)
    indicators: list[Indicator] = Field(default_factory=list)


ActionPlanColumn = Literal[
    "number", "goal", "title", "expected_result", "responsible", "involved", "years", "funding", "link",
    "tasks",
]


class Layout(Strict):
    action_plan_columns: list[ActionPlanColumn] = Field(min_length=1)
    goals_as_rows: bool = Field(default=True, description="Goal rows spanning the table (Līvāni, Rīga); false: a goal column (Ludza, Daugavpils)")
    results_table: bool = Field(default=False, description="The report has the per-activity results table "
                                "(planned funding, expected result, achieved value, impact, factors; Ludza 3.6.)")
    group_labels: dict[str, str] = Field(default_factory=dict, description="How the plan names a whole kind "
                                         '(kind:ngo) where it differs from the default ("Nevalstiskās organizācijas")')


class Monitoring(Strict):
    """Who prepares, presents and approves the annual report and the updated plan, and the evaluations the
    programme schedules (its monitoring chapter). Every text is printed in the documents as written."""

    prepared_by: str = Field(default="", description="Who prepares the annual report (default: the board)")
    coordinated_by: str = Field(default="", description="Who coordinates and monitors the implementation")
    presented_to: str = Field(default="", description='What is done with the report, as a verb phrase '
                              '("iesniedz pašvaldības vadībai", "prezentē sadarbības grupas sanāksmē")')
    approved_by: str = Field(default="", description="Who approves the report (a meeting, a council)")
    mid_term_year: int | None = Field(default=None, description="Year of the mid-term evaluation (Rīga: 2026)")
    final_report: str = Field(default="", pattern=r"^(\d{4}-\d{2})?$",
                              description="When the final report is due, YYYY-MM (Ludza: 2027-09); "
                              "default: after the plan's last year")
    publish_progress: bool = Field(default=False, description="The board publishes yearly progress on its website")
    budget_proposals: bool = Field(default=False, description="A meeting proposes activities for next year's "
                                   "municipal budget (Rīga)")


class IntakeSettings(Strict):
    max_file_mb: float = Field(default=20, gt=0, description="Largest workbook the intake opens (MB)")


class MailSettings(Strict):
    """``[mail]``: the board's mailbox. The password or OAuth2 token is never here (see ``secret_env``)."""

    address: str = Field(min_length=3, description="The board's submission address (From of every reply)")
    imap_host: str = Field(min_length=1)
    imap_port: int | None = Field(default=None, ge=1, le=65535, description="Default 993 (tls) / 143 (starttls)")
    imap_security: Literal["tls", "starttls"] = "tls"
    smtp_host: str | None = Field(default=None, description="Default: imap_host")
    smtp_port: int | None = Field(default=None, ge=1, le=65535, description="Default 465 (tls) / 587 (starttls)")
    smtp_security: Literal["tls", "starttls"] = "tls"
    user: str = Field(min_length=1)
    auth: Literal["password", "oauth2"] = Field(
        default="password", description="oauth2: the secret is an OAuth2 access token (XOAUTH2)")
    secret_env: str = Field(default="PMP_MAIL_SECRET", pattern=r"^[A-Z_][A-Z0-9_]*$")
    secret_file: str = Field(default=".pmp/mail.secret", description="Owner-only file, relative to the workspace")
    ca_file: str | None = Field(default=None, description="Extra CA certificate(s) to trust (PEM)")
    folder: str = "INBOX"
    done_folder: str | None = Field(default=None, description="Move handled messages here; default: flag them")
    delete_case_messages: bool = Field(
        default=True, description="Delete messages carrying F3/F5 (children's data) once safely stored")
    authserv_id: str | None = Field(
        default=None, description="The board's own server's Authentication-Results id; others are ignored")
    poll_seconds: float = Field(default=60, ge=1, le=3600)
    replies_per_hour: int = Field(default=10, ge=1, description="Automatic messages to one recipient per hour")
    max_message_mb: float = Field(default=40, gt=0)


class Config(Strict):
    schema_version: Literal[1] = 1
    municipality: Municipality
    period: PeriodSettings
    institutions: list[Institution] = Field(min_length=1)
    funding_sources: list[FundingSource] = Field(default_factory=list)
    cooperation_group: CooperationGroup
    layout: Layout
    plan: Plan
    intake: IntakeSettings = Field(default_factory=IntakeSettings)
    monitoring: Monitoring = Field(default_factory=Monitoring)
    mail: MailSettings | None = None
    #: (key, ids of each activity's members): see :meth:`_activity_members`.
    _members: tuple[tuple[int, ...], list[frozenset[str]]] | None = PrivateAttr(default=None)

    # ---- lookups used everywhere -------------------------------------------------------------
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

    def resolve_refs(self, refs: list[str]) -> list[Institution]:
        """Institutions named by ids and ``kind:<kind>`` groups, in order, without repeats."""
        out: list[Institution] = []
        seen: set[str] = set()
        for ref in refs:
            group = ref[5:] if ref.startswith("kind:") else None
            for inst in self.institutions:
                if (inst.kind.value == group if group is not None else inst.id == ref) and inst.id not in seen:
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
            self._members = (key, [frozenset(i.id for i in self.resolve_refs(a.responsible + a.involved))
                                   for a in acts])
        return self._members[1]

    def plan_edition(self) -> str:
        """A short hash identifying this edition of the plan (goals, activities, indicators)."""
        blob = json.dumps(self.plan.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]
