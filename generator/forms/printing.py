"""Print setup of a form's sheets: A4, fit to the page width, whole tables with their header on every page.

Rows are never given a fixed height. Every cell wraps, and a row whose text needs more than one line
gets an estimated starting height *without* Excel's ``customHeight`` flag: LibreOffice does not measure
rows when it opens an .xlsx (it keeps the stored or the default height), so the estimate is what it
shows and prints first; and because the height is not "custom", both Excel and Calc fit the row to its
text again as a person types, so a long text prints whole. The print area covers every block (a blank table prints its ruled empty rows, not only its
header). A sheet with one table repeats the table's header row on every page; a sheet with several
blocks gets page breaks between blocks so that a block that fits on a page is never split from its
header. Where the page ends is estimated from the text lengths, the column widths and the scale at
which the sheet's width fits the paper, rounded towards breaking early.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.pagebreak import Break, RowBreak
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

#: A4 in points and the margins set below (inches → points), with room for the page-number footer.
A4 = (595.0, 842.0)
SIDE_MARGIN, TOP_MARGIN = 0.4, 0.5
FOOTER_ROOM = 36.0
#: Break early rather than late: the estimate of wrapped lines is only an estimate.
SAFETY = 0.85


def _column_points(width: float) -> float:
    """Printed width of a column of ``width`` characters (7 px per character plus padding, 96 dpi)."""
    return (width * 7 + 5) * 0.75


def _text_lines(text: str, width: float, size: float, bold: bool = False) -> int:
    """Lines ``text`` takes in a column ``width`` characters wide (Latvian text in Calibri/Carlito runs
    about 1.35 characters per width unit; 1.2 leaves room for the words that do not fit a line's end)."""
    per_line = max(1, int(width * 1.2 * 11 / size * (0.9 if bold else 1.0)))
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def row_points(ws: Worksheet, row: int, widths: Sequence[float], min_lines: int = 1) -> float:
    """Estimated height of ``row`` once its wrapped texts are laid out (points)."""
    height = 15.0 * min_lines
    for col, width in enumerate(widths, start=1):
        cell = ws.cell(row, col)
        if isinstance(cell.value, str) and cell.value:
            size = float(cell.font.sz or 11)
            lines = _text_lines(cell.value, width, size, bool(cell.font.b)) if cell.alignment.wrap_text else 1
            height = max(height, lines * size * 1.32 + 3)
    return height


class _FittingRow(RowDimension):
    """A row height that is only a starting point: written without ``customHeight``, so the
    spreadsheet still fits the row to its content (openpyxl marks every row with a height custom)."""

    @property
    def customHeight(self) -> bool:
        return False


def fit_rows(ws: Worksheet, widths: Sequence[float], last_row: int,
             min_lines: dict[int, int] | None = None) -> dict[int, float]:
    """Give rows 1..``last_row`` their estimated heights (see the module docstring); the heights."""
    heights: dict[int, float] = {}
    for row in range(1, last_row + 1):
        height = row_points(ws, row, widths, (min_lines or {}).get(row, 1))
        heights[row] = height
        if height > 15.5:
            ws.row_dimensions[row] = _FittingRow(ws, index=row, ht=round(height, 1))
    return heights


def page_capacity(widths: Sequence[float], landscape: bool) -> float:
    """How many points of sheet height one printed page holds at the fit-to-width scale."""
    paper_w, paper_h = (A4[1], A4[0]) if landscape else A4
    printable_w = paper_w - 2 * SIDE_MARGIN * 72
    printable_h = paper_h - 2 * TOP_MARGIN * 72 - FOOTER_ROOM
    scale = min(1.0, printable_w / sum(_column_points(w) for w in widths))
    return printable_h / scale * SAFETY


def page_breaks(heights: dict[int, float], blocks: Sequence[tuple[int, int]], capacity: float) -> list[int]:
    """Rows before which a page break keeps each block (first row, last row) whole where it can.

    A block longer than a page starts on a fresh page and then flows (a single table repeats its
    header through the print titles instead).
    """
    breaks: list[int] = []
    used = sum(h for r, h in heights.items() if blocks and r < blocks[0][0])
    for first, last in blocks:
        size = sum(heights.get(r, 15.0) for r in range(first, last + 1))
        if used > 0 and used + size > capacity:
            breaks.append(first)
            used = 0.0
        used = (used + size) % capacity if size > capacity else used + size
    return breaks


def setup_page(ws: Worksheet, widths: Sequence[float], landscape: bool, *, last_row: int,
               title_row: int | None = None, blocks: Sequence[tuple[int, int]] = (),
               heights: dict[int, float] | None = None) -> None:
    """A4 print setup: fit to width, page numbers, print area to ``last_row``, header rows, breaks."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_margins.left = ws.page_margins.right = SIDE_MARGIN
    ws.page_margins.top = ws.page_margins.bottom = TOP_MARGIN
    ws.oddFooter.center.text = "&P. lpp. no &N"
    ws.print_area = f"A1:{get_column_letter(len(widths))}{last_row}"
    if title_row is not None:
        ws.print_title_rows = f"{title_row}:{title_row}"
    if heights is not None and len(blocks) > 1:
        ws.row_breaks = RowBreak()
        for row in page_breaks(heights, blocks, page_capacity(widths, landscape)):
            ws.row_breaks.append(Break(id=row - 1))  # a break after row ``id``
