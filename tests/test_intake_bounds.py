"""Issue 11 rows 9 and 10: bounded work per file before any full parse, capped receipts, and files with
odd names or absurd hidden values answered once — never a crash that is retried forever."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from generator.core.workspace import Workspace
from generator.forms.definitions import FORMS
from generator.forms.fields import layout
from generator.forms.writer import META_SHEET
from generator.intake import ingest_once, process_file
from generator.store import open_store
from tests.intake_helpers import (
    FAST,
    drop,
    filled,
    inbox_names,
    receipts,
    replace_part,
    sheet_part,
    with_extra_rows,
)


def _appended(xlsx: bytes, sheet: str, rows_xml: str) -> bytes:
    """The workbook with ``rows_xml`` added at the end of a sheet's data."""
    part = sheet_part(xlsx, sheet)
    with zipfile.ZipFile(io.BytesIO(xlsx)) as zf:
        xml = zf.read(part).decode("utf-8")
    return replace_part(xlsx, part, xml.replace("</sheetData>", rows_xml + "</sheetData>").encode("utf-8"))


def test_f4_with_100000_extra_rows_refused_quickly_with_a_receipt(mini_ws: Workspace, tmp_path: Path) -> None:
    """Row 9: 100 000 extra rows (under 1 MB, passes every zip limit) are refused from the counts of
    the streamed sheet, long before openpyxl would parse them (18 s and 1.15 GB before)."""
    content = with_extra_rows(filled(mini_ws, "F4", "ip", folder=tmp_path).read_bytes(), "Rādītāji", 100_000)
    assert len(content) < 2 * 1024 * 1024
    path = drop(mini_ws, "F4 rādītāji.xlsx", content)
    started = time.monotonic()
    result = process_file(path, mini_ws, limits=FAST)
    assert time.monotonic() - started < 5
    assert result.outcome == "rejected"
    assert result.errors == [
        "Kļūda: Lapā “Rādītāji” ir aizpildīta vai formatēta 5 001. rinda, bet veidlapa beidzas daudz augstāk "
        "(atļauts līdz 5 000. rindai). Izdzēsiet liekās rindas lapas beigās, saglabājiet un nosūtiet "
        "veidlapu vēlreiz."]
    assert result.receipt is not None and result.receipt.stat().st_size < 4096
    assert (mini_ws.archive / "rejected" / f"{result.sha256}.xlsx").read_bytes() == content


def test_row_limit_counts_rows_even_when_numbered_low(mini_ws: Workspace, tmp_path: Path) -> None:
    """Row numbers can lie (6 000 rows all numbered 7): the rows that hold cells are counted too."""
    base = filled(mini_ws, "F4", "ip", folder=tmp_path).read_bytes()
    rows = "".join(f'<row r="7"><c t="inlineStr"><is><t>{i}</t></is></c></row>' for i in range(6000))
    crafted = _appended(base, "Rādītāji", rows)
    result = process_file(drop(mini_ws, "F4.xlsx", crafted), mini_ws, limits=FAST)
    assert result.outcome == "rejected" and len(result.errors) == 1
    assert result.errors[0].startswith("Kļūda: Lapā “Rādītāji” ir vairāk nekā 5 000 rindu (izmantota vismaz "
                                       "līdz 7. rindai)")


def test_far_column_and_shared_string_flood_refused(mini_ws: Workspace, tmp_path: Path) -> None:
    base = filled(mini_ws, "F4", "ip", folder=tmp_path).read_bytes()
    wide = _appended(base, "Rādītāji", '<row r="999"><c r="XFD999" t="inlineStr"><is><t>x</t></is></c></row>')
    r1 = process_file(drop(mini_ws, "plats.xlsx", wide), mini_ws, limits=FAST)
    assert r1.errors == [
        "Kļūda: Lapā “Rādītāji” ir aizpildīta vai formatēta kolonna XFD, bet veidlapai ir daudz mazāk kolonnu "
        "(atļauts līdz kolonnai CV). Izdzēsiet liekās kolonnas lapas labajā malā, saglabājiet un nosūtiet "
        "veidlapu vēlreiz."]
    sst = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml'
           '/2006/main">' + "".join(f"<si><t>{i}</t></si>" for i in range(60_000)) + "</sst>")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        dst.writestr("xl/sharedStrings.xml", sst)
    r2 = process_file(drop(mini_ws, "teksti.xlsx", out.getvalue()), mini_ws, limits=FAST)
    assert r2.errors == [
        "Kļūda: Darbgrāmatā ir vairāk nekā 50 000 dažādu teksta vērtību; aizpildītā veidlapā to ir daudz "
        "mazāk. Pārbaudiet, vai nav ielīmētas liekas lapas vai apgabali, un nosūtiet veidlapu vēlreiz."]


