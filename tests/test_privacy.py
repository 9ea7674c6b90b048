"""Children's data: sentinel pupil names reach the protocols and nothing else a person reads; the
places that hold them are owner-only."""

from __future__ import annotations

import stat

import pytest
from click.testing import CliRunner

from generator.cases.perms import permission_problems
from generator.cli import cli
from generator.core.period import Period
from generator.core.workspace import Workspace
from generator.forms import fill_workbook
from generator.protocols import new_protocol
from tests.test_cases_support import (
    ELZA,
    OSKARS,
    ZANE,
    drop_f3,
    files_containing,
    fill_f5,
    ingest,
    meeting_day,
    report_three,
)

SENTINELS = ["Sentinelberga", "SENTINELBERGA", "Sargsentiņš", "Kontrolsentija", "bieži kavē pirmdienās"]


def _everything(ws: Workspace) -> None:
    """F1, F2, F4 from institutions, four F3 reports (one file named after the pupil), one held meeting."""
    period = Period(2026, "school_year")
    for form, inst in (("F1", "ludzas-vsk"), ("F2", "ludzas-vsk"), ("F1", "sd"), ("F4", "ip")):
        fill_workbook(ws.config, form, period, inst, ws.inbox / f"{form}_{inst}.xlsx", seed=3)
    assert ingest(ws).accepted == 4
    report_three(ws)
    drop_f3(ws, "zilupes-vsk", ELZA, pupil_birth_date="2011-11-11", date="2026-02-02",
            file_name="Elza_Kontrolsentija.xlsx")
    assert ingest(ws).accepted == 1
    made = new_protocol(ws, meeting_day(), "Ludza")
    fill_f5(made.form, ws.inbox / "protokols.xlsx", guests="Oskara Sargsentiņa māte",
            other=[{"title": "Elzas Kontrolsentijas brālis", "discussed": "Zanetes Sentinelbergas draugi"}])
    assert ingest(ws).accepted == 1


@pytest.mark.slow  # runs `pmp build` (report with charts, plan, consolidated workbook)
def test_sentinel_names_only_in_protocols(mini_ws: Workspace) -> None:
    _everything(mini_ws)
    runner = CliRunner()
    build = runner.invoke(cli, ["build", "--period", "2026"], catch_exceptions=False)
    status = runner.invoke(cli, ["status", "--period", "2026"], catch_exceptions=False)
    status_json = runner.invoke(cli, ["status", "--period", "2026", "--json"], catch_exceptions=False)
    for out in (build.output, status.output, status_json.output):
        assert not [s for s in SENTINELS if s in out]
    found = files_containing(mini_ws.root, SENTINELS)
    draft, final = "outbox/protokoli/protokols_2026_nr1_projekts.docx", "outbox/protokoli/protokols_2026_nr1.docx"
    assert set(found[draft]) >= {"SENTINELBERGA", "Sargsentiņš", "Kontrolsentija", "bieži kavē pirmdienās"}
    assert set(found[final]) == set(found[draft]) | {"Sentinelberga"}  # typed in "other" items
    produced = sorted(p for p in found if p.startswith("outbox/") and p not in (draft, final))
    # No other outbox file: the receipt of the F3 whose file name was the pupil's name no longer prints
    # that name (issue 11 row 16).
    assert produced == []
    for path in found:
        assert path.startswith(("outbox/protokoli/", "forms/protokoli/", "archive/", "outbox/receipts/zilupes-vsk/F3_"))
    assert "archive/intake.log" not in found
    documents = [p for p in (mini_ws.outbox / "2026").rglob("*") if p.is_file()]
    names = {p.name for p in documents}
    assert {"gada_parskats_2026.docx", "ricibas_plans_2026.docx", "kopsavilkums_2026.xlsx"} <= names
    receipts = [str(p.relative_to(mini_ws.root)) for p in mini_ws.receipts.rglob("*") if p.is_file()]
    assert any("/F5_" in r for r in receipts) and any("/F1_" in r for r in receipts)
    assert ZANE not in status.output and OSKARS not in status.output


def test_store_archive_key_and_protocols_are_owner_only(mini_ws: Workspace) -> None:
    _everything(mini_ws)
    CliRunner().invoke(cli, ["protocol", "blank"], catch_exceptions=False)
    assert permission_problems(mini_ws) == []
    checked = [mini_ws.store_path, mini_ws.secret_path, mini_ws.archive, mini_ws.secret_path.parent,
               mini_ws.forms_dir / "protokoli", mini_ws.outbox / "protokoli",
               mini_ws.outbox / "protokoli" / "protokols_2026_nr1.docx",
               mini_ws.forms_dir / "protokoli" / "F5_sanaksmes_protokols_2026_nr1.xlsx"]
    for path in checked:
        want = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == want, path
    # A folder loosened by hand is tightened again by the next protocol command.
    (mini_ws.outbox / "protokoli").chmod(0o755)
    (mini_ws.outbox / "protokoli" / "protokols_tukss.docx").chmod(0o644)
    assert len(permission_problems(mini_ws)) == 2
    CliRunner().invoke(cli, ["protocol", "blank"], catch_exceptions=False)
    assert permission_problems(mini_ws) == []
