"""The annual report's narrative parts: activities by level and goal, the situation, conclusions.

Everything here is plain data (strings and lists) for the template; no child's name or case text is
ever read (the Dataset holds no F3).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..core import lv
from ..core.config import Activity, Config
from ..core.period import Period
from ..core.vocab import PARTICIPANT_GROUPS_TEXT, RISK_GROUPS_SHORT, STATUSES_NEEDING_COMMENT
from .common import NO_REPORT, activities_of, goals_by_level, institution_name, refs_text, reported_statuses
from .dataset import Dataset
from .metrics import ALL_STAGES, BASIC, SECONDARY, fmt, num, pupils
from .plan import activity_status

GROUPS = tuple(PARTICIPANT_GROUPS_TEXT.items())
RISK_GROUPS = RISK_GROUPS_SHORT


def eur(value: float) -> str:
    """"1 234,50 EUR"."""
    return lv.money(value)


def _participants(events: list[dict[str, Any]]) -> str:
    parts = []
    for key, label in GROUPS:
        total = sum(num(e.get(key)) for e in events)
        if total:
            parts.append(f"{label} — {fmt(total)}")
    return ", ".join(parts) if parts else "nav norādīti"


def events_by_activity(ds: Dataset) -> dict[str | None, list[tuple[str, dict[str, Any]]]]:
    """Plan activity number (None: not in the plan) -> [(institution id, F1 event row)]."""
    out: dict[str | None, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for inst, data in sorted(ds.f1.items()):
        for row in data.get("activities") or []:
            number = row.get("activity")
            out[str(number) if number else None].append((inst, row))
    return out


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


def _event_line(cfg: Config, inst: str, e: dict[str, Any]) -> str:
    where = ", ".join(x for x in (lv_date(e.get("date")), str(e.get("place") or "")) if x)
    line = f"{e.get('title') or 'pasākums'}"
    if where:
        line += f" ({where})"
    line += f" — {institution_name(cfg, inst)}; dalībnieki: {_participants([e])}"
    if num(e.get("funding_eur")):
        source = f", {funding_name(cfg, e['funding_source'])}" if e.get("funding_source") else ""
        line += f"; finansējums {eur(num(e.get('funding_eur')))}{source}"
    return line


def activity_entry(cfg: Config, ds: Dataset, period: Period, act: Activity,
                   events: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Heading, summary and detail lines of one plan activity in the report."""
    planned = bool(set(act.years) & period.plan_years)
    status = activity_status(act, ds, period)
    summary = (f"Plānota šajā periodā: {'jā' if planned else 'nē'}. Izpildes statuss: {status}. "
               f"Atbildīgā institūcija: {refs_text(cfg, act.responsible) or '—'}.")
    lines: list[str] = []
    if events:
        rows = [e for _, e in events]
        insts = sorted({institution_name(cfg, i) for i, _ in events})
        spent = sum(num(e.get("funding_eur")) for e in rows)
        lines.append(f"Kopā: {len(rows)} pasākum{'s' if len(rows) == 1 else 'i'}; dalībnieki: {_participants(rows)}; "
                     f"īstenotāji: {', '.join(insts)}; izlietotais finansējums: {eur(spent)}.")
        lines += [_event_line(cfg, inst, e) for inst, e in events]
        for inst, e in events:
            if e.get("impact"):
                lines.append(f"Ietekme uz mērķu sasniegšanu ({institution_name(cfg, inst)}): {e['impact']}")
            if e.get("factors"):
                lines.append(f"Veicinošie un kavējošie faktori ({institution_name(cfg, inst)}): {e['factors']}")
    elif planned:
        lines.append("Par pasākumiem šajā periodā nav ziņots.")
    for inst, (st, comment) in reported_statuses(ds.f1, act.number).items():
        lines.append(f"{institution_name(cfg, inst)}: {st}" + (f" — {comment}" if comment else ""))
    return {"heading": f"{act.number} {act.title}", "summary": summary, "lines": lines}


def levels_section(cfg: Config, ds: Dataset, period: Period) -> list[dict[str, Any]]:
    """Level → goal → activity entries for the template's nested loops."""
    events = events_by_activity(ds)
    out = []
    for _level, label, goals in goals_by_level(cfg):
        out.append({"label": label, "goals": [
            {"title": f"{g.number}. mērķis: {g.title}",
             "activities": [activity_entry(cfg, ds, period, a, events.get(a.number, []))
                            for a in activities_of(cfg, g)]}
            for g in goals]})
    return out


