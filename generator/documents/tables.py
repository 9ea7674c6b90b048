"""Building municipal-format tables (placed into templates by a ``{{p name }}`` tag).

The tables use the template's "Table Grid" style, so restyling that style in Word restyles every
table; the helpers add what the municipal format needs: a header row repeated on every page, the
column-number row ("1 2 3 …"), rows spanning the whole table (level and goal rows), vertical merges.

Rows are written as WordprocessingML text directly: the XML python-docx would build element by element,
property by property (a build makes tens of thousands of cells, and python-docx's per-property calls were
most of its time). :func:`fitted_table` writes a whole table as text; :func:`new_table` and :func:`add_row`
give python-docx objects for tables that merge cells afterwards (the plan, the protocols).
``tests/test_documents_same.py`` checks every document against the element-by-element build.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any, cast

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from .fit import fit_widths

_NSDECL_W = " " + nsdecls("w")
#: Characters XML 1.0 does not allow; lxml refuses them (python-docx raised its ValueError for them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_RUN_BREAKS = re.compile(r"([\t\r\n])")
_BOLD, _NOT_BOLD = "<w:b/>", '<w:b w:val="0"/>'


@cache
def style_id(name: str, kind: WD_STYLE_TYPE) -> str | None:
    """The id python-docx gives the style ``name`` (``None`` for the default style of its kind).

    Styles are referred to by the ids of python-docx's default template ("Heading2", "TableGrid"),
    which the shipped templates define; looked up once per name instead of once per paragraph.
    """
    return cast(str | None, _default_styles().get_style_id(name, kind))


@cache
def _default_styles() -> Any:
    from docx import Document

    return Document().styles


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def run_content(text: str) -> str:
    """The inside of a ``w:r`` for ``text``, as python-docx writes it: tabs as ``w:tab``, line breaks as
    ``w:br``, the rest in ``w:t`` (``xml:space="preserve"`` when it starts or ends with white space)."""
    if _NOT_XML.search(text):
        etree.Element("t").text = text  # raises lxml's ValueError, as python-docx did
    out = []
    for piece in _RUN_BREAKS.split(text):
        if piece == "\t":
            out.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            out.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            out.append(f"<w:t{space}>{_escape(piece)}</w:t>")
    return "".join(out)


def paragraph_xml(text: str = "", style: str | None = None) -> str:
    """A body paragraph as python-docx's ``add_paragraph(text, style)`` writes it."""
    ppr = ""
    if style is not None:
        sid = style_id(style, WD_STYLE_TYPE.PARAGRAPH)
        ppr = f'<w:pPr><w:pStyle w:val="{sid}"/></w:pPr>' if sid is not None else "<w:pPr/>"
    run = f"<w:r>{run_content(text)}</w:r>" if text else ""
    return f"<w:p>{ppr}{run}</w:p>" if ppr or run else "<w:p/>"


class Block:
    """Body content placed by a ``{{p name }}`` tag of a template.

    Like docxtpl's subdocument, without its extra dependency: tables need no relationships (images go
    through ``InlineImage``), so the body XML is all there is to insert. Content is kept as XML text;
    :meth:`add_paragraph` and :func:`new_table` give python-docx objects for content edited afterwards.
    """

    def __init__(self) -> None:
        self._items: list[bytes | Any] = []  # XML as UTF-8 (half the memory of a str with Latvian letters)

    def add_text(self, text: str = "", style: str | None = None) -> None:
        """A paragraph (``style`` by name, e.g. "Heading 2")."""
        self._items.append(paragraph_xml(text, style).encode("utf-8"))

    def add_paragraph(self, text: str = "", style: str | None = None) -> Paragraph:
        """A paragraph as a python-docx object, for content formatted afterwards."""
        p = parse_xml(paragraph_xml(text, style).replace("<w:p", f"<w:p{_NSDECL_W}", 1))
        self._items.append(p)
        return Paragraph(p, cast(Any, None))

    def add_xml(self, xml: str) -> None:
        """Body XML (``w:`` prefixed, no namespace declarations)."""
        self._items.append(xml.encode("utf-8"))

    def add_element(self, element: Any) -> None:
        """A python-docx element (a ``w:tbl`` or ``w:p``) at the end of the body."""
        self._items.append(element)

    def defer(self, write: Callable[[Block], None]) -> None:
        """Content that ``write(block)`` adds, made only when the body is written (and then dropped): a
        document with many long tables (the report's annex) holds one table at a time, not all."""
        self._items.append(write)

    def _xml(self) -> Iterator[bytes]:
        for item in self._items:
            if isinstance(item, bytes):
                yield item
            elif callable(item):
                later = Block()
                item(later)
                yield from later._xml()
            else:
                yield etree.tostring(item, encoding="utf-8").replace(_NSDECL_W.encode(), b"", 1)

    def __html__(self) -> str:
        """The body XML; while :func:`placeholders` is active, a placeholder element for it."""
        blocks = _placeholders.get()
        if blocks is None:
            return str(self)
        key = next((k for k, b in blocks.items() if b is self), str(len(blocks)))
        blocks[key] = self
        return f'<{PLACEHOLDER} w:n="{key}"/>'

    def __str__(self) -> str:
        return b"".join(self._xml()).decode("utf-8")

    def chunks(self) -> Iterator[bytes]:
        """The body XML in pieces, UTF-8, as it ends up in the document: docxtpl's render turns "{_{" into
        "{{" (and "}_}", "{_%", "%_}" likewise) everywhere in the rendered XML, a block's text included."""
        for xml in self._xml():
            yield xml.replace(b"{_{", b"{{").replace(b"}_}", b"}}").replace(b"{_%", b"{%").replace(b"%_}", b"%}")


