"""Reading a filled workbook back: locate its regions, read their cells, then the definition's checks.

Regions are found by the defined names the writer adds (``locate.py``), so rows a person inserted or
deleted, or a renamed sheet, move nothing: every field is read from its own cell and every row of a
table up to its end. What cannot be located with certainty is one message, never values from wrong cells.

Speed matters (the intake reads every submission): cells are read by python-calamine (a compiled
reader, many times faster than openpyxl, which stays for writing workbooks). What calamine does not
tell — error cells, which it returns as empty strings, and the workbook's defined names — comes from the
package XML through defusedxml (``package.py``), at a cost bounded by the small ``workbook.xml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from ..core.config import Config
from ..core.period import Period
from .definitions import FORMS
from .fields import (
    INSTITUTION_CELL,
    META_SHEET,
    NOT_APPLICABLE,
    PERIOD_CELL,
    FormContext,
    FormDef,
    Layout,
    TableSlot,
    institution_by_id,
    layout,
)
from .locate import MAX_EXTRA_ROWS, LayoutProblem, Located, TablePlace, locate
from .package import CellError, Package, PackageError, open_package
from .package import column_letter as get_column_letter
from .submission import Message, Submission
from .validate import Cells, RawRows, check
from .values import clean_text, is_empty

NOT_OURS = ("Šī darbgrāmata nav PMP veidlapa (tajā nav veidlapas metadatu). Aizpildiet izglītības "
            "pārvaldes sagatavoto veidlapu un nosūtiet to.")
NOT_XLSX = ("Failu nevar atvērt kā Excel darbgrāmatu (.xlsx); tas ir bojāts vai cita formāta. "
            "Saglabājiet veidlapu Excel formātā (.xlsx) un nosūtiet vēlreiz.")
BELOW_TABLE = ("Šī rinda ir zem tabulas “{title}” beigām, tāpēc tās datus nevar nolasīt. Ievietojiet jaunu rindu "
               "tabulas iekšpusē (virs tās pēdējās rindas) un pārnesiet datus tur.")
INSERTED_ROW = ("Šī rinda ievietota tabulā “{title}”, bet tās aizsargātajās šūnās nav veidlapas sagatavotā "
                "teksta, tāpēc to nevar nolasīt. Ierakstiet datus veidlapas sagatavotajās rindās un izdzēsiet "
                "ievietoto rindu.")
#: Rows read below the last region of a sheet, to find values typed just under a table.
_BELOW = 30
UNREADABLE = ("Veidlapu neizdevās nolasīt ({detail}). Izmantojiet izglītības pārvaldes sagatavoto "
              "veidlapu un nemainiet tās struktūru.")


def _whole(text: str, level: str = "error", sheet: str = "", cell: str = "", field: str = "") -> Message:
    return Message(level, sheet, cell, field, text)  # type: ignore[arg-type]


def _json_safe(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, CellError):
        return str(value)
    return value


#: Floats up to this size are whole numbers exactly (and read back as ints).
_EXACT = 2**53


def _cells(row: list[Any], width: int) -> list[Any]:
    """The first ``width`` calamine values of a row as the rest of the reader expects them, padded with
    None: empty cells None, whole numbers int.

    calamine returns every number as a float and an empty cell as "": a cell typed 12 reads 12 (as
    Excel stores it), so messages and stored data say "12", not "12.0". (One comprehension: it runs for
    every cell read.)
    """
    out = [(None if v == "" else v) if type(v) is str
           else int(v) if type(v) is float and v.is_integer() and -_EXACT < v < _EXACT else v
           for v in row[:width]]
    return out + [None] * (width - len(out))


class _Book:
    """One workbook opened for reading: calamine for cell values, the package XML for the rest."""

    def __init__(self, path: Path, parts: Mapping[str, bytes] | None = None) -> None:
        self.package: Package = open_package(path, parts)
        try:
            self.calamine = CalamineWorkbook.from_path(str(path))
        except BaseException:
            self.package.close()
            raise
        self.sheetnames: list[str] = list(self.calamine.sheet_names)

    def rows(self, sheet: str, width: int, nrows: int | None) -> list[tuple[Any, ...]]:
        """The first ``nrows`` rows (all when None) of ``sheet`` from A1, ``width`` values each, errors
        as :class:`CellError`."""
        data = self.calamine.get_sheet_by_name(sheet).to_python(skip_empty_area=False, nrows=nrows)
        out = [_cells(row, width) for row in data]
        for (row, col), error in self.package.error_cells(sheet).items():
            if row <= len(out) and col <= width:
                out[row - 1][col - 1] = error
        return [tuple(row) for row in out]

    def close(self) -> None:
        self.calamine.close()
        self.package.close()


def _read_meta(wb: _Book) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for row in wb.rows(META_SHEET, 2, 20):
        if row[0] is not None:
            meta[str(row[0]).strip()] = row[1]
    return meta


def _as_int(value: Any) -> int | None:
    try:
        f = float(str(value).strip().replace(",", "."))
    except ValueError:
        return None
    return int(f) if f.is_integer() else None


def _table_end(ts: TableSlot, place: TablePlace, grid: _Sheet) -> int:
    """A table's last row: its name's, or in a form without names, for a prefilled table its last row
    with a locked value (inserted rows have none), at most MAX_EXTRA_ROWS past its header."""
    if place.last_row is not None:
        return place.last_row
    locked = [n for n, f in enumerate(ts.table.columns) if f.locked]
    last = place.header_row
    for r in range(place.header_row + 1, min(len(grid.rows), place.header_row + MAX_EXTRA_ROWS) + 1):
        if any(not is_empty(grid.at(r, place.col + n)) for n in locked):
            last = r
    return last


def _anchor(value: Any, label: str) -> bool:
    return clean_text(value).startswith(label)


class _Sheet:
    """The rows of one sheet as read, with 1-based access."""

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self.rows = rows

    def at(self, row: int, col: int) -> Any:
        if 1 <= row <= len(self.rows) and 1 <= col <= len(self.rows[row - 1]):
            return self.rows[row - 1][col - 1]
        return None


def _read_sheets(form: FormDef, lay: Layout, loc: Located, wb: _Book) -> dict[str, _Sheet]:
    """Each data sheet read once, as wide and as far down as its located regions reach (plus a margin
    for the rows typed just below a table)."""
    out: dict[str, _Sheet] = {}
    for sheet in form.sheets:
        title = loc.titles[sheet.name]
        singles = [loc.singles[s.field.key] for s in lay.singles if s.sheet == sheet.name]
        places = [loc.tables[t.table.key] for t in lay.tables if t.sheet == sheet.name]
        width = max([3, title[1]] + [c for _, c in singles]
                    + [p.col + len(t.table.columns) - 1 for t, p in zip(
                        [t for t in lay.tables if t.sheet == sheet.name], places, strict=True)])
        ends = [title[0] + 1] + [r for r, _ in singles] + [p.last_row or 0 for p in places]
        open_end = any(p.last_row is None for p in places)
        nrows = None if open_end else max(ends) + _BELOW
        if open_end:
            nrows = max(p.header_row for p in places) + MAX_EXTRA_ROWS + _BELOW
        out[sheet.name] = _Sheet(wb.rows(loc.sheets[sheet.name], width, nrows))
    return out


def _verify(lay: Layout, loc: Located, sheets: dict[str, _Sheet]) -> None:
    """Each located region agrees with the locked text beside it, or LayoutProblem."""
    for slot in lay.singles:
        row, col = loc.singles[slot.field.key]
        if col < 2 or not _anchor(sheets[slot.sheet].at(row, col - 1), slot.field.label):
            raise LayoutProblem(loc.sheets[slot.sheet], f"rinda ar lauku “{slot.field.label}” pārvietota vai "
                                                        "mainīta")
    for ts in lay.tables:
        place = loc.tables[ts.table.key]
        grid = sheets[ts.sheet]
        if not all(_anchor(grid.at(place.header_row, place.col + n), f.label)
                   for n, f in enumerate(ts.table.columns)):
            raise LayoutProblem(place.sheet, f"mainīta vai pārvietota tabulas “{ts.table.title}” galvene")


def _boundary(lay: Layout, loc: Located, sheet: str, after: int) -> int:
    """The first row after ``after`` that belongs to another region of ``sheet`` (its title or heading)."""
    starts = [loc.singles[s.field.key][0] - 1 for s in lay.singles if s.sheet == sheet]
    starts += [loc.tables[t.table.key].header_row - 1 for t in lay.tables if t.sheet == sheet]
    return min((r for r in starts if r > after), default=after + _BELOW + 1)


def _extract(form: FormDef, lay: Layout, ctx: FormContext, wb: _Book, sub: Submission
             ) -> tuple[dict[str, Any], dict[str, RawRows], Cells] | None:
    try:
        loc = locate(form, lay, wb.package.names, wb.sheetnames)
        sheets = _read_sheets(form, lay, loc, wb)
        _verify(lay, loc, sheets)
    except LayoutProblem as e:
        sub.messages.append(_whole(str(e), sheet=e.sheet))
        return None
    lasts = {ts.table.key: _table_end(ts, loc.tables[ts.table.key], sheets[ts.sheet]) for ts in lay.tables}
    sizes = {ts.table.key: len(ts.table.prefill(ctx)) if ts.table.prefill else ts.table.rows for ts in lay.tables}
    # Moved: anything not where the form as written has it (then messages name the cells as the school
    # sees them, and a map leads the marked copy back to the form's own cells).
    moved = loc.moved(lay) or any(lasts[k] - loc.tables[k].header_row != sizes[k] for k in lasts)
    cells = Cells()
    singles: dict[str, Any] = {}
    tables: dict[str, RawRows] = {}
    expected = {INSTITUTION_CELL: ctx.institution.name, PERIOD_CELL: ctx.period.label}

    def keep(canonical_sheet: str, canonical: str | None, actual_sheet: str, actual: str, value: Any) -> None:
        """A typed value for the marked copy (by the definition's cell) and the cell map (moved forms)."""
        if canonical is None:
            return
        if not is_empty(value):
            sub.raw_cells.setdefault(canonical_sheet, {})[canonical] = _json_safe(value)
        if moved:
            cells.canonical[(actual_sheet, actual)] = (canonical_sheet, canonical)

    for sheet in form.sheets:
        actual_sheet, grid = loc.sheets[sheet.name], sheets[sheet.name]
        sub.raw_cells.setdefault(sheet.name, {})
        trow, tcol = loc.titles[sheet.name]
        for n, (cell, want) in enumerate(expected.items()):
            got = clean_text(grid.at(trow + n, tcol))
            if moved:
                cells.canonical[(actual_sheet, f"{get_column_letter(tcol)}{trow + n}")] = (sheet.name, cell)
            if got != want:
                what = "iestāde" if cell == INSTITUTION_CELL else "periods"
                sub.messages.append(_whole(
                    f"Lapā redzamā {what} “{got}” nesakrīt ar veidlapas metadatiem (“{want}”). Izmantojiet "
                    "veidlapu, kas sagatavota tieši jūsu iestādei un šim periodam.",
                    sheet=actual_sheet, cell=f"{get_column_letter(tcol)}{trow + n}",
                    field="Iestāde" if cell == INSTITUTION_CELL else "Periods"))
        for slot in lay.singles:
            if slot.sheet != sheet.name:
                continue
            row, col = loc.singles[slot.field.key]
            value = grid.at(row, col)
            if value == NOT_APPLICABLE and not ctx.applies(slot.field):
                value = None
            singles[slot.field.key] = value
            actual = f"{get_column_letter(col)}{row}"
            cells.singles[slot.field.key] = (actual_sheet, actual)
            keep(sheet.name, slot.cell, actual_sheet, actual, value)
        for ts in lay.tables:
            if ts.sheet != sheet.name:
                continue
            place = loc.tables[ts.table.key]
            columns = ts.table.columns
            last, as_written = lasts[ts.table.key], not moved
            cells.tables[ts.table.key] = (actual_sheet, place.col)
            rows: RawRows = []
            written = 0  # rows read that the form as written has (for the marked copy)
            span = slice(place.col - 1, place.col - 1 + len(columns))
            for r in range(place.header_row + 1, last + 1):
                cut = grid.rows[r - 1][span] if r <= len(grid.rows) else ()
                if all(v is None for v in cut) or all(is_empty(v) for v in cut):
                    continue  # an empty row never ends a table: rows after it are read too
                values = {f.key: grid.at(r, place.col + n) for n, f in enumerate(columns)}
                # The row's place in the form as written: by position, or (after inserted or deleted rows)
                # by order; a row inserted into a prefilled table (no locked text) or past a free
                # table's written size has none.
                index = r - place.header_row - 1 if as_written else written
                if ts.table.prefill is not None:
                    inside = as_written or any(not is_empty(values[f.key]) for f in columns if f.locked)
                    if not inside:  # a row someone inserted and typed into: no plan activity, indicator…
                        first = next(n for n, f in enumerate(columns) if f.locked)
                        sub.messages.append(Message(
                            "error", actual_sheet, f"{get_column_letter(place.col + first)}{r}", columns[first].label,
                            INSERTED_ROW.format(title=ts.table.title)))
                        continue
                else:
                    inside = index < ts.table.rows
                written += inside
                for n, f in enumerate(columns):
                    actual = f"{get_column_letter(place.col + n)}{r}"
                    canonical = ts.cell(index, f.key) if inside else None
                    keep(sheet.name, None if f.locked else canonical, actual_sheet, actual, values[f.key])
                    if f.locked and moved and canonical is not None:
                        cells.canonical[(actual_sheet, actual)] = (sheet.name, canonical)
                rows.append((r, values))
            tables[ts.table.key] = rows
            _below(lay, loc, ts, place, last, grid, sub)
    return singles, tables, cells


def _below(lay: Layout, loc: Located, ts: TableSlot, place: TablePlace, last: int, grid: _Sheet,
           sub: Submission) -> None:
    """Values typed in the rows right under a table are not part of it: one error rather than a silent loss."""
    stop = _boundary(lay, loc, ts.sheet, last)
    for r in range(last + 1, stop):
        values = [grid.at(r, place.col + n) for n in range(len(ts.table.columns))]
        if all(is_empty(v) for v in values):
            return
        for n, f in enumerate(ts.table.columns):
            if not f.locked and not is_empty(values[n]):
                sub.messages.append(Message("error", place.sheet, f"{get_column_letter(place.col + n)}{r}", f.label,
                                            BELOW_TABLE.format(title=ts.table.title)))
                return


#: (config, key, edition) of the last config read against: see :func:`_plan_edition`.
_edition: tuple[Config, tuple[int, ...], str] | None = None


def _plan_edition(cfg: Config) -> str:
    """``cfg.plan_edition()``, computed once per config rather than once per file (it dumps and hashes the
    whole plan: ≈ 1 ms, a tenth of an F1's intake). Keyed like ``Config.activities_for``'s index: the same
    config object, plan and lists of goals, activities and indicators, so a ``model_copy(update=…)`` or a
    list changed in place is hashed again; the config is held, so its id is never another's."""
    global _edition
    plan = cfg.plan
    key = (id(plan), *(id(x) for part in (plan.goals, plan.activities, plan.indicators) for x in (part, *part)),
           len(plan.goals), len(plan.activities), len(plan.indicators))
    if _edition is None or _edition[0] is not cfg or _edition[1] != key:
        _edition = (cfg, key, cfg.plan_edition())
    return _edition[2]


def _identify(wb: _Book, cfg: Config, sub: Submission) -> tuple[FormDef, FormContext] | None:
    if META_SHEET not in wb.sheetnames:
        sub.messages.append(_whole(NOT_OURS))
        return None
    meta = _read_meta(wb)
    form_id = clean_text(meta.get("form_id"))
    if form_id not in FORMS:
        sub.messages.append(_whole(NOT_OURS))
        return None
    form = FORMS[form_id]
    sub.form_id = form_id
    sub.form_version = _as_int(meta.get("form_version"))
    sub.institution = clean_text(meta.get("institution_id")) or None
    sub.period = _as_int(meta.get("period"))
    sub.plan_edition = clean_text(meta.get("plan_edition")) or None
    if sub.form_version != form.version:
        sub.messages.append(_whole(
            f"Veidlapas {form_id} versiju {meta.get('form_version')} vairs nevar nolasīt (pašreizējā versija "
            f"{form.version}). Pārnesiet datus uz jaunāko veidlapu, ko izsniedz izglītības pārvalde."))
        return None
    inst = institution_by_id(cfg, sub.institution or "")
    if inst is None:
        sub.messages.append(_whole(f"Iestāde “{sub.institution}” nav konfigurācijā. Izmantojiet izglītības "
                                   "pārvaldes sagatavoto veidlapu."))
        return None
    if sub.period is None or not (Period(sub.period, cfg.period.kind).plan_years & set(cfg.period.plan_years)):
        sub.messages.append(_whole(f"Veidlapas periods “{meta.get('period')}” nav plāna periodā. Izmantojiet "
                                   "šī perioda veidlapu."))
        return None
    if sub.plan_edition != _plan_edition(cfg):
        sub.messages.append(_whole("Veidlapa sagatavota pēc citas plāna redakcijas; saraksti tika pārbaudīti "
                                   "pēc spēkā esošā plāna.", level="warning"))
    return form, FormContext(cfg, Period(sub.period, cfg.period.kind), inst)


def read_submission(path: Path, cfg: Config, parts: Mapping[str, bytes] | None = None) -> Submission:
    """Read and validate a filled workbook. Never raises for bad content: problems become messages.

    ``parts``: XML parts of this very file already decompressed (name -> bytes; the intake's bound
    stage hands over what it read), so they are not decompressed again.

    Any other exception is a fault of ours, not the sender's (broken XML is a parser error, handled
    here; the intake's bound stage has checked every part is well-formed, bounded XML even before): it
    propagates, so the intake holds the file for the board instead of telling the school its form is
    broken.
    """
    sub = Submission(None, None, None, None, None)
    try:
        wb = _Book(path, parts)
    except PackageError as e:
        sub.messages.append(_whole(NOT_OURS if e.missing else NOT_XLSX))
        return sub
    except (CalamineError, OSError, ValueError, TypeError):
        sub.messages.append(_whole(NOT_XLSX))
        return sub
    except Exception as e:  # noqa: BLE001 - any parser failure on foreign content is the sender's problem
        sub.messages.append(_whole(UNREADABLE.format(detail=type(e).__name__)))
        return sub
    try:
        found = _identify(wb, cfg, sub)
        if found is None:
            return sub
        form, ctx = found
        lay = layout(form)
        extracted = _extract(form, lay, ctx, wb, sub)
        if extracted is None:
            return sub
        singles, tables, cells = extracted
        data, messages = check(form, ctx, lay, singles, tables, cells)
        sub.cell_map = cells.canonical
        sub.data = data
        sub.messages.extend(messages)
    except (CalamineError, PackageError) as e:  # a sheet's own XML is broken: the sender's problem
        sub.data = {}
        sub.messages.append(_whole(UNREADABLE.format(detail=type(e).__name__)))
    finally:
        wb.close()
    return sub
