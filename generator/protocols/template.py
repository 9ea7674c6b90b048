"""(Re)create the protocol template ``protokols_sanaksme.docx``: ``python -m generator.protocols.template``.

The layout follows Ludza's annex Nr.4 (seed 004): number, place and time, chair, secretary,
participants, agenda, "Ziņo/izskata/diskutē", decisions, signatures. The template is an ordinary Word
file: restyle fonts, margins or the letterhead and keep the ``{{ … }}`` tags; the participants, the
agenda, the discussion and the decisions arrive as ``{{p … }}`` blocks built by the code (with lines
to write on by hand in the draft and the blank form).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from ..core.workspace import resources_dir
from ..documents.make_templates import FONT, portable_fonts
from .document import TEMPLATE_NAME, TEMPLATE_VARIABLES

__all__ = ["TEMPLATE_NAME", "TEMPLATE_VARIABLES", "main", "protocol_template", "write_template"]


def _para(doc: DocxDocument, text: str, *, bold: bool = False, size: float = 12, center: bool = False,
          italic: bool = False, before: float = 0, after: float = 4, keep: bool = False) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.keep_with_next = keep
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before, p.paragraph_format.space_after = Pt(before), Pt(after)
    run = p.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)


def _label(doc: DocxDocument, label: str, tag: str, keep: bool = False) -> None:
    """"Sanāksmi vada: {{ chair }}" — the label bold, the tag in a run of its own."""
    p = doc.add_paragraph()
    p.paragraph_format.keep_with_next = keep
    p.paragraph_format.space_after = Pt(4)
    p.add_run(label + " ").bold = True
    p.add_run(tag)


def _heading(doc: DocxDocument, text: str) -> None:
    _para(doc, text, bold=True, before=10, after=4, keep=True)


def _footer(doc: DocxDocument) -> None:
    para = doc.sections[0].footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = para.add_run("{{ footer_text }} — ")
    run.font.size = Pt(9)
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), "PAGE")
    inner = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), "18")
    rpr.append(sz)
    inner.append(rpr)
    t = OxmlElement("w:t")
    t.text = "1"
    inner.append(t)
    fld.append(inner)
    para._p.append(fld)


def protocol_template() -> DocxDocument:
    """The meeting protocol (A4 portrait), used for the draft, the final and the blank protocol."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin, section.right_margin = Cm(2.5), Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    portable_fonts(doc)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(12)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(2)
    _footer(doc)
    _para(doc, "{{ municipality }}", bold=True, center=True)
    _para(doc, "{{ group_name }}", center=True, after=10)
    _para(doc, "SANĀKSMES PROTOKOLS Nr. {{ number_text }}", bold=True, size=14, center=True, after=8)
    doc.add_paragraph("{%p if draft_note %}")
    _para(doc, "{{ draft_note }}", italic=True, size=10, center=True, after=8)
    doc.add_paragraph("{%p endif %}")
    _label(doc, "Vieta:", "{{ place }}")
    _label(doc, "Laiks:", "{{ when }}")
    _label(doc, "Sanāksmi vada:", "{{ chair }}")
    _label(doc, "Protokolē:", "{{ secretary }}")
    _heading(doc, "Piedalās:")
    doc.add_paragraph("{{p participants }}")
    _heading(doc, "Darba kārtībā:")
    doc.add_paragraph("{{p agenda }}")
    _heading(doc, "Ziņo/izskata/diskutē:")
    doc.add_paragraph("{{p discussion }}")
    _heading(doc, "Lēmumi:")
    doc.add_paragraph("{{p decisions }}")
    # The signatures stay together on one page.
    _para(doc, "", after=12, keep=True)
    _label(doc, "Sanāksmes vadītājs:", "{{ chair_sign }}", keep=True)
    _para(doc, "", after=6, keep=True)
    _label(doc, "Protokolists:", "{{ secretary_sign }}")
    doc.core_properties.author = "PMP rīks"
    return doc


def write_template(folders: list[Path]) -> list[Path]:
    """Write the template into each folder; returns the files written."""
    out = []
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / TEMPLATE_NAME
        protocol_template().save(str(path))
        out.append(path)
    return out


def main() -> None:
    """Regenerate the packaged template and, inside the repository, the copy in ``templates/``."""
    package = resources_dir() / "templates"
    targets = [package]
    if (package.parents[2] / "pyproject.toml").is_file():
        targets.append(package.parents[2] / "templates")
    for path in write_template(targets):
        print(path)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
