"""Text that can never become a formula in a workbook we write.

Spreadsheet programs treat a cell whose text starts with ``=`` (and, on import or re-typing, ``+``,
``-``, ``@``, a tab or a carriage return) as a formula. Text that came from a workbook someone else
filled must never turn into one in a workbook we write (receipts' marked copies, the consolidated
workbook, regenerated forms).

**The choice:** such text gets a single leading space (U+0020). A space is invisible in print, keeps
the text readable and searchable, and no spreadsheet program starts a formula with it. We prefer it
to an apostrophe because openpyxl writes an apostrophe literally (it is not Excel's hidden
quote-prefix), so people would see it. Our readers strip surrounding whitespace, so a value that goes
workbook → reader → ``safe_text`` → workbook keeps one space and never accumulates more.
"""

from __future__ import annotations

from typing import Any

#: Leading characters that make a spreadsheet cell (or a CSV field opened in one) a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: What is put in front of a dangerous text. See the module docstring for why a space.
SAFE_PREFIX = " "


def safe_text(value: Any) -> str:
    """``value`` as text that no spreadsheet will evaluate: a leading ``= + - @ TAB CR`` gets a space.

    ``None`` becomes the empty string; other values use ``str()``. Text that is already safe is
    returned unchanged.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.startswith(FORMULA_STARTS):
        return SAFE_PREFIX + text
    return text
