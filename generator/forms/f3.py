"""F3 "Ziņojums par izglītojamo" — a case report about one pupil (Ludza annexes Nr.2/Nr.3).

Personal data of a child: the form is written blank for every school; how the store keeps it apart
from statistics is the intake's business.
"""

from __future__ import annotations

from typing import Any

from ..core.config import InstitutionKind
from ..core.vocab import RISK_GROUPS
from .fields import Field, FormContext, FormDef, Section, Sheet

PAGE = Sheet(
    name="Ziņojums",
    title="Ziņojums par izglītojamo",
    blocks=(
        Section("Adresāts", (
            Field("recipient", "Ziņojums tiek sniegts", "choice", required=True, choices="recipient"),
        )),
        Section("Izglītības iestādes vadītājs", (
            Field("head_name", "Vārds, uzvārds", required=True),
            Field("head_phone", "Tālrunis", required=True),
            Field("head_email", "E-pasts", "email", required=True),
        )),
        Section("Izglītojamais", (
            Field("pupil_name", "Vārds, uzvārds", required=True),
            Field("pupil_class", "Klase", required=True, help="Piemēram 7.b."),
            Field("pupil_birth_date", "Dzimšanas datums", "date", in_period=False, help="Piemēram 12.03.2012."),
        )),
        Section("Situācija", (
            Field("situation", "Situācijas apraksts", required=True, lines=5),
        ) + tuple(Field(f"risk_groups.{k}", f"Riska grupa: {lbl}", "choice", choices="yesno",
                        help="Izvēlieties “jā”, ja šī riska grupa attiecas uz izglītojamo.")
                  for k, lbl in RISK_GROUPS.items()) + (
            Field("unexcused_lessons", "Neattaisnoti kavētās stundas šajā semestrī", "int", required=True),
            Field("has_iap", "Izglītojamajam ir individuālais atbalsta plāns", "choice", required=True,
                  choices="yesno"),
            Field("actions", "Veiktās darbības", required=True, lines=5),
            Field("why_unsolved", "Kāpēc situāciju neizdodas atrisināt", required=True, lines=4),
            Field("date", "Datums", "date", required=True, help="Ziņojuma datums, piemēram 12.03.2025."),
        )),
    ),
)


def _finish(data: dict[str, Any], ctx: FormContext) -> dict[str, Any]:
    flags = data.pop("risk_groups", {}) or {}
    data["risk_groups"] = [k for k in RISK_GROUPS if flags.get(k) is True]
    data["has_iap"] = bool(data.get("has_iap"))
    return data


FORM = FormDef(
    form_id="F3",
    version=1,
    title="Ziņojums par izglītojamo",
    slug="zinojums_par_izglitojamo",
    sheets=(PAGE,),
    applies_to=lambda inst, cfg: inst.kind == InstitutionKind.school,
    owed=False,  # sent only when a case arises
    versioned=False,  # every report is its own record (one per pupil)
    instructions=(
        "Aizpilda skola par vienu izglītojamo, kura situāciju neizdodas atrisināt skolas līmenī.",
        "Ziņojumā ir bērna personas dati: sūtiet to tikai noteiktajā kārtībā un neglabājiet kopijas.",
        "Katram izglītojamajam aizpildiet atsevišķu failu (kopējiet tukšo veidlapu).",
    ),
    finish=_finish,
)
