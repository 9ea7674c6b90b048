"""F3 "Ziņojums par izglītojamo" — a case report about one pupil (Ludza annexes Nr.2/Nr.3).

Personal data of a child: the form is written blank for every school; how the store keeps it apart
from statistics is the intake's business.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core import lv
from ..core import period as core_period
from ..core.config import InstitutionKind
from ..core.vocab import LEGAL_BASES, RISK_GROUPS
from . import f5
from .fields import CHOICE_LISTS, Field, FormContext, FormDef, Section, Sheet

if TYPE_CHECKING:
    from .validate import Checker

CHOICE_LISTS.setdefault("legal_basis", lambda ctx: [(k, v) for k, v in LEGAL_BASES.items()])

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
        Section("Ziņošanas pamats un vecāku informēšana", (
            Field("legal_basis", "Ziņošanas pamats", "choice", required=True, choices="legal_basis",
                  help="MK noteikumi Nr. 89: kā skola informē vecākus un iestādes par neattaisnotiem kavējumiem."),
            Field("legal_basis_other", "Cits pamats (kāds)", help="Tikai, ja izvēlēts “cits pamats”."),
            Field("parents_informed", "Vecāki informēti par ziņojumu", "choice", required=True, choices="yesno"),
            Field("parents_informed_on", "Vecāki informēti (datums)", "date", in_period=False,
                  help="Piemēram 10.03.2025."),
        )),
    ),
)


def check(chk: Checker) -> None:
    """Dates no later than the day the report arrives; the basis and the parents' notice consistent."""
    received = core_period.today()
    dates = {k: chk.get(k) for k in ("date", "pupil_birth_date", "parents_informed_on")}
    for key, what in (("date", "Ziņojuma datums"), ("parents_informed_on", "Vecāku informēšanas datums"),
                      ("pupil_birth_date", "Dzimšanas datums")):
        if dates[key] and dates[key] > received.isoformat():
            chk.error(key, f"{what} {f5.dmy(dates[key])} ir nākotnē (ziņojums saņemts "
                      f"{lv.date_short(received)}). Ierakstiet pareizo datumu.")
    if chk.get("legal_basis") == "other" and not chk.get("legal_basis_other"):
        chk.error("legal_basis_other", "Izvēlēts cits pamats: ierakstiet, kāds ir ziņošanas pamats.")
    informed, on = chk.get("parents_informed"), dates["parents_informed_on"]
    if informed is True and not on:
        chk.error("parents_informed_on", "Ierakstiet datumu, kad vecāki tika informēti.")
    elif informed is False and on:
        chk.warning("parents_informed_on", "Norādīts, ka vecāki nav informēti, bet ir ierakstīts datums. "
                    "Pārbaudiet, vai vecāki tika informēti.")
    elif informed is False:
        chk.warning("parents_informed", "Vecāki nav informēti par ziņojumu. Informējiet vecākus, ja vien tas "
                    "nav pretrunā ar bērna interesēm.")


def _finish(data: dict[str, Any], ctx: FormContext) -> dict[str, Any]:
    flags = data.pop("risk_groups", {}) or {}
    data["risk_groups"] = [k for k in RISK_GROUPS if flags.get(k) is True]
    data["has_iap"] = bool(data.get("has_iap"))
    data["parents_informed"] = bool(data.get("parents_informed"))
    return data


FORM = FormDef(
    form_id="F3",
    version=2,
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
    rules=check,
)
