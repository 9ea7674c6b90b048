"""Writing a form's workbook from its definition: blank, filled (by the filler) or marked (receipts).

Input cells are unlocked and yellow; everything else is locked by sheet protection without a
password. A hidden, protected "Metadati" sheet identifies the form; "Saraksti" holds dropdown lists;
"Norādījumi" explains the form and lists every field (generated from the definition).
"""

from __future__ import annotations

from collections import Counter
from copy import copy
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..core.safe import safe_text
from . import printing
from .fields import (
    FIRST_BLOCK_ROW,
    META_SHEET,
    NOT_APPLICABLE,
    Field,
    FormContext,
    FormDef,
    Layout,
    Section,
    Sheet,
    layout,
)
from .locate import define_names
from .package import column_index
from .values import fmt_number

LISTS_SHEET = "Saraksti"
HELP_SHEET = "Norādījumi"
META_KEYS = ("form_id", "form_version", "institution_id", "period", "plan_edition")

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
NA_FILL = PatternFill("solid", fgColor="D9D9D9")
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
ERROR_FILL = PatternFill("solid", fgColor="FF9C9C")
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
BOLD = Font(bold=True)
HELP_FONT = Font(italic=True, color="595959", size=9)
UNLOCKED = Protection(locked=False)
DATE_FORMAT = "DD.MM.YYYY"
NOT_APPLICABLE_HELP = "Skola šo posmu neīsteno — nav jāaizpilda."

Values = dict[str, dict[str, Any]]
Marks = dict[tuple[str, str], str]


def _excel_serial(d: date) -> int:
    return (d - date(1899, 12, 30)).days


#: Excel's limits for a data validation's input message (LibreOffice keeps the same on export).
PROMPT_TITLE_MAX, PROMPT_MAX = 32, 255
TEXT_HINT = "Ierakstiet tekstu. Nesāciet to ar “=”, citādi tas kļūst par formulu."
CHOICE_HINT = "Izvēlieties vērtību no izkrītošā saraksta."
YESNO_HINT = "Izvēlieties “jā” vai “nē”."
EMAIL_HINT = "E-pasta adrese, piemēram vards.uzvards@skola.lv."


def cut_words(text: str, limit: int) -> str:
    """``text`` shortened to at most ``limit`` characters at a word boundary, with "…" when cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit]  # one character is left for "…"
    space = cut.rfind(" ")
    cut = cut[:space] if space > 0 else cut[:limit - 1]
    return cut.rstrip(" ,;:.–-(") + "…"


def _hint(f: Field, rule: str) -> str:
    if f.help:
        return f.help
    if f.choices == "yesno":
        return YESNO_HINT
    return rule or {"choice": CHOICE_HINT, "email": EMAIL_HINT}.get(f.kind, TEXT_HINT)


def input_prompt(f: Field, rule: str = "", part: str = "", name_it: bool = False) -> tuple[str, str]:
    """The help pop-up of one input: a title (≤ 32 characters, cut at a word) and the text (≤ 255).

    The text is the field's help (or, without one, what its rule asks for), led by the field's full
    label when the title had to be shortened or ``name_it`` (its help is shared with other fields), and
    by its ``part`` (section or table title) when another field of the sheet has the same label.
    """
    title = cut_words(f.label, PROMPT_TITLE_MAX)
    hint = _hint(f, rule)
    lead = f"{part} — {f.label}" if part else f.label
    full = bool(part) or name_it or (title != f.label and not hint.startswith(title.removesuffix("…")))
    text = f"{lead.rstrip('.')}. {hint}" if full else hint
    return title, cut_words(text, PROMPT_MAX)


class _Cells(MultiCellRange):
    """The single cells of one data validation, written as openpyxl writes a ``MultiCellRange`` of them
    (sorted by column, then row) without parsing each into a ``CellRange``: openpyxl's ``add`` tests
    containment against every cell already there (quadratic per sheet), and building a ``CellRange``
    per cell was a third of a blank form's time (issue 15)."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: dict[str, tuple[int, int]] = {}

    def add_cell(self, coord: str) -> None:
        letters = coord.rstrip("0123456789")
        self.cells[coord] = (column_index(letters), int(coord[len(letters):]))

    def __bool__(self) -> bool:
        return bool(self.cells)

    def __str__(self) -> str:
        return " ".join(sorted(self.cells, key=self.cells.__getitem__))

    def __contains__(self, coord: object) -> bool:
        cr = CellRange(coord) if isinstance(coord, str) else coord
        if not isinstance(cr, CellRange):
            return False
        held = set(self.cells.values())
        return all((col, row) in held for row, col in cr.cells)


