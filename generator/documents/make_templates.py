"""(Re)create the default .docx templates from code: ``python -m generator.documents.make_templates``.

Writes ``generator/resources/templates/`` (the masters ``pmp init`` copies) and, when run from the
repository, identical copies into ``templates/``. The templates are ordinary Word files: restyle the
fonts, headings, "Table Grid" style, letterhead or footer in Word and keep the ``{{ … }}`` / ``{%p … %}``
tags intact (``pmp config check`` lints them). Tables and charts arrive through ``{{p name }}`` and
``{{ name }}`` placeholders filled by the code in the municipality's own column layout.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from lxml import etree

from ..core.workspace import resources_dir
from .render import TEMPLATE_NAMES

#: The one font the templates name. Every Windows and macOS has it; on Linux, Liberation Serif (Debian:
#: fonts-liberation2) has the same metrics, so LibreOffice breaks lines and pages where Word does.
FONT = "Times New Roman"
#: Text language: Word and LibreOffice spell-check (and hyphenate, if asked) in Latvian.
LANGUAGE = "lv-LV"
_DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"


def portable_fonts(doc: DocxDocument) -> None:
    """Make :data:`FONT` the only font the document names, and Latvian its language.

    python-docx's blank document takes its defaults and every built-in style without a font of its own
    (Title, the headings, quotes, captions) from the theme, which names Calibri and Cambria: macOS has
    neither without Office, and Linux renders them only with Carlito/Caladea installed.
    """
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    rfonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), LANGUAGE)
    theme = doc.part.part_related_by(RT.THEME)
    root = etree.fromstring(theme.blob)
    for latin in root.iterfind(f".//{{{_DRAWING_NS}}}fontScheme/*/{{{_DRAWING_NS}}}latin"):
        latin.set("typeface", FONT)
    theme._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _base(landscape: bool) -> DocxDocument:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.5 if landscape else 2.5))
    section.top_margin = section.bottom_margin = Cm(1.5 if landscape else 2.0)
    portable_fonts(doc)
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    for name, size in (("Title", 16), ("Heading 1", 14), ("Heading 2", 12), ("Heading 3", 11)):
        st = styles[name]
        st.font.name = FONT
        st.font.size = Pt(size)
        st.font.bold = True
        st.font.color.rgb = RGBColor(0, 0, 0)
        rfonts = st.element.rPr.find(qn("w:rFonts"))
        if rfonts is not None:
            for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                rfonts.attrib.pop(qn(attr), None)
            rfonts.set(qn("w:ascii"), FONT)
            rfonts.set(qn("w:hAnsi"), FONT)
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _footer(doc, "{{ footer_text }}")
    return doc


def _footer(doc: DocxDocument, text: str) -> None:
    """Footer: the document's name and the page number (a PAGE field Word and LibreOffice update)."""
    para = doc.sections[0].footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = para.add_run(text + " — ")
    run.font.size = Pt(9)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    inner = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    inner.append(t)
    field.append(inner)
    para._p.append(field)


def _center(doc: DocxDocument, text: str, *, bold: bool = False, size: float = 12) -> None:
    para = doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = para.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)


def _caption(doc: DocxDocument, text: str) -> None:
    para = doc.add_paragraph()
    para.paragraph_format.space_before = Pt(6)
    para.paragraph_format.keep_with_next = True
    para.add_run(text).italic = True


def _tag(doc: DocxDocument, tag: str, style: str | None = None) -> None:
    """A paragraph holding exactly one tag in one run (so Word cannot split it)."""
    doc.add_paragraph(tag, style=style)


