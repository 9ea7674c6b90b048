"""The Word documents' tables as python-docx built them element by element, property by property (the code of
``generator/documents/tables.py`` before it wrote rows as XML text), and each document rendered from the
template opened anew (``generator/documents/render.py`` before it reused an opened template): the reference
that ``test_documents_same.py`` compares every document with."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.table import Table, _Cell
from lxml import etree

from generator.documents.fit import fit_widths
from generator.documents.render import jinja_env

# Unchanged by the XML-text build: shared, not copied.
from generator.documents.tables import min_height, scale, set_text, shade, vertical_text  # noqa: F401


class Block:
    """Body content built with python-docx and placed by a ``{{p name }}`` tag of a template.

    Like docxtpl's subdocument, without its extra dependency: tables need no relationships (images go
    through ``InlineImage``), so the body XML is all there is to insert. Styles are referred to by id
    ("TableGrid"), which the template defines.
    """

    def __init__(self) -> None:
        self.doc = Document()
        self._styles: dict[str, Any] = {}

    def add_table(self, rows: int, cols: int) -> Table:
        return self.doc.add_table(rows=rows, cols=cols)

    def add_text(self, text: str = "", style: str | None = None) -> None:
        self.add_paragraph(text, style)

    def defer(self, write: Callable[[Any], None]) -> None:
        write(self)  # made at once, in place, as the annex was

    def add_paragraph(self, text: str = "", style: str | None = None) -> Any:
        # python-docx looks a style name up among all styles on every call; look each up once.
        if style is not None and style not in self._styles:
            self._styles[style] = self.doc.styles[style]
        return self.doc.add_paragraph(text, style=self._styles[style] if style else None)

    def __html__(self) -> str:
        body = self.doc.element.body
        if body.sectPr is not None:
            body.remove(body.sectPr)
        return re.sub(r"</?w:body[^>]*>", "", etree.tostring(body, encoding="unicode"))

    def __str__(self) -> str:
        return self.__html__()


LEVEL_FILL = "D9D9D9"
GOAL_FILL = "F2F2F2"
HEADER_FILL = "E7E6E6"


def new_table(container: Any, widths_cm: Sequence[float], font_pt: float = 8) -> Table:
    """An empty table with fixed column widths (cm) in ``container`` (a document or subdocument)."""
    table = container.add_table(rows=0, cols=len(widths_cm))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_cm, strict=True):
        col.set(qn("w:w"), str(int(Cm(width).twips)))
    table._pmp_widths = list(widths_cm)
    table._pmp_font = font_pt
    return table


def add_row(table: Table, texts: Sequence[str], *, bold: bool = False, fill: str | None = None,
            header: bool = False, center: bool = False) -> list[_Cell]:
    """Append a row with one text per column; returns its cells."""
    row = table.add_row()
    widths = table._pmp_widths  # type: ignore[attr-defined]
    for cell, text, width in zip(row.cells, texts, widths, strict=True):
        cell.width = Cm(width)
        set_text(cell, text, bold=bold, size=table._pmp_font, center=center)  # type: ignore[attr-defined]
        if fill:
            shade(cell, fill)
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))  # a row is never torn across two pages
    if header:
        el = OxmlElement("w:tblHeader")
        el.set(qn("w:val"), "true")
        tr_pr.append(el)
        for cell in row.cells:  # a header row never stays alone at the foot of a page
            for para in cell.paragraphs:
                para.paragraph_format.keep_with_next = True
    return list(row.cells)










def spanning_row(table: Table, text: str, *, fill: str, bold: bool = True, center: bool = False) -> _Cell:
    """A row whose single cell spans the whole table (level rows, goal rows)."""
    cells = add_row(table, [""] * len(table.columns), fill=fill)
    merged = cells[0].merge(cells[-1])
    set_text(merged, text, bold=bold, size=table._pmp_font, center=center)  # type: ignore[attr-defined]
    return merged


def number_row(table: Table, groups: Sequence[int]) -> None:
    """The column-number row: ``groups`` gives how many grid columns each number covers (the same text as
    ``tables.number_row`` and :func:`merge_down` as ``tables.merge_down``: here they call this module's
    :func:`add_row` and table objects)."""
    cells = add_row(table, [""] * len(table.columns), header=True, fill=HEADER_FILL, center=True)
    col = 0
    for n, span in enumerate(groups, start=1):
        cell = cells[col].merge(cells[col + span - 1]) if span > 1 else cells[col]
        set_text(cell, str(n), size=table._pmp_font, center=True)  # type: ignore[attr-defined]
        col += span


def merge_down(table: Table, col: int, first_row: int, last_row: int) -> None:
    """Merge one column's cells vertically, keeping the first cell's text."""
    if last_row <= first_row:
        return
    top = table.cell(first_row, col)
    text = top.text
    merged = top.merge(table.cell(last_row, col))
    set_text(merged, text, size=table._pmp_font)  # type: ignore[attr-defined]




#: A table body row: ("row", cells), or a row spanning the table: ("level", [text]) or ("goal", [text]).
Body = list[tuple[str, list[str]]]


def fitted_table(container: Any, head: Sequence[str], weights: Sequence[float], body: Body, total_cm: float,
                 font_pt: float, numbered: bool = True) -> Table:
    """A table whose column widths keep every word whole (:func:`fit.fit_widths`): the header row, the
    column-number row when ``numbered``, then ``body`` with level and goal rows spanning the table."""
    widths, size = fit_widths(weights, [(list(head), True)] + [(r, False) for k, r in body if k in ("row", "total")],
                              total_cm, font_pt)
    table = new_table(container, widths, font_pt=size)
    add_row(table, head, bold=True, header=True, fill=HEADER_FILL, center=True)
    if numbered:
        number_row(table, [1] * len(head))
    for kind, row in body:
        if kind == "level":
            spanning_row(table, row[0], fill=LEVEL_FILL, center=True)
        elif kind == "goal":
            spanning_row(table, row[0], fill=GOAL_FILL)
        else:
            cells = add_row(table, row)
            if kind == "total":  # as the report set its total row in bold
                for cell in cells:
                    for run in (r for p in cell.paragraphs for r in p.runs):
                        run.bold = True
    return table


# ---- rendering: a template opened anew and its sources compiled anew for every document ----------------

def render_docx(template: Path, build_context: Callable[[Any], dict[str, Any]], out: Path) -> Path:
    """``generator.documents.render.render_docx`` as it was (messages left out: the comparison renders
    only good templates)."""
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(str(template))
    context = build_context(tpl)
    tpl.render(context, jinja_env=jinja_env(), autoescape=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    tpl.save(str(out))
    return out


class TemplateRenderer:
    """One :func:`render_docx` per document."""

    def __init__(self, template: Path) -> None:
        self.template = template

    def render(self, build_context: Callable[[Any], dict[str, Any]], out: Path) -> Path:
        return render_docx(self.template, build_context, out)
