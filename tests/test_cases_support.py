"""Builders for the cooperation-group tests: F3 reports with chosen pupils, an F5 filled like a secretary
would, and byte searches through a workspace (inside zipped .docx/.xlsx too)."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from generator.core.period import Period
from generator.core.workspace import Workspace
from generator.forms.definitions import FORMS
from generator.forms.fields import FormContext, layout
from generator.forms.writer import build_workbook
from generator.intake import ingest_once
from generator.intake.safety import Limits

FAST = Limits(settle_seconds=0.0)
PERIOD = 2026  # school year 2025./2026. in tests/data/mini_config.toml


def f3_values(**given: Any) -> dict[str, dict[str, Any]]:
    """Cell values of an F3 workbook from field keys (``risk_groups`` as a list of keys)."""
    lay = layout(FORMS["F3"])
    data: dict[str, Any] = {
        "recipient": "Izglītības pārvaldei", "head_name": "Direktore Ieva Priede", "head_phone": "+371 29999999",
        "head_email": "direktore@skola.example.lv", "pupil_class": "7.b", "pupil_birth_date": None,
        "situation": "Ilgstoši neattaisnoti kavējumi.", "unexcused_lessons": 34, "has_iap": "jā",
        "actions": "Sarunas ar vecākiem, atbalsta komandas sanāksme.",
        "why_unsolved": "Vecāki nesadarbojas.", "date": "2026-01-15",
        "legal_basis": "MK noteikumi Nr. 89 (neattaisnoti kavējumi)", "parents_informed": "jā",
    }
    data.update(given)
    data.setdefault("parents_informed_on", data["date"] if data["parents_informed"] == "jā" else None)
    for key in data.pop("risk_groups", ["family"]):
        data[f"risk_groups.{key}"] = "jā"
    values: dict[str, dict[str, Any]] = {}
    for slot in lay.singles:
        if data.get(slot.field.key) is not None:
            values.setdefault(slot.sheet, {})[slot.cell] = data[slot.field.key]
    return values


def drop_f3(ws: Workspace, school: str, name: str, file_name: str | None = None, **given: Any) -> Path:
    """An F3 report about ``name`` from ``school`` in the inbox."""
    cfg = ws.config
    ctx = FormContext(cfg, Period(PERIOD, cfg.period.kind), cfg.institution(school))
    wb = build_workbook(FORMS["F3"], ctx, f3_values(pupil_name=name, **given))
    dest = ws.inbox / (file_name or f"zinojums_{abs(hash((school, name, str(given)))) % 10**8}.xlsx")
    wb.save(dest)
    return dest


def ingest(ws: Workspace) -> Any:
    """One pass over the inbox without waiting for files to settle."""
    return ingest_once(ws, limits=FAST)


def fill_f5(src: Path, dest: Path, *, statuses: dict[str, str] | None = None, default_status: str = "izskatīšanā",
            present: bool = True, chair: str = "Inese Kalniņa", secretary: str = "Laura Ozola",
            decision: str = "Uzdot sociālajam dienestam apsekot ģimeni.", discussed: str = "Apspriesta situācija.",
            leave_status_empty: bool = False, guests: str | None = None,
            decisions: list[dict[str, Any]] | None = None,
            follow_up: dict[str, dict[str, Any]] | None = None,
            other: list[dict[str, Any]] | None = None) -> Path:
    """Fill the F5 made by ``pmp protocol new`` as the secretary would (openpyxl, cell by cell).

    ``decisions``: rows of the "Lēmumi" sheet by column key, ``case_id`` standing for the agenda Nr. of
    that case; ``follow_up``: decision reference -> columns of its "Lēmumu izpilde" row; ``other``: rows
    of "Citi jautājumi"."""
    form = FORMS["F5"]
    lay = layout(form)
    wb = load_workbook(src)
    for key, value in (("chair", chair), ("secretary", secretary), ("time", "10:00–12:00"),
                       ("place", "Ludza, Raiņa iela 16")):
        slot = lay.slot(key)
        if key != "place" or wb[slot.sheet][slot.cell].value in (None, ""):
            wb[slot.sheet][slot.cell] = value
    members = lay.table("members")
    ws_m = wb[members.sheet]
    row = members.first_row
    while ws_m.cell(row, 1).value not in (None, ""):
        ws_m[members.cell(row - members.first_row, "present")] = "jā" if present else "nē"
        row += 1
    agenda = lay.table("agenda")
    sheet = wb[agenda.sheet]
    index = 0
    while sheet[agenda.cell(index, "nr")].value not in (None, ""):
        case_id = sheet[agenda.cell(index, "case_id")].value
        sheet[agenda.cell(index, "reporter")] = "Skolas sociālā pedagoģe"
        sheet[agenda.cell(index, "discussed")] = discussed
        sheet[agenda.cell(index, "decision")] = decision
        if case_id and not leave_status_empty:
            sheet[agenda.cell(index, "status")] = (statuses or {}).get(case_id, default_status)
        index += 1
    nr_of = {sheet[agenda.cell(i, "case_id")].value: sheet[agenda.cell(i, "nr")].value for i in range(index)}
    if guests is not None:
        slot = lay.slot("guests")
        wb[slot.sheet][slot.cell] = guests
    for key, rows in (("decisions", decisions or []), ("other", other or [])):
        table = lay.table(key)
        for i, given in enumerate(rows):
            for col, value in given.items():
                if col == "case_id":
                    col, value = "item", int(nr_of[value])
                wb[table.sheet][table.cell(i, col)] = value
    table = lay.table("follow_up")
    i = 0
    while wb[table.sheet][table.cell(i, "ref")].value not in (None, ""):
        for col, value in (follow_up or {}).get(wb[table.sheet][table.cell(i, "ref")].value, {}).items():
            wb[table.sheet][table.cell(i, col)] = value
        i += 1
    wb.save(dest)
    return dest


def follow_up_rows(path: Path) -> list[tuple[Any, ...]]:
    """The locked columns of an F5's "Lēmumu izpilde" rows: reference, case, task, owner, deadline."""
    table = layout(FORMS["F5"]).table("follow_up")
    wb = load_workbook(path, read_only=True)
    out = []
    try:
        for row in wb[table.sheet].iter_rows(min_row=table.first_row, max_col=5, values_only=True):
            if row[0] in (None, ""):
                break
            out.append(tuple(row))
    finally:
        wb.close()
    return out


