"""Writing a form's workbook from its definition: blank, filled (by the filler) or marked (receipts).

Input cells are unlocked and yellow; everything else is locked by sheet protection without a
password. A hidden, protected "Metadati" sheet identifies the form; "Saraksti" holds dropdown lists;
"Norādījumi" explains the form and lists every field (generated from the definition).
"""

from __future__ import annotations

from copy import copy
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from ..core.safe import safe_text
from .fields import FIRST_BLOCK_ROW, Field, FormContext, FormDef, Layout, Section, Sheet, layout
from .values import fmt_number

META_SHEET = "Metadati"
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
UNLOCKED = Protection(locked=False)
DATE_FORMAT = "DD.MM.YYYY"
NOT_APPLICABLE = "—"

Values = dict[str, dict[str, Any]]
Marks = dict[tuple[str, str], str]


def _excel_serial(d: date) -> int:
    return (d - date(1899, 12, 30)).days


class _Validations:
    """Data validations of one sheet, shared between cells with the same rule."""

    def __init__(self, ws: Worksheet, lists: dict[str, str]) -> None:
        self.ws, self.lists = ws, lists
        self.by_key: dict[tuple[Any, ...], DataValidation] = {}
        #: The input-cell style once built, by number format: copying it is much cheaper than setting
        #: fill, border, protection and alignment on every cell (each is looked up in the style table).
        self.input_styles: dict[str, Any] = {}

    def add(self, f: Field, ctx: FormContext, cell: str) -> None:
        spec = self._spec(f, ctx)
        if spec is None:
            return
        key = tuple(sorted((k, str(v)) for k, v in spec.items()))
        dv = self.by_key.get(key)
        if dv is None:
            dv = DataValidation(allow_blank=True, showErrorMessage=True, showInputMessage=bool(f.help),
                                promptTitle=f.label[:32], prompt=f.help[:250] or None, **spec)
            self.by_key[key] = dv
            self.ws.add_data_validation(dv)
        # Each input cell is added once, so openpyxl's containment test in ``dv.add`` (linear in the
        # cells already there, quadratic per sheet) is not needed.
        dv.sqref.ranges.add(CellRange(cell))

    def _spec(self, f: Field, ctx: FormContext) -> dict[str, Any] | None:
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


def _put_input(ws: Worksheet, cell: str, f: Field, raw: Any, dvs: _Validations, ctx: FormContext) -> None:
    c = ws[cell]
    value = _input_value(f, raw)
    c.value = value
    if isinstance(value, str):
        c.data_type = "s"
    fmt = DATE_FORMAT if f.kind == "date" else "General"
    style = dvs.input_styles.get(fmt)
    if style is None:
        c.number_format = fmt
        c.fill, c.border, c.protection, c.alignment = INPUT_FILL, BOX, UNLOCKED, WRAP
        dvs.input_styles[fmt] = copy(c._style)
    else:
        c._style = copy(style)
    dvs.add(f, ctx, cell)


def _put_locked(ws: Worksheet, cell: str, value: Any, fill: PatternFill | None = None) -> None:
    c = ws[cell]
    c.value = safe_text(value) if isinstance(value, str) else value
    c.border, c.alignment = BOX, WRAP
    if fill is not None:
        c.fill = fill


