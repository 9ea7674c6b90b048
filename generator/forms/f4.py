"""F4 "Rādītāju vērtības" — the education board's actual values of the plan's indicators.

One prefilled row per indicator row of the plan (number, title, row label, unit, baseline and targets
locked); the board types the value (a number or a text such as "pēc pieprasījuma"), source and note.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core import lv
from ..core.config import InstitutionKind
from .fields import Field, FormContext, FormDef, Sheet, Table

if TYPE_CHECKING:
    from .validate import Checker

COMPUTED = "aprēķina no F2/F5"
MANUAL_LABEL = "ievada pārvalde"


def _rows(ctx: FormContext) -> list[dict[str, Any]]:
    out = []
    for ind in ctx.cfg.plan.indicators:
        for row in ind.rows:
            targets = "; ".join(f"{y}: {t.display(ind.unit)}" for y, t in sorted(row.targets.items()))
            base = row.baseline_display(ind.unit) if row.baseline else ""
            out.append({
                "indicator": ind.number, "title": ind.title, "row_label": row.label, "unit": ind.unit,
                "baseline": base, "targets": targets,
                "how": COMPUTED if ctx.cfg.computed_from_forms(ind.row_metric(row)) else MANUAL_LABEL,
                "source": ind.source,
            })
    return out


COLUMNS = (
    Field("indicator", "Nr.", locked=True, width=10),
    Field("title", "Rādītājs", locked=True, width=44, lines=3),
    Field("row_label", "Rinda", locked=True, width=14),
    Field("unit", "Mērv.", locked=True, width=7),
    Field("baseline", "Bāzes vērtība", locked=True, width=14),
    Field("targets", "Mērķa vērtības", locked=True, width=18),
    Field("how", "Kā iegūst", locked=True, width=14),
    Field("value", "Faktiskā vērtība", "numtext", width=14,
          help="Skaitlis (piemēram 12,5) vai teksts (piemēram “pēc pieprasījuma”)."),
    Field("source", "Datu avots", width=20),
    Field("note", "Piezīmes", width=28, lines=3),
)

PAGE = Sheet(
    name="Rādītāji",
    title="Rādītāju vērtības",
    widths=tuple(c.width for c in COLUMNS),
    landscape=True,
    blocks=(Table("values", "Plāna rādītāji", COLUMNS, rows=0, prefill=_rows),),
)


def _finish(data: dict[str, Any], ctx: FormContext) -> dict[str, Any]:
    seen: dict[str, int] = {}
    values = []
    for row in data.get("values", []):
        number = row["indicator"]
        raw = row.get("value")
        values.append({
            "indicator": number, "row": seen.get(number, 0), "row_label": row.get("row_label", ""),
            "value": raw if isinstance(raw, float) else None,
            "text": raw if isinstance(raw, str) else ("" if raw is None else lv.number(raw)),
            "source": row.get("source", ""), "note": row.get("note", ""),
        })
        seen[number] = seen.get(number, 0) + 1
    return {"values": values}


def check(chk: Checker) -> None:
    """Each row must still name an indicator of the plan; manual rows without a value are flagged."""
    known = {i.number: i for i in chk.ctx.cfg.plan.indicators}
    for index, row in chk.rows("values"):
        ind = known.get(row.get("indicator") or "")
        if ind is None:
            chk.row_error("values", index, "indicator",
                          f"Rādītājs “{row.get('indicator')}” nav plānā. Neveidojiet rindas paši — "
                          "izmantojiet pārvaldes sagatavoto veidlapu.")
        elif row.get("how") == MANUAL_LABEL and row.get("value") in (None, ""):
            chk.row_warning("values", index, "value",
                            "Rādītāja vērtība nav norādīta. Ierakstiet faktisko vērtību vai piezīmēs "
                            "paskaidrojiet, kāpēc tās nav.")


FORM = FormDef(
    form_id="F4",
    version=1,
    title="Rādītāju vērtības",
    slug="raditaju_vertibas",
    sheets=(PAGE,),
    applies_to=lambda inst, cfg: inst.kind == InstitutionKind.education_board,
    instructions=(
        "Aizpilda izglītības pārvalde: katra plāna rādītāja faktiskā vērtība pārskata periodā.",
        "Rādītājus, kurus aprēķina no skolu F2 veidlapām, var atstāt tukšus; ja vērtību ierakstāt, pārskatā "
        "tiek izmantota tā (ar šeit norādīto datu avotu), nevis aprēķinātā.",
        "Vērtība var būt skaitlis vai teksts; datu avotā norādiet, no kurienes tā ņemta.",
    ),
    finish=_finish,
    rules=check,
)
