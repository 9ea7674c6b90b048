"""Column widths that keep every word whole.

Word and LibreOffice break a word in the middle ("Vērtēju-ms") when it is wider than its cell. The
tables here are built from known texts, so before the table is made each column's narrowest width is
measured: the widest unbreakable piece of any of its texts (a word, or the part of a word up to a
hyphen or slash, where both programs may break a line), set in the template's font with FreeType
(matplotlib's bundled reader), plus the cell's margins. Columns then share the page width by their
relative weights, never below that minimum; when even the minimums do not fit, the font gets smaller.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

#: The font of the shipped templates and the metric-compatible font LibreOffice substitutes for it.
FONT_FAMILY = "Times New Roman"
METRIC_TWINS = {"Times New Roman": "Liberation Serif", "Arial": "Liberation Sans",
                "Courier New": "Liberation Mono", "Calibri": "Carlito", "Cambria": "Caladea"}
#: Left plus right cell margin of the "Table Grid" style (0.19 cm each) and a little slack for
#: rounding between FreeType and the word processors.
CELL_PADDING_CM = 0.38 + 0.08
PT_PER_CM = 72 / 2.54
SMALLEST_PT = 6.0

#: Where a line may break: after a hyphen, dash or slash, and at ordinary spaces (not no-break spaces).
_BREAKS = re.compile(r"(?<=[-–—/])|[ \t\n]+")
#: LibreOffice sometimes also breaks after a full stop followed by a letter ("2023./24.|m.g."), though not
#: always; widths never count on it, but such a break is no broken word either.
_BREAKS_AT_FULL_STOPS = re.compile(r"(?<=[-–—/])|(?<=\.)(?=[^\W\d_])|[ \t\n]+")


@lru_cache(maxsize=8)
def _face(family: str, bold: bool) -> FT2Font:
    name = METRIC_TWINS.get(family, family)
    prop = font_manager.FontProperties(family=[name, "Liberation Serif", "DejaVu Serif"],
                                       weight="bold" if bold else "normal")
    return FT2Font(font_manager.findfont(prop, fallback_to_default=True))


@lru_cache(maxsize=20000)
def text_width_cm(text: str, size_pt: float, bold: bool = False, family: str = FONT_FAMILY) -> float:
    """Width of ``text`` on one line, in cm."""
    if not text:
        return 0.0
    face = _face(family, bold)
    # Measured at 100 pixels per point: at 1 px/pt hinting rounds every advance to a whole point.
    face.set_size(size_pt, 72 * 100)
    face.set_text(text)
    width, _height = face.get_width_height()
    return width / 64 / 100 / PT_PER_CM


def pieces(text: str, at_full_stops: bool = False) -> list[str]:
    """The parts of ``text`` a line may not break inside (words, split after hyphens and slashes, and with
    ``at_full_stops`` also after a full stop before a letter)."""
    return [p for p in (_BREAKS_AT_FULL_STOPS if at_full_stops else _BREAKS).split(str(text)) if p]


def min_width_cm(text: str, size_pt: float, bold: bool = False) -> float:
    """The narrowest cell that shows ``text`` with no word broken."""
    widest = max((text_width_cm(p, size_pt, bold) for p in pieces(text)), default=0.0)
    return widest + CELL_PADDING_CM if widest else 0.0


def fit_widths(weights: Sequence[float], rows: Iterable[tuple[Sequence[str], bool]], total_cm: float,
               font_pt: float) -> tuple[list[float], float]:
    """Column widths (cm, summing to ``total_cm``) and the font size for a table.

    ``rows`` gives each row's texts (one per column, "" for a cell measured elsewhere, such as vertical
    text) and whether the row is bold. Widths follow ``weights`` as far as every column's narrowest
    width allows; the font shrinks by half points (not below 6 pt) until the narrowest widths fit.
    """
    table = [(list(texts), bold) for texts, bold in rows]
    size = font_pt
    while True:
        need = [0.0] * len(weights)
        for texts, bold in table:
            for n, text in enumerate(texts):
                if text:
                    need[n] = max(need[n], min_width_cm(text, size, bold))
        if sum(need) <= total_cm or size <= SMALLEST_PT:
            return share(weights, need, total_cm), size
        size -= 0.5


def share(weights: Sequence[float], need: Sequence[float], total_cm: float) -> list[float]:
    """Split ``total_cm`` by ``weights`` with every column at least its ``need``."""
    fixed: dict[int, float] = {}
    while True:
        free = [n for n in range(len(weights)) if n not in fixed]
        left = total_cm - sum(fixed.values())
        weight = sum(weights[n] for n in free) or 1.0
        widths = {n: left * weights[n] / weight for n in free}
        short = [n for n in free if widths[n] < need[n]]
        if not short or left <= 0:
            break
        for n in short:
            fixed[n] = need[n]
    out = [fixed.get(n, widths.get(n, 0.0)) for n in range(len(weights))]
    scale = total_cm / sum(out) if sum(out) else 1.0
    return [w * scale for w in out] if scale < 1 else out
