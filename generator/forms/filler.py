"""Realistically filled workbooks for tests, the demo and benchmarks — reproducible from a seed.

Numbers are consistent (at-risk and dropouts within the stage's pupils, grade outcomes adding up,
ranks 1–4 once each), texts are Latvian, dates fall inside the period. ``errors`` injects chosen
faults; each name and the forms it applies to:

- ``negative_count``        F1 (pupils of row 1), F2 (moved_in), F3 (unexcused lessons): a negative count
- ``wrong_type``            F1 (pupils of row 1), F2 (teachers_total), F3 (unexcused lessons): the text "daudz"
- ``missing_required``      F1 (title of row 1), F2 (teachers_total), F3 (pupil's name): left empty
- ``bad_activity``          F1: row 1 names activity "9.99", not in the plan
- ``date_outside_period``   F1 (date of row 1), F3 (report date): a date before the period
- ``dropouts_above_pupils`` F2: basic-stage dropouts above the stage's pupils (secondary if no basic)
- ``ranks_not_unique``      F2: risk-group ranks 1, 1, 2, 3
- ``grade9_sum``            F2: grade 9 certificates + report-only ≠ enrolled (grade 12 if no grade 9)
- ``many_dropouts``         F2 (warning): dropouts above 10 % of the stage
- ``high_unexcused``        F2 (warning): more than 50 unexcused lessons per pupil
- ``missing_narrative``     F2 (warning): repeating pupils without subjects

An error name that does not apply to the form raises :class:`~generator.core.errors.FormError`.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from ..core import period as core_period
from ..core.config import MANUAL, Config
from ..core.errors import FormError
from ..core.period import Period
from ..core.vocab import (
    BASIC_STAGES,
    DONE,
    LEAVING_GRADES,
    LOWER_SECONDARY_STAGE,
    NOT_PLANNED,
    PARTLY,
    RISK_GROUPS,
    STAGE_LABELS,
    STAGES,
    SUPPORT_STAFF,
)
from .definitions import FORMS
from .fields import FormContext, Layout, layout
from .writer import Values, build_workbook

ERRORS: dict[str, tuple[str, ...]] = {
    "negative_count": ("F1", "F2", "F3"),
    "wrong_type": ("F1", "F2", "F3"),
    "missing_required": ("F1", "F2", "F3"),
    "bad_activity": ("F1",),
    "date_outside_period": ("F1", "F3"),
    "dropouts_above_pupils": ("F2",),
    "ranks_not_unique": ("F2",),
    "grade9_sum": ("F2",),
    "many_dropouts": ("F2",),
    "high_unexcused": ("F2",),
    "missing_narrative": ("F2",),
}

PLACES = ("skolas aktu zāle", "novada bibliotēka", "jauniešu centrs", "sporta zāle", "tiešsaistē (Zoom)")
TITLES = ("Vecāku lekcija par mācību motivāciju", "Klases stunda par drošību internetā",
          "Pedagogu seminārs par PMP riska pazīmēm", "Atbalsta grupas nodarbība vecākiem",
          "Karjeras diena 8.–9. klasēm", "Pārrunas ar ģimenēm par kavējumiem",
          "Pārgājiens un saliedēšanās nodarbība", "Sociālā pedagoga konsultācijas")
IMPACTS = ("Vecāki labāk izprot bērna mācību grūtības un sadarbojas ar skolu.",
           "Samazinājies neattaisnoto kavējumu skaits klasē.",
           "Pedagogi agrāk pamana riska pazīmes un ziņo atbalsta komandai.")
FACTORS = ("Veicināja: laba sadarbība ar sociālo dienestu. Kavēja: vecāku aizņemtība darbā.",
           "Veicināja: pieejams psihologs. Kavēja: transporta trūkums lauku teritorijās.")
SUBJECTS = ("matemātika", "latviešu valoda", "angļu valoda", "fizika", "ķīmija")
PARTNERS = (("Ludzas novada Sociālais dienests", "individuālo gadījumu risināšana"),
            ("Ludzas novada jauniešu centrs", "brīvā laika aktivitātes"),
            ("Valsts policija", "preventīvas lekcijas"), ("Ludzas novada bāriņtiesa", "ģimeņu atbalsts"),
            ("Biedrība “Saules stars”", "mentoru programma"))
SCHOOLS_NEXT = ("Ludzas valsts ģimnāzija", "Rēzeknes tehnikums", "Daugavpils Būvniecības tehnikums",
                "Zilupes vidusskola", "Rīgas Valsts tehnikums")
UNIVERSITIES = ("Rēzeknes Tehnoloģiju akadēmija", "Latvijas Universitāte", "Daugavpils Universitāte",
                "Rīgas Tehniskā universitāte")
NAMES = ("Anna Bērziņa", "Jānis Kalniņš", "Marija Ozola", "Pēteris Liepiņš", "Līga Krūmiņa")


def _place(lay: Layout, single: dict[str, Any], tables: dict[str, list[dict[str, Any]]]) -> Values:
    values: Values = {}
    for slot in lay.singles:
        if slot.field.key in single and single[slot.field.key] is not None:
            values.setdefault(slot.sheet, {})[slot.cell] = single[slot.field.key]
    for ts in lay.tables:
        for index, row in enumerate(tables.get(ts.table.key, [])):
            for key, value in row.items():
                if value is not None:
                    values.setdefault(ts.sheet, {})[ts.cell(index, key)] = value
    return values


def _day(rng: random.Random, period: Period) -> str:
    """A day of the period, not after today (an F1 reports what has happened; a later day is warned about)."""
    now = core_period.today()
    end = min(period.end, now) if now >= period.start else period.end
    span = (end - period.start).days
    return (period.start + timedelta(days=rng.randint(0, span))).isoformat()


def _f1(rng: random.Random, ctx: FormContext) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    labels = [label for _, label in ctx.choices("activities")]
    funding = [label for _, label in ctx.choices("funding")]
    rows = []
    for _ in range(rng.randint(4, 12)):
        spent = rng.choice([None, None, round(rng.uniform(50, 900), 2)])
        rows.append({
            "activity": rng.choice(labels), "title": rng.choice(TITLES), "date": _day(rng, ctx.period),
            "place": rng.choice(PLACES), "pupils": rng.randint(0, 60), "parents": rng.randint(0, 25),
            "teachers": rng.randint(1, 12), "others": rng.randint(0, 5), "impact": rng.choice(IMPACTS),
            "factors": rng.choice(FACTORS), "sources": "dalībnieku saraksts, foto",
            "funding_eur": spent, "funding_source": rng.choice(funding) if spent and funding else None,
        })
    statuses = []
    for _ in ctx.choices("own_activities"):
        status = rng.choice([DONE, DONE, PARTLY, NOT_PLANNED])
        statuses.append({"status": status,
                         "comment": "Pasākums notika mazākā apjomā, nekā plānots." if status == PARTLY else ""})
    single = {"contact_name": rng.choice(NAMES), "contact_email": f"{ctx.institution.id}@example.lv"}
    return single, {"activities": rows, "statuses": statuses}


def _f2(rng: random.Random, ctx: FormContext) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    stages = set(ctx.institution.stages)
    sizes = dict(zip(STAGES, ((60, 300), (30, 150), (20, 120)), strict=True))
    v: dict[str, Any] = {}
    for s in STAGE_LABELS:
        start = rng.randint(*sizes[s]) if s in stages else 0
        v[f"pupils_start.{s}"] = start
        v[f"pupils_end.{s}"] = max(0, start + rng.randint(-4, 2)) if s in stages else 0
    basic = v["pupils_start.1-6"] + v["pupils_start.7-9"]
    secondary = v["pupils_start.10-12"]
    older = v["pupils_start.7-9"] + secondary
    total = basic + secondary
    v.update({"moved_out": rng.randint(0, 8), "moved_in": rng.randint(0, 6)})
    for stage, pupils in (("basic", basic), ("secondary", secondary)):
        v[f"at_risk_{stage}"] = round(pupils * rng.uniform(0.03, 0.1))
        v[f"dropouts_{stage}"] = min(rng.randint(0, 2), pupils // 20)
        v[f"dropout_causes_{stage}"] = ("Ģimene pārcēlās uz ārzemēm; ilgstoši kavējumi."
                                        if v[f"dropouts_{stage}"] else "")
    for key, rank in zip(RISK_GROUPS, rng.sample([1, 2, 3, 4], 4), strict=True):
        v[f"risk_ranks.{key}"] = rank
    v["risk_comment"] = "Mācīšanās grūtības un ģimenes situācija ir biežākie iemesli."
    v["unexcused_per_pupil_basic"] = round(rng.uniform(2, 15), 1) if basic else None
    v["unexcused_per_pupil_secondary"] = round(rng.uniform(2, 15), 1) if secondary else None
    v["over20_unexcused"] = round(total * rng.uniform(0, 0.04))
    for key in ("extended_year", "insufficient_grade", "repeating"):
        v[key] = rng.randint(0, 4)
        v[f"{key}_subjects"] = ", ".join(rng.sample(SUBJECTS, 2)) if v[key] else ""
    at_risk = v["at_risk_basic"] + v["at_risk_secondary"]
    v.update({
        "support_measures_basic": min(basic, v["at_risk_basic"] + rng.randint(0, 8)) if basic else None,
        "support_measures_secondary": (min(secondary, v["at_risk_secondary"] + rng.randint(0, 4))
                                       if secondary else None),
        "iap": rng.randint(0, at_risk),
        "interest_education": round(total * rng.uniform(0.4, 0.8)),
        "career_counselling_7_12": round(older * rng.uniform(0.6, 1.0)),
        "families_two_talks": round(total * rng.uniform(0.2, 0.6)),
        "teachers_total": rng.randint(15, 60),
    })
    v["teachers_trained"] = round(v["teachers_total"] * rng.uniform(0.3, 0.9))
    for key in SUPPORT_STAFF:
        v[f"support_staff.{key}"] = rng.choice([0.0, 0.5, 1.0, 1.0])
    v["has_pmp_plan"] = rng.random() < 0.8
    v["measures_needed"] = "Vajadzīgs vēl viens sociālais pedagogs un transports uz interešu izglītību."
    tables: dict[str, list[dict[str, Any]]] = {
        "partners": [{"partner": p, "kind": k} for p, k in rng.sample(PARTNERS, rng.randint(2, 5))]}
    for (grade, stage), pool in zip(LEAVING_GRADES.items(), (SCHOOLS_NEXT, UNIVERSITIES), strict=True):
        enrolled = v[f"pupils_start.{stage}"] // 3 if stage in stages else 0
        report = min(enrolled, rng.randint(0, 2))
        v.update({f"grade{grade}.enrolled": enrolled, f"grade{grade}.certificate": enrolled - report,
                  f"grade{grade}.report_only": report})
        left, rows = enrolled - report, []
        for name in rng.sample(pool, 3) if enrolled else []:
            count = rng.randint(0, left)
            left -= count
            rows.append({"institution": name, "count": count})
        tables[f"grade{grade}_continuing"] = rows
    v["grade9_exam_failed"] = min(v["grade9.enrolled"], rng.randint(0, 2))
    fields = {s.field.key: s.field for s in layout(FORMS["F2"]).singles}
    return {k: val for k, val in v.items() if ctx.applies(fields[k])}, tables


def _f3(rng: random.Random, ctx: FormContext) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    v: dict[str, Any] = {
        "recipient": rng.choice([label for _, label in ctx.choices("recipient")]),
        "head_name": rng.choice(NAMES), "head_phone": f"+371 2{rng.randint(1000000, 9999999)}",
        "head_email": f"direktors@{ctx.institution.id}.example.lv",
        "pupil_name": rng.choice(("Kristaps Zariņš", "Elīna Kalēja", "Artūrs Vītols")),
        "pupil_class": f"{rng.randint(5, 9)}.{rng.choice('abc')}",
        "pupil_birth_date": f"{ctx.period.year - rng.randint(11, 15)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
        "situation": "Izglītojamais ilgstoši neattaisnoti kavē mācības; sarunas ar vecākiem nav devušas rezultātu.",
        "unexcused_lessons": rng.randint(21, 80), "has_iap": rng.choice(["jā", "nē"]),
        "actions": "Sarunas ar izglītojamo un vecākiem, atbalsta komandas sanāksme, IAP izstrāde.",
        "why_unsolved": "Vecāki nesadarbojas, ģimenei nepieciešams sociālā dienesta atbalsts.",
        "date": _day(rng, ctx.period),
        "legal_basis": ctx.choices("legal_basis")[0][1], "parents_informed": "jā",
    }
    v["parents_informed_on"] = v["date"]
    for key in rng.sample(list(RISK_GROUPS), rng.randint(1, 3)):
        v[f"risk_groups.{key}"] = "jā"
    return v, {}


def _f4(rng: random.Random, ctx: FormContext) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    rows = []
    for ind in ctx.cfg.plan.indicators:
        for row in ind.rows:
            targets = [t for t in row.targets.values() if t.value is not None]
            if ind.row_metric(row) != MANUAL:
                value: Any = None
            elif targets:
                value = round(targets[0].value * rng.uniform(0.8, 1.1), 1)  # type: ignore[operator]
            else:
                value = next(iter(row.targets.values())).raw if row.targets else "pēc pieprasījuma"
            rows.append({"value": value, "source": ind.source or "Izglītības pārvalde",
                         "note": "" if value is not None else "Aprēķina no skolu F2 veidlapām."})
    return {}, {"values": rows}


_BUILDERS = {"F1": _f1, "F2": _f2, "F3": _f3, "F4": _f4}


def _inject(form_id: str, name: str, ctx: FormContext, single: dict[str, Any],
            tables: dict[str, list[dict[str, Any]]]) -> None:
    first = tables["activities"][0] if form_id == "F1" else {}
    basic = bool(set(ctx.institution.stages) & BASIC_STAGES)
    stage = "basic" if basic else "secondary"
    if name in ("negative_count", "wrong_type", "missing_required"):
        value = {"negative_count": -5, "wrong_type": "daudz", "missing_required": None}[name]
        if form_id == "F1":
            first["title" if name == "missing_required" else "pupils"] = value
        elif form_id == "F2":
            single["moved_in" if name == "negative_count" else "teachers_total"] = value
        else:
            single["pupil_name" if name == "missing_required" else "unexcused_lessons"] = value
    elif name == "bad_activity":
        first["activity"] = "9.99 Neesoša aktivitāte"
    elif name == "date_outside_period":
        day = (ctx.period.start - timedelta(days=30)).isoformat()
        (first if form_id == "F1" else single)["date"] = day
    elif name == "dropouts_above_pupils":
        pupils = _stage_pupils(single, basic)
        single[f"dropouts_{stage}"] = pupils + 5
    elif name == "many_dropouts":
        pupils = _stage_pupils(single, basic)
        single[f"dropouts_{stage}"] = pupils // 5
        single[f"at_risk_{stage}"] = max(single[f"at_risk_{stage}"], pupils // 5)
    elif name == "ranks_not_unique":
        for key, rank in zip(RISK_GROUPS, (1, 1, 2, 3), strict=True):
            single[f"risk_ranks.{key}"] = rank
    elif name == "grade9_sum":
        grade = "9" if LOWER_SECONDARY_STAGE in ctx.institution.stages else "12"
        single[f"grade{grade}.certificate"] += 3
    elif name == "high_unexcused":
        single[f"unexcused_per_pupil_{stage}"] = 62.5
    elif name == "missing_narrative":
        single["repeating"], single["repeating_subjects"] = 2, None


def fill_workbook(cfg: Config, form_id: str, period: Period, institution_id: str, dest: Path,
                  seed: int = 0, errors: Sequence[str] = ()) -> Path:
    """Write a realistically filled ``form_id`` workbook to ``dest``; same seed, same workbook."""
    if form_id not in _BUILDERS:
        raise FormError(f"veidlapu {form_id} nevar aizpildīt automātiski")
    for name in errors:
        if form_id not in ERRORS.get(name, ()):
            raise FormError(f"kļūdu “{name}” nevar ievietot veidlapā {form_id} "
                            f"(iespējamās: {', '.join(k for k, v in ERRORS.items() if form_id in v)})")
    try:
        inst = cfg.institution(institution_id)
    except KeyError as e:
        raise FormError(f"iestāde “{institution_id}” nav konfigurācijā") from e
    form = FORMS[form_id]
    ctx = FormContext(cfg, period, inst)
    rng = random.Random(seed * 1_000_003 + zlib.crc32(f"{form_id}/{institution_id}/{period.year}".encode()))
    single, tables = _BUILDERS[form_id](rng, ctx)
    for name in errors:
        _inject(form_id, name, ctx, single, tables)
    wb = build_workbook(form, ctx, _place(layout(form), single, tables))
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dest)
    return dest


def _stage_pupils(single: dict[str, Any], basic: bool) -> int:
    """Pupils at the start of the year in grades 1–9 (``basic``) or 10–12; untaught stages are absent."""
    keys = ("pupils_start.1-6", "pupils_start.7-9") if basic else ("pupils_start.10-12",)
    return sum(single.get(k) or 0 for k in keys)
