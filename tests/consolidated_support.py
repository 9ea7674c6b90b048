"""A fixed dataset for the consolidated workbook and a dump of every cell of a workbook, to compare outputs.

``tests/data/consolidated/dataset.json`` holds filled F1, F2 and F4 data of the mini workspace (every owed
form, filled by the filler and read back, plus a formula-like text and an institution no longer in
config.toml); ``expected.json`` is :func:`dump_workbook` of the workbook the first implementation (a plain
openpyxl workbook built in memory) wrote from it. A change to the form definitions changes what is
expected: regenerate ``expected.json`` with ``dump_workbook`` of the new output after checking the
difference is the intended one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.core.period import Period
from generator.documents.dataset import Dataset, Receipt

DATA = Path(__file__).parent / "data" / "consolidated"
PERIOD = Period(2025, "school_year")


def golden_dataset() -> Dataset:
    """The dataset of ``dataset.json``: versions and receipt times vary by institution."""
    raw = json.loads((DATA / "dataset.json").read_text(encoding="utf-8"))
    f4 = next(iter(raw["F4"].values()), None)
    ds = Dataset.from_data(PERIOD, f1=raw["F1"], f2=raw["F2"], f4=f4)
    for items in ds.received.values():
        for n, inst in enumerate(sorted(items)):
            items[inst] = Receipt(1 + n % 3, f"2025-06-{10 + n % 20:02d} 12:{n % 60:02d}:00")
    if f4 is not None:
        ds.received["F4"] = {next(iter(raw["F4"])): Receipt(2, "2025-06-30 08:00:00")}
    return ds


def _style(cell: Any) -> list[Any] | None:
    if not cell.has_style:
        return None
    font, fill, al = cell.font, cell.fill, cell.alignment
    return [font.b, font.i, font.sz, fill.fill_type, fill.fgColor.rgb if fill.fill_type else None,
            al.wrap_text, al.vertical, al.horizontal, cell.number_format, cell.protection.locked]


def dump_workbook(path: Path) -> dict[str, Any]:
    """Every sheet's name, frozen panes, filter, column widths and every non-empty cell (value, type, style)."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    out: dict[str, Any] = {"sheets": wb.sheetnames}
    for ws in wb.worksheets:
        cells = [[c.coordinate, c.value, c.data_type, _style(c)] for row in ws.iter_rows() for c in row
                 if c.value is not None or c.has_style]
        out[ws.title] = {
            "freeze_panes": ws.freeze_panes,
            "auto_filter": ws.auto_filter.ref,
            "widths": {k: d.width for k, d in sorted(ws.column_dimensions.items()) if d.width},
            "state": ws.sheet_state,
            "cells": cells,
        }
    return out