def test_repeated_errors_are_capped_in_the_receipt(mini_ws: Workspace, tmp_path: Path) -> None:
    """Row 9: 150 rows with the same mistake read as 10 examples and "… un vēl 140 līdzīgas kļūdas"."""
    src = filled(mini_ws, "F1", "sd", folder=tmp_path)
    wb = load_workbook(src)
    acts = layout(FORMS["F1"]).table("activities")
    ws = wb[acts.sheet]
    keys = [c.key for c in acts.table.columns]
    first = [ws.cell(acts.first_row, col).value for col in range(1, len(keys) + 1)]
    for index in range(acts.max_rows or 0):
        for col, value in enumerate(first, start=1):
            ws.cell(acts.first_row + index, col).value = value
        ws.cell(acts.first_row + index, 1 + keys.index("pupils")).value = "daudz"
    wb.save(mini_ws.inbox / "F1 daudz kļūdu.xlsx")
    result = process_file(mini_ws.inbox / "F1 daudz kļūdu.xlsx", mini_ws, limits=FAST)
    assert result.outcome == "rejected"
    assert len(result.errors) == 150
    assert result.receipt is not None
    lines = result.receipt.read_text(encoding="utf-8").splitlines()
    assert "Kļūdas (150):" in lines
    shown = [x for x in lines if x.startswith("  - Kļūda")]
    assert len(shown) == 10
    assert "  - … un vēl 140 līdzīgas kļūdas" in lines
    with open_store(mini_ws) as store:  # the store keeps every finding for the marked copy and status
        row = store.by_sha(result.sha256)
        assert row is not None and len(row.errors) == 150


def test_name_that_is_not_utf8_is_answered_once(mini_ws: Workspace) -> None:
    """Row 10: a name with bytes that are not UTF-8 (an old archive, a foreign disk) is answered; the
    name is shown with "?" for those bytes, and the file is never left to be retried forever."""
    path = filled(mini_ws, "F1", "bt")
    odd = os.fsencode(mini_ws.inbox) + b"/atskaite \xff\xfe.xlsx"
    os.rename(path, odd)
    summary = ingest_once(mini_ws, limits=FAST)
    assert [r.outcome for r in summary.results] == ["accepted"]
    assert inbox_names(mini_ws) == []
    text = (summary.results[0].receipt or Path()).read_text(encoding="utf-8")
    assert 'Fails: "atskaite ??.xlsx"' in text
    again = ingest_once(mini_ws, limits=FAST)
    assert again.results == []
    # The same bytes under a foreign name that is not a workbook: refused with a receipt, once.
    with open(os.fsencode(mini_ws.inbox) + b"/\xe9t\xe9.xlsx", "wb") as fh:
        fh.write(b"not a workbook")
    (result,) = ingest_once(mini_ws, limits=FAST).results
    assert result.outcome == "rejected" and result.receipt is not None
    assert 'Fails: "?t?.xlsx"' in result.receipt.read_text(encoding="utf-8")
    assert inbox_names(mini_ws) == []


def test_absurd_hidden_period_is_refused_with_a_receipt(mini_ws: Workspace, tmp_path: Path) -> None:
    """Row 10: a period of 10^30 in the hidden sheet is refused (it overflowed SQLite before)."""
    src = filled(mini_ws, "F1", "sd", folder=tmp_path)
    wb = load_workbook(src)
    for row in wb[META_SHEET].iter_rows():
        if row[0].value == "period":
            row[1].value = 10**30
    wb.save(mini_ws.inbox / "F1.xlsx")
    summary = ingest_once(mini_ws, limits=FAST)
    assert [r.outcome for r in summary.results] == ["rejected"]
    (result,) = summary.results
    assert result.period is None and result.receipt is not None
    text = result.receipt.read_text(encoding="utf-8")
    assert "REZULTĀTS: NORAIDĪTS. Dati nav saglabāti." in text
    assert "periods" in text and "Periods:" not in text
    assert inbox_names(mini_ws) == [] and ingest_once(mini_ws, limits=FAST).results == []
    with open_store(mini_ws) as store:
        row = store.by_sha(result.sha256)
        assert row is not None and row.period is None and row.state == "rejected"


@pytest.mark.slow
def test_400000_rows_in_bounded_memory(mini_ws: Workspace, tmp_path: Path) -> None:
    """Row 9 as reported: ``pmp ingest`` on the 400 000-row F4 in a child process stays small and quick."""
    content = with_extra_rows(filled(mini_ws, "F4", "ip", folder=tmp_path).read_bytes(), "Rādītāji", 400_000)
    drop(mini_ws, "F4 milzīgs.xlsx", content, age=60)
    code = ("import sys; from generator.cli import cli\n"
            "try:\n    cli(['ingest'])\nexcept SystemExit as e:\n    code = e.code\n"
            "hwm = [x for x in open('/proc/self/status') if x.startswith('VmHWM')][0].split()[1]\n"
            "print('PEAK', hwm)\nsys.exit(code)\n")
    env = {**os.environ, "PMP_WORKSPACE": str(mini_ws.root)}
    started = time.monotonic()
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 0, res.stderr
    assert time.monotonic() - started < 30
    assert "Iesūtne apstrādāta: 1 fails — pieņemti 0, noraidīti 1, jau saņemti 0." in res.stdout
    assert int(res.stdout.split("PEAK")[1].strip()) < 150 * 1024
    assert len(receipts(mini_ws)) == 1


def test_empty_row_calc_saves_at_the_sheet_end_is_not_a_used_row(mini_ws: Workspace, tmp_path: Path) -> None:
    """After rows are deleted Calc saves an empty, styled ``<row r="1048576">`` and a dimension to match:
    it holds no cell, costs no reader anything, and must not refuse the form."""
    base = filled(mini_ws, "F4", "ip", folder=tmp_path).read_bytes()
    saved = _appended(base, "Rādītāji", '<row r="1048576" customFormat="false" ht="12.8" hidden="false"></row>')
    result = process_file(drop(mini_ws, "F4 no Calc.xlsx", saved), mini_ws, limits=FAST)
    assert result.outcome == "accepted", result.errors