class _Validations:
    """Data validations of one sheet: one per field, so each input shows its own help pop-up.

    ``inputs`` are the sheet's input fields with the title of their section or table, known up front
    so that a pop-up can say which field it belongs to where a label or a help text repeats.
    """

    def __init__(self, ws: Worksheet, lists: dict[str, str], ctx: FormContext,
                 inputs: list[tuple[str, Field]]) -> None:
        self.ws, self.lists, self.ctx = ws, lists, ctx
        self.by_field: dict[tuple[str, Field], DataValidation] = {}
        #: The input-cell style once built, by number format, and the locked cells' styles: copying one is
        #: much cheaper than setting fill, border, protection and alignment on every cell (each is looked
        #: up in the workbook's style table).
        self.styles: dict[str, Any] = {}
        distinct = list(dict.fromkeys(inputs))
        labels = Counter(f.label for _, f in distinct)
        hints = Counter(_hint(f, (self._spec(f) or {}).get("error", "")) for _, f in distinct)
        self.prompts = {}
        for part, f in distinct:
            rule = (self._spec(f) or {}).get("error", "")
            self.prompts[(part, f)] = input_prompt(f, rule, part if labels[f.label] > 1 else "",
                                                   hints[_hint(f, rule)] > 1)

    def add(self, f: Field, cell: str, part: str) -> None:
        dv = self.by_field.get((part, f))
        if dv is None:
            spec = self._spec(f) or {}
            title, prompt = self.prompts.get((part, f)) or input_prompt(f, spec.get("error", ""))
            dv = DataValidation(allow_blank=True, showErrorMessage=bool(spec), showInputMessage=True,
                                promptTitle=title, prompt=prompt, **spec)
            dv.sqref = _Cells()
            self.by_field[(part, f)] = dv
            self.ws.add_data_validation(dv)
        dv.sqref.add_cell(cell)

    def _spec(self, f: Field) -> dict[str, Any] | None:
        ctx = self.ctx
        if f.kind == "choice" and f.choices in self.lists:
            return {"type": "list", "formula1": self.lists[f.choices], "errorTitle": "Vērtība nav sarakstā",
                    "error": "Izvēlieties vērtību no saraksta."}
        if f.kind in ("int", "float"):
            kind = "whole" if f.kind == "int" else "decimal"
            what = "veselu skaitli" if f.kind == "int" else "skaitli"
            lo = f.min if f.min is not None else -1e9
            hi = f.max if f.max is not None else 1e9
            text = (f"Ierakstiet {what} no {fmt_number(lo)} līdz {fmt_number(hi)}." if f.max is not None
                    else f"Ierakstiet {what}, kas nav mazāks par {fmt_number(lo)}.")
            return {"type": kind, "operator": "between", "formula1": fmt_number(lo).replace(",", "."),
                    "formula2": fmt_number(hi).replace(",", "."), "errorTitle": "Nepareizs skaitlis",
                    "error": text}
        if f.kind == "date":
            lo, hi = (ctx.period.start, ctx.period.end) if f.in_period else (date(1990, 1, 1), date(2100, 1, 1))
            return {"type": "date", "operator": "between", "formula1": str(_excel_serial(lo)),
                    "formula2": str(_excel_serial(hi)), "errorStyle": "warning", "errorTitle": "Datums",
                    "error": f"Ierakstiet datumu no {lo:%d.%m.%Y} līdz {hi:%d.%m.%Y}, piemēram 12.03.{lo.year + 1}."}
        return None


