"""Reading a filled workbook back: cell values through python-calamine, then the definition's checks.

Speed matters (the intake reads every submission): cells are read by python-calamine (a compiled
reader, many times faster than openpyxl, which stays for writing workbooks). What calamine does not
tell — error cells, which it returns as empty strings, and the workbook's defined names — comes from the
package XML through defusedxml (``package.py``), at a cost bounded by the small ``workbook.xml``.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from python_calamine import CalamineError, CalamineWorkbook

from ..core.config import Config
from ..core.period import Period
from .definitions import FORMS
from .fields import INSTITUTION_CELL, PERIOD_CELL, FormContext, FormDef, Layout, layout
from .package import CellError, Package, PackageError, open_package
from .submission import Message, Submission
from .validate import check
from .values import clean_text, is_empty
from .writer import META_SHEET, NOT_APPLICABLE

NOT_OURS = ("Šī darbgrāmata nav PMP veidlapa (tajā nav veidlapas metadatu). Aizpildiet izglītības "
            "pārvaldes sagatavoto veidlapu un nosūtiet to.")
NOT_XLSX = ("Failu nevar atvērt kā Excel darbgrāmatu (.xlsx); tas ir bojāts vai cita formāta. "
            "Saglabājiet veidlapu Excel formātā (.xlsx) un nosūtiet vēlreiz.")
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


def _cell(value: Any) -> Any:
    """A calamine value as the rest of the reader expects it: empty cells None, whole numbers int.

    calamine returns every number as a float and an empty cell as "": a cell typed 12 reads 12 (as
    Excel stores it), so messages and stored data say "12", not "12.0".
    """
    if value == "" and isinstance(value, str):
        return None
    if type(value) is float and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


class _Book:
    """One workbook opened for reading: calamine for cell values, the package XML for the rest."""

    def __init__(self, path: Path) -> None:
        self.package: Package = open_package(path)
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
        errors = self.package.error_cells(sheet)
        out = []
        for n, row in enumerate(data, start=1):
            values = [_cell(v) for v in row[:width]]
            values += [None] * (width - len(values))
            for col in range(1, width + 1):
                if (n, col) in errors:
                    values[col - 1] = errors[(n, col)]
            out.append(tuple(values))
        return out

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


def _reach(lay: Layout, sheet: str) -> tuple[int, int | None]:
    """How far a sheet must be read: the last row a field or bounded table needs, and the first data
    row of a prefilled table (which runs until its first row with an empty first column), if any."""
    last = max([int(INSTITUTION_CELL[1:]), int(PERIOD_CELL[1:])]
               + [s.row for s in lay.singles if s.sheet == sheet]
               + [t.first_row + t.max_rows - 1 for t in lay.tables if t.sheet == sheet and t.max_rows is not None])
    open_ended = [t.first_row for t in lay.tables if t.sheet == sheet and t.max_rows is None]
    return last, min(open_ended, default=None)


def _sheet_grid(wb: _Book, sheet: str, width: int, last: int, open_from: int | None
                ) -> dict[int, tuple[Any, ...]]:
    """The rows of a sheet (1-based) that the form uses, as tuples of ``width`` values.

    Reading stops right after the last row needed: ``last``, or with a prefilled table from
    ``open_from`` its first row with an empty first column.
    """
    grid: dict[int, tuple[Any, ...]] = {}
    for n, row in enumerate(wb.rows(sheet, width, last if open_from is None else None), start=1):
        if any(v is not None for v in row):
            grid[n] = row
        if open_from is None and n >= last:
            break
        if open_from is not None and n >= max(open_from, last) and is_empty(row[0] if row else None):
            break
    return grid


def _at(grid: dict[int, tuple[Any, ...]], row: int, col: int) -> Any:
    values = grid.get(row)
    return values[col - 1] if values is not None and col <= len(values) else None


def _extract(form: FormDef, lay: Layout, ctx: FormContext, wb: _Book, sub: Submission
             ) -> tuple[dict[str, Any], dict[str, list[tuple[int, dict[str, Any]]]]] | None:
    singles: dict[str, Any] = {}
    tables: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    expected = {INSTITUTION_CELL: ctx.institution.name, PERIOD_CELL: ctx.period.label}
    for sheet in form.sheets:
        if sheet.name not in wb.sheetnames:
            sub.messages.append(_whole(f"Darbgrāmatā nav lapas “{sheet.name}”. Neizdzēsiet un nepārdēvējiet "
                                       "veidlapas lapas; izmantojiet sākotnējo veidlapu.", sheet=sheet.name))
            return None
        width = max(3, *(len(t.table.columns) for t in lay.tables if t.sheet == sheet.name), 0)
        grid = _sheet_grid(wb, sheet.name, width, *_reach(lay, sheet.name))
        raw = sub.raw_cells.setdefault(sheet.name, {})
        for cell, want in expected.items():
            got = clean_text(_at(grid, int(cell[1:]), 2))
            if got != want:
                what = "iestāde" if cell == INSTITUTION_CELL else "periods"
                sub.messages.append(_whole(
                    f"Lapā redzamā {what} “{got}” nesakrīt ar veidlapas metadatiem (“{want}”). Izmantojiet "
                    "veidlapu, kas sagatavota tieši jūsu iestādei un šim periodam.",
                    sheet=sheet.name, cell=cell, field="Iestāde" if cell == INSTITUTION_CELL else "Periods"))
        for slot in lay.singles:
            if slot.sheet == sheet.name:
                value = _at(grid, slot.row, slot.col)
                if value == NOT_APPLICABLE and not ctx.applies(slot.field):
                    value = None
                singles[slot.field.key] = value
                if not is_empty(value):
                    raw[slot.cell] = _json_safe(value)
        for ts in lay.tables:
            if ts.sheet != sheet.name:
                continue
            rows: list[tuple[int, dict[str, Any]]] = []
            last = ts.first_row + ts.max_rows if ts.max_rows is not None else max(grid, default=0) + 1
            for index, r in enumerate(range(ts.first_row, last)):
                values = {f.key: _at(grid, r, col) for col, f in enumerate(ts.table.columns, start=1)}
                if ts.max_rows is None and is_empty(values[ts.table.columns[0].key]):
                    break
                inputs = {k: v for k, v in values.items() if not is_empty(v)}
                if ts.max_rows is not None and not inputs:
                    continue  # empty rows of free tables, e.g. trailing ones
                for col, f in enumerate(ts.table.columns, start=1):
                    if not f.locked and not is_empty(values[f.key]):
                        raw[f"{get_column_letter(col)}{r}"] = _json_safe(values[f.key])
                rows.append((index, values))
            tables[ts.table.key] = rows
    return singles, tables


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
    try:
        inst = cfg.institution(sub.institution or "")
    except KeyError:
        sub.messages.append(_whole(f"Iestāde “{sub.institution}” nav konfigurācijā. Izmantojiet izglītības "
                                   "pārvaldes sagatavoto veidlapu."))
        return None
    if sub.period is None or not (Period(sub.period, cfg.period.kind).plan_years & set(cfg.period.plan_years)):
        sub.messages.append(_whole(f"Veidlapas periods “{meta.get('period')}” nav plāna periodā. Izmantojiet "
                                   "šī perioda veidlapu."))
        return None
    if sub.plan_edition != cfg.plan_edition():
        sub.messages.append(_whole("Veidlapa sagatavota pēc citas plāna redakcijas; saraksti tika pārbaudīti "
                                   "pēc spēkā esošā plāna.", level="warning"))
    return form, FormContext(cfg, Period(sub.period, cfg.period.kind), inst)


def read_submission(path: Path, cfg: Config) -> Submission:
    """Read and validate a filled workbook. Never raises for bad content: problems become messages."""
    sub = Submission(None, None, None, None, None)
    try:
        wb = _Book(path)
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
        data, messages = check(form, ctx, lay, *extracted)
        sub.data = data
        sub.messages.extend(messages)
    except Exception as e:  # noqa: BLE001 - odd cell content must become a message, never a crash
        sub.messages.append(_whole(UNREADABLE.format(detail=type(e).__name__)))
    finally:
        wb.close()
    return sub
