"""The reader given the parts the bound stage already decompressed reads exactly what it reads alone."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from generator.core.workspace import Workspace
from generator.forms import read_submission
from generator.forms.submission import Submission
from generator.intake.bound import bound
from tests.intake_helpers import FAST, entity_bomb, filled, replace_part, sheet_part


def _same_reading(path: Path, ws: Workspace) -> Submission:
    parts: dict[str, bytes] = {}
    assert bound(path, FAST, parts)[0] is None
    assert parts
    alone, handed = read_submission(path, ws.config), read_submission(path, ws.config, parts)
    assert handed == alone
    return handed


def _with_error_cell(xlsx: bytes, sheet: str, cell: str) -> bytes:
    part = sheet_part(xlsx, sheet)
    with zipfile.ZipFile(io.BytesIO(xlsx)) as zf:
        xml = zf.read(part).decode("utf-8")
    error = f'<c r="{cell}" t="e"><f>Pasākums notika skolā</f><v>#VALUE!</v></c>'
    edited, n = re.subn(rf'<c r="{cell}"[^>]*?(?:/>|>.*?</c>)', error, xml, count=1)
    assert n == 1
    return replace_part(xlsx, part, edited.encode("utf-8"))


@pytest.mark.parametrize(("form", "inst", "errors"), [
    ("F1", "sd", ()), ("F2", "sd", ()), ("F4", "ip", ()), ("F1", "bt", ()), ("F3", "sd", ()),
    ("F1", "sd", ("wrong_type", "bad_activity", "date_outside_period")), ("F2", "sd", ("negative_count",)),
])
def test_parts_handed_over_read_the_same(mini_ws: Workspace, tmp_path: Path, form: str, inst: str,
                                         errors: tuple[str, ...]) -> None:
    _same_reading(filled(mini_ws, form, inst, errors=errors, folder=tmp_path), mini_ws)


def test_error_cell_found_in_handed_parts(mini_ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "e.xlsx"
    path.write_bytes(_with_error_cell(filled(mini_ws, "F1", "sd", folder=tmp_path).read_bytes(), "Aktivitātes", "B7"))
    sub = _same_reading(path, mini_ws)
    assert [(m.cell, m.text.split(",")[0]) for m in sub.errors] == [("B7", "Šūnā ir formulas kļūda #VALUE!")]


def test_dtd_in_a_part_not_handed_over_is_still_refused(mini_ws: Workspace, tmp_path: Path) -> None:
    """Parts missing from the hand-over are read from the zip and checked as before."""
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(entity_bomb(part="docProps/core.xml"))
    parts = {"xl/workbook.xml": zipfile.ZipFile(path).read("xl/workbook.xml")}
    assert read_submission(path, mini_ws.config, parts) == read_submission(path, mini_ws.config)


def test_plan_edition_computed_once_per_config_and_again_when_it_changes(mini_ws: Workspace) -> None:
    from generator.forms.reader import _plan_edition

    cfg = mini_ws.config
    assert _plan_edition(cfg) == cfg.plan_edition()
    fewer = cfg.model_copy(update={"plan": cfg.plan.model_copy(update={"activities": cfg.plan.activities[:-1]})})
    assert _plan_edition(fewer) == fewer.plan_edition() != cfg.plan_edition()
    assert _plan_edition(cfg) == cfg.plan_edition()
    before = cfg.plan_edition()
    cfg.plan.activities.pop()  # a list changed in place
    assert _plan_edition(cfg) == cfg.plan_edition() != before


def test_is_empty_strips_what_the_spaces_pattern_matches() -> None:
    """``is_empty`` uses ``str.strip()``: the same characters as ``_SPACES``, over all of Unicode."""
    import sys

    from generator.forms.values import _SPACES, is_empty

    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        assert is_empty(ch) == (not _SPACES.sub("", ch)), hex(code)
        assert is_empty(f"{ch}{ch} ") == (not _SPACES.sub("", f"{ch}{ch} ")), hex(code)


def test_institution_index_follows_the_config(mini_ws: Workspace) -> None:
    from generator.forms.fields import institution_by_id

    cfg = mini_ws.config
    for inst in cfg.institutions:
        assert institution_by_id(cfg, inst.id) is cfg.institution(inst.id)
    assert institution_by_id(cfg, "nav-tads") is None
    first = cfg.institutions[0]
    renamed = first.model_copy(update={"id": "jauns-id"})
    other = cfg.model_copy(update={"institutions": [renamed, *cfg.institutions[1:]]})
    assert institution_by_id(other, "jauns-id") is renamed and institution_by_id(other, first.id) is None
    assert institution_by_id(cfg, first.id) is first
    cfg.institutions.append(renamed)  # a list changed in place
    assert institution_by_id(cfg, "jauns-id") is renamed
    cfg.institutions.remove(first)
    assert institution_by_id(cfg, first.id) is None