def report_template() -> DocxDocument:
    """The annual implementation report (portrait)."""
    doc = _base(landscape=False)
    _center(doc, "{{ genitive }} pašvaldība", bold=True, size=13)
    _center(doc, "{{ board_name }}", size=12)
    _center(doc, "{{ board_address }}", size=10)
    doc.add_paragraph()
    doc.add_paragraph("Priekšlaicīgas mācību pārtraukšanas prevencijas plāna {{ plan_years }} "
                      "īstenošanas gada pārskats", style="Title")
    _center(doc, "{{ period_label }}", bold=True, size=13)
    _center(doc, "{{ place }}, {{ date_text }}", size=11)
    _tag(doc, "{%p for line in preparation_lines %}")
    _tag(doc, "{{ line }}")
    _tag(doc, "{%p endfor %}")

    doc.add_paragraph("1. Informācijas iesniedzēji", style="Heading 1")
    doc.add_paragraph("{{ reported_summary }}")
    _caption(doc, "1. tabula. Iestāžu iesniegtā informācija")
    _tag(doc, "{{p reported_table }}")
    _tag(doc, "{%p if missing %}")
    doc.add_paragraph("Informāciju nav iesniegušas:")
    _tag(doc, "{%p for name in missing %}")
    _tag(doc, "{{ name }}", style="List Bullet")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endif %}")

    doc.add_paragraph("2. PMP situācija pašvaldībā", style="Heading 1")
    _tag(doc, "{%p for line in situation_lines %}")
    _tag(doc, "{{ line }}")
    _tag(doc, "{%p endfor %}")
    _caption(doc, "2. tabula. PMP riska rādītāji izglītības iestādēs (veidlapa F2)")
    _tag(doc, "{{p situation_table }}")
    _tag(doc, "{{ situation_chart }}")

    doc.add_paragraph("3. Rīcības plāna aktivitāšu īstenošana", style="Heading 1")
    _tag(doc, "{%p for level in levels %}")
    _tag(doc, "{{ level.label }}", style="Heading 2")
    _tag(doc, "{%p for goal in level.goals %}")
    _tag(doc, "{{ goal.title }}", style="Heading 3")
    _tag(doc, "{%p if goal.improvements %}")
    para = doc.add_paragraph()
    para.paragraph_format.keep_with_next = True
    para.add_run("Sagaidāmie uzlabojumi:").italic = True
    _tag(doc, "{%p for line in goal.improvements %}")
    _tag(doc, "{{ line }}", style="List Bullet")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if goal.note %}")
    _tag(doc, "{{ goal.note }}")
    _tag(doc, "{%p else %}")
    _tag(doc, "{{p goal.table }}")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p if other_activities %}")
    doc.add_paragraph("Citas aktivitātes, kas nav rīcības plānā", style="Heading 2")
    _tag(doc, "{%p for line in other_activities %}")
    _tag(doc, "{{ line }}", style="List Bullet")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endif %}")
    doc.add_paragraph("{{ annex_note }}")
    _tag(doc, "{%p for extra in extra_tables %}")
    _tag(doc, "{{ extra.caption }}", style="Heading 2")
    _tag(doc, "{{p extra.table }}")
    _tag(doc, "{%p endfor %}")

    # The indicator table starts on a new page: its header rows never stay alone at the foot of a page.
    doc.add_paragraph("4. Rezultatīvie rādītāji", style="Heading 1").paragraph_format.page_break_before = True
    doc.add_paragraph("{{ indicator_summary }}")
    _caption(doc, "3. tabula. Rezultatīvo rādītāju izpilde")
    _tag(doc, "{{p indicator_table }}")
    _tag(doc, "{{ indicator_chart }}")

    doc.add_paragraph("5. Starpinstitucionālās sadarbības grupas darbs", style="Heading 1")
    _tag(doc, "{%p for line in coop_lines %}")
    _tag(doc, "{{ line }}")
    _tag(doc, "{%p endfor %}")

    doc.add_paragraph("6. Secinājumi rīcības plāna aktualizācijai", style="Heading 1")
    _tag(doc, "{%p for section in conclusions %}")
    _tag(doc, "{{ section.title }}", style="Heading 3")
    _tag(doc, "{%p for line in section.lines %}")
    _tag(doc, "{{ line }}", style="List Bullet")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endfor %}")
    doc.add_paragraph()
    doc.add_paragraph("Sagatavoja: {{ board_name }}")
    return doc


