"""F1 "Aktivitāšu pārskats" — what an institution did in the period (Ludza annex Nr.1).

Sheet 1: one row per activity carried out (plan activity or "cita, nav plānā"). Sheet 2: the
contact person and the status of every plan activity the institution is responsible for or involved
in during the period (prefilled, locked activity column).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from ..core import lv
from ..core import period as core_period
from ..core.vocab import PARTICIPANT_GROUPS, STATUSES_NEEDING_COMMENT
from .fields import Field, FormContext, FormDef, Section, Sheet, Table, activity_label

if TYPE_CHECKING:
    from .validate import Checker

ACTIVITY_COLUMNS = (
    Field("activity", "Plāna aktivitāte", "choice", required=True, choices="activities", width=34,
          help="Izvēlieties plāna aktivitāti vai “cita, nav plānā”."),
    Field("title", "Nosaukums, apraksts", required=True, width=30, lines=2),
    Field("date", "Datums", "date", required=True, width=12, help="Piemēram 12.03.2025."),
    Field("place", "Norises vieta", width=16),
    Field("pupils", PARTICIPANT_GROUPS["pupils"], "int", width=12, help="Cik izglītojamo piedalījās aktivitātē."),
    Field("parents", PARTICIPANT_GROUPS["parents"], "int", width=8, help="Cik vecāku piedalījās aktivitātē."),
    Field("teachers", PARTICIPANT_GROUPS["teachers"], "int", width=10,
          help="Cik pedagogu un atbalsta speciālistu piedalījās aktivitātē."),
    Field("others", PARTICIPANT_GROUPS["others"], "int", width=8,
          help="Cik citu dalībnieku piedalījās (piemēram, sadarbības iestāžu pārstāvji)."),
    Field("impact", "Ietekme uz stratēģiskajiem mērķiem", width=30, lines=2),
    Field("factors", "Veicinošie un kavējošie faktori", width=30, lines=3),
    Field("sources", "Informācijas avoti", width=18, help="Dalībnieku saraksti, publikācijas u. c."),
    Field("funding_eur", "Finansējums, EUR", "float", min=0, width=13, help="Izlietotais finansējums eiro."),
    Field("funding_source", "Finansējuma avots", "choice", choices="funding", width=22, lines=2),
)


def _status_rows(ctx: FormContext) -> list[dict[str, Any]]:
    acts = ctx.cfg.activities_for(ctx.institution.id, ctx.period.plan_years)
    return [{"activity": activity_label(a.number, a.title)} for a in acts]


PAGE_ACTIVITIES = Sheet(
    name="Aktivitātes",
    title="Aktivitāšu pārskats: īstenotās aktivitātes",
    widths=tuple(c.width for c in ACTIVITY_COLUMNS),
    landscape=True,
    blocks=(Table("activities", "Īstenotās aktivitātes (katra savā rindā)", ACTIVITY_COLUMNS, rows=150,
                  help="Aizpildiet no augšas; tukšās rindas netiek ņemtas vērā."),),
)

PAGE_STATUS = Sheet(
    name="Plāna izpilde",
    title="Aktivitāšu pārskats: plāna aktivitāšu izpilde",
    widths=(62, 36, 50),
    landscape=True,
    blocks=(
        Section("Kontaktpersona", (
            Field("contact_name", "Vārds, uzvārds", required=True),
            Field("contact_email", "E-pasts", "email", required=True),
        )),
        Table("statuses", "Plāna aktivitātes, par kurām iestāde atbild vai kurās piedalās", (
            Field("activity", "Plāna aktivitāte", "choice", required=True, choices="own_activities", locked=True),
            Field("status", "Izpildes statuss", "choice", required=True, choices="statuses"),
            Field("comment", "Komentārs", lines=2),
        ), rows=0, prefill=_status_rows),
    ),
)


def check(chk: Checker) -> None:
    """Cross-field rules of F1."""
    received = core_period.today()
    for index, row in chk.rows("activities"):
        held = date.fromisoformat(row["date"]) if isinstance(row.get("date"), str) else None
        if held is not None and held > received:
            chk.row_warning("activities", index, "date",
                            f"Aktivitātes datums {lv.date_short(held)} ir vēlāks par veidlapas saņemšanas dienu "
                            f"({lv.date_short(received)}): pārskatā ierakstiet tikai notikušas aktivitātes. Ja "
                            "datums ir kļūdains, izlabojiet to un nosūtiet veidlapu vēlreiz.")
        people = sum(row.get(k) or 0 for k in PARTICIPANT_GROUPS)
        if people and not row.get("impact"):
            chk.row_warning("activities", index, "impact",
                            f"Aktivitātē piedalījās {people} dalībnieki, bet ietekme nav aprakstīta. "
                            "Lūdzu, aprakstiet ietekmi uz mērķiem.")
        if row.get("funding_eur") and not row.get("funding_source"):
            chk.row_warning("activities", index, "funding_source",
                            "Norādīts finansējums, bet nav izvēlēts tā avots. Izvēlieties avotu no saraksta.")
    for index, row in chk.rows("statuses"):
        if row.get("status") in STATUSES_NEEDING_COMMENT and not row.get("comment"):
            chk.row_warning("statuses", index, "comment",
                            f"Statuss “{row['status']}”, bet nav komentāra. Lūdzu, paskaidrojiet, kāpēc.")


FORM = FormDef(
    form_id="F1",
    version=1,
    title="Aktivitāšu pārskats",
    slug="aktivitasu_parskats",
    sheets=(PAGE_ACTIVITIES, PAGE_STATUS),
    applies_to=lambda inst, cfg: cfg.owes_f1(inst),
    in_period=lambda inst, cfg, years: cfg.owes_f1(inst, years),
    instructions=(
        "Aizpilda katra iestāde, kas īsteno programmas aktivitātes, par pārskata periodu.",
        "Lapā “Aktivitātes” katru notikušo aktivitāti ierakstiet savā rindā; plāna aktivitāti izvēlieties "
        "no saraksta, citas — “cita, nav plānā”.",
        "Lapā “Plāna izpilde” katrai plāna aktivitātei izvēlieties statusu.",
    ),
    rules=check,
)
