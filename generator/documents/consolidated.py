"""The consolidated workbook ``outbox/<Y>/kopsavilkums_<Y>.xlsx``: every accepted submission of a period.

Generated from the form definitions (:mod:`generator.forms`), so a field added to a form appears here
without a second field list: per form one sheet of its single fields (one row per institution) and one
sheet per table (one row per table row), each with the institution, version and receipt time first,
headers frozen and filtered. Choice values are shown with their Latvian labels. F3 and F5 (case reports
and meeting records about children) are never part of it. Every text from a workbook goes through
:func:`generator.core.safe.safe_text`, so nothing a school typed can become a formula here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..core.config import Config
from ..core.safe import safe_text
from ..core.workspace import Workspace
from ..forms.definitions import FORMS
from ..forms.fields import OTHER_ACTIVITY, Field, FormContext, FormDef, Section, Table
from .common import institution_name
from .dataset import Dataset

#: Forms about individual children: their data never enters the consolidated workbook.
PERSONAL_FORMS = ("F3", "F5")
LEAD = ["Iestāde", "Iestādes id", "Versija", "Saņemts"]
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def form_data(ds: Dataset, cfg: Config, form_id: str) -> dict[str, dict[str, Any]]:
    """Institution id -> accepted data of ``form_id`` in the dataset (the board's F4 under its id)."""
    if form_id == "F1":
        return ds.f1
    if form_id == "F2":
        return ds.f2
    if form_id == "F4":
        board = next((k for k in ds.received.get("F4", {}) if k), cfg.board.id)
        return {board: ds.f4} if ds.f4 is not None else {}
    raise KeyError(form_id)


def consolidated_forms() -> list[FormDef]:
    """The forms the workbook holds: every registered form except those about individual children."""
    return [form for fid, form in FORMS.items() if fid not in PERSONAL_FORMS]


def _nested(data: dict[str, Any], key: str) -> Any:
    value: Any = data
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _shown(value: Any, f: Field, ctx: FormContext | None) -> Any:
    """A stored value as a cell: choice values by their labels, texts made formula-safe.

    ``ctx`` is None for an institution no longer in config.toml (its data is still shown, unlabelled).
    """
    if f.kind == "choice" and f.choices and ctx is not None:
        labels = dict(ctx.choices(f.choices))
        if value is None:
            return OTHER_ACTIVITY if f.choices == "activities" else None
        value = labels.get(value, value)
    if isinstance(value, bool):
        return "jā" if value else "nē"
    if isinstance(value, int | float) or value is None:
        return value
    return safe_text(str(value))


def _headers(fields: list[tuple[Field, str]]) -> list[str]:
    """Field labels; a label used twice (e.g. "Saņēma tikai liecību") gets its section's title."""
    counts: dict[str, int] = {}
    for f, _ in fields:
        counts[f.label] = counts.get(f.label, 0) + 1
    return [f.label if counts[f.label] == 1 else f"{f.label} ({where})" for f, where in fields]


def _section_fields(form: FormDef) -> list[tuple[Field, str]]:
    return [(f, block.title) for sheet in form.sheets for block in sheet.blocks if isinstance(block, Section)
            for f in block.fields]


def _tables(form: FormDef) -> list[tuple[Table, str]]:
    """Every table with its sheet title: the form sheet's name when it holds one table, else the table's."""
    out = []
    for sheet in form.sheets:
        tables = [b for b in sheet.blocks if isinstance(b, Table)]
        out += [(t, sheet.name if len(tables) == 1 else t.title) for t in tables]
    return out


def _table_rows(table: Table, data: dict[str, Any], ctx: FormContext | None) -> Iterator[dict[str, Any]]:
    """The table's stored rows; locked prefilled columns a form's ``finish`` dropped (F4's title, unit,
    baseline …) are taken from the form's prefill, matched by the first column and its occurrence."""
    rows = data.get(table.key) or []
    if table.prefill is None or ctx is None:
        yield from rows
        return
    first = table.columns[0].key
    filled: dict[tuple[Any, int], dict[str, Any]] = {}
    seen: dict[Any, int] = {}
    for pre in table.prefill(ctx):
        key = pre.get(first)
        filled[(key, seen.get(key, 0))] = pre
        seen[key] = seen.get(key, 0) + 1
    seen = {}
    for row in rows:
        key = row.get(first)
        pre = filled.get((key, seen.get(key, 0)), {})
        seen[key] = seen.get(key, 0) + 1
        yield {**pre, **{k: v for k, v in row.items() if v is not None or k not in pre}}


def _cell_value(row: dict[str, Any], f: Field) -> Any:
    value = _nested(row, f.key)
    if value is None and f.kind == "numtext":
        value = row.get("text") or None  # F4 keeps a typed text apart from a number
    return value


def _short(title: str, room: int) -> str:
    """A title shortened for a sheet name: before ":" or "(", else its first sentence, else whole words."""
    text = re.split(r"\s*[:(]", title)[0].strip()
    if len(text) > room and ". " in text and not text.split(". ")[0].isdigit():
        text = text.split(". ")[0]
    if len(text) > room:
        text = text[:room].rsplit(" ", 1)[0]
    return text


def _sheet_name(wb: Workbook, form_id: str, title: str) -> str:
    """``"<form id> <short title>"``, at most 31 characters, none Excel forbids, unique in the workbook."""
    name = re.sub(r"\s+", " ", _SHEET_NAME_BAD.sub(" ", f"{form_id} {_short(title, 30 - len(form_id))}")).strip()
    base, n = name, 2
    while name in wb.sheetnames:
        suffix = f" {n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    return name


def _write_sheet(wb: Workbook, name: str, headers: list[str], rows: list[list[Any]]) -> None:
    ws = wb.create_sheet(name)
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E7E6E6")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append(row)
    for n, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(n)].width = min(40, max(10, len(header) + 2))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(1, ws.max_row)}"


