"""The annual report's narrative parts: the situation, events outside the plan, conclusions.

Everything here is plain data (strings and lists) for the template; no child's name or case text is
ever read (the Dataset holds no F3).
"""

from __future__ import annotations

from typing import Any

from ..core.config import Config
from ..core.period import Period
from ..core.vocab import RISK_GROUPS_SHORT, STATUSES_NEEDING_COMMENT
from .common import NO_REPORT, institution_name, refs_text
from .dataset import Dataset
from .metrics import ALL_STAGES, BASIC, SECONDARY, fmt, num, pupils
from .plan import activity_status
from .report_activities import count, events_by_activity
from .report_annex import event_row

RISK_GROUPS = RISK_GROUPS_SHORT


#: Up to this many events outside the plan are listed in the report; more are counted (the annex lists all).
LISTED_OUTSIDE = 5


def other_activities(cfg: Config, ds: Dataset) -> list[str]:
    """Events reported as "not in the plan" (or naming an activity the plan does not have), one short line each."""
    known = {a.number for a in cfg.plan.activities}
    outside = [(inst, e) for number, events in events_by_activity(ds).items()
               if number is None or number not in known for inst, e in events]
    if len(outside) > LISTED_OUTSIDE:
        insts = {inst for inst, _ in outside}
        return [f"Iestādes ziņojušas par {count(len(outside), 'pasākumu', 'pasākumiem')} ārpus rīcības plāna "
                f"({count(len(insts), 'iestāde', 'iestādes')}); visi tie uzskaitīti pielikumā."]
    lines = []
    for inst, e in outside:
        who, title, where, people, _money = event_row(cfg, inst, e)
        lines.append(f"{title} ({where}) — {who}; dalībnieki: {people}")
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
