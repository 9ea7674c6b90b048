"""Checking read cells against a form definition, and shaping them into ``Submission.data``.

Every single-field check (required, type, negative, range, list membership, date in period) is
generic and driven by the :class:`~generator.forms.fields.Field`; cross-field rules live next to
each form's definition and use the :class:`Checker` helpers. Dropdowns are never trusted: every list
value is matched again against the list built from the configuration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .fields import Field, FormContext, FormDef, Layout, Slot, TableSlot
from .package import CellError
from .package import column_letter as get_column_letter
from .submission import Message
from .values import (
    clean_text,
    date_for_number,
    fmt_number,
    is_empty,
    norm_key,
    parse_date,
    parse_float,
    parse_int,
    thousands_point,
)

#: A table's rows as read: (the row's number on its sheet, {column key: raw value}).
RawRows = list[tuple[int, dict[str, Any]]]


@dataclass
class Cells:
    """Where a workbook's values were found, so messages name the cell the school sees.

    ``singles``: field key -> (sheet, cell); ``tables``: table key -> (sheet, first column); a table row's
    index is its row number on the sheet. ``canonical`` maps a moved cell (sheet, cell) to the cell of the
    form as written, for the marked copy; it is empty when nothing moved.
    """

    singles: dict[str, tuple[str, str]] = field(default_factory=dict)
    tables: dict[str, tuple[str, int]] = field(default_factory=dict)
    canonical: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)

#: An error cell: what a spreadsheet makes of text typed with a leading "=" (it becomes a formula).
ERROR_CELL = ("Šūnā ir formulas kļūda {code}, nevis vērtība: ierakstītais sākas ar “=”, tāpēc tika uztverts kā "
              "formula. Ierakstiet to vēlreiz bez “=” sākumā.")


def _choice_index(ctx: FormContext, name: str) -> dict[str, Any]:
    """Normalised label (and id) → value for one list, built once per context."""
    key = f"index:{name}"
    if key not in ctx._cache:
        index: dict[str, Any] = {}
        for value, label in ctx.choices(name):
            index[norm_key(label)] = value
            if value is not None and not isinstance(value, bool):
                index.setdefault(norm_key(str(value)), value)
        ctx._cache[key] = index  # type: ignore[assignment]
    return ctx._cache[key]  # type: ignore[return-value]


def _choice(f: Field, raw: Any, ctx: FormContext) -> tuple[Any, str | None]:
    name = f.choices or ""
    index = _choice_index(ctx, name)
    text = norm_key(clean_text(raw))
    if text in index:
        return index[text], None
    if name in ("activities", "own_activities"):
        number = text.split(" ", 1)[0]
        if number in index and index[number] is not None:
            return index[number], None
        return None, (f"“{clean_text(raw)}” nav šī perioda plāna aktivitāšu sarakstā. Izvēlieties aktivitāti "
                      f"no saraksta vai “cita, nav plānā”.")
    allowed = ", ".join(f"“{label}”" for _, label in ctx.choices(name))
    return None, f"“{clean_text(raw)}” nav atļauta vērtība. Izvēlieties no saraksta: {allowed}."


def _empty_value(f: Field) -> Any:
    if f.kind == "int":
        return 0
    if f.kind in ("text", "email"):
        return ""
    if f.kind == "choice" and f.choices == "yesno":
        return False
    return None


def parse_field(f: Field, raw: Any, ctx: FormContext) -> tuple[Any, str | None]:
    """One cell's value for ``f``: ``(value, problem)``; ``problem`` is Latvian and says what to change."""
    if isinstance(raw, CellError):  # never read as text: "#VALUE!" is not what the school typed
        return None, ERROR_CELL.format(code=raw.code)
    if is_empty(raw):
        if f.required:
            return None, "Obligāts lauks nav aizpildīts. Lūdzu, aizpildiet to."
        return _empty_value(f), None
    if f.kind in ("int", "float"):
        value, problem = (parse_int if f.kind == "int" else parse_float)(raw)
        if problem or value is None:
            return None, problem
        if f.min is not None and value < f.min:
            if f.min == 0:
                return None, f"Vērtība nevar būt negatīva ({fmt_number(value)}). Ierakstiet 0 vai lielāku skaitli."
            return None, f"Vērtībai jābūt no {fmt_number(f.min)} līdz {fmt_number(f.max or 0)}, nevis {fmt_number(value)}."
        if f.max is not None and value > f.max:
            return None, f"Vērtībai jābūt no {fmt_number(f.min or 0)} līdz {fmt_number(f.max)}, nevis {fmt_number(value)}."
        return value, None
    if f.kind == "date":
        d, problem = parse_date(raw)
        if problem or d is None:
            return None, problem
        if f.in_period and not ctx.period.contains(d):
            p = ctx.period
            return None, (f"Datums {d:%d.%m.%Y} nav pārskata periodā {p.label} ({p.start:%d.%m.%Y}–"
                          f"{p.end:%d.%m.%Y}). Ierakstiet datumu šajā periodā.")
        return d.isoformat(), None
    if f.kind == "choice":
        return _choice(f, raw, ctx)
    if f.kind == "numtext":
        if isinstance(raw, date):  # "4.5" typed in a Latvian Calc: never stored as the text of a date
            return None, date_for_number(raw)
        value, problem = parse_float(raw)
        return (value if not problem else clean_text(raw)), None
    text = clean_text(raw)
    if f.kind == "email":
        local, _, domain = text.partition("@")
        if not local or "." not in domain or " " in text:
            return None, f"“{text}” nav e-pasta adrese. Ierakstiet adresi formā vards@iestade.lv."
    return text, None


