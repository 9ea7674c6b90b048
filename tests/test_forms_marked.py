"""The rejection copy: rebuilt from the definition, faulty cells red and commented, no formulas."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from generator.core.errors import FormError
from generator.core.period import Period
from generator.core.workspace import Workspace
from generator.forms import fill_workbook, read_submission, write_marked_copy
from generator.forms.submission import Submission

P2025 = Period(2025, "school_year")


def test_marked_copy_marks_faulty_cells(mini_ws: Workspace, tmp_path: Path) -> None:
    cfg = mini_ws.config
    path = fill_workbook(cfg, "F2", P2025, "zilupes-vsk", tmp_path / "in.xlsx", errors=("ranks_not_unique",
                                                                                       "wrong_type"))
    sub = read_submission(path, cfg)
    out = write_marked_copy(sub, cfg, tmp_path / "marked.xlsx")
    ws = load_workbook(out)["Situācijas apraksts"]
    assert ws["B51"].value == "daudz"  # their value kept as typed
    assert ws["B51"].fill.fgColor.rgb == "00FF9C9C"
    assert ws["B51"].comment.text == "Kļūda: “daudz” nav vesels skaitlis. Ierakstiet veselu skaitli, piemēram 12."
    assert ws["B24"].comment.text.startswith("Kļūda: Rangs 1 norādīts vairākām riska grupām.")
    assert ws["B26"].comment is None and ws["B26"].fill.fgColor.rgb == "00FFF2CC"
    assert ws["B6"].value == sub.data["pupils_start"]["1-6"]
    # the rebuilt copy reads back to the same data and messages
    again = read_submission(out, cfg)
    assert again.data == sub.data and again.messages == sub.messages


def test_text_never_becomes_a_formula(mini_ws: Workspace, tmp_path: Path) -> None:
    cfg = mini_ws.config
    path = fill_workbook(cfg, "F1", P2025, "sd", tmp_path / "in.xlsx")
    wb = load_workbook(path)
    ws = wb["Aktivitātes"]
    ws["B7"].value = '=HYPERLINK("http://x","klik")'
    ws["B7"].data_type = "s"
    ws["D7"].value = "-1+2"
    ws["E7"].value = "@daudz"
    ws["E7"].data_type = "s"
    wb.save(path)
    sub = read_submission(path, cfg)
    assert sub.data["activities"][0]["title"] == '=HYPERLINK("http://x","klik")'
    out = write_marked_copy(sub, cfg, tmp_path / "marked.xlsx")
    marked = load_workbook(out)["Aktivitātes"]
    for cell, text in (("B7", ' =HYPERLINK("http://x","klik")'), ("D7", " -1+2"), ("E7", " @daudz")):
        assert marked[cell].value == text and marked[cell].data_type == "s"
    assert marked["E7"].comment.text.startswith("Kļūda: “@daudz” nav vesels skaitlis.")


def test_marked_copy_needs_a_known_form(mini_ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(FormError, match="iesniegumu nevar atjaunot"):
        write_marked_copy(Submission(None, None, None, None, None), mini_ws.config, tmp_path / "x.xlsx")