#: The element a block stands as in a template while it renders (``w:`` prefixed).
PLACEHOLDER = "w:pmpBlock"
_placeholders: ContextVar[dict[str, Block] | None] = ContextVar("pmp_block_placeholders", default=None)


@contextmanager
def placeholders() -> Iterator[dict[str, Block]]:
    """Blocks placed in a template while this is active render as ``<w:pmpBlock w:n="…"/>``, collected in
    the dict it yields, for their XML to be written straight into the saved document instead of going
    through docxtpl's rendering (jinja, regular expressions and a parse of the whole body, which for the
    report's annex is megabytes of XML)."""
    blocks: dict[str, Block] = {}
    token = _placeholders.set(blocks)
    try:
        yield blocks
    finally:
        _placeholders.reset(token)


LEVEL_FILL = "D9D9D9"
GOAL_FILL = "F2F2F2"
HEADER_FILL = "E7E6E6"


class Style:
    """How the rows of one table are written: column widths (twips) and font size."""

    def __init__(self, widths_cm: Sequence[float], font_pt: float) -> None:
        self.widths_cm = list(widths_cm)
        self.font_pt = font_pt
        self.twips = [Cm(w).twips for w in widths_cm]
        self.half_points = str(int(Pt(font_pt).pt * 2))

    def table_start(self) -> str:
        """The table's properties and grid (``w:tblLayout`` twice, as python-docx's build left it)."""
        sid = style_id("Table Grid", WD_STYLE_TYPE.TABLE)
        tbl_style = f'<w:tblStyle w:val="{sid}"/>' if sid is not None else ""
        grid = "".join(f'<w:gridCol w:w="{int(t)}"/>' for t in self.twips)
        return (f'<w:tblPr>{tbl_style}<w:tblW w:type="auto" w:w="0"/><w:jc w:val="center"/>'
                '<w:tblLayout w:type="fixed"/><w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" '
                'w:lastRow="0" w:noHBand="0" w:noVBand="1" w:val="04A0"/><w:tblLayout w:type="fixed"/></w:tblPr>'
                f"<w:tblGrid>{grid}</w:tblGrid>")

    def row(self, texts: Sequence[str], *, bold: bool = False, fill: str | None = None, header: bool = False,
            center: bool = False, span: bool = False) -> str:
        """One ``w:tr``: a cell per column, or with ``span`` one cell (``texts[0]``) across all columns."""
        ppr = ("<w:pPr>" + ("<w:keepNext/>" if header else "") + '<w:spacing w:after="0" w:before="0"/>'
               + ('<w:jc w:val="center"/>' if center else "") + "</w:pPr>")
        rpr = f'<w:rPr>{_BOLD if bold else _NOT_BOLD}<w:sz w:val="{self.half_points}"/></w:rPr>'
        shd = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
        if span:
            if len(self.twips) > 1:
                cells = [(texts[0], sum(self.twips), f'<w:gridSpan w:val="{len(self.twips)}"/>{shd}')]
            else:
                cells = [(texts[0], self.twips[0], shd)]
        else:
            cells = [(text, twips, shd) for text, twips in zip(texts, self.twips, strict=True)]
        tcs = "".join(
            f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{twips}"/>{extra}</w:tcPr>'
            + "".join(f"<w:p>{ppr}<w:r>{rpr}{run_content(line)}</w:r></w:p>" for line in str(text).split("\n"))
            + "</w:tc>"
            for text, twips, extra in cells)
        head = '<w:tblHeader w:val="true"/>' if header else ""
        return f"<w:tr><w:trPr><w:cantSplit/>{head}</w:trPr>{tcs}</w:tr>"


