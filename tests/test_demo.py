"""``pmp demo``: the whole pipeline on the default municipality, in one command."""

from __future__ import annotations

import time
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from generator.cli import cli


@pytest.mark.slow
def test_demo_builds_everything_and_says_where(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["demo", str(target)], catch_exceptions=False)
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert elapsed < 60
    out = result.output
    assert f"Demonstrācija gatava: {target}" in out
    assert "noraidīti 2" in out
    year = next(p for p in (target / "outbox").iterdir() if p.name.isdigit())
    y = year.name
    for name in (f"gada_parskats_{y}.docx", f"ricibas_plans_{y}.docx", f"kopsavilkums_{y}.xlsx"):
        assert (year / name).is_file()
        assert str(year / name) in out
    reminders = list((year / "atgadinajumi").glob("*.eml"))
    assert len(reminders) == 2  # the two institutions whose workbook was rejected
    receipts = list((target / "outbox" / "receipts").rglob("*"))
    assert any(p.is_file() for p in receipts)
    assert len(list((target / "archive" / "rejected").rglob("*.xlsx"))) >= 2
    report = docx.Document(str(year / f"gada_parskats_{y}.docx"))
    assert len(report.inline_shapes) == 2
    wb = openpyxl.load_workbook(year / f"kopsavilkums_{y}.xlsx")
    assert wb["F2 PMP riski"].max_row > 5

    again = CliRunner().invoke(cli, ["demo", str(target)], catch_exceptions=False)
    assert again.exit_code == 1
    assert "jau ir darba vieta" in again.output
