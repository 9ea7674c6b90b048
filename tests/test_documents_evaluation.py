"""The evaluations over every plan year, from the store's history, read back with python-docx."""

from __future__ import annotations

import os
import time

import docx
from click.testing import CliRunner

from generator.cli import cli
from generator.core.period import Period
from generator.core.workspace import Workspace
from generator.documents.dataset import load_dataset
from generator.documents.evaluation import evaluation_year, scheduled_kinds
from generator.documents.metrics import indicator_values
from generator.documents.plan import activity_status
from generator.forms import fill_workbook, form_filename
from generator.intake import ingest_once

YEARS = (2025, 2026)


def submit_period(ws: Workspace, year: int) -> None:
    """Filled F1 of the social service, F2 of every school and F4 of the board for one school year."""
    period = Period(year, "school_year")
    past = time.time() - 120
    for n, (form, inst) in enumerate((("F1", "sd"), ("F2", "ludzas-vsk"), ("F2", "zilupes-vsk"),
                                      ("F2", "ludzas-psk"), ("F4", "ip"))):
        dest = ws.inbox / form_filename(form, period, inst)
        fill_workbook(ws.config, form, period, inst, dest, seed=year * 10 + n)
        os.utime(dest, (past, past))
    ingest_once(ws)


def table_with(doc: docx.document.Document, first_cells: list[str]) -> list[list[str]]:
    for table in doc.tables:
        head = [c.text for c in table.rows[0].cells]
        if head[: len(first_cells)] == first_cells:
            return [[c.text for c in r.cells] for r in table.rows]
    raise AssertionError(f"no table starting {first_cells}")


def test_final_evaluation_shows_every_year_from_the_store(mini_ws: Workspace) -> None:
    for year in YEARS:
        submit_period(mini_ws, year)
    result = CliRunner().invoke(cli, ["evaluation", "--kind", "final", "--period", "2026"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    path = mini_ws.period_outbox(2026) / "nosleguma_zinojums_2026.docx"
    assert result.output == f"PMP prevencijas plāna īstenošanas noslēguma ziņojums (2025./2026. mācību gads): {path}\n"
    doc = docx.Document(str(path))
    cfg = mini_ws.config

    # Indicators: one column per plan period up to 2026, each the value that period's accepted data gives.
    rows = table_with(doc, ["Nr.", "Rādītājs", "Bāzes vērtība"])
    assert rows[0] == ["Nr.", "Rādītājs", "Bāzes vērtība", "2023./2024.", "2024./2025.", "2025./2026.",
                       "Mērķis 2025", "Mērķis 2027", "Vērtējums"]
    per_year = {y: indicator_values(cfg, load_dataset(mini_ws, Period(y, "school_year"))) for y in (2024, *YEARS)}
    body = rows[2:]
    assert len(body) == len(per_year[2026])
    for n, row in enumerate(body):
        assert row[1] == per_year[2026][n].title
        assert row[3:6] == [per_year[y][n].text or "–" for y in (2024, *YEARS)]
        assert row[3] == "–"  # nothing was accepted for 2023./2024.
        assert row[6:8] == [t for _, t in per_year[2026][n].targets_text]
    computed = [n for n, v in enumerate(per_year[2026]) if v.metric != "manual" and v.value is not None]
    assert computed and all(body[n][4] != "–" and body[n][5] != "–" for n in computed)

    # Activities: the status of every activity in every period.
    acts = table_with(doc, ["Nr.", "Aktivitāte"])
    assert acts[0] == ["Nr.", "Aktivitāte", "2023./2024.", "2024./2025.", "2025./2026."]
    status = {r[0]: r for r in acts[2:]}
    for act in cfg.plan.activities:
        for col, year in ((3, 2025), (4, 2026)):
            period = Period(year, "school_year")
            expected = activity_status(act, load_dataset(mini_ws, period), period)
            assert status[act.number][col] in (expected, "—")

    # Events per year: two periods with data, one without.
    totals = table_with(doc, ["Periods", "Ziņojušas iestādes"])
    assert [r[0] for r in totals[2:]] == ["2023./2024. mācību gads", "2024./2025. mācību gads",
                                          "2025./2026. mācību gads"]
    assert [r[1] for r in totals[2:]] == ["0", "1", "1"]
    paras = [p.text for p in doc.paragraphs]
    assert "Izvērtējumu sagatavoja: Ludzas novada pašvaldības Izglītības pārvalde." in paras


def test_scheduled_evaluations_follow_the_monitoring_settings(mini_ws: Workspace) -> None:
    cfg = mini_ws.config
    assert evaluation_year(cfg, "final") == 2027 and scheduled_kinds(cfg, Period(2027, "school_year")) == ["final"]
    assert scheduled_kinds(cfg, Period(2026, "school_year")) == []  # no mid-term year named


def test_public_summary_and_extracts(mini_ws: Workspace) -> None:
    submit_period(mini_ws, 2025)
    runner = CliRunner()
    result = runner.invoke(cli, ["summary", "--period", "2025"], catch_exceptions=False)
    assert result.exit_code == 0
    summary = docx.Document(str(mini_ws.period_outbox(2025) / "publiskais_kopsavilkums_2025.docx"))
    text = "\n".join(p.text for p in summary.paragraphs)
    assert "Informāciju iesniegušas" in text and "personas dati tajā nav iekļauti" in text
    names = [i.name for i in mini_ws.config.institutions if i.kind.value == "school"]
    assert not any(name in text for name in names)  # municipal totals only, no school's own figures

    result = runner.invoke(cli, ["extracts", "--period", "2025", "--institution", "sd"], catch_exceptions=False)
    assert result.exit_code == 0
    extract = docx.Document(str(mini_ws.period_outbox(2025) / "izraksti" / "sd_2026.docx"))
    rows = [[c.text for c in r.cells] for r in extract.tables[0].rows]
    wanted = [a.number for a in mini_ws.config.activities_for("sd", {2025, 2026})]
    assert [r[0] for r in rows[1:]] == wanted and wanted
    result = runner.invoke(cli, ["extracts", "--institution", "nav-tadas"], catch_exceptions=False)
    assert result.exit_code == 2
    assert 'iestāde "nav-tadas" nav config.toml' in result.output