def other_activities(cfg: Config, ds: Dataset) -> list[str]:
    """Events reported as "not in the plan", and events naming an activity the plan does not have."""
    known = {a.number for a in cfg.plan.activities}
    lines = []
    for number, events in events_by_activity(ds).items():
        if number is None or number not in known:
            lines += [_event_line(cfg, inst, e) for inst, e in events]
    return lines


def situation_lines(cfg: Config, ds: Dataset) -> list[str]:
    """Municipal totals from F2, as sentences."""
    schools = cfg.schools
    if not ds.f2:
        return [f"Neviena izglītības iestāde (no {len(schools)}) nav iesniegusi veidlapu F2; "
                "situācijas apraksts nav iespējams."]
    f2 = list(ds.f2.values())
    start = {s: sum(num((d.get("pupils_start") or {}).get(s)) for d in f2) for s in ALL_STAGES}
    end = sum(num(v) for d in f2 for v in (d.get("pupils_end") or {}).values())
    total = sum(start.values())
    basic, secondary = sum(pupils(d, BASIC) for d in f2), sum(pupils(d, SECONDARY) for d in f2)

    def pct(part: float, whole: float) -> str:
        return f"{fmt(100 * part / whole)} %" if whole else "–"

    risk = sum(num(d.get("at_risk_basic")) + num(d.get("at_risk_secondary")) for d in f2)
    drop_b = sum(num(d.get("dropouts_basic")) for d in f2)
    drop_s = sum(num(d.get("dropouts_secondary")) for d in f2)
    lines = [
        f"Veidlapu F2 iesniegušas {len(ds.f2)} no {len(schools)} izglītības iestādēm.",
        f"Izglītojamo skaits mācību gada sākumā: {fmt(total)} (1.–6. klase — {fmt(start['1-6'])}, "
        f"7.–9. klase — {fmt(start['7-9'])}, 10.–12. klase — {fmt(start['10-12'])}); beigās: {fmt(end)}; "
        f"izstājušies — {fmt(sum(num(d.get('moved_out')) for d in f2))}, "
        f"iestājušies — {fmt(sum(num(d.get('moved_in')) for d in f2))}.",
        f"PMP riskam pakļauti: {fmt(risk)} izglītojamie ({pct(risk, total)}).",
        f"Mācības pārtraukuši: pamatizglītībā {fmt(drop_b)} ({pct(drop_b, basic)}), "
        f"vidējā izglītībā {fmt(drop_s)} ({pct(drop_s, secondary)}).",
    ]
    ranks = {k: [num((d.get("risk_ranks") or {}).get(k)) for d in f2 if (d.get("risk_ranks") or {}).get(k)]
             for k in RISK_GROUPS}
    ranked = sorted((sum(v) / len(v), RISK_GROUPS[k]) for k, v in ranks.items() if v)
    if ranked:
        lines.append("Riska grupu vidējais rangs (1 — nozīmīgākā): "
                     + "; ".join(f"{label} — {fmt(avg)}" for avg, label in ranked) + ".")
    return lines


def conclusions(cfg: Config, ds: Dataset, period: Period, lagging: list[str]) -> list[dict[str, Any]]:
    """Sections of conclusions for updating the plan; each has a title and lines ("nav" when empty)."""
    unreported, not_done = [], []
    for act in cfg.plan.activities:
        status = activity_status(act, ds, period)
        if status == NO_REPORT and set(act.years) & period.plan_years:
            unreported.append(f"{act.number} {act.title} (atbildīgā: {refs_text(cfg, act.responsible)})")
        elif status in STATUSES_NEEDING_COMMENT:
            not_done.append(f"{act.number} {act.title} — {status}")
    needs = [f"{institution_name(cfg, inst)}: {d['measures_needed']}"
             for inst, d in sorted(ds.f2.items()) if d.get("measures_needed")]
    sections = [
        ("Plānotas aktivitātes, par kurām nav ziņots", unreported),
        ("Neīstenotas vai daļēji īstenotas aktivitātes", not_done),
        ("Rādītāji, kas atpaliek no mērķa", lagging),
        ("Izglītības iestāžu norādītie nepieciešamie pasākumi", needs),
    ]
    return [{"title": title, "lines": lines or ["nav"]} for title, lines in sections]