def plan_template() -> DocxDocument:
    """The updated action plan (landscape)."""
    doc = _base(landscape=True)
    _center(doc, "{{ genitive }} pašvaldība", bold=True, size=13)
    doc.add_paragraph("Priekšlaicīgas mācību pārtraukšanas prevencijas sistēmas ieviešanas "
                      "rīcības plāns {{ plan_years }}", style="Title")
    _center(doc, "Aktualizētā redakcija, {{ edition_date }} (redakcija {{ edition_id }})", size=11)
    _center(doc, "Izpildes statuss: {{ period_label }}", size=11)
    _center(doc, "{{ prepared_text }}", size=11)
    _tag(doc, "{%p for extra in before_tables %}")
    _caption(doc, "{{ extra.caption }}")
    _tag(doc, "{{p extra.table }}")
    _tag(doc, "{%p endfor %}")
    _caption(doc, "{{ table_caption }}")
    _tag(doc, "{{p plan_table }}")
    _tag(doc, "{%p if inferred_note %}")
    _tag(doc, "{{ inferred_note }}")
    _tag(doc, "{%p endif %}")
    doc.add_paragraph("{{ status_summary }}")
    _tag(doc, "{%p for extra in after_tables %}")
    _caption(doc, "{{ extra.caption }}")
    _tag(doc, "{{p extra.table }}")
    _tag(doc, "{%p endfor %}")
    doc.add_paragraph("Izmaiņas salīdzinājumā ar iepriekšējo redakciju", style="Heading 2")
    doc.add_paragraph("{{ previous_edition_text }}")
    _tag(doc, "{%p for line in changes %}")
    _tag(doc, "{{ line }}", style="List Bullet")
    _tag(doc, "{%p endfor %}")
    return doc


def document_template() -> DocxDocument:
    """The generic document (portrait): the report's annex, evaluations, the public summary, extracts."""
    doc = _base(landscape=False)
    _center(doc, "{{ genitive }} pašvaldība", bold=True, size=13)
    _center(doc, "{{ board_name }}", size=12)
    doc.add_paragraph("{{ title }}", style="Title")
    _center(doc, "{{ subtitle }}", bold=True, size=12)
    _center(doc, "{{ date_text }}", size=11)
    _tag(doc, "{{p body }}")
    return doc


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


def protocol_template() -> DocxDocument:
    """The cooperation group's meeting protocol (Ludza annex Nr. 4; A4 portrait): the draft, the final
    and the blank protocol are all rendered from it."""
    doc = _base(landscape=False)
    section = doc.sections[0]
    section.left_margin, section.right_margin = Cm(2.5), Cm(1.5)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(12)
    normal.paragraph_format.space_after = Pt(2)
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
    return doc


#: Every shipped template, by the file name :data:`generator.documents.render.TEMPLATE_NAMES` gives it.
BUILDERS = {
    TEMPLATE_NAMES["report"]: report_template,
    TEMPLATE_NAMES["plan"]: plan_template,
    TEMPLATE_NAMES["protocol"]: protocol_template,
    TEMPLATE_NAMES["document"]: document_template,
}


def write_templates(targets: list[Path]) -> list[Path]:
    """Write every template into each target folder; returns the files written."""
    written = []
    for folder in targets:
        folder.mkdir(parents=True, exist_ok=True)
        for name, build in BUILDERS.items():
            doc = build()
            # Fixed core properties so regenerated files differ only when the content does.
            doc.core_properties.author = "PMP rīks"
            path = folder / name
            doc.save(str(path))
            written.append(path)
    return written


def main() -> None:
    """Regenerate the packaged templates and, inside the repository, ``templates/``."""
    package = resources_dir() / "templates"
    targets = [package]
    repo_templates = package.parents[2] / "templates"
    if (package.parents[2] / "pyproject.toml").is_file():
        targets.append(repo_templates)
    for path in write_templates(targets):
        print(path)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
