"""PDF conversion with LibreOffice: the plan is landscape, the text (Latvian letters included) is all there.

The text checks read the PDF in reading order with every line break and end-of-line hyphen undone, so
they hold wherever a line wraps (a font with other metrics moves the breaks, not the words).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from generator.core.period import Period
from generator.core.workspace import Workspace, resources_dir
from generator.documents.dataset import Dataset
from generator.documents.make_templates import BUILDERS, FONT
from generator.documents.pdf import find_soffice, to_pdf
from generator.documents.plan import make_plan
from generator.documents.report import make_report
from generator.protocols.document import TEMPLATE_NAME

from .test_documents_report import dataset

needs_lo = pytest.mark.skipif(find_soffice() is None or shutil.which("pdftotext") is None,
                              reason="LibreOffice or poppler-utils not installed")


#: Families with Times New Roman's metrics: the font itself (Windows, macOS), Liberation Serif and Tinos.
METRIC_TWINS = {"Times New Roman": ("Times New Roman", "Liberation Serif", "Tinos")}


def reading_text(raw: str) -> str:
    """pdftotext's output with one space between words: a hyphen that ends a line joins its word again,
    and line breaks, page breaks and runs of spaces become one space."""
    joined = re.sub(r"(?<=\w)-[ \t]*\n\s*(?=[a-zāčēģīķļņšūž])", "", raw)
    return re.sub(r"\s+", " ", joined)


def pdf_text(path: object) -> str:
    """The PDF's text in reading order (a table cell's lines stay together), see :func:`reading_text`."""
    return reading_text(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                       check=True).stdout)


def test_reading_text_ignores_where_lines_wrap() -> None:
    raw = "Individuālo\nattīstības plānu\n  izstrā-\nde.\fSociālais peda-\n  gogs, 2024.-\n2027.g.  \n"
    assert reading_text(raw) == "Individuālo attīstības plānu izstrāde. Sociālais pedagogs, 2024.- 2027.g. "


def _named_fonts(docx: Path) -> set[str]:
    """Every Latin font a template's styles, defaults and theme name."""
    with zipfile.ZipFile(docx) as z:
        styles = etree.fromstring(z.read("word/styles.xml"))
        theme = etree.fromstring(z.read("word/theme/theme1.xml"))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    names = {el.get(f"{w}ascii") for el in styles.iter(f"{w}rFonts")} | {
        el.get(f"{w}hAnsi") for el in styles.iter(f"{w}rFonts")}
    names |= {el.get("typeface") for el in theme.iterfind(f".//{a}fontScheme/*/{a}latin")}
    return {n for n in names if n}


def test_templates_name_one_portable_font() -> None:
    # Styles Word keeps for code listings ("Macro Text", "HTML Code") name Courier; no template uses them.
    for name in (*BUILDERS, TEMPLATE_NAME):
        assert _named_fonts(resources_dir() / "templates" / name) - {"Courier"} == {FONT}, name


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="no fontconfig (Windows, macOS: the font itself)")
def test_the_template_font_renders_with_its_own_metrics() -> None:
    # Without fonts-liberation2 LibreOffice falls back to DejaVu Serif, which is wider: every line and
    # page breaks elsewhere than in Word.
    family = subprocess.run(["fc-match", "-f", "%{family[0]}", FONT], capture_output=True, text=True,
                            check=True).stdout
    assert family in METRIC_TWINS[FONT], f"{FONT} renders as {family}: apt-get install fonts-liberation2"


@pytest.mark.slow
@needs_lo
def test_plan_and_report_convert_to_pdf(mini_ws: Workspace) -> None:
    period = Period(2025, "school_year")
    plan = to_pdf(make_plan(mini_ws, period, Dataset(period), date(2025, 9, 1)))
    info = subprocess.run(["pdfinfo", str(plan)], capture_output=True, text=True, check=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size"))
    width, height = (float(x) for x in size.split(":")[1].split("pts")[0].split(" x "))
    assert width > height  # landscape
    text = pdf_text(plan)
    assert "PIELĀGOTĀ PREVENCIJA" in text
    assert "Individuālo atbalsta plānu izstrāde." in text  # the last activity: the table is not cut off
    assert "Izmaiņas" in text  # the last column is on the page

    report = to_pdf(make_report(mini_ws, period, dataset(), date(2025, 9, 15)))
    text = pdf_text(report)
    assert "Ludzas novads, 2025. gada 15. septembris" in text
    assert "1 pasākums;" in text and "150,50" in text  # the activity's row; the event itself is in the annex
    assert "Secinājumi rīcības plāna aktualizācijai" in text
