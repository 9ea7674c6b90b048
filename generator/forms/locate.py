"""Where a form's input regions are in a filled workbook, found by names that move with the cells.

Every workbook the tool writes carries workbook-level defined names: one per data sheet (its
institution/period cells), one per single field (its input cell) and one per table (header row to last
row). Excel and LibreOffice Calc adjust defined names when a person inserts or deletes rows or columns
or renames a sheet, and keep them through "Save as .xlsx", so the reader finds every region where it
is now, and reads every row inside a table's range, including rows inserted into it.

Each located region is then checked against the locked text next to it (a field's label, a table's
header row): a name is trusted only when its anchor agrees. A workbook without any of these names (a
form issued before they existed, or a program that dropped them) is read at the positions of the
definition, with the same anchor checks. Whatever cannot be mapped with certainty becomes one
:class:`LayoutProblem` with a Latvian sentence saying what changed; the reader turns it into a single
message instead of reading values from the wrong cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .fields import INSTITUTION_CELL, FormContext, FormDef, Layout, TableSlot
from .package import column_index
from .package import column_letter as get_column_letter

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

PREFIX = "PMP_"
#: The most rows a table may have grown to by inserted rows before it is called a changed structure.
MAX_EXTRA_ROWS = 2000

STRUCTURE = ("Lapā “{sheet}” mainīta veidlapas struktūra: {what}. Tāpēc datus nevar droši nolasīt; lūdzu, "
             "atsauciet šīs izmaiņas vai aizpildiet jaunu veidlapu.")
TOO_MANY_ROWS = f"ievietots pārāk daudz rindu (vairāk nekā {MAX_EXTRA_ROWS})"
MISSING_SHEET = ("Darbgrāmatā nav lapas “{sheet}”. Neizdzēsiet un nepārdēvējiet veidlapas lapas; izmantojiet "
                 "sākotnējo veidlapu.")

_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?([0-9]{1,7})"
                  r"(?::\$?([A-Z]{1,3})\$?([0-9]{1,7}))?$")


def _safe(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", key)


def sheet_name(n: int) -> str:
    """The name of the n-th (0-based) data sheet's institution and period cells."""
    return f"{PREFIX}S{n + 1}"


def field_name(key: str) -> str:
    return f"{PREFIX}F_{_safe(key)}"


def table_name(key: str) -> str:
    return f"{PREFIX}T_{_safe(key)}"


def _table_rows(ts: TableSlot, ctx: FormContext) -> int:
    return len(ts.table.prefill(ctx)) if ts.table.prefill else ts.table.rows


def define_names(wb: Workbook, form: FormDef, ctx: FormContext, lay: Layout) -> None:
    """Add the region names of ``form`` to a workbook written by ``writer.build_workbook``."""
    from openpyxl.utils import quote_sheetname  # writing only: the reading path never imports openpyxl
    from openpyxl.workbook.defined_name import DefinedName

    title_row, title_col = int(INSTITUTION_CELL[1:]), column_index(INSTITUTION_CELL[0])
    letter = get_column_letter(title_col)
    names: dict[str, str] = {}
    for n, sheet in enumerate(form.sheets):
        names[sheet_name(n)] = f"{quote_sheetname(sheet.name)}!${letter}${title_row}:${letter}${title_row + 1}"
    for slot in lay.singles:
        names[field_name(slot.field.key)] = (f"{quote_sheetname(slot.sheet)}!${get_column_letter(slot.col)}"
                                             f"${slot.row}")
    for ts in lay.tables:
        last = ts.first_row + _table_rows(ts, ctx) - 1
        names[table_name(ts.table.key)] = (f"{quote_sheetname(ts.sheet)}!$A${ts.header_row}:"
                                           f"${get_column_letter(len(ts.table.columns))}${max(last, ts.header_row)}")
    expected = len(form.sheets) + len(lay.singles) + len(lay.tables)
    if len(names) != expected:  # two keys that differ only in punctuation would share a name
        raise ValueError(f"{form.form_id}: region names are not unique")
    for name, ref in names.items():
        wb.defined_names[name] = DefinedName(name, attr_text=ref)


@dataclass(frozen=True)
class Ref:
    """A rectangle on one sheet, 1-based and inclusive."""

    sheet: str
    row: int
    col: int
    last_row: int
    last_col: int


def parse_ref(text: str | None) -> Ref | None:
    """``'Sheet'!$A$1:$C$9`` or ``Sheet!$B$5`` as a :class:`Ref`; None for ``#REF!`` or anything else."""
    m = _REF.match((text or "").strip())
    if m is None:
        return None
    sheet = m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)
    row, col = int(m.group(4)), column_index(m.group(3))
    last_row = int(m.group(6)) if m.group(6) else row
    last_col = column_index(m.group(5)) if m.group(5) else col
    if last_row < row or last_col < col:
        return None
    return Ref(sheet, row, col, last_row, last_col)


