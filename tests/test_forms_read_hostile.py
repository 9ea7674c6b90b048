"""Every hostile and malformed file of the suite, straight through the reader (python-calamine + XML).

The intake rejects most of these before reading; the reader must still never crash, hang or expand an
entity when it is handed one directly: one whole-workbook error, no form recognised, quickly.
"""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path

import pytest

from generator.core.config import Config
from generator.core.period import Period
from generator.core.workspace import Workspace
from generator.forms import fill_workbook, read_submission
from tests.intake_helpers import (
    OLE,
    entity_bomb,
    many_entries,
    ods_bytes,
    plain_xlsx_bytes,
    replace_part,
    zip_bomb,
)
from tests.test_intake_hostile import CASES

NOT_OURS = "Šī darbgrāmata nav PMP veidlapa"
NOT_XLSX = "Failu nevar atvērt kā Excel darbgrāmatu (.xlsx)"
PARTS = ("xl/workbook.xml", "docProps/core.xml", "xl/worksheets/sheet1.xml", "xl/styles.xml",
         "[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels", "docProps/app.xml")


def _crafted() -> list[tuple[str, bytes]]:
    whole = plain_xlsx_bytes()
    files = [(name, content if content is not None else whole[: len(whole) // 2]) for name, content, _ in CASES]
    files += [(f"bomb-{part}-{pad}", entity_bomb(padding=pad, part=part))
              for part in PARTS for pad in (0, 5000, 100_000)]
    files += [("zip-bomb", zip_bomb(8)), ("many", many_entries(300)), ("ods", ods_bytes()), ("ole", OLE),
              ("no-workbook-rels", replace_part(whole, "xl/_rels/workbook.xml.rels", b"<Relationships")),
              ("garbage-sheet", replace_part(whole, "xl/worksheets/sheet1.xml", os.urandom(3000))),
              ("sheet-not-xml", replace_part(whole, "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row>"))]
    return files


@pytest.mark.parametrize(("name", "content"), _crafted(), ids=[n for n, _ in _crafted()])
def test_hostile_file_through_the_reader(mini_ws: Workspace, tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    started = time.monotonic()
    sub = read_submission(path, mini_ws.config)
    assert time.monotonic() - started < 5
    assert sub.form_id is None and sub.data == {}
    assert len(sub.errors) == 1 and sub.errors[0].cell == ""
    if name.startswith("bomb-"):  # a DTD anywhere is refused, never expanded or skipped
        assert sub.errors[0].text.startswith(NOT_XLSX)


def _tampered_form(cfg: Config, tmp_path: Path, part: str, content: bytes) -> Path:
    path = fill_workbook(cfg, "F1", Period(2025, "school_year"), "sd", tmp_path / "f1.xlsx", seed=1)
    path.write_bytes(replace_part(path.read_bytes(), part, content))
    return path


def test_dtd_in_a_real_form_is_refused(mini_ws: Workspace, tmp_path: Path) -> None:
    path = _tampered_form(mini_ws.config, tmp_path, "docProps/core.xml",
                          b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')
    sub = read_submission(path, mini_ws.config)
    assert len(sub.errors) == 1 and sub.errors[0].text.startswith(NOT_XLSX)


def test_a_form_with_a_broken_sheet_is_refused_not_crashed(mini_ws: Workspace, tmp_path: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(plain_xlsx_bytes())) as zf:
        assert "xl/worksheets/sheet1.xml" in zf.namelist()
    path = _tampered_form(mini_ws.config, tmp_path, "xl/worksheets/sheet2.xml", b"<worksheet><sheetData><row><c")
    sub = read_submission(path, mini_ws.config)
    assert sub.errors and not sub.ok and sub.data == {}