def _input_value(f: Field, raw: Any) -> Any:
    """A value to put in an input cell: dates as dates, numbers as numbers, text made formula-safe."""
    if raw is None:
        return None
    if f.kind == "date" and isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            return safe_text(raw)
    if isinstance(raw, bool):
        return "jā" if raw else "nē"
    if isinstance(raw, int | float | date):
        return raw
    return safe_text(raw)


def _restyle(c: Any, styles: dict[str, Any], key: str, **attrs: Any) -> None:
    """Set style attributes (in the order given) on a cell that has none yet, copying the style the first
    such cell got: the same style, without looking each attribute up in the workbook's style table."""
    fresh = not c.has_style
    style = styles.get(key)
    if style is not None and fresh:
        c._style = copy(style)
        return
    for name, value in attrs.items():
        setattr(c, name, value)
    if fresh:
        styles[key] = copy(c._style)


def _put_input(ws: Worksheet, row: int, col: int, f: Field, raw: Any, dvs: _Validations, part: str) -> None:
    c = ws.cell(row, col)
    value = _input_value(f, raw)
    c.value = value
    if isinstance(value, str):
        c.data_type = "s"
    fmt = DATE_FORMAT if f.kind == "date" else "General"
    style = dvs.styles.get(fmt)
    if style is None:
        c.number_format = fmt
        c.fill, c.border, c.protection, c.alignment = INPUT_FILL, BOX, UNLOCKED, WRAP
        dvs.styles[fmt] = copy(c._style)
    else:
        c._style = copy(style)
    dvs.add(f, c.coordinate, part)


def _put_locked(ws: Worksheet, row: int, col: int, value: Any, dvs: _Validations,
                fill: PatternFill | None = None) -> None:
    c = ws.cell(row, col)
    c.value = safe_text(value) if isinstance(value, str) else value
    if fill is None:
        _restyle(c, dvs.styles, "locked", border=BOX, alignment=WRAP)
    else:
        _restyle(c, dvs.styles, "not applicable", border=BOX, alignment=WRAP, fill=fill)