class Checker:
    """Parsed values of one workbook plus the messages about them; handed to each form's rules."""

    def __init__(self, form: FormDef, ctx: FormContext, lay: Layout, cells: Cells | None = None) -> None:
        self.form, self.ctx, self.lay = form, ctx, lay
        self.cells = cells or Cells()
        self.values: dict[str, Any] = {}
        self.tables: dict[str, RawRows] = {}
        self.messages: list[Message] = []
        self._slots = {s.field.key: s for s in lay.singles}

    # ---- reading values ------------------------------------------------------------------------
    def get(self, key: str) -> Any:
        """A single field's parsed value; ``None`` when empty or faulty."""
        return self.values.get(key)

    def applies(self, key: str) -> bool:
        return self.ctx.applies(self._slots[key].field)

    def sum(self, *keys: str) -> Any:
        """Sum of numeric fields, or ``None`` when one of them is missing or faulty."""
        vals = [self.values.get(k) for k in keys]
        return None if any(v is None for v in vals) else sum(vals)

    def rows(self, table: str) -> RawRows:
        """Parsed rows of a table as ``(index, row)``; empty rows of free tables are left out."""
        return self.tables.get(table, [])

    # ---- reporting -----------------------------------------------------------------------------
    def _single(self, level: str, key: str, text: str) -> None:
        slot = self._slots[key]
        sheet, cell = self.cells.singles.get(key, (slot.sheet, slot.cell))
        self.messages.append(Message(level, sheet, cell, slot.field.label, text))  # type: ignore[arg-type]

    def error(self, key: str, text: str) -> None:
        self._single("error", key, text)

    def warning(self, key: str, text: str) -> None:
        self._single("warning", key, text)

    def _row(self, level: str, table: str, index: int, col: str, text: str) -> None:
        ts = self.lay.table(table)
        keys = [c.key for c in ts.table.columns]
        label = ts.table.columns[keys.index(col)].label
        sheet, first = self.cells.tables.get(table, (ts.sheet, 1))
        cell = f"{get_column_letter(first + keys.index(col))}{index}"
        self.messages.append(Message(level, sheet, cell, label, text))  # type: ignore[arg-type]

    def row_error(self, table: str, index: int, col: str, text: str) -> None:
        self._row("error", table, index, col, text)

    def row_warning(self, table: str, index: int, col: str, text: str) -> None:
        self._row("warning", table, index, col, text)


def _note(f: Field, raw: Any, value: Any) -> str | None:
    """A warning about a value read without error but perhaps not as meant ("1.200" in EUR is 1,2)."""
    if f.kind in ("float", "numtext") and isinstance(value, float):
        return thousands_point(raw, value)
    return None


def _check_single(chk: Checker, slot: Slot, raw: Any) -> None:
    f = slot.field
    if not chk.ctx.applies(f):
        chk.values[f.key] = 0 if f.kind == "int" else ("" if f.kind == "text" else None)
        return
    value, problem = parse_field(f, raw, chk.ctx)
    chk.values[f.key] = value
    if problem:
        chk.error(f.key, problem)
    elif (note := _note(f, raw, value)) is not None:
        chk.warning(f.key, note)


def _check_table(chk: Checker, ts: TableSlot, rows: RawRows) -> None:
    out: RawRows = []
    for index, raw in rows:
        parsed: dict[str, Any] = {}
        for col in ts.table.columns:
            value, problem = parse_field(col, raw.get(col.key), chk.ctx)
            parsed[col.key] = value
            if problem:
                chk.row_error(ts.table.key, index, col.key, problem)
            elif (note := _note(col, raw.get(col.key), value)) is not None:
                chk.row_warning(ts.table.key, index, col.key, note)
        out.append((index, parsed))
    chk.tables[ts.table.key] = out


def nest(flat: dict[str, Any]) -> dict[str, Any]:
    """{"a.b": 1, "c": 2} → {"a": {"b": 1}, "c": 2}."""
    out: dict[str, Any] = {}
    for key, value in flat.items():
        head, dot, tail = key.partition(".")
        if dot:
            out.setdefault(head, {})[tail] = value
        else:
            out[key] = value
    return out


def check(form: FormDef, ctx: FormContext, lay: Layout, singles: dict[str, Any],
          tables: dict[str, RawRows], cells: Cells) -> tuple[dict[str, Any], list[Message]]:
    """Validate read cells (found where ``cells`` says); return the data (shaped as documented per form)
    and every message."""
    chk = Checker(form, ctx, lay, cells)
    for slot in lay.singles:
        _check_single(chk, slot, singles.get(slot.field.key))
    for ts in lay.tables:
        _check_table(chk, ts, tables.get(ts.table.key, []))
    if form.rules is not None:
        form.rules(chk)
    data = nest(chk.values)
    for key, rows in chk.tables.items():
        data[key] = [row for _, row in rows]
    if form.finish is not None:
        data = form.finish(data, ctx)
    return data, chk.messages
