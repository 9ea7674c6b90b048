"""Which institution owes which form in a period, and who has not delivered it yet."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.config import Config, Institution
from ..core.period import Period
from ..core.vocab import FORM_TITLES as FORM_TITLES
from ..forms import owed_forms
from .dataset import Dataset


def expected_forms(cfg: Config, period: Period) -> dict[str, list[str]]:
    """Institution id -> the forms it owes for the period, as ``pmp status`` counts them.

    F1 from every institution the plan makes answerable in the period (kind "other" included), F2 from
    every school, F4 from the education board — :func:`generator.forms.owed_forms`, as ``pmp status``
    uses it, so the report and the status never disagree.
    """
    out: dict[str, list[str]] = {}
    for inst, form in owed_forms(cfg, period):
        out.setdefault(inst.id, []).append(form)
    return out


@dataclass(frozen=True)
class Missing:
    """An institution and the forms it has not sent."""

    institution: Institution
    forms: list[str]


def missing_forms(cfg: Config, ds: Dataset) -> list[Missing]:
    """Institutions with at least one expected form not accepted for the period."""
    owed: dict[str, tuple[Institution, list[str]]] = {}
    for inst, form in owed_forms(cfg, ds.period):  # as expected_forms, keeping the institution (no lookup)
        owed.setdefault(inst.id, (inst, []))[1].append(form)
    out = []
    for inst_id, (inst, forms) in owed.items():
        lacking = [f for f in forms if not _has(ds, f, inst_id)]
        if lacking:
            out.append(Missing(inst, lacking))
    return out


def _has(ds: Dataset, form: str, inst_id: str) -> bool:
    if form == "F4":
        return bool(ds.received.get("F4"))  # the board's, under whichever id it was sent
    return inst_id in ds.reported(form)