def _write_sheet(ws: Worksheet, sheet: Sheet, form: FormDef, ctx: FormContext, lay: Layout,
                 values: dict[str, Any], lists: dict[str, str]) -> None:
    part_of = {f.key: b.title for b in sheet.blocks if isinstance(b, Section) for f in b.fields}
    inputs = [(b.title, f) for b in sheet.blocks
              for f in (b.fields if isinstance(b, Section) else b.columns) if ctx.applies(f) and not f.locked]
    dvs = _Validations(ws, lists, ctx, inputs)
    for n, width in enumerate(sheet.widths, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws["A1"] = f"{form.form_id}. {sheet.title}"
    ws["A1"].font = Font(bold=True, size=14)
    for row, label, value in ((2, "Iestāde", ctx.institution.name), (3, "Periods", ctx.period.label)):
        ws.cell(row, 1, label).font = BOLD
        ws.cell(row, 2, safe_text(value)).font = BOLD
    spans: list[tuple[int, int]] = []  # (first row, last row) of each block, for page breaks
    lines: dict[int, int] = {}  # rows expected to grow as they are filled (narratives)
    for name, row, title in lay.section_rows:
        if name == sheet.name:
            for col in range(1, 4):
                ws.cell(row, col).fill = HEAD_FILL
            ws.cell(row, 1, title).font = BOLD
            spans.append((row, row))
    for slot in lay.singles:
        if slot.sheet != sheet.name:
            continue
        f = slot.field
        label = ws.cell(slot.row, 1, f.label + (" *" if f.required and ctx.applies(f) else ""))
        _restyle(label, dvs.styles, "label", alignment=WRAP)
        help_cell = ws.cell(slot.row, 3, f.help)
        _restyle(help_cell, dvs.styles, "help", alignment=WRAP, font=HELP_FONT)
        if ctx.applies(f):
            _put_input(ws, slot.row, slot.col, f, values.get(slot.cell), dvs, part_of[f.key])
        else:
            _put_locked(ws, slot.row, slot.col, NOT_APPLICABLE, dvs, NA_FILL)
            help_cell.value = NOT_APPLICABLE_HELP
        lines[slot.row] = f.lines
        first = max(i for i, (start, _) in enumerate(spans) if start < slot.row)
        spans[first] = (spans[first][0], slot.row)
    tables = [t for t in lay.tables if t.sheet == sheet.name]
    last_row = max((end for _, end in spans), default=FIRST_BLOCK_ROW)
    for ts in tables:
        table = ts.table
        ws.cell(ts.title_row, 1, table.title).font = BOLD
        if table.help:
            ws.cell(ts.title_row, 3 if len(table.columns) > 3 else 2, table.help).font = Font(italic=True, size=9)
        for col, f in enumerate(table.columns, start=1):
            c = ws.cell(ts.header_row, col, f.label + (" *" if f.required and not f.locked else ""))
            c.font, c.fill, c.border = BOLD, HEAD_FILL, BOX
            c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        prefill = table.prefill(ctx) if table.prefill else None
        count = len(prefill) if prefill is not None else table.rows
        letters = [get_column_letter(col) for col in range(1, len(table.columns) + 1)]
        for index in range(count):
            row_values = prefill[index] if prefill is not None else {}
            row = ts.first_row + index
            for col, f in enumerate(table.columns, start=1):
                if f.locked:
                    _put_locked(ws, row, col, row_values.get(f.key, ""), dvs)
                else:
                    raw = values.get(f"{letters[col - 1]}{row}", row_values.get(f.key))
                    _put_input(ws, row, col, f, raw, dvs, table.title)
        last_row = max(last_row, ts.first_row + count - 1, ts.header_row)
        spans.append((ts.title_row, max(ts.header_row, ts.first_row + count - 1)))
    spans.sort()
    heights = printing.fit_rows(ws, sheet.widths, last_row, lines)
    header_row = tables[0].header_row if len(tables) == 1 and sheet.blocks[-1] is tables[0].table else None
    printing.setup_page(ws, sheet.widths, sheet.landscape, last_row=last_row, title_row=header_row,
                        blocks=spans, heights=heights)
    single_table = header_row is not None and len(sheet.blocks) == 1
    ws.freeze_panes = f"A{(header_row or 0) + 1}" if single_table else f"A{FIRST_BLOCK_ROW}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _write_lists(wb: Workbook, form: FormDef, ctx: FormContext) -> dict[str, str]:
    names = sorted({f.choices for s in form.sheets for b in s.blocks
                    for f in (b.fields if hasattr(b, "fields") else b.columns)  # type: ignore[union-attr]
                    if f.kind == "choice" and f.choices and not f.locked})
    ws = wb.create_sheet(LISTS_SHEET)
    refs: dict[str, str] = {}
    for col, name in enumerate(names, start=1):
        labels = [label for _, label in ctx.choices(name)]
        ws.cell(1, col, name)
        for row, label in enumerate(labels, start=2):
            ws.cell(row, col, safe_text(label))
        letter = get_column_letter(col)
        refs[name] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${max(2, len(labels) + 1)}"
    ws.sheet_state = "hidden"
    ws.protection.sheet = True
    return refs


def _help_rows(form: FormDef, ctx: FormContext, lay: Layout) -> list[tuple[str, str, str, str, str, str]]:
    """One row per input of the form: sheet, part, field, cell/column, required, help — for this institution.

    A field of a stage the institution does not teach says it need not be filled, as its sheet does.
    """
    slots = {(s.sheet, s.field.key): s for s in lay.singles}
    out = []
    for sheet in form.sheets:
        for block in sheet.blocks:
            if isinstance(block, Section):
                for f in block.fields:
                    slot = slots[(sheet.name, f.key)]
                    if ctx.applies(f):
                        out.append((sheet.name, block.title, f.label, slot.cell, "jā" if f.required else "",
                                    f.help))
                    else:
                        out.append((sheet.name, block.title, f.label, slot.cell, "nav jāaizpilda",
                                    NOT_APPLICABLE_HELP))
            else:
                ts = lay.table(block.key)
                for f in block.columns:
                    if not f.locked:
                        letter = ts.cell(0, f.key).rstrip("0123456789")
                        out.append((sheet.name, block.title, f.label, f"{letter} kolonna",
                                    "jā" if f.required else "", f.help))
    return out


HELP_WIDTHS = (24, 40, 48, 11, 14, 56)
#: What every form's instructions say after the form's own lines (docs/skolam.md says the same).
GENERAL_INSTRUCTIONS = (
    "Dzeltenās šūnas aizpilda iestāde; pārējās šūnas ir aizsargātas. Ar * atzīmētie lauki ir obligāti; "
    "tabulās ar * atzīmētās kolonnas jāaizpilda katrā izmantotajā rindā.",
    "Skaitļa decimāldaļu atdaliet ar komatu (4,5), nevis ar punktu: 4.5 izklājlapa pārvērš datumā. "
    "Datumus rakstiet formā 12.03.2025.",
    "Saraksta vērtības izvēlieties no izkrītošā saraksta. Teksta lauku nesāciet ar “=”, citādi tas kļūst "
    "par formulu.",
    "Saglabājiet failu .xlsx formātā un nosūtiet to izglītības pārvaldei. Faila nosaukumu drīkst mainīt, "
    "bet nerakstiet tajā vārdus vai citus personas datus.",
)


def _write_help(wb: Workbook, form: FormDef, ctx: FormContext, lay: Layout) -> None:
    ws = wb.create_sheet(HELP_SHEET, 0)
    for col, width in enumerate(HELP_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws["A1"] = f"{form.form_id}. {form.title} — norādījumi"
    ws["A1"].font = Font(bold=True, size=14)
    lines = [f"Iestāde: {ctx.institution.name}", f"Periods: {ctx.period.label}", "", *form.instructions_for(ctx),
             *GENERAL_INSTRUCTIONS]
    for row, text in enumerate(lines, start=2):
        ws.cell(row, 1, safe_text(text))  # one line each, running across the empty cells to its right
    row = len(lines) + 3
    header = row
    for col, head in enumerate(("Lapa", "Daļa", "Lauks", "Šūna", "Obligāts", "Paskaidrojums"), start=1):
        c = ws.cell(row, col, head)
        c.font, c.fill, c.border = BOLD, HEAD_FILL, BOX
    styles: dict[str, Any] = {}
    for values in _help_rows(form, ctx, lay):
        row += 1
        for col, value in enumerate(values, start=1):
            _restyle(ws.cell(row, col, value), styles, "line", alignment=WRAP, border=BOX)
    printing.fit_rows(ws, HELP_WIDTHS, row)
    printing.setup_page(ws, HELP_WIDTHS, True, last_row=row, title_row=header)
    ws.protection.sheet = True


def build_workbook(form: FormDef, ctx: FormContext, values: Values | None = None,
                   marks: Marks | None = None) -> Workbook:
    """The workbook of ``form`` for ``ctx``; ``values`` fill input cells, ``marks`` colour and comment cells."""
    values = values or {}
    lay = layout(form)
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    lists = _write_lists(wb, form, ctx)
    for n, sheet in enumerate(form.sheets):
        ws = wb.create_sheet(sheet.name, n)
        _write_sheet(ws, sheet, form, ctx, lay, values.get(sheet.name, {}), lists)
    _write_help(wb, form, ctx, lay)
    meta = wb.create_sheet(META_SHEET)
    for row, (key, value) in enumerate(zip(META_KEYS, (form.form_id, form.version, ctx.institution.id,
                                                      ctx.period.year, ctx.cfg.plan_edition()), strict=True), 1):
        meta.cell(row, 1, key)
        meta.cell(row, 2, value)
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    for (sheet_name, cell), text in (marks or {}).items():
        if sheet_name in wb.sheetnames:
            c = wb[sheet_name][cell]
            c.fill = ERROR_FILL
            comment = Comment(text, "PMP rīks")
            comment.width, comment.height = 320, 140
            c.comment = comment
    define_names(wb, form, ctx, lay)  # regions the reader finds wherever rows are inserted or deleted
    wb.active = 1  # the first data sheet (after the instructions)
    wb.security = WorkbookProtection(lockStructure=True)
    return wb