def agenda_case_ids(path: Path) -> list[str]:
    """The case ids on an F5 workbook's agenda, in order."""
    lay = layout(FORMS["F5"])
    agenda = lay.table("agenda")
    wb = load_workbook(path, read_only=True)
    out = []
    try:
        for row in wb[agenda.sheet].iter_rows(min_row=agenda.first_row, values_only=True):
            if row[0] in (None, ""):
                break
            if row[2]:
                out.append(str(row[2]))
    finally:
        wb.close()
    return out


def _expand(data: bytes) -> list[bytes]:
    """The bytes of a file and, for a zip (docx/xlsx), of every member too."""
    out = [data]
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                out += [zf.read(n) for n in zf.namelist()]
        except zipfile.BadZipFile:
            pass
    return out


def files_containing(root: Path, needles: list[str], skip: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Relative path -> needles found in it (UTF-8 and UTF-16-LE, plain and inside zips)."""
    found: dict[str, list[str]] = {}
    encoded = [(n, [n.encode("utf-8"), n.encode("utf-16-le")]) for n in needles]
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            path = Path(dirpath) / name
            rel = str(path.relative_to(root))
            if any(rel.startswith(s) for s in skip):
                continue
            blobs = _expand(path.read_bytes())
            hits = [n for n, forms in encoded if any(f in b for b in blobs for f in forms)]
            if hits:
                found[rel] = hits
    return found


def meeting_day() -> date:
    """The test meeting: 10 February 2026 (school year 2025./2026.)."""
    return date(2026, 2, 10)


#: Sentinel pupils: names that occur nowhere else, so a byte search finds exactly where they went.
ZANE = "Zanete Sentinelberga"
OSKARS = "Oskars Sargsentiņš"
ELZA = "Elza Kontrolsentija"


def report_three(ws: Workspace) -> None:
    """Four F3 reports about three pupils (Zane twice: same case) at two schools, ingested."""
    drop_f3(ws, "ludzas-vsk", ZANE, pupil_birth_date="2012-03-04", date="2026-01-12",
            situation="Zanete bieži kavē pirmdienās.", file_name="a.xlsx")
    drop_f3(ws, "ludzas-vsk", "zanete  SENTINELBERGA", pupil_birth_date="2012-03-04", date="2026-01-30",
            situation="Kavējumi turpinās.", pupil_class="7.c", file_name="b.xlsx")
    drop_f3(ws, "ludzas-psk", OSKARS, date="2026-01-20", file_name="c.xlsx")
    drop_f3(ws, "zilupes-vsk", ELZA, pupil_birth_date="2011-11-11", date="2026-01-25",
            situation="=HYPERLINK(\"http://x\")", file_name="d.xlsx")
    summary = ingest(ws)
    assert summary.accepted == 4, [r.errors for r in summary.results]


def case_ids(ws: Workspace) -> dict[str, str]:
    """Pupil name -> case id, straight from the register."""
    import sqlite3

    conn = sqlite3.connect(ws.store_path)
    try:
        return dict(conn.execute("SELECT pupil_name, case_id FROM case_identity").fetchall())
    finally:
        conn.close()
