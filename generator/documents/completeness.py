"""Which institution owes which form in a period, and who has not delivered it yet."""

from __future__ import annotations

from dataclasses import dataclass

from ..config import Config, Institution
from ..dataset import Dataset
from ..intake.status import owed
from ..period import Period

FORM_TITLES = {"F1": "Aktivitāšu pārskats", "F2": "PMP riski. Situācijas apraksts", "F4": "Rādītāju vērtības"}


def expected_forms(cfg: Config, period: Period) -> dict[str, list[str]]:
    """Institution id -> the forms it owes for the period, as ``pmp status`` counts them.

    F1 from every institution, F2 from every school, F4 from the education board (the intake's
    :func:`generator.intake.status.owed`, so the report and the status never disagree).
    """
    out: dict[str, list[str]] = {}
    for inst_id, form in owed(cfg):
        out.setdefault(inst_id, []).append(form)
    return out


@dataclass(frozen=True)
class Missing:
    """An institution and the forms it has not sent."""

    institution: Institution
    forms: list[str]


def missing_forms(cfg: Config, ds: Dataset) -> list[Missing]:
    """Institutions with at least one expected form not accepted for the period."""
    out = []
    for inst_id, forms in expected_forms(cfg, ds.period).items():
        lacking = [f for f in forms if not _has(ds, f, inst_id)]
        if lacking:
            out.append(Missing(cfg.institution(inst_id), lacking))
    return out


def _has(ds: Dataset, form: str, inst_id: str) -> bool:
    if form == "F4":
        return ds.f4 is not None
    return inst_id in ds.reported(form)
