"""The consolidated workbook, written as a stream (issue 15), has every cell of the in-memory workbook."""

from __future__ import annotations

import json
import tracemalloc

from generator.core.workspace import Workspace
from generator.documents.consolidated import write_consolidated
from generator.documents.dataset import Dataset

from .consolidated_support import DATA, PERIOD, dump_workbook, golden_dataset


def test_same_cells_as_the_in_memory_workbook(mini_ws: Workspace) -> None:
    """Every sheet, frozen pane, filter, column width and cell (value, type and style) as before."""
    expected = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))
    got = dump_workbook(write_consolidated(mini_ws, mini_ws.config, golden_dataset()))
    assert got["sheets"] == expected["sheets"]
    for name in expected["sheets"]:
        assert got[name] == expected[name], name


def test_no_row_is_held(mini_ws: Workspace) -> None:
    """Ten times the institutions' rows do not take ten times the memory (rows are streamed)."""
    base = golden_dataset()
    many = Dataset.from_data(PERIOD, f1={f"{inst}-{n}": data for n in range(10) for inst, data in base.f1.items()},
                             f2={f"{inst}-{n}": data for n in range(10) for inst, data in base.f2.items()},
                             f4=base.f4)

    def peak(ds: Dataset) -> int:
        tracemalloc.start()
        try:
            write_consolidated(mini_ws, mini_ws.config, ds)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    peak(base)  # first use: caches of the form definitions
    assert peak(many) < 3 * peak(base)
