"""The forms writer writes, byte for byte, the workbooks it wrote before its speed-ups (issue 15)."""

from __future__ import annotations

import json

import pytest

from generator.core.workspace import PRESETS

from .writer_digests import DIGESTS, digest, workbooks


@pytest.mark.parametrize("name", PRESETS)
def test_workbooks_are_written_as_before(name: str) -> None:
    expected = json.loads(DIGESTS.read_text(encoding="utf-8"))[name]
    got = {label: digest(data) for label, data in workbooks(name)}
    assert got.keys() == expected.keys()
    assert [k for k in expected if got[k] != expected[k]] == []


def test_a_validation_lists_its_cells_as_openpyxl_does() -> None:
    from openpyxl.worksheet.cell_range import MultiCellRange

    from generator.forms.writer import _Cells

    cells = _Cells()
    for coord in ("B10", "A2", "AA1", "B9", "A10", "C1"):
        cells.add_cell(coord)
    assert str(cells) == str(MultiCellRange("B10 A2 AA1 B9 A10 C1")) == "A2 A10 B9 B10 C1 AA1"
    assert "B9" in cells and "B8" not in cells and bool(cells) and not _Cells()
