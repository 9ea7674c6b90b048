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
from generator.pipeline.redact import Redactor
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

OSKARS_STRINGS = [OSKARS, "Sargsentiņš", "Sargsenti", "Oskar"]
#: What the secretary typed outside the case's own row: guests and an "other" item naming Oskars.
GUESTS = "Oskara Sargsentiņa māte\nAnna Liepa, Zilupes vidusskolas sociālā pedagoģe (par Elzu Kontrolsentiju)"
OTHER = {"title": "Oskars Sargsentiņš — brāļa situācija", "reporter": "Anna Liepa",
         "discussed": "Oskaram Sargsentiņam un brālim piedāvāta vasaras nometne.", "decision": "Informēt ģimeni."}


def _held_meeting(ws: Workspace) -> dict[str, str]:
    """Three cases, a rejected F3 about Oskars, one held meeting that closed Oskars' case."""
    report_three(ws)
    drop_f3(ws, "ludzas-psk", OSKARS, file_name="Oskars_Sargsentiņš.xlsx", unexcused_lessons="daudz")
    assert ingest(ws).rejected == 1
    ids = case_ids(ws)
    made = new_protocol(ws, meeting_day(), "Ludza")
    fill_f5(made.form, ws.inbox / "protokols.xlsx", statuses={ids[OSKARS]: "atrisināts"}, guests=GUESTS,
            other=[OTHER], decisions=[
                {"case_id": ids[OSKARS], "kind": "lieta slēgta"},
                {"case_id": ids[ELZA], "kind": "atbalsta pasākums", "task": "Elzai Kontrolsentijai — psihologs",
                 "responsible": "Zilupes vidusskola", "deadline": "01.04.2026"}])
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
    assert lines[1] == "  Krātuvē: lietu identitātes 1, ziņojumu teksti 1, sanāksmju ierakstu teksti par lietām 2."
    assert lines[2] == "  Arhīvā dzēsti: F3 ziņojumu oriģināli 1, noraidīti F3 ziņojumi 1, noraidīti F5 protokoli 0."
    assert lines[3] == ("  Citu lietu ierakstos aizklāti vārdi: 6; bez šīs lietas datiem pārrakstīti faili "
                        "(F3/F5 oriģināli, kvītis): 1.")
    assert lines[-1] == "  Krātuve notīrīta: secure_delete, WAL kontrolpunkts (TRUNCATE), VACUUM."
    assert OSKARS not in res.output
    assert files_containing(mini_ws.root, OSKARS_STRINGS) == {}
    wal = mini_ws.store_path.with_name("store.sqlite-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    final = "\n".join(p.text for p in Document(str(final_path(mini_ws, 2026, 1))).paragraphs)
    assert f"Lieta {ids[OSKARS]} — personas dati dzēsti" in final and ELZA in final
    assert "Uzaicinātie: [dzēsts] [dzēsts] māte" in final and "Anna Liepa" in final
    assert "[dzēsts] [dzēsts] — brāļa situācija" in final
    assert "Elzai Kontrolsentijai — psihologs; atbildīgie: Zilupes vidusskola" in final
    # The archived F5 is kept, rewritten: Elza's and Zane's rows as they were, Oskars' row emptied.
    conn = sqlite3.connect(mini_ws.store_path)
    rel = conn.execute("SELECT archived_as FROM submissions WHERE form_id = 'F5'").fetchone()[0]
    conn.close()
    assert rel.endswith("_aizklats.xlsx")
    kept = files_containing(mini_ws.root, [ELZA, "Kontrolsentij", "SENTINELBERGA", "Anna Liepa"])
    assert set(kept[rel]) == {ELZA, "Kontrolsentij", "SENTINELBERGA", "Anna Liepa"}
    # The other open cases are intact: identity, every report's narrative, their decisions.
    assert set(case_ids(mini_ws)) == {"zanete  SENTINELBERGA", ELZA}
    conn = sqlite3.connect(mini_ws.store_path)
    narratives = conn.execute("SELECT situation FROM case_report_text ORDER BY report_id").fetchall()
    tasks = conn.execute("SELECT task FROM decision_text").fetchall()
    conn.close()
    assert narratives == [("Zanete bieži kavē pirmdienās.",), ("Kavējumi turpinās.",), ("=HYPERLINK(\"http://x\")",)]
    assert tasks == [("Elzai Kontrolsentijai — psihologs",)]
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


def test_open_case_without_activity_is_erased_after_warning_the_board(mini_ws: Workspace) -> None:
    ids = _held_meeting(mini_ws)  # Zane's and Elza's cases stay open ("izskatīšanā") from 10.02.2026
    zane = ids["zanete  SENTINELBERGA"]
    assert purge(mini_ws, today=date(2029, 2, 9)).notices == []  # three years not over yet
    warned = purge(mini_ws, today=date(2029, 2, 11))
    assert warned.cases == []
    assert warned.lines()[1:] == [
        "Brīdinājums valdei: atvērtas lietas bez darbības ilgāk par 3 gadiem (2). Ja līdz norādītajai dienai lietā "
        "nebūs jauna ziņojuma vai sanāksmes lēmuma, `pmp purge` dzēsīs tās personas datus:",
        *sorted(f"    {c}: pēdējā darbība 10.02.2026.; personas dati tiks dzēsti, sākot no 13.03.2029."
                for c in (zane, ids[ELZA]))]
    assert purge(mini_ws, today=date(2029, 3, 12)).cases == []  # still inside the warning period
    due = purge(mini_ws, today=date(2029, 3, 13))
    assert due.cases == sorted([zane, ids[ELZA]])
    assert files_containing(mini_ws.root, ["Sentinelberga", "SENTINELBERGA", "Kontrolsentij"]) == {}


def test_names_are_found_in_every_case_form_but_other_pupils_names_are_spared() -> None:
    red = Redactor.for_names(["Oskars Sargsentiņš"], ["2012-03-04"], keep=["Oskars Liepa"])
    text = ("Oskara Sargsentiņa māte; Sargsentiņam piedāvāta nometne; Sargsentiņu ģimene. Oskars Liepa paliek. "
            "Dzimis 04.03.2012. Oskarsons un sargsargi nav vārdi.")
    assert red.text(text) == ("Oskara [dzēsts] māte; [dzēsts] piedāvāta nometne; [dzēsts] ģimene. Oskars Liepa "
                              "paliek. Dzimis [dzēsts]. Oskarsons un sargsargi nav vārdi.")
    assert red.covered == 4
    alone = Redactor.for_names(["Zanete Sentinelberga"], [])
    assert alone.text("Zanetei un ZANETES māsai") == "[dzēsts] un [dzēsts] māsai"


def test_purge_interrupted_after_its_transaction_is_finished_by_the_next_run(mini_ws: Workspace) -> None:
    _held_meeting(mini_ws)
    stray = mini_ws.archive / "vecais_originals.xlsx"
    stray.write_bytes(b"Oskars Sargsentins")
    final = final_path(mini_ws, 2026, 1)
    final.unlink()
    conn = sqlite3.connect(mini_ws.store_path)
    with conn:  # what a purge writes down in its transaction and ticks off after it
        conn.execute("INSERT INTO purge_pending (kind, ref) VALUES ('file', 'archive/vecais_originals.xlsx')")
        conn.execute("INSERT INTO purge_pending (kind, ref) SELECT 'meeting', id FROM meetings")
    conn.close()
    res = purge(mini_ws, today=date(2026, 11, 30))
    assert res.cases == [] and not stray.exists() and final.exists()
    conn = sqlite3.connect(mini_ws.store_path)
    assert conn.execute("SELECT count(*) FROM purge_pending").fetchone() == (0,)
    conn.close()
