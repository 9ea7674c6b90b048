"""``pmp protocol new|blank|final`` and the F5 round trip through the inbox."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook

from generator.cli import cli
from generator.core.workspace import Workspace
from generator.forms.definitions import FORMS
from generator.forms.fields import layout
from generator.protocols import final_path, new_protocol
from tests.test_cases_support import (
    ELZA,
    OSKARS,
    agenda_case_ids,
    case_ids,
    fill_f5,
    ingest,
    meeting_day,
    report_three,
)


def _text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [" | ".join(c.text for c in row.cells) for row in table.rows]
    return "\n".join(parts)


def _agenda(path: Path) -> list[tuple]:
    agenda = layout(FORMS["F5"]).table("agenda")
    sheet = load_workbook(path)[agenda.sheet]
    rows = []
    for row in sheet.iter_rows(min_row=agenda.first_row, max_col=9):
        if row[0].value in (None, ""):
            break
        rows.append(tuple(c.value for c in row[:5]) + (row[4].protection.locked, row[8].protection.locked))
    return rows


def test_new_protocol_fills_the_agenda_and_the_draft(mini_ws: Workspace) -> None:
    report_three(mini_ws)
    made = new_protocol(mini_ws, meeting_day(), "Ludza, Raiņa iela 16", today=date(2026, 2, 1))
    assert (made.year, made.number, made.items, made.cases) == (2026, 1, 4, 3)
    rows = _agenda(made.form)
    assert [r[1] for r in rows] == ["Plāna izpilde", "Gadījums", "Gadījums", "Gadījums"]
    zane = rows[1]
    assert zane[3] == "Ludzas valsts ģimnāzija, 7.c klase\nzanete  SENTINELBERGA"
    assert "Situācija: Zanete bieži kavē pirmdienās." in zane[4] and "Situācija: Kavējumi turpinās." in zane[4]
    assert zane[5] is True and zane[6] is False  # description locked, status to choose
    elza = [r for r in rows if r[3] and ELZA in r[3]][0]
    assert elza[4].startswith("Ziņojums 25.01.2026.") and "Situācija: =HYPERLINK" in elza[4]  # text, not a formula
    text = _text(made.draft)
    assert "SANĀKSMES PROTOKOLS Nr. 1" in text and "PROTOKOLA PROJEKTS" in text
    assert "Vieta: Ludza, Raiņa iela 16" in text
    assert f"Lieta {case_ids(mini_ws)[OSKARS]}: Ludzas pilsētas pamatskola, 7.b klase, {OSKARS}" in text
    assert "1. Rīcības plāna īstenošanas izvērtējums par iepriekšējo periodu" in text
    assert "☐ jauns  ☐ izskatīšanā  ☐ atrisināts  ☐ nodots bāriņtiesai" in text
    assert "Ludzas novada Sociālais dienests | loceklis |  | ☐ jā  ☐ nē" in text


def test_same_date_again_refreshes_the_planned_meeting(mini_ws: Workspace) -> None:
    report_three(mini_ws)
    first = new_protocol(mini_ws, meeting_day())
    again = new_protocol(mini_ws, meeting_day(), "Zilupe")
    assert (again.number, again.reused, first.reused) == (1, True, False)
    other = new_protocol(mini_ws, date(2026, 3, 3))
    assert other.number == 2
    # The March meeting is not the year's first: no plan review; it is not the last either.
    assert [r[1] for r in _agenda(other.form)] == ["Gadījums"] * 3


def test_filled_f5_makes_the_final_protocol_and_records_statuses(mini_ws: Workspace) -> None:
    report_three(mini_ws)
    ids = case_ids(mini_ws)
    made = new_protocol(mini_ws, meeting_day(), "Ludza")
    fill_f5(made.form, mini_ws.inbox / "protokols.xlsx",
            statuses={ids[OSKARS]: "atrisināts", ids[ELZA]: "nodots bāriņtiesai"})
    summary = ingest(mini_ws)
    assert summary.accepted == 1, summary.results[0].errors
    final = final_path(mini_ws, 2026, 1)
    text = _text(final)
    assert "PROTOKOLA PROJEKTS" not in text and "Sanāksmi vada: Inese Kalniņa" in text
    assert "Laiks: 2026. gada 10. februāris, plkst. 10:00–12:00" in text
    assert f"3. Lieta {ids[OSKARS]}: Uzdot sociālajam dienestam apsekot ģimeni." in text
    assert "Lietas statuss: nodots bāriņtiesai" in text
    assert "Ludzas novada bāriņtiesa | loceklis |  | jā" in text
    assert "Sanāksmes vadītājs: ______________________________ /Inese Kalniņa/" in text
    conn = sqlite3.connect(mini_ws.store_path)
    statuses = dict(conn.execute("SELECT case_id, status FROM cases").fetchall())
    closed = dict(conn.execute("SELECT case_id, closed_on FROM cases").fetchall())
    state = conn.execute("SELECT state FROM meetings").fetchall()
    conn.close()
    assert statuses[ids[OSKARS]] == "atrisināts" and closed[ids[OSKARS]] == "2026-02-10"
    assert statuses[ids["zanete  SENTINELBERGA"]] == "izskatīšanā" and closed[ids[ELZA]] == "2026-02-10"
    assert state == [("held",)]
    # The next meeting: closed cases are gone, the one under consideration comes back; October is the
    # year's last meeting month in the mini config, so budget proposals close the agenda.
    nxt = new_protocol(mini_ws, date(2026, 10, 6))
    assert agenda_case_ids(nxt.form) == [ids["zanete  SENTINELBERGA"]]
    assert [r[1] for r in _agenda(nxt.form)] == ["Gadījums", "Budžets"]
    assert "Atkārtota izskatīšana" in _agenda(nxt.form)[0][4]


def test_f5_without_case_status_is_rejected_with_a_marked_copy_keeping_the_agenda(mini_ws: Workspace) -> None:
    report_three(mini_ws)
    made = new_protocol(mini_ws, meeting_day(), "Ludza")
    fill_f5(made.form, mini_ws.inbox / "protokols.xlsx", leave_status_empty=True)
    result = ingest(mini_ws).results[0]
    assert result.outcome == "rejected"
    assert any('lauks "Lietas statuss": Norādiet lietas statusu' in e for e in result.errors)
    copy = load_workbook(result.marked_copy)["Darba kārtība"]
    agenda = layout(FORMS["F5"]).table("agenda")
    assert copy[agenda.cell(1, "kind")].value == "Gadījums"
    assert copy[agenda.cell(1, "status")].fill.fgColor.rgb.endswith("FF9C9C")
    assert copy[agenda.cell(1, "decision")].value == "Uzdot sociālajam dienestam apsekot ģimeni."


def test_cli_new_blank_and_final(mini_ws: Workspace) -> None:
    report_three(mini_ws)
    runner = CliRunner()
    res = runner.invoke(cli, ["protocol", "new", "--date", "10.02.2026", "--place", "Ludza"],
                        catch_exceptions=False)
    assert res.exit_code == 0
    assert res.output.splitlines()[:3] == [
        "Sanāksmes protokols Nr. 1 (2026. gada 10. februāris) sagatavots: darba kārtībā 4 jautājumi, "
        "no tiem 3 gadījumi.",
        "Veidlapa F5 protokolistam: forms/protokoli/F5_sanaksmes_protokols_2026_nr1.xlsx",
        "Protokola projekts drukāšanai: outbox/protokoli/protokols_2026_nr1_projekts.docx",
    ]
    assert OSKARS not in res.output
    res = runner.invoke(cli, ["protocol", "blank"], catch_exceptions=False)
    assert res.output == "Tukša protokola veidlapa: outbox/protokoli/protokols_tukss.docx\n"
    blank = _text(mini_ws.outbox / "protokoli" / "protokols_tukss.docx")
    assert "SANĀKSMES PROTOKOLS Nr. ____" in blank and "Lēmumi:" in blank and "Protokolists:" in blank
    res = runner.invoke(cli, ["protocol", "final", "1", "--year", "2026"])
    assert res.exit_code == 1
    assert "2026. gada protokola Nr. 1 aizpildītā veidlapa F5 vēl nav pieņemta" in res.output
    res = runner.invoke(cli, ["protocol", "new", "--date", "31.02.2026"])
    assert res.exit_code == 2 and "“31.02.2026” nav datums" in res.output
    res = runner.invoke(cli, ["protocol", "new", "--date", "2030-03-01"])
    assert res.exit_code == 1
    assert res.output == "Kļūda: sanāksmes datums 01.03.2030 nav plāna periodā 2024–2027\n"


def test_template_is_clean_and_the_context_matches_its_variables(mini_ws: Workspace) -> None:
    from docxtpl import DocxTemplate

    from generator.documents.templates_lint import lint_file
    from generator.protocols.document import TEMPLATE_NAME, TEMPLATE_VARIABLES, context_builder

    template = mini_ws.template(TEMPLATE_NAME)
    assert lint_file(template, set(TEMPLATE_VARIABLES)) == []
    context = context_builder(None, mini_ws.config, None, "blank", date(2026, 2, 1))(DocxTemplate(str(template)))
    assert set(context) == TEMPLATE_VARIABLES
    repo = Path(__file__).parents[1]
    assert (repo / "templates" / TEMPLATE_NAME).read_bytes() == template.read_bytes()


def test_corrected_f5_replaces_the_record_of_the_same_meeting(mini_ws: Workspace) -> None:
    report_three(mini_ws)
    ids = case_ids(mini_ws)
    made = new_protocol(mini_ws, meeting_day(), "Ludza")
    fill_f5(made.form, mini_ws.inbox / "v1.xlsx")
    assert ingest(mini_ws).accepted == 1
    fill_f5(made.form, mini_ws.inbox / "v2.xlsx", statuses={ids[OSKARS]: "atrisināts"}, decision="Lieta slēgta.")
    assert ingest(mini_ws).accepted == 1  # F5 files are not versioned; the meeting record is replaced
    conn = sqlite3.connect(mini_ws.store_path)
    meetings = conn.execute("SELECT count(*), max(state) FROM meetings").fetchone()
    status = conn.execute("SELECT status FROM cases WHERE case_id = ?", (ids[OSKARS],)).fetchone()
    conn.close()
    assert meetings == (1, "held") and status == ("atrisināts",)
    assert f"3. Lieta {ids[OSKARS]}: Lieta slēgta." in _text(final_path(mini_ws, 2026, 1))


def test_text_never_becomes_a_formula_in_the_f5(mini_ws: Workspace) -> None:
    report_three(mini_ws)
    made = new_protocol(mini_ws, meeting_day(), "=HYPERLINK(\"http://x\")")
    slot = layout(FORMS["F5"]).slot("place")
    cell = load_workbook(made.form)[slot.sheet][slot.cell]
    assert cell.data_type == "s" and cell.value == " =HYPERLINK(\"http://x\")"
