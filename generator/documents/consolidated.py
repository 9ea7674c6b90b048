"""The consolidated workbook ``outbox/<Y>/kopsavilkums_<Y>.xlsx``: every accepted submission of a period.

One sheet per form — F1 one row per reported activity, F2 one row per school, F4 one row per
indicator value — with frozen headers and filters. Every text from a workbook goes through
:func:`generator.core.safe.safe_text`, so nothing a school typed can become a formula here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..core.config import Config
from ..core.safe import safe_text
from ..core.vocab import STAGES, SUPPORT_STAFF
from ..core.workspace import Workspace
from .common import institution_name
from .dataset import Dataset

Getter = Callable[[dict[str, Any]], Any]
STAFF = {k: v.lower() for k, v in SUPPORT_STAFF.items()}


def _get(*keys: str) -> Getter:
    def getter(d: dict[str, Any]) -> Any:
        value: Any = d
        for key in keys:
            value = (value or {}).get(key) if isinstance(value, dict) else None
        return value
    return getter


def _joined(key: str, a: str, b: str) -> Getter:
    return lambda d: "; ".join(f"{x.get(a) or ''} ({x.get(b) or ''})" for x in d.get(key) or [])


def _yes_no(key: str) -> Getter:
    def getter(d: dict[str, Any]) -> str:
        value = d.get(key)
        return "jā" if value is True else "nē" if value is False else ""
    return getter


F2_COLUMNS: list[tuple[str, Getter]] = (
    [(f"Izglītojamie sākumā {s}", _get("pupils_start", s)) for s in STAGES]
    + [(f"Izglītojamie beigās {s}", _get("pupils_end", s)) for s in STAGES]
    + [("Izstājušies", _get("moved_out")), ("Iestājušies", _get("moved_in")),
       ("PMP riska grupā (pamatizgl.)", _get("at_risk_basic")),
       ("PMP riska grupā (vidējā izgl.)", _get("at_risk_secondary")),
       ("Pārtraukuši mācības (pamatizgl.)", _get("dropouts_basic")),
       ("Pārtraukuši mācības (vidējā izgl.)", _get("dropouts_secondary")),
       ("Pārtraukšanas iemesli (pamatizgl.)", _get("dropout_causes_basic")),
       ("Pārtraukšanas iemesli (vidējā izgl.)", _get("dropout_causes_secondary")),
       ("Rangs: mācību vide", _get("risk_ranks", "learning")),
       ("Rangs: sociālā vide un veselība", _get("risk_ranks", "social_health")),
       ("Rangs: ekonomiskie", _get("risk_ranks", "economic")), ("Rangs: ģimene", _get("risk_ranks", "family")),
       ("Risku komentārs", _get("risk_comment")),
       ("Neattaisn. st. uz 1 izgl. (pamatizgl.)", _get("unexcused_per_pupil_basic")),
       ("Neattaisn. st. uz 1 izgl. (vidējā izgl.)", _get("unexcused_per_pupil_secondary")),
       ("> 20 neattaisn. st. semestrī", _get("over20_unexcused")),
       ("Pagarināts mācību gads", _get("extended_year")), ("Pagarināts m. g.: priekšmeti", _get("extended_year_subjects")),
       ("Nepietiekams vērtējums", _get("insufficient_grade")),
       ("Nepietiekams vērtējums: priekšmeti", _get("insufficient_grade_subjects")),
       ("Atkārto mācību gadu", _get("repeating")), ("Atkārto m. g.: priekšmeti", _get("repeating_subjects")),
       ("9. kl. nenokārtoja valsts pārbaudījumus", _get("grade9_exam_failed")),
       ("PMP atbalsta pasākumi", _get("support_measures")), ("IAP", _get("iap")),
       ("Interešu izglītībā", _get("interest_education")),
       ("Karjeras konsultācijas 7.–12. kl.", _get("career_counselling_7_12")),
       ("Ģimenes ar ≥ 2 sarunām", _get("families_two_talks")),
       ("Pedagogi kopā", _get("teachers_total")), ("Pedagogi apmācīti PMP", _get("teachers_trained"))]
    + [(f"Likmes: {label}", _get("support_staff", key)) for key, label in STAFF.items()]
    + [("PMP darba plāns", _yes_no("has_pmp_plan")), ("Nepieciešamie pasākumi", _get("measures_needed")),
       ("Partneri", _joined("partners", "partner", "kind")),
       ("9. kl. uzņemti", _get("grade9", "enrolled")), ("9. kl. apliecība", _get("grade9", "certificate")),
       ("9. kl. tikai liecība", _get("grade9", "report_only")),
       ("9. kl. turpina", _joined("grade9_continuing", "institution", "count")),
       ("12. kl. uzņemti", _get("grade12", "enrolled")), ("12. kl. atestāts", _get("grade12", "certificate")),
       ("12. kl. tikai liecība", _get("grade12", "report_only")),
       ("12. kl. turpina", _joined("grade12_continuing", "institution", "count"))]
)

F1_COLUMNS: list[tuple[str, Getter]] = [
    ("Plāna aktivitāte", lambda d: d.get("activity") or "cita, nav plānā"), ("Nosaukums", _get("title")),
    ("Datums", _get("date")), ("Vieta", _get("place")), ("Izglītojamie", _get("pupils")),
    ("Vecāki", _get("parents")), ("Pedagogi un speciālisti", _get("teachers")), ("Citi", _get("others")),
    ("Ietekme uz mērķiem", _get("impact")), ("Faktoru analīze", _get("factors")),
    ("Informācijas avoti", _get("sources")), ("Finansējums, EUR", _get("funding_eur")),
    ("Finansējuma avots", _get("funding_source")),
]

F4_COLUMNS: list[tuple[str, Getter]] = [
    ("Rādītājs", _get("indicator")), ("Rinda", _get("row")), ("Rindas nosaukums", _get("row_label")),
    ("Vērtība", _get("value")), ("Teksts", _get("text")), ("Avots", _get("source")), ("Piezīme", _get("note")),
]


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "jā" if value else "nē"
    if isinstance(value, int | float) or value is None:
        return value
    return safe_text(value)


def _sheet(wb: Workbook, title: str, lead: list[str], columns: list[tuple[str, Getter]],
           rows: list[tuple[list[Any], dict[str, Any]]]) -> None:
    ws = wb.create_sheet(title)
    headers = lead + [h for h, _ in columns]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E7E6E6")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for lead_values, data in rows:
        ws.append([_cell(v) for v in lead_values] + [_cell(get(data)) for _, get in columns])
    for n, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(n)].width = min(40, max(10, len(header) + 2))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(1, ws.max_row)}"


def consolidated_path(ws: Workspace, year: int) -> Path:
    """``outbox/<Y>/kopsavilkums_<Y>.xlsx``."""
    return ws.period_outbox(year) / f"kopsavilkums_{year}.xlsx"


def write_consolidated(ws: Workspace, cfg: Config, ds: Dataset) -> Path:
    """Write the consolidated workbook of the dataset's period; returns its path."""
    wb = Workbook()
    wb.remove(wb.active)
    lead = ["Iestāde", "Iestādes id", "Versija", "Saņemts"]

    def meta(form: str, inst: str) -> list[Any]:
        rec = ds.received.get(form, {}).get(inst)
        return [institution_name(cfg, inst), inst, rec.version if rec else None, rec.received_at if rec else ""]

    f1_rows = [(meta("F1", inst), row) for inst, data in sorted(ds.f1.items())
               for row in data.get("activities") or []]
    _sheet(wb, "F1 aktivitātes", lead, F1_COLUMNS, f1_rows)
    _sheet(wb, "F2 PMP riski", lead, F2_COLUMNS, [(meta("F2", inst), d) for inst, d in sorted(ds.f2.items())])
    board = next((k for k in ds.received.get("F4", {}) if k), cfg.board.id)
    f4_rows = [(meta("F4", board), v) for v in (ds.f4 or {}).get("values") or []]
    _sheet(wb, "F4 rādītāji", lead, F4_COLUMNS, f4_rows)
    out = consolidated_path(ws, ds.period.year)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out
