"""The pydantic models of a workspace's ``config.toml`` (imported through :mod:`generator.core.config`).

Each model holds its fields and validators; its lookups come from the plain classes of
:mod:`generator.core.config`, which run on the validated config restored from the workspace's cache too
(:mod:`generator.core.config_cache`). ``defer_build``: a model's validator is built when something first
validates, so that a command restoring the config from the cache does not pay for building it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from . import lv
from .config import (
    _CMP_RE,
    _NUM_RE,
    MANUAL,
    SLUG_RE,
    ConfigLookups,
    IndicatorLookups,
    IndicatorRowLookups,
    InstitutionKind,
    InstitutionLookups,
    TargetLookups,
)
from .vocab import ActivityStatus, Level, Stage


class Strict(BaseModel):
    """Base: unknown keys are an error (a typo in config.toml must not pass silently)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class Target(BaseModel, TargetLookups):
    """A target or baseline value as the seed writes it: a number with optional comparator, or text.

    Built from a TOML number or string: ``75``, ``"< 1%"``, ``"≤ 5"``, ``"Iesaistīti 35%"`` (number 35,
    the text kept), ``"pēc pieprasījuma"`` (text only).
    """

    model_config = ConfigDict(extra="forbid", defer_build=True)

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


class Institution(Strict, InstitutionLookups):
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


class IndicatorRow(Strict, IndicatorRowLookups):
    label: str = ""
    baseline_year: int | None = None
    baseline: Target | None = None
    targets: dict[str, Target] = Field(default_factory=dict, description="milestone year -> target")
    metric: str | None = Field(default=None, description="Overrides the indicator's metric for this row")


class Indicator(Strict, IndicatorLookups):
    number: str = Field(min_length=1)
    level: Level
    goal: str | None = None
    title: str = Field(min_length=1)
    unit: str = ""
    direction: Literal["increase", "decrease", "maintain"]
    rows: list[IndicatorRow] = Field(min_length=1)
    source: str = ""
    metric: str = MANUAL


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


class Config(Strict, ConfigLookups):
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

    def plan_edition(self) -> str:
        """A short hash identifying this edition of the plan (goals, activities, indicators)."""
        blob = json.dumps(self.plan.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]
