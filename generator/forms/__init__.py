"""The standard workbooks F1–F5: one definition each, from which the blank
workbook is written, a filled one is read back and validated, and realistic test data is produced.

Public API (other modules code against exactly these names)::

    FORM_IDS, FORM_VERSION, generate_forms, write_blank, read_submission, write_marked_copy,
    fill_workbook, form_filename
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import FormError
from ..core.lazy import lender
from ..core.period import Period
from ..core.workspace import Workspace
from .definitions import FORMS, get_form
from .fields import FormContext
from .submission import Submission

if TYPE_CHECKING:
    from ..core.config import Config, Institution
    from .filler import fill_workbook as fill_workbook
    from .reader import read_submission as read_submission
    from .writer import Marks

#: Form ids in order ("F5" is added by the cooperation-group module).
FORM_IDS: tuple[str, ...] = tuple(FORMS)
#: Current version of each form; a workbook of any other version is refused.
FORM_VERSION: dict[str, int] = {fid: form.version for fid, form in FORMS.items()}

__all__ = ["FORM_IDS", "FORM_VERSION", "generate_forms", "write_blank", "read_submission",
           "write_marked_copy", "fill_workbook", "form_filename", "owed_forms"]


#: ``fill_workbook`` and ``read_submission`` on first use: the command line lists the forms (their
#: definitions) without the writer (openpyxl) or the reader (python-calamine).
__getattr__ = lender(__name__, __name__, {"fill_workbook": "filler", "read_submission": "reader"})


def form_filename(form_id: str, period: Period, institution_id: str) -> str:
    """The file name people see, e.g. ``F2_situacijas_apraksts_2025_ludzas-vsk.xlsx``."""
    return f"{form_id}_{get_form(form_id).slug}_{period.year}_{institution_id}.xlsx"


def _context(cfg: Config, period: Period, institution_id: str) -> FormContext:
    try:
        inst = cfg.institution(institution_id)
    except KeyError as e:
        raise FormError(f"iestāde “{institution_id}” nav konfigurācijā (config.toml, institutions)") from e
    return FormContext(cfg, period, inst)


def write_blank(cfg: Config, form_id: str, period: Period, institution_id: str, dest: Path) -> Path:
    """Write the blank ``form_id`` workbook for one institution and period to ``dest``."""
    if form_id not in FORMS:
        raise FormError(f"nezināma veidlapa “{form_id}” (zināmās: {', '.join(FORMS)})")
    from .writer import build_workbook

    wb = build_workbook(FORMS[form_id], _context(cfg, period, institution_id))
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dest)
    return dest


def owed_forms(cfg: Config, period: Period | None = None) -> list[tuple[Institution, str]]:
    """(institution, form id) pairs a period's reporting expects, in config order.

    F1 from every institution the plan makes answerable in the period (:meth:`Config.owes_f1`), F2 from
    every school, F4 from the education board, none from an institution with ``reports = false``; the F3
    case reports and F5 meeting records arrive when there is something to report and are never "missing".
    Without ``period``, an institution of kind "other" owes its F1 if named in any year of the plan.
    """
    years = period.plan_years if period is not None else None
    return [
        (inst, form_id)
        for inst in cfg.institutions
        for form_id, form in FORMS.items()
        if form.generated and form.owed and form.applies(inst, cfg, years)
    ]


def generate_forms(ws: Workspace, period: Period, institution: str | None = None) -> list[Path]:
    """Every blank form of the period into ``forms/<year>/<institution id>/``; the paths written.

    F1 for every institution answerable in the period, F2 and F3 for every school, F4 for the education
    board (see :func:`owed_forms`).
    """
    cfg = ws.config
    if institution is not None:
        _context(cfg, period, institution)  # unknown id -> FormError
    written: list[Path] = []
    for inst in cfg.institutions:
        if institution is not None and inst.id != institution:
            continue
        for form_id, form in FORMS.items():
            if form.generated and form.applies(inst, cfg, period.plan_years):
                dest = ws.forms_dir / str(period.year) / inst.id / form_filename(form_id, period, inst.id)
                written.append(write_blank(cfg, form_id, period, inst.id, dest))
    return written


def write_marked_copy(sub: Submission, cfg: Config, dest: Path) -> Path:
    """The form rebuilt from its definition with the institution's values, faulty cells red and commented.

    The institution's own file is never re-saved: values come from ``sub.raw_cells``.
    """
    if sub.form_id not in FORMS or sub.institution is None or sub.period is None:
        raise FormError("iesniegumu nevar atjaunot: nav zināma veidlapa, iestāde vai periods")
    from .writer import build_workbook

    period = Period(sub.period, cfg.period.kind)
    marks: Marks = {}
    for m in sub.messages:
        if m.sheet and m.cell:
            # Where rows were inserted or deleted, a message names the cell the school sees; the copy is
            # the form as written, so the mark goes to the field's own cell (none for rows it lacks).
            key = sub.cell_map.get((m.sheet, m.cell)) if sub.cell_map else (m.sheet, m.cell)
            if key is None:
                continue
            prefix = "Kļūda" if m.level == "error" else "Brīdinājums"
            marks[key] = (marks[key] + "\n" if key in marks else "") + f"{prefix}: {m.text}"
    ctx = _context(cfg, period, sub.institution)
    if sub.form_id == "F5":  # the meeting's agenda rows come from the workbook itself, not from config
        from .f5 import context_from_submission

        ctx = context_from_submission(ctx, sub)
    wb = build_workbook(FORMS[sub.form_id], ctx, sub.raw_cells, marks)
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dest)
    return dest
