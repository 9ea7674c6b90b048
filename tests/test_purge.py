"""``pmp purge``: after erasing a case, no byte of its identifying data is left in the workspace."""

from __future__ import annotations

import sqlite3
from datetime import date

from click.testing import CliRunner
from docx import Document

from generator.cli import cli
from generator.core.period import Period
from generator.core.workspace import Workspace
from generator.documents.coop_summary import cooperation_summary
from generator.pipeline.purge import purge
from generator.protocols import final_path, new_protocol
from generator.store import open_store
from tests.test_cases_support import (
    ELZA,
    OSKARS,
    case_ids,
    drop_f3,
    files_containing,
    fill_f5,
    ingest,
    meeting_day,
    report_three,
)

OSKARS_STRINGS = [OSKARS, "Sargsentiņš", "Sargsenti"]


def _held_meeting(ws: Workspace) -> dict[str, str]:
    """Three cases, a rejected F3 about Oskars, one held meeting that closed Oskars' case."""
    report_three(ws)
    drop_f3(ws, "ludzas-psk", OSKARS, file_name="Oskars_Sargsentiņš.xlsx", unexcused_lessons="daudz")
    assert ingest(ws).rejected == 1
    ids = case_ids(ws)
    made = new_protocol(ws, meeting_day(), "Ludza")
    fill_f5(made.form, ws.inbox / "protokols.xlsx", statuses={ids[OSKARS]: "atrisināts"})
    assert ingest(ws).accepted == 1
    return ids


def _summary(ws: Workspace) -> tuple[int, int, dict[str, int]]:
    with open_store(ws) as store:
        s = cooperation_summary(store, Period(2026, "school_year"))
    return s.meetings_held, s.cases_considered, s.outcomes


def test_purge_case_leaves_no_trace_anywhere(mini_ws: Workspace) -> None:
    ids = _held_meeting(mini_ws)
    before = files_containing(mini_ws.root, OSKARS_STRINGS)
    assert any(p.startswith("outbox/receipts/ludzas-psk/") and p.endswith("_labojama.xlsx") for p in before)
    assert "archive/store.sqlite" in before and "outbox/protokoli/protokols_2026_nr1.docx" in before
    counts = _summary(mini_ws)
    res = CliRunner().invoke(cli, ["purge", "--case", ids[OSKARS]], catch_exceptions=False)
    assert res.exit_code == 0
    lines = res.output.splitlines()
    assert lines[0] == f"Dzēsti personas dati — lietas (1): {ids[OSKARS]}."
    assert lines[1] == "  Krātuvē: lietu identitātes 1, ziņojumu teksti 1, sanāksmju ierakstu teksti par lietām 1."
    assert lines[2] == "  Arhīvā: F3 ziņojumu oriģināli 1, noraidīti F3 ziņojumi 1, F5 protokolu oriģināli 1."
    assert lines[-1] == "  Krātuve notīrīta: secure_delete, WAL kontrolpunkts (TRUNCATE), VACUUM."
    assert OSKARS not in res.output
    assert files_containing(mini_ws.root, OSKARS_STRINGS) == {}
    wal = mini_ws.store_path.with_name("store.sqlite-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    final = "\n".join(p.text for p in Document(str(final_path(mini_ws, 2026, 1))).paragraphs)
    assert f"Lieta {ids[OSKARS]} — personas dati dzēsti" in final and ELZA in final
    assert _summary(mini_ws) == counts  # statistics stay
    again = CliRunner().invoke(cli, ["purge", "--case", ids[OSKARS]], catch_exceptions=False)
    assert "lietu identitātes 0, ziņojumu teksti 0" in again.output


def test_dry_run_changes_nothing(mini_ws: Workspace) -> None:
    ids = _held_meeting(mini_ws)
    snapshot = {p: p.read_bytes() for p in mini_ws.root.rglob("*") if p.is_file() and "sqlite" not in p.name}
    res = CliRunner().invoke(cli, ["purge", "--case", ids[OSKARS], "--dry-run"], catch_exceptions=False)
    assert res.output.splitlines()[0].startswith("Tiktu dzēsti personas dati — lietas (1)")
    assert res.output.splitlines()[-1] == "Nekas netika mainīts (--dry-run)."
    assert {p: p.read_bytes() for p in snapshot if p.exists()} == snapshot
    assert ids[OSKARS] in case_ids(mini_ws).values()


def test_retention_erases_only_cases_closed_long_enough(mini_ws: Workspace) -> None:
    ids = _held_meeting(mini_ws)
    early = purge(mini_ws, today=date(2031, 2, 9))  # closed 10.02.2026, kept five years
    assert early.cases == [] and early.lines()[0].startswith("Nav personas datu, kas būtu jādzēš")
    due = purge(mini_ws, today=date(2031, 2, 10))
    assert due.cases == [ids[OSKARS]]
    assert files_containing(mini_ws.root, OSKARS_STRINGS) == {}
    assert set(case_ids(mini_ws)) == {"zanete  SENTINELBERGA", ELZA}
    conn = sqlite3.connect(mini_ws.store_path)
    log = conn.execute("SELECT case_id, reason FROM purges").fetchall()
    conn.close()
    assert log == [(ids[OSKARS], "retention")]


def test_unknown_case_is_an_error(mini_ws: Workspace) -> None:
    report_three(mini_ws)
    res = CliRunner().invoke(cli, ["purge", "--case", "L-AAAAAAAAAA"])
    assert res.exit_code == 1
    assert "lieta “L-AAAAAAAAAA” nav atrasta" in res.output


def test_purge_before_the_meeting_rewrites_its_draft_and_workbook(mini_ws: Workspace) -> None:
    report_three(mini_ws)
    ids = case_ids(mini_ws)
    made = new_protocol(mini_ws, meeting_day(), "Ludza")
    res = purge(mini_ws, case_id=ids[ELZA])
    assert res.protocols == ["outbox/protokoli/protokols_2026_nr1_projekts.docx"]
    assert files_containing(mini_ws.root, ["Kontrolsentija"]) == {}
    draft = "\n".join(p.text for p in Document(str(made.draft)).paragraphs)
    assert f"Lieta {ids[ELZA]} — personas dati dzēsti" in draft and OSKARS in draft
