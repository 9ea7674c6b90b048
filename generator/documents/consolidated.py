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
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..core.config import Config
from ..core.safe import safe_text
from ..core.workspace import Workspace
from ..forms.definitions import FORMS
from ..forms.fields import OTHER_ACTIVITY, Field, FormContext, FormDef, Section, Table
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


def _write_sheet(wb: Workbook, name: str, headers: list[str], rows: Iterable[list[Any]]) -> None:
    """One sheet of a write-only workbook: styled headers, then the rows as they come (none is kept)."""
    ws = wb.create_sheet(name)
    for n, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(n)].width = min(40, max(10, len(header) + 2))
    ws.freeze_panes = "A2"
    head = []
    for header in headers:
        cell = WriteOnlyCell(ws, header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E7E6E6")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        head.append(cell)
    ws.append(head)
    count = 1
    for row in rows:
        ws.append(row)
        count += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count}"


class _Labels:
    """Per institution of one form: its form context, the lead columns and each dropdown's labels, built
    once per institution and sheet (not once per cell). One institution's context is kept at a time (rows
    come institution by institution), and equal label lists are one dict: held for every institution,
    the contexts' label lists were most of the workbook's memory at city scale."""

    def __init__(self, cfg: Config, ds: Dataset, form_id: str) -> None:
        self.cfg, self.ds, self.form_id = cfg, ds, form_id
        self.known = {i.id: i for i in cfg.institutions}
        self.received = ds.received.get(form_id, {})
        self._inst: str | None = None
        self._context: FormContext | None = None
        self._choices: dict[str, dict[Any, str]] = {}
        self._shared: dict[tuple[tuple[Any, str], ...], dict[Any, str]] = {}

    def context(self, inst: str) -> FormContext | None:
        if inst != self._inst:
            known = self.known.get(inst)
            self._inst, self._choices = inst, {}
            self._context = FormContext(self.cfg, self.ds.period, known) if known is not None else None
        return self._context

    def _labels(self, inst: str, name: str) -> dict[Any, str] | None:
        ctx = self.context(inst)
        if ctx is None:
            return None
        labels = self._choices.get(name)
        if labels is None:
            pairs = tuple(ctx.choices(name))
            labels = self._choices[name] = self._shared.setdefault(pairs, dict(pairs))
        return labels

    def lead(self, inst: str) -> list[Any]:
        rec = self.received.get(inst) or self.received.get("")
        name = self.known[inst].name if inst in self.known else inst
        return [name, inst, rec.version if rec else None, rec.received_at if rec else ""]

    def shown(self, value: Any, f: Field, inst: str) -> Any:
        """A stored value as a cell: choice values by their labels, texts made formula-safe.

        An institution no longer in config.toml has no context: its data is still shown, unlabelled.
        """
        if f.kind == "choice" and f.choices:
            labels = self._labels(inst, f.choices)
            if labels is not None:
                if value is None:
                    return OTHER_ACTIVITY if f.choices == "activities" else None
                value = labels.get(value, value)
        if isinstance(value, bool):
            return "jā" if value else "nē"
        if isinstance(value, int | float) or value is None:
            return value
        return safe_text(str(value))


def _form_sheets(cfg: Config, ds: Dataset, form: FormDef) -> Iterator[tuple[str, list[str], Iterator[list[Any]]]]:
    """Title, headers and rows (generated as they are written) of a form's sheets."""
    items = sorted(form_data(ds, cfg, form.form_id).items())
    labels = _Labels(cfg, ds, form.form_id)
    singles = _section_fields(form)
    if singles:
        rows = (labels.lead(inst) + [labels.shown(_nested(data, f.key), f, inst) for f, _ in singles]
                for inst, data in items)
        yield form.title, LEAD + _headers(singles), rows
    for table, title in _tables(form):
        def table_rows(table: Table = table) -> Iterator[list[Any]]:
            for inst, data in items:
                lead = labels.lead(inst)
                for row in _table_rows(table, data, labels.context(inst)):
                    yield lead + [labels.shown(_cell_value(row, f), f, inst) for f in table.columns]

        yield title, LEAD + _headers([(f, table.title) for f in table.columns]), table_rows()


def build_consolidated(cfg: Config, ds: Dataset) -> Workbook:
    """The workbook (write-only: each sheet's rows are written as they are made, so nothing per
    institution is held): for each form, a sheet of its single fields and a sheet per table."""
    wb = Workbook(write_only=True)
    for form in consolidated_forms():
        for title, headers, rows in _form_sheets(cfg, ds, form):
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
