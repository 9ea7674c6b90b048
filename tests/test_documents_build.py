"""``pmp build``, ``pmp report`` and ``pmp plan`` end to end on the small workspace, and the consolidated workbook."""

from __future__ import annotations

import email
import os
import time
from datetime import date

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.core.period import Period
from generator.core.workspace import Workspace
from generator.documents.consolidated import write_consolidated
from generator.documents.dataset import Dataset
from generator.forms import fill_workbook, form_filename

from .test_metrics import school

PERIOD = Period(2025, "school_year")


def submit(ws: Workspace, form: str, inst: str, seed: int = 1) -> None:
    dest = ws.inbox / form_filename(form, PERIOD, inst)
    fill_workbook(ws.config, form, PERIOD, inst, dest, seed=seed)
    past = time.time() - 120
    os.utime(dest, (past, past))


def test_build_ingests_reminds_and_makes_every_document(mini_ws: Workspace) -> None:
    for form, inst in (("F2", "ludzas-vsk"), ("F2", "zilupes-vsk"), ("F1", "sd"), ("F1", "ip"), ("F4", "ip")):
        submit(mini_ws, form, inst)
    result = CliRunner().invoke(cli, ["build", "--period", "2025"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Ludzas novads: 2024./2025. mācību gads" in out
    assert "Iesūtne apstrādāta: 5 faili — pieņemti 5, noraidīti 0, jau saņemti 0." in out
    assert "  Ludzas pilsētas pamatskola: F1, F2" in out
    assert "  Zilupes vidusskola: F1" in out
    year = mini_ws.outbox / "2025"
    for name in ("gada_parskats_2025.docx", "ricibas_plans_2025.docx", "kopsavilkums_2025.xlsx"):
        assert f"  {year / name}" in out
        assert (year / name).is_file()

    reminders = sorted(p.name for p in (year / "atgadinajumi").iterdir())
    assert reminders == [f"atgadinajums_{i}.eml" for i in ("bt", "ludzas-psk", "ludzas-vsk", "pp", "zilupes-vsk")]
    msg = email.message_from_bytes((year / "atgadinajumi" / "atgadinajums_ludzas-psk.eml").read_bytes(),
                                   policy=email.policy.default)
    assert msg["To"] == "pamatskola@ludzasnovads.lv"
    assert msg["X-Unsent"] == "1"
    body = msg.get_body(("plain",)).get_content()
    assert "Iestāde: Ludzas pilsētas pamatskola" in body
    assert "Iesniegšanas termiņš: 2025. gada 31. augusts" in body
    attached = sorted(part.get_filename() for part in msg.iter_attachments())
    assert attached == [form_filename("F1", PERIOD, "ludzas-psk"), form_filename("F2", PERIOD, "ludzas-psk")]
    blank = next(msg.iter_attachments()).get_content()
    assert blank[:2] == b"PK"  # a real workbook

    # The report names the two schools that reported and lists the one that did not.
    report = docx.Document(str(year / "gada_parskats_2025.docx"))
    paras = [p.text for p in report.paragraphs]
    assert "Veidlapu F2 iesniegušas 2 no 3 izglītības iestādēm." in paras
    assert "Ludzas pilsētas pamatskola (F1, F2)" in paras

    # Once the school delivers, a second build drops its reminder.
    submit(mini_ws, "F1", "zilupes-vsk")
    result = CliRunner().invoke(cli, ["build", "--period", "2025"], catch_exceptions=False)
    assert result.exit_code == 0
    assert not (year / "atgadinajumi" / "atgadinajums_zilupes-vsk.eml").exists()


def test_report_and_plan_commands(mini_ws: Workspace) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["report", "--period", "2025"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output == f"Gada pārskats (2024./2025. mācību gads): {mini_ws.outbox / '2025' / 'gada_parskats_2025.docx'}\n"
    result = runner.invoke(cli, ["plan", "--period", "2025"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output == f"Rīcības plāns (2024./2025. mācību gads): {mini_ws.outbox / '2025' / 'ricibas_plans_2025.docx'}\n"
    result = runner.invoke(cli, ["report", "--period", "2031"], catch_exceptions=False)
    assert result.exit_code == 1
    assert "periods 2030./2031. nav plāna periodā 2024–2027" in result.output


def test_pdf_flag_says_clearly_when_libreoffice_is_missing(mini_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("generator.documents.pdf.find_soffice", lambda: None)
    result = CliRunner().invoke(cli, ["plan", "--period", "2025", "--pdf"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "PDF netika izveidots: LibreOffice (soffice) šajā datorā nav atrasts." in result.output


def test_consolidated_workbook(mini_ws: Workspace) -> None:
    f1 = {"sd": {"activities": [
        {"activity": "1.1", "title": "=HYPERLINK(\"http://x\")", "date": "2025-03-12", "place": "@Ludza", "pupils": 3,
         "parents": 4, "teachers": 1, "others": 0, "impact": "-labi", "factors": "+", "sources": "", "funding_eur": 10.5,
         "funding_source": "pasv"},
        {"activity": None, "title": "Cits & <vēl>", "date": "2025-04-01", "place": "", "pupils": 1, "parents": 0,
         "teachers": 0, "others": 0, "impact": "", "factors": "", "sources": "", "funding_eur": 0, "funding_source": ""}],
        "statuses": []}}
    f4 = {"values": [{"indicator": "1", "row": 0, "row_label": "", "value": 72.0, "text": "", "source": "aptauja",
                      "note": "=1+1"}]}
    ds = Dataset.from_data(PERIOD, f1=f1, f2={"ludzas-vsk": school(measures_needed="=SUM(A1:A9)")}, f4=f4)
    path = write_consolidated(mini_ws, mini_ws.config, ds)
    assert path == mini_ws.outbox / "2025" / "kopsavilkums_2025.xlsx"
    wb = openpyxl.load_workbook(path)
    # One sheet of single fields per form and one per table, named after the form definitions.
    assert wb.sheetnames == ["F1 Aktivitāšu pārskats", "F1 Aktivitātes", "F1 Plāna izpilde", "F2 PMP riski",
                             "F2 Stratēģiskie partneri", "F2 9. klašu beidzēji", "F2 12. klašu beidzēji",
                             "F4 Rādītāji"]
    f1_sheet = wb["F1 Aktivitātes"]
    assert f1_sheet.freeze_panes == "A2"
    assert f1_sheet.auto_filter.ref == "A1:Q3"
    head = [c.value for c in f1_sheet[1]]
    assert head[:6] == ["Iestāde", "Iestādes id", "Versija", "Saņemts", "Plāna aktivitāte", "Nosaukums, apraksts"]
    row = [c.value for c in f1_sheet[2]]
    assert row[0] == "Ludzas novada Sociālais dienests"
    assert row[4].startswith("1.1 ")  # the plan activity as the dropdown showed it
    assert row[5] == " =HYPERLINK(\"http://x\")"
    assert row[7] == " @Ludza"
    assert f1_sheet.cell(2, head.index("Ietekme uz stratēģiskajiem mērķiem") + 1).value == " -labi"
    assert f1_sheet.cell(2, head.index("Finansējums, EUR") + 1).value == 10.5
    assert f1_sheet.cell(2, head.index("Finansējuma avots") + 1).value == "Pašvaldības budžets"
    assert f1_sheet.cell(3, 5).value == "cita, nav plānā"
    assert f1_sheet.cell(3, 6).value == "Cits & <vēl>"
    for ws in wb.worksheets:
        for cells in ws.iter_rows():
            for cell in cells:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
    f2_sheet = wb["F2 PMP riski"]
    f2_head = [c.value for c in f2_sheet[1]]
    assert f2_sheet.max_row == 2
    assert f2_sheet.cell(2, f2_head.index("Izglītojamo skaits mācību gada sākumā, 1.–6. klase") + 1).value == 200
    assert f2_sheet.cell(2, f2_head.index("Nepieciešamie pasākumi PMP mazināšanai") + 1).value == " =SUM(A1:A9)"
    assert f2_sheet.cell(2, f2_head.index("Skolai ir PMP prevencijas darba plāns") + 1).value == "jā"
    assert len(set(f2_head)) == len(f2_head)
    assert [[c.value for c in r][4:] for r in wb["F2 9. klašu beidzēji"].iter_rows(min_row=2)] == [
        ["Ludzas tehnikums", 8], ["ģimnāzija", 10]]
    f4_sheet = wb["F4 Rādītāji"]
    assert [c.value for c in f4_sheet[1]][4:] == ["Nr.", "Rādītājs", "Rinda", "Mērv.", "Bāzes vērtība",
                                                  "Mērķa vērtības", "Kā iegūst", "Faktiskā vērtība", "Datu avots",
                                                  "Piezīmes"]
    f4_row = [c.value for c in f4_sheet[2]]
    assert f4_row[4] == "1" and f4_row[7] == "%"  # the locked columns come from the form's prefill
    assert f4_row[11:] == [72.0, "aptauja", " =1+1"]


def test_consolidated_workbook_has_every_field_of_every_form(mini_ws: Workspace) -> None:
    """Every field the form definitions give F1, F2 and F4 is a column; nothing of F3 or F5 is there."""
    from generator.forms.definitions import FORMS
    from generator.forms.fields import Section

    ds = Dataset.from_data(PERIOD, f1={"sd": {"activities": [], "statuses": []}}, f2={"ludzas-vsk": school()},
                           f4={"values": []})
    wb = openpyxl.load_workbook(write_consolidated(mini_ws, mini_ws.config, ds))
    headers = {ws.title: [c.value for c in ws[1]] for ws in wb.worksheets}
    for form_id in ("F1", "F2", "F4"):
        for sheet in FORMS[form_id].sheets:
            for block in sheet.blocks:
                fields = block.fields if isinstance(block, Section) else block.columns
                for f in fields:
                    where = [t for t, h in headers.items() if t.startswith(form_id + " ")
                             and any(x == f.label or x.startswith(f.label + " (") for x in h)]
                    assert where, (form_id, f.key, f.label)
    # The support-measure counts of F2, the status table of F1 and F1's contact person (issue 12).
    assert {"Izglītojamie, kuriem sniegti PMP atbalsta pasākumi (1.–9. kl.)",
            "Izglītojamie, kuriem sniegti PMP atbalsta pasākumi (10.–12. kl.)"} <= set(headers["F2 PMP riski"])
    assert headers["F1 Plāna izpilde"][4:] == ["Plāna aktivitāte", "Izpildes statuss", "Komentārs"]
    assert headers["F1 Aktivitāšu pārskats"][4:] == ["Vārds, uzvārds", "E-pasts"]
    assert not [t for t in headers if t.startswith(("F3", "F5"))]
    personal = {f.label for fid in ("F3", "F5") for sheet in FORMS[fid].sheets for block in sheet.blocks
                for f in (block.fields if isinstance(block, Section) else block.columns)}
    shared = {f.label for fid in ("F1", "F2", "F4") for sheet in FORMS[fid].sheets for block in sheet.blocks
              for f in (block.fields if isinstance(block, Section) else block.columns)}
    everywhere = {h for hs in headers.values() for h in hs[4:]}  # after Iestāde, id, Versija, Saņemts
    assert personal - shared and not (personal - shared) & everywhere


def test_build_without_store_or_inbox_files(mini_ws: Workspace) -> None:
    from generator.pipeline.build import build

    result = build(mini_ws, PERIOD, date(2025, 9, 1))
    assert result.ingest_line.startswith("Iesūtne apstrādāta: 0 faili")
    assert len(result.missing) == 7
    assert all(p.is_file() for p in result.documents)


def test_build_while_a_watcher_holds_the_inbox(mini_ws: Workspace) -> None:
    """A running `pmp watch` owns the inbox: build leaves the files to it and still makes the documents."""
    from generator.intake.lock import intake_lock
    from generator.pipeline.build import build

    submit(mini_ws, "F2", "zilupes-vsk")
    with intake_lock(mini_ws):
        result = build(mini_ws, PERIOD, date(2025, 9, 1))
    assert result.ingest_line == ("Iesūtni pašlaik apstrādā cits process (pmp watch); dokumenti veidoti no jau "
                                  "pieņemtajiem iesniegumiem.")
    assert all(p.is_file() for p in result.documents)
    assert len(list(mini_ws.inbox.glob("*.xlsx"))) == 1  # left for the watcher
