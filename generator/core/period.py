"""Reporting periods: a year meaning the calendar year or the school year that ends in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from .errors import PeriodError

if TYPE_CHECKING:
    from .config import Config


@dataclass(frozen=True)
class Period:
    """One reporting period. ``year`` is the calendar year, or the year a school year ends in."""

    year: int
    kind: str  # "calendar_year" | "school_year"

    @property
    def start(self) -> date:
        return date(self.year, 1, 1) if self.kind == "calendar_year" else date(self.year - 1, 9, 1)

    @property
    def end(self) -> date:
        return date(self.year, 12, 31) if self.kind == "calendar_year" else date(self.year, 8, 31)

    @property
    def label(self) -> str:
        """As documents write it: "2025. gads" or "2024./2025. mācību gads"."""
        if self.kind == "calendar_year":
            return f"{self.year}. gads"
        return f"{self.year - 1}./{self.year}. mācību gads"

    @property
    def school_year(self) -> str:
        """The school year whose figures the period's F2 reports — the one ending in ``year``: "2025./2026."
        (also for a calendar-year municipality, whose report follows the school year's end)."""
        return f"{self.year - 1}./{self.year}."

    @property
    def short_label(self) -> str:
        return str(self.year) if self.kind == "calendar_year" else f"{self.year - 1}./{self.year}."

    @property
    def plan_years(self) -> set[int]:
        """Plan years ("x" columns) this period touches."""
        return {self.year} if self.kind == "calendar_year" else {self.year - 1, self.year}

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end


def current_year(cfg: Config, today: date | None = None) -> int:
    today = today or date.today()
    if cfg.period.kind == "school_year" and today.month >= 9:
        return today.year + 1
    return today.year


def resolve_period(cfg: Config, year: int | None, today: date | None = None) -> Period:
    """The period for ``--period`` (or the current one), checked against the plan's years."""
    y = current_year(cfg, today) if year is None else year
    period = Period(y, cfg.period.kind)
    if not (period.plan_years & set(cfg.period.plan_years)):
        years = cfg.period.plan_years
        raise PeriodError(f"periods {period.short_label} nav plāna periodā {years[0]}–{years[-1]}; "
                          f"norādiet --period starp {years[0]} un {years[-1]}")
    return period


def today() -> date:
    """The current day: what an F1 event's date is checked against and where the filler's events end.

    One function (looked up at call time) so that tests can pin the day with ``monkeypatch``.
    """
    return date.today()