def new_table(container: Block, widths_cm: Sequence[float], font_pt: float = 8) -> Table:
    """An empty table with fixed column widths (cm) at the end of ``container``, as a python-docx table."""
    style = Style(widths_cm, font_pt)
    tbl = parse_xml(f"<w:tbl{_NSDECL_W}>{style.table_start()}</w:tbl>")
    container.add_element(tbl)
    table = Table(tbl, cast(Any, None))
    table._pmp_style = style  # type: ignore[attr-defined]
    table._pmp_font = font_pt  # type: ignore[attr-defined]
    return table


def _append_row(table: Table, xml: str) -> list[_Cell]:
    tr = parse_xml(f"<w:tr{_NSDECL_W}>" + xml[len("<w:tr>"):])
    table._tbl.append(tr)
    return [_Cell(tc, table) for tc in tr.tc_lst]


def add_row(table: Table, texts: Sequence[str], *, bold: bool = False, fill: str | None = None,
            header: bool = False, center: bool = False) -> list[_Cell]:
    """Append a row with one text per column; returns its cells. A header row is repeated on every page and
    never stays alone at the foot of one; no row is torn across two pages."""
    style: Style = table._pmp_style  # type: ignore[attr-defined]
    return _append_row(table, style.row(texts, bold=bold, fill=fill, header=header, center=center))


def set_text(cell: _Cell, text: str, *, bold: bool = False, size: float = 8, center: bool = False) -> None:
    """Replace a cell's content with ``text`` (lines split on "\\n" into paragraphs)."""
    lines = str(text).split("\n")
    first = cell.paragraphs[0]
    for extra in cell.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    for child in list(first._p):
        if child.tag != qn("w:pPr"):
            first._p.remove(child)
    for n, line in enumerate(lines):
        para = first if n == 0 else cell.add_paragraph()
        para.paragraph_format.space_after = Pt(0)
        para.paragraph_format.space_before = Pt(0)
        if center:
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = para.add_run(line)
        run.bold = bold
        run.font.size = Pt(size)


def shade(cell: _Cell, fill: str) -> None:
    """Background colour of a cell (hex RGB)."""
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def min_height(cells: list[_Cell], cm: float) -> None:
    """Give the row of ``cells`` at least this height (rotated text and repeated headers need it)."""
    tr_pr = cells[0]._tc.getparent().get_or_add_trPr()
    el = OxmlElement("w:trHeight")
    el.set(qn("w:val"), str(int(Cm(cm).twips)))
    el.set(qn("w:hRule"), "atLeast")
    tr_pr.append(el)


def vertical_text(cell: _Cell) -> None:
    """Text running bottom to top (year headers of a narrow "x" column, as in the seeds)."""
    el = OxmlElement("w:textDirection")
    el.set(qn("w:val"), "btLr")
    cell._tc.get_or_add_tcPr().append(el)


def spanning_row(table: Table, text: str, *, fill: str, bold: bool = True, center: bool = False) -> _Cell:
    """A row whose single cell spans the whole table (level rows, goal rows)."""
    style: Style = table._pmp_style  # type: ignore[attr-defined]
    return _append_row(table, style.row([text], bold=bold, fill=fill, center=center, span=True))[0]


def number_row(table: Table, groups: Sequence[int]) -> None:
    """The column-number row: ``groups`` gives how many grid columns each number covers."""
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


def scale(widths: Sequence[float], total_cm: float) -> list[float]:
    """Scale relative column widths so they sum to ``total_cm``."""
    s = sum(widths)
    return [w * total_cm / s for w in widths]


#: A table body row: ("row", cells), a row in bold ("total", cells; measured as plain text), or a row spanning
#: the table: ("level", [text]) or ("goal", [text]).
Body = list[tuple[str, list[str]]]


def fitted_table(container: Block, head: Sequence[str], weights: Sequence[float], body: Body, total_cm: float,
                 font_pt: float, numbered: bool = True) -> None:
    """A table whose column widths keep every word whole (:func:`fit.fit_widths`): the header row, the
    column-number row when ``numbered``, then ``body`` with level and goal rows spanning the table."""
    widths, size = fit_widths(weights, [(list(head), True)] + [(r, False) for k, r in body if k in ("row", "total")],
                              total_cm, font_pt)
    style = Style(widths, size)
    rows = [style.row(head, bold=True, header=True, fill=HEADER_FILL, center=True)]
    if numbered:
        rows.append(style.row([str(n) for n in range(1, len(head) + 1)], header=True, fill=HEADER_FILL, center=True))
    for kind, row in body:
        if kind == "level":
            rows.append(style.row(row, bold=True, fill=LEVEL_FILL, center=True, span=True))
        elif kind == "goal":
            rows.append(style.row(row, bold=True, fill=GOAL_FILL, span=True))
        else:
            rows.append(style.row(row, bold=kind == "total"))
    container.add_xml("<w:tbl>" + style.table_start() + "".join(rows) + "</w:tbl>")
