"""Charts for the annual report, drawn with matplotlib's Agg backend into PNG bytes.

Figures are made with ``matplotlib.figure.Figure`` directly (no pyplot state), so rendering works
without a display and leaks no figures between documents.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

from ..core.vocab import ACHIEVED, LAGGING, NO_DATA, NOT_ASSESSABLE, PROGRESSING  # noqa: E402

ASSESSMENT_COLOURS = {ACHIEVED: "#2e7d32", PROGRESSING: "#f9a825", LAGGING: "#c62828", NOT_ASSESSABLE: "#607d8b",
                      NO_DATA: "#9e9e9e"}


def _png(fig: Figure) -> io.BytesIO:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, bbox_inches="tight")
    fig.clear()  # the drawing's artists are not kept until the next cyclic collection
    buf.seek(0)
    return buf


#: More bars than this make the chart unreadable (and slow and large at city scale): the schools with
#: the highest at-risk share are shown, and the title says how many of how many.
MAX_SCHOOLS = 30


def school_shares_chart(names: Sequence[str], at_risk: Sequence[float], dropouts: Sequence[float]) -> io.BytesIO:
    """Grouped horizontal bars per school: at-risk share and dropout share (%), at most ``MAX_SCHOOLS``."""
    title = "PMP riska un mācības pārtraukušo īpatsvars izglītības iestādēs"
    rows = list(zip(names, at_risk, dropouts, strict=True))
    if len(rows) > MAX_SCHOOLS:
        title += f"\n({MAX_SCHOOLS} iestādes ar augstāko PMP riska īpatsvaru no {len(rows)})"
        rows = sorted(rows, key=lambda r: -r[1])[:MAX_SCHOOLS]
    height = max(2.4, 0.45 * len(rows) + 1.2)
    fig = Figure(figsize=(6.5, height))
    ax = fig.add_subplot()
    ys = range(len(rows))
    ax.barh([y + 0.2 for y in ys], [r[1] for r in rows], height=0.4, color="#1565c0",
            label="PMP riskam pakļautie, %")
    ax.barh([y - 0.2 for y in ys], [r[2] for r in rows], height=0.4, color="#c62828",
            label="Mācības pārtraukušie, %")
    ax.set_yticks(list(ys), [_short(r[0]) for r in rows], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("% no izglītojamajiem mācību gada sākumā", fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title(title, fontsize=9)
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)


def assessment_chart(counts: dict[str, int]) -> io.BytesIO:
    """Bars of how many indicator rows are sasniegts / virzās / atpaliek / nav nosakāms / nav datu."""
    fig = Figure(figsize=(6.0, 2.6))
    ax = fig.add_subplot()
    labels = list(ASSESSMENT_COLOURS)
    values = [counts.get(k, 0) for k in labels]
    bars = ax.bar(labels, values, color=[ASSESSMENT_COLOURS[k] for k in labels])
    for bar, value in zip(bars, values, strict=True):
        ax.annotate(str(value), (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center",
                    va="bottom", fontsize=8)
    ax.set_ylabel("Rādītāju skaits", fontsize=8)
    ax.set_ylim(0, max(values + [1]) * 1.25)
    ax.tick_params(labelsize=8)
    ax.set_title("Rezultatīvo rādītāju novērtējums", fontsize=9)
    return _png(fig)


def _short(name: str, limit: int = 34) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"
