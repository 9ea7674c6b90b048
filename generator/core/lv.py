"""Latvian formatting: dates in the cases the documents need, counts with number agreement, numbers.

Everything a school, the board or the group reads goes through here, so that "30. novembrī", "21
aktivitāte" and "12,5" are written one way. CLDR (through Babel) supplies the long date format, month
names and the number formats; Babel has no case forms of month names, so the genitive and locative are
listed here. Babel is imported on first use: ``pmp --help``, ``pmp status`` and a count in a summary
line do not pay for it (CLDR's plural rule for "one" and a plain whole number need no formatting
library; tests/test_perf_paths.py checks both against Babel).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from decimal import Decimal

LOCALE = "lv_LV"

#: Month names in the genitive ("30. novembra sanāksme") and the locative ("30. novembrī").
MONTHS_GENITIVE = ("janvāra", "februāra", "marta", "aprīļa", "maija", "jūnija", "jūlija", "augusta",
                   "septembra", "oktobra", "novembra", "decembra")
MONTHS_LOCATIVE = ("janvārī", "februārī", "martā", "aprīlī", "maijā", "jūnijā", "jūlijā", "augustā",
                   "septembrī", "oktobrī", "novembrī", "decembrī")

#: CLDR's Latvian plural rules: "one" (1, 21, 31, 101 … but not 11), "zero" (0, 10–20, 30 …), "other".
#: The noun agrees in the singular only with "one" (:func:`is_singular` computes that rule).
PLURAL_RULES = {
    "zero": "n % 10 = 0 or n % 100 = 11..19",
    "one": "n % 10 = 1 and n % 100 != 11",
}


def date_long(d: date) -> str:
    """Nominative long date: "2026. gada 30. novembris" (titles, signature lines)."""
    from babel.dates import format_date

    return format_date(d, "long", locale=LOCALE)


def date_genitive(d: date) -> str:
    """Genitive: "2026. gada 30. novembra" ("… sanāksmes protokols", "līdz … ")."""
    return f"{d.year}. gada {d.day}. {MONTHS_GENITIVE[d.month - 1]}"


def date_locative(d: date) -> str:
    """Locative: "2026. gada 30. novembrī" ("saņemts 30. novembrī", "notika …")."""
    return f"{d.year}. gada {d.day}. {MONTHS_LOCATIVE[d.month - 1]}"


def date_short(d: date) -> str:
    """Numeric date as schools write it: "30.11.2026"."""
    return f"{d.day:02d}.{d.month:02d}.{d.year}"


def is_singular(n: int) -> bool:
    """Whether a count takes the singular noun in Latvian (1, 21, 101 … but not 11, 111)."""
    m = abs(int(n))
    return m % 10 == 1 and m % 100 != 11  # PLURAL_RULES["one"]


def count(n: int, singular: str, plural: str) -> str:
    """A count with its noun in agreement: ``count(21, "aktivitāte", "aktivitātes")`` → "21 aktivitāte"."""
    return f"{number(n)} {singular if is_singular(n) else plural}"


def number(x: float | int | Decimal, decimals: int | None = None, group: bool = False) -> str:
    """A number the Latvian way: decimal comma, no trailing zeros, never an exponent.

    ``decimals`` fixes the number of decimals (rounded); ``group`` separates thousands with a space
    ("1 200" — for documents; values echoed back to a school keep the digits as typed).
    """
    if type(x) is int and decimals is None and not group:
        return str(x)  # what Babel writes for a whole number with pattern "0" (lv: minus sign "-")
    from decimal import Decimal, localcontext

    from babel.numbers import format_decimal

    value = Decimal(str(x)) if not isinstance(x, Decimal) else x
    if not value.is_finite():
        return str(x)
    # Babel quantizes inside the default decimal context (28 digits); huge or tiny values need more.
    with localcontext() as ctx:
        ctx.prec = 80
        if decimals is None:
            value = value.quantize(Decimal(1).scaleb(-10)).normalize()
            decimals_shown = max(0, -value.as_tuple().exponent)  # type: ignore[operator]
        else:
            decimals_shown = decimals
        pattern = ("#,##0" if group else "0") + ("." + "0" * decimals_shown if decimals_shown else "")
        text = format_decimal(value, format=pattern, locale=LOCALE)
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def percent(x: float | int, decimals: int = 1) -> str:
    """A percentage given in percent units: ``percent(64.94)`` → "64,9 %"."""
    return f"{number(x, decimals=decimals)} %"


def money(x: float | int, decimals: int = 2) -> str:
    """An amount in euro: ``money(1200.5)`` → "1 200,50 EUR"."""
    return f"{number(x, decimals=decimals, group=True)} EUR"