def _write_sheet(ws: Worksheet, sheet: Sheet, form: FormDef, ctx: FormContext, lay: Layout,
                 values: dict[str, Any], lists: dict[str, str]) -> None:
    dvs = _Validations(ws, lists)
    for n, width in enumerate(sheet.widths, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws["A1"] = f"{form.form_id}. {sheet.title}"
    ws["A1"].font = Font(bold=True, size=14)
    for row, label, value in ((2, "Iestāde", ctx.institution.name), (3, "Periods", ctx.period.label)):
        ws.cell(row, 1, label).font = BOLD
        ws.cell(row, 2, safe_text(value)).font = BOLD
    for name, row, title in lay.section_rows:
        if name == sheet.name:
            for col in range(1, 4):
                ws.cell(row, col).fill = HEAD_FILL
            ws.cell(row, 1, title).font = BOLD
    for slot in lay.singles:
        if slot.sheet != sheet.name:
            continue
        f = slot.field
        ws.cell(slot.row, 1, f.label + (" *" if f.required and ctx.applies(f) else "")).alignment = WRAP
        help_cell = ws.cell(slot.row, 3, f.help)
        help_cell.alignment, help_cell.font = WRAP, Font(italic=True, color="595959", size=9)
        if ctx.applies(f):
            _put_input(ws, slot.cell, f, values.get(slot.cell), dvs, ctx)
        else:
            _put_locked(ws, slot.cell, NOT_APPLICABLE, NA_FILL)
            help_cell.value = "Skola šo posmu neīsteno — nav jāaizpilda."
        help_lines = -(-len(help_cell.value or "") // int(sheet.widths[2] * 1.4)) if len(sheet.widths) > 2 else 1
        ws.row_dimensions[slot.row].height = 14 * max(f.lines, help_lines, 2 if len(f.label) > 62 else 1) + 2
    tables = [t for t in lay.tables if t.sheet == sheet.name]
    for ts in tables:
        table = ts.table
        ws.cell(ts.title_row, 1, table.title).font = BOLD
        if table.help:
            ws.cell(ts.title_row, 3 if len(table.columns) > 3 else 2, table.help).font = Font(italic=True, size=9)
        for col, f in enumerate(table.columns, start=1):
            c = ws.cell(ts.header_row, col, f.label + (" *" if f.required and not f.locked else ""))
            c.font, c.fill, c.border = BOLD, HEAD_FILL, BOX
            c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.row_dimensions[ts.header_row].height = 32
        prefill = table.prefill(ctx) if table.prefill else None
        count = len(prefill) if prefill is not None else table.rows
        for index in range(count):
            row_values = prefill[index] if prefill is not None else {}
            tall = max(c.lines for c in table.columns)
            ws.row_dimensions[ts.first_row + index].height = 15 * tall
            for f in table.columns:
                cell = ts.cell(index, f.key)
                if f.locked:
                    _put_locked(ws, cell, row_values.get(f.key, ""))
                else:
                    _put_input(ws, cell, f, values.get(cell, row_values.get(f.key)), dvs, ctx)
    _page_setup(ws, sheet, tables[0].header_row if len(sheet.blocks) == 1 and tables else None)


def _page_setup(ws: Worksheet, sheet: Sheet, header_row: int | None) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if sheet.landscape else "portrait"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.center.text = "&P. lpp. no &N"
    if header_row is not None:
        ws.print_title_rows = f"{header_row}:{header_row}"
        ws.freeze_panes = f"A{header_row + 1}"
    else:
        ws.freeze_panes = f"A{FIRST_BLOCK_ROW}"
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


def _help_rows(form: FormDef, lay: Layout) -> list[tuple[str, str, str, str, str, str]]:
    """One row per input of the form: sheet, part, field, cell/column, required, help."""
    slots = {(s.sheet, s.field.key): s for s in lay.singles}
    out = []
    for sheet in form.sheets:
        for block in sheet.blocks:
            if isinstance(block, Section):
                for f in block.fields:
                    slot = slots[(sheet.name, f.key)]
                    out.append((sheet.name, block.title, f.label, slot.cell, "jā" if f.required else "", f.help))
            else:
                ts = lay.table(block.key)
                for f in block.columns:
                    if not f.locked:
                        letter = ts.cell(0, f.key).rstrip("0123456789")
                        out.append((sheet.name, block.title, f.label, f"{letter} kolonna",
                                    "jā" if f.required else "", f.help))
    return out


HELP_WIDTHS = (24, 40, 48, 11, 9, 56)


def _write_help(wb: Workbook, form: FormDef, ctx: FormContext, lay: Layout) -> None:
    ws = wb.create_sheet(HELP_SHEET, 0)
    for col, width in enumerate(HELP_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws["A1"] = f"{form.form_id}. {form.title} — norādījumi"
    ws["A1"].font = Font(bold=True, size=14)
    lines = [f"Iestāde: {ctx.institution.name}", f"Periods: {ctx.period.label}", "", *form.instructions_for(ctx),
             "Dzeltenās šūnas aizpilda iestāde; pārējās šūnas ir aizsargātas. Ar * atzīmētie lauki ir obligāti.",
             "Skaitļus var rakstīt ar komatu (4,5); datumus formā 12.03.2025. Saraksta vērtības izvēlieties no "
             "izkrītošā saraksta.",
             "Aizpildīto failu nosūtiet izglītības pārvaldei; faila nosaukumu var mainīt."]
    for row, text in enumerate(lines, start=2):
        ws.cell(row, 1, text)
    row = len(lines) + 3
    for col, head in enumerate(("Lapa", "Daļa", "Lauks", "Šūna", "Obligāts", "Paskaidrojums"), start=1):
        c = ws.cell(row, col, head)
        c.font, c.fill, c.border = BOLD, HEAD_FILL, BOX
    ws.print_title_rows = f"{row}:{row}"
    for values in _help_rows(form, lay):
        row += 1
        height = 1
        for col, value in enumerate(values, start=1):
            ws.cell(row, col, value).alignment = WRAP
            height = max(height, -(-len(value) // int(HELP_WIDTHS[col - 1] * 1.1)))
        ws.row_dimensions[row].height = 13 * height + 2
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
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
    wb.active = 1  # the first data sheet (after the instructions)
    wb.security = WorkbookProtection(lockStructure=True)
    return wb