class LayoutProblem(Exception):
    """Raised when a region of the form cannot be located with certainty; ``str()`` is the Latvian text."""

    def __init__(self, sheet: str, what: str, missing_sheet: bool = False) -> None:
        self.sheet = sheet
        text = MISSING_SHEET.format(sheet=sheet) if missing_sheet else STRUCTURE.format(sheet=sheet, what=what)
        super().__init__(text)


@dataclass(frozen=True)
class TablePlace:
    """Where a table is: its sheet, header row, last row (None: read to the end of the sheet), first column."""

    sheet: str
    header_row: int
    last_row: int | None
    col: int


@dataclass
class Located:
    """Actual positions of every region, by the definition's sheet names and keys."""

    sheets: dict[str, str] = field(default_factory=dict)  # definition's sheet name -> actual name
    titles: dict[str, tuple[int, int]] = field(default_factory=dict)  # definition's sheet -> institution cell
    singles: dict[str, tuple[int, int]] = field(default_factory=dict)  # field key -> (row, col)
    tables: dict[str, TablePlace] = field(default_factory=dict)
    by_names: bool = False

    def moved(self, lay: Layout) -> bool:
        """Whether anything sits elsewhere than the definition puts it."""
        return (any(a != s for s, a in self.sheets.items())
                or any(self.singles[s.field.key] != (s.row, s.col) for s in lay.singles)
                or any((p.header_row, p.col) != (lay.table(k).header_row, 1) for k, p in self.tables.items()))


def locate(form: FormDef, lay: Layout, names: dict[str, str], sheetnames: list[str]) -> Located:
    """Every region of ``form`` in a workbook with these defined names and sheets (or LayoutProblem)."""
    ours = {k: v for k, v in names.items() if k.startswith(PREFIX)}
    loc = Located(by_names=bool(ours))
    title = (int(INSTITUTION_CELL[1:]), column_index(INSTITUTION_CELL[0]))
    for n, sheet in enumerate(form.sheets):
        if not ours:
            if sheet.name not in sheetnames:
                raise LayoutProblem(sheet.name, "", missing_sheet=True)
            loc.sheets[sheet.name], loc.titles[sheet.name] = sheet.name, title
            continue
        ref = parse_ref(ours.get(sheet_name(n)))
        if ref is None or ref.sheet not in sheetnames:
            if sheet.name not in sheetnames or (ref is not None and ref.sheet != sheet.name):
                raise LayoutProblem(sheet.name, "", missing_sheet=True)
            raise LayoutProblem(sheet.name, "izdzēstas rindas ar iestādes nosaukumu un periodu lapas augšā")
        if ref.row > title[0] + MAX_EXTRA_ROWS:
            raise LayoutProblem(ref.sheet, TOO_MANY_ROWS)
        loc.sheets[sheet.name], loc.titles[sheet.name] = ref.sheet, (ref.row, ref.col)
    for slot in lay.singles:
        if not ours:
            loc.singles[slot.field.key] = (slot.row, slot.col)
            continue
        actual = loc.sheets[slot.sheet]
        ref = parse_ref(ours.get(field_name(slot.field.key)))
        if ref is None or ref.sheet != actual or (ref.row, ref.col) != (ref.last_row, ref.last_col):
            raise LayoutProblem(actual, f"izdzēsta vai pārvietota lauka “{slot.field.label}” šūna")
        if ref.row > slot.row + MAX_EXTRA_ROWS:
            raise LayoutProblem(actual, TOO_MANY_ROWS)
        loc.singles[slot.field.key] = (ref.row, ref.col)
    for ts in lay.tables:
        title_text = ts.table.title
        if not ours:
            last = ts.first_row + ts.max_rows - 1 if ts.max_rows is not None else None
            loc.tables[ts.table.key] = TablePlace(ts.sheet, ts.header_row, last, 1)
            continue
        actual = loc.sheets[ts.sheet]
        ref = parse_ref(ours.get(table_name(ts.table.key)))
        if ref is None or ref.sheet != actual:
            raise LayoutProblem(actual, f"izdzēsta vai pārvietota tabula “{title_text}”")
        if ref.last_col - ref.col + 1 != len(ts.table.columns):
            raise LayoutProblem(actual, f"tabulā “{title_text}” ievietotas vai izdzēstas kolonnas")
        canonical = ts.max_rows if ts.max_rows is not None else 0
        if ref.last_row - ref.row > canonical + MAX_EXTRA_ROWS or ref.row > ts.header_row + MAX_EXTRA_ROWS:
            raise LayoutProblem(actual, TOO_MANY_ROWS)
        loc.tables[ts.table.key] = TablePlace(actual, ref.row, ref.last_row, ref.col)
    return loc
