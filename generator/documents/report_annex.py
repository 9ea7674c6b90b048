"""The report's annex: what every institution reported per activity, in full.

The council reads the report; whoever wants the detail opens the annex
(``outbox/<Y>/gada_parskats_<Y>_pielikums.docx``): per activity a table of the events (institution,
event, date and place, participants, funding) and the impact, factor and status texts, each different
text once with the institutions that wrote it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from ..core import lv
from ..core.config import Activity, Config
from ..core.period import Period
from ..core.workspace import Workspace
from . import tables
from .common import capitalised, institution_name, reported_statuses
from .dataset import Dataset
from .metrics import num
from .render import TEMPLATE_NAMES, TemplateRenderer
from .report_activities import Events, eur, events_by_activity, participants

PORTRAIT_WIDTH_CM = 16.0
EVENT_HEAD = ["Iestāde", "Pasākums", "Datums, vieta", "Dalībnieki", "Finansējums"]
EVENT_WEIGHTS = [3.2, 4.2, 2.4, 3.8, 2.4]


def lv_date(value: Any) -> str:
    """An ISO date as "12.03.2025."; anything else unchanged."""
    text = str(value or "")
    if len(text) >= 10 and text[4] == "-" and text[7] == "-":
        return f"{text[8:10]}.{text[5:7]}.{text[:4]}."
    return text


def funding_name(cfg: Config, source: Any) -> str:
    """A funding source id as its name (free text stays as typed)."""
    try:
        return cfg.funding_source(str(source)).name
    except KeyError:
        return str(source)


def event_row(cfg: Config, inst: str, e: dict[str, Any]) -> list[str]:
    where = ", ".join(x for x in (lv_date(e.get("date")), str(e.get("place") or "")) if x)
    money = "—"
    if num(e.get("funding_eur")):
        money = eur(num(e.get("funding_eur")))
        if e.get("funding_source"):
            money += f"\n{funding_name(cfg, e['funding_source'])}"
    return [institution_name(cfg, inst), str(e.get("title") or "pasākums"), where or "—", participants([e]), money]


def grouped(pairs: list[tuple[str, str]]) -> list[str]:
    """Each different text once, followed by the institutions that wrote it."""
    by_text: dict[str, list[str]] = {}
    for who, text in pairs:
        text = text.strip()
        if text:
            by_text.setdefault(text, [])
            if who not in by_text[text]:
                by_text[text].append(who)
    return [f"{capitalised(text)} ({', '.join(who)})" for text, who in by_text.items()]


def events_table(block: tables.Block, cfg: Config, events: Events) -> None:
    rows = [event_row(cfg, inst, e) for inst, e in events]
    tables.fitted_table(block, EVENT_HEAD, EVENT_WEIGHTS, [("row", r) for r in rows], PORTRAIT_WIDTH_CM, 8, numbered=False)


def activity_part(block: tables.Block, cfg: Config, act: Activity, events: Events,
                  statuses: dict[str, tuple[str, str]]) -> None:
    """One activity in the annex: its events, the impact and factor texts, the statuses with comments."""
    block.add_text(f"{act.number} {capitalised(act.title)}", style="Heading 3")
    if events:
        events_table(block, cfg, events)
    for title, key in (("Ietekme uz mērķu sasniegšanu", "impact"),
                       ("Veicinošie un kavējošie faktori", "factors")):
        lines = grouped([(institution_name(cfg, inst), str(e.get(key) or "")) for inst, e in events])
        if lines:
            block.add_text(f"{title}:")
            for line in lines:
                block.add_text(line, style="List Bullet")
    comments = [(institution_name(cfg, inst), f"{status} — {comment}" if comment else status)
                for inst, (status, comment) in statuses.items()]
    if comments:
        block.add_text("Iestāžu norādītais izpildes statuss:")
        for who, text in comments:
            block.add_text(f"{who}: {text}", style="List Bullet")


def annex_body(cfg: Config, ds: Dataset) -> tables.Block:
    """Every activity with reported events or status comments, then events outside the plan.

    Each activity's part is made when the document is written (:meth:`tables.Block.defer`): the annex holds
    what every institution reported, and only one activity's tables and texts are in memory at a time."""
    block = tables.Block()
    events = events_by_activity(ds)
    any_content = False
    for act in cfg.plan.activities:
        ev = events.get(act.number, [])
        statuses = reported_statuses(ds.f1, act.number)
        if not ev and not statuses:
            continue
        any_content = True
        block.defer(partial(activity_part, cfg=cfg, act=act, events=ev, statuses=statuses))
    known = {a.number for a in cfg.plan.activities}
    outside = [(i, e) for number, ev in events.items() if number is None or number not in known for i, e in ev]
    if outside:
        any_content = True
        block.add_text("Citas aktivitātes, kas nav rīcības plānā", style="Heading 3")
        block.defer(partial(events_table, cfg=cfg, events=outside))
    if not any_content:
        block.add_text("Šajā periodā iestādes nav ziņojušas par pasākumiem.")
    return block


def annex_path(ws: Workspace, period: Period) -> Path:
    """``outbox/<Y>/gada_parskats_<Y>_pielikums.docx``."""
    return ws.period_outbox(period.year) / f"gada_parskats_{period.year}_pielikums.docx"


def generic_renderer(ws: Workspace) -> TemplateRenderer:
    """The generic document template (``dokuments.docx``), to render many documents with."""
    return TemplateRenderer(ws.template(TEMPLATE_NAMES["document"]))


def render_generic(ws: Workspace, out: Path, title: str, subtitle: str, today: date, footer: str,
                   body: Callable[[], tables.Block], renderer: TemplateRenderer | None = None) -> Path:
    """Render the generic document template (``dokuments.docx``) with a title block and a body."""
    cfg = ws.config
    return (renderer or generic_renderer(ws)).render(lambda tpl: {
        "genitive": cfg.municipality.genitive, "board_name": cfg.municipality.board_name, "title": title,
        "subtitle": subtitle, "date_text": f"{cfg.municipality.name}, {lv.date_long(today)}",
        "footer_text": footer, "body": body()}, out)


def make_annex(ws: Workspace, period: Period, ds: Dataset, today: date) -> Path:
    """Render the report's annex of the period."""
    cfg = ws.config
    return render_generic(ws, annex_path(ws, period), "Gada pārskata pielikums. Iestāžu ziņotie pasākumi, "
                          "ietekmes novērtējums un faktoru analīze", period.label, today,
                          f"{cfg.municipality.genitive} PMP plāna īstenošanas pārskata pielikums, {period.label}",
                          lambda: annex_body(cfg, ds))
