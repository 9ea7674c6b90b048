"""PDF conversion with LibreOffice: the plan is landscape, the text (Latvian letters included) is all there."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest

from generator.core.period import Period
from generator.core.workspace import Workspace
from generator.documents.dataset import Dataset
from generator.documents.pdf import find_soffice, to_pdf
from generator.documents.plan import make_plan
from generator.documents.report import make_report

from .test_documents_report import dataset

needs_lo = pytest.mark.skipif(find_soffice() is None or shutil.which("pdftotext") is None,
                              reason="LibreOffice or poppler-utils not installed")


def pdf_text(path: object) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


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
    assert "Grupa \"Vecāki & bērni\" <1>" in text
    assert "Secinājumi rīcības plāna aktualizācijai" in text
