"""The draft and final protocols convert to PDF with LibreOffice and read as a protocol should."""

from __future__ import annotations

import subprocess

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.core.workspace import Workspace
from generator.documents.pdf import find_soffice
from tests.test_cases_support import OSKARS, fill_f5, ingest, report_three

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(find_soffice() is None, reason="LibreOffice is not installed")]


def _pdf_text(path: object) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_draft_and_final_protocol_pdfs(mini_ws: Workspace) -> None:
    report_three(mini_ws)
    runner = CliRunner()
    res = runner.invoke(cli, ["protocol", "new", "--date", "10.02.2026", "--place", "Ludza", "--pdf"],
                        catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert "PDF: outbox/protokoli/protokols_2026_nr1_projekts.pdf" in res.output
    draft = _pdf_text(mini_ws.outbox / "protokoli" / "protokols_2026_nr1_projekts.pdf")
    assert "SANĀKSMES PROTOKOLS Nr. 1" in draft and "PROTOKOLA PROJEKTS" in draft
    assert OSKARS in draft and "Lietas statuss:" in draft and "Protokolists:" in draft
    fill_f5(mini_ws.forms_dir / "protokoli" / "F5_sanaksmes_protokols_2026_nr1.xlsx",
            mini_ws.inbox / "protokols.xlsx")
    assert ingest(mini_ws).accepted == 1
    res = runner.invoke(cli, ["protocol", "final", "1", "--year", "2026", "--pdf"], catch_exceptions=False)
    assert res.output.splitlines()[-1] == "PDF: outbox/protokoli/protokols_2026_nr1.pdf"
    final = _pdf_text(mini_ws.outbox / "protokoli" / "protokols_2026_nr1.pdf")
    assert "Sanāksmi vada: Inese Kalniņa" in final and "Lietas statuss: izskatīšanā" in final
    assert "PROTOKOLA PROJEKTS" not in final
    # The signatures are never split from each other across a page break.
    last_page = final.split("\f")[-2] if final.endswith("\f") else final.split("\f")[-1]
    assert "Sanāksmes vadītājs:" in last_page and "Protokolists:" in last_page
    assert (mini_ws.outbox / "protokoli" / "protokols_2026_nr1.pdf").stat().st_mode & 0o777 == 0o600
