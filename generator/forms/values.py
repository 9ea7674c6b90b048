"""Tolerant parsing of what people type into cells: numbers as text, decimal commas, spaces, dates.

Each parser returns ``(value, problem)``: ``problem`` is a Latvian sentence saying what to change,
or ``None`` when the value is fine. Empty cells are handled by the caller.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from ..core import lv

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y", "%d-%m-%Y", "%Y.%m.%d")
_EXCEL_EPOCH = datetime(1899, 12, 30)
#: "1.200" or "12.500.000": a point grouping thousands, the way many write sums of money.
_THOUSANDS_POINT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")


def is_empty(raw: Any) -> bool:
    """True for None and for text that is only whitespace."""
    # str.strip() removes exactly what _SPACES matches (Unicode whitespace, no-break spaces included).
    return raw is None or (isinstance(raw, str) and not raw.strip())


def clean_text(raw: Any) -> str:
    """Text as typed, trimmed, with runs of spaces inside kept (line breaks kept too)."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "jā" if raw else "nē"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat(sep=" ")
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw).replace("\u00a0", " ").strip()


def norm_key(text: str) -> str:
    """Lower-case text with single spaces, for matching dropdown labels."""
    return _SPACES.sub(" ", text).strip().casefold()


def parse_float(raw: Any) -> tuple[float | None, str | None]:
    """A number from a cell: numeric, or text with spaces/non-breaking spaces and a decimal comma."""
    if isinstance(raw, bool):
        return None, "gaidīts skaitlis, nevis “jā/nē”. Ierakstiet skaitli."
    if isinstance(raw, date):
        return None, date_for_number(raw)
    if isinstance(raw, int | float):
        return float(raw), None
    if isinstance(raw, str):
        text = _SPACES.sub("", raw)
        if _NUMBER.match(text):
            if text.count(",") + text.count(".") > 1:
                return None, f"“{raw.strip()}” nav skaitlis. Ierakstiet skaitli, piemēram 12 vai 4,5."
            return float(text.replace(",", ".")), None
    return None, f"“{clean_text(raw)}” nav skaitlis. Ierakstiet skaitli, piemēram 12 vai 4,5."


def date_for_number(d: date) -> str:
    """Why a date stands where a number belongs: Latvian Calc and Excel read "4.5" as the 4th of May."""
    return (f"Šūnā ir datums {d:%d.%m.%Y}, nevis skaitlis: skaitli ar punktu ({d.day}.{d.month}) LibreOffice vai "
            f"Excel pārvērš datumā. Ierakstiet skaitli ar decimālkomatu, piemēram {d.day},{d.month}.")


def thousands_point(raw: Any, value: float) -> str | None:
    """A warning for text such as "1.200", read as 1,2 though it may mean 1200; None otherwise."""
    if not isinstance(raw, str) or not _THOUSANDS_POINT.match(_SPACES.sub("", raw)):
        return None
    meant = _SPACES.sub("", raw).replace(".", "")
    return (f"“{raw.strip()}” nolasīts kā {fmt_number(value)}. Ja domāts {meant}, ierakstiet skaitli bez punkta; "
            "decimāldaļu atdaliet ar komatu.")


def parse_int(raw: Any) -> tuple[int | None, str | None]:
    """A whole number (a float like 12.0 is accepted)."""
    if isinstance(raw, date):
        return None, date_for_number(raw)
    value, problem = parse_float(raw)
    if problem:
        return None, f"“{clean_text(raw)}” nav vesels skaitlis. Ierakstiet veselu skaitli, piemēram 12."
    assert value is not None
    if not value.is_integer():
        return None, f"{clean_text(raw)} nav vesels skaitlis. Ierakstiet veselu skaitli bez decimāldaļas."
    return int(value), None


def parse_date(raw: Any) -> tuple[date | None, str | None]:
    """A date: a date cell, an Excel serial number, or text 12.03.2025 / 2025-03-12 / 12.03.25."""
    if isinstance(raw, datetime):
        return raw.date(), None
    if isinstance(raw, date):
        return raw, None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if 1 <= raw < 2958466:
            return (_EXCEL_EPOCH + timedelta(days=int(raw))).date(), None
    if isinstance(raw, str):
        text = _SPACES.sub("", raw).rstrip(".")
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).date(), None
            except ValueError:
                continue
    return None, f"“{clean_text(raw)}” nav datums. Ierakstiet datumu formā 12.03.2025."


def fmt_number(x: float) -> str:
    """A number the Latvian way: no trailing zeros, decimal comma (see :func:`generator.core.lv.number`)."""
    return lv.number(x)