def build_consolidated(cfg: Config, ds: Dataset) -> Workbook:
    """The workbook: for each form, a sheet of its single fields and a sheet per table."""
    wb = Workbook()
    wb.remove(wb.active)
    for form in consolidated_forms():
        items = sorted(form_data(ds, cfg, form.form_id).items())
        known = {i.id: i for i in cfg.institutions}
        contexts = {inst: FormContext(cfg, ds.period, known[inst]) if inst in known else None
                    for inst, _ in items}

        def lead(inst: str, form_id: str = form.form_id) -> list[Any]:
            rec = ds.received.get(form_id, {}).get(inst) or ds.received.get(form_id, {}).get("")
            return [institution_name(cfg, inst), inst, rec.version if rec else None,
                    rec.received_at if rec else ""]

        singles = _section_fields(form)
        if singles:
            rows = [lead(inst) + [_shown(_nested(data, f.key), f, contexts[inst]) for f, _ in singles]
                    for inst, data in items]
            _write_sheet(wb, _sheet_name(wb, form.form_id, form.title), LEAD + _headers(singles), rows)
        for table, title in _tables(form):
            rows = [lead(inst) + [_shown(_cell_value(row, f), f, contexts[inst]) for f in table.columns]
                    for inst, data in items
                    for row in _table_rows(table, data, contexts[inst])]
            headers = LEAD + _headers([(f, table.title) for f in table.columns])
            _write_sheet(wb, _sheet_name(wb, form.form_id, title), headers, rows)
    return wb


def consolidated_path(ws: Workspace, year: int) -> Path:
    """``outbox/<Y>/kopsavilkums_<Y>.xlsx``."""
    return ws.period_outbox(year) / f"kopsavilkums_{year}.xlsx"


def write_consolidated(ws: Workspace, cfg: Config, ds: Dataset) -> Path:
    """Write the consolidated workbook of the dataset's period; returns its path."""
    out = consolidated_path(ws, ds.period.year)
    out.parent.mkdir(parents=True, exist_ok=True)
    build_consolidated(cfg, ds).save(out)
    return out
