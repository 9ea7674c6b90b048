"""Digests of workbooks the forms writer makes, to check that a faster writer writes the same bytes.

``tests/data/writer_digests.json`` holds, for each preset, the sha256 of every part (except
``docProps/core.xml``, the time written) of: each distinct shape of blank form the preset owes in its
first plan year, the F3 and F5 blanks of its first school (where it lists schools), and F1–F3 of that school and F4 of the board filled by the
filler. A change meant to alter the workbooks (a form definition, a label, a style) changes these:
regenerate with ``python -m tests.writer_digests`` after checking the new workbooks.
"""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

from generator.core.config import Config
from generator.core.config_check import parse_config
from generator.core.period import Period
from generator.core.workspace import PRESETS, preset_path
from generator.forms import fill_workbook, owed_forms
from generator.forms.blanks import BlankForms
from generator.forms.definitions import FORMS
from generator.forms.fields import FormContext
from generator.forms.writer import build_workbook

DIGESTS = Path(__file__).parent / "data" / "writer_digests.json"


def preset_config(name: str) -> Config:
    return parse_config(tomllib.loads(Path(preset_path(name)).read_text(encoding="utf-8")))


def digest(data: bytes) -> str:
    """sha256 over every part's name and bytes except ``docProps/core.xml``."""
    h = hashlib.sha256()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            if info.filename != "docProps/core.xml":
                h.update(info.filename.encode() + b"\0" + zf.read(info) + b"\0")
    return h.hexdigest()


def _blank(cfg: Config, period: Period, form_id: str, inst_id: str) -> bytes:
    out = io.BytesIO()
    build_workbook(FORMS[form_id], FormContext(cfg, period, cfg.institution(inst_id))).save(out)
    return out.getvalue()


def workbooks(name: str) -> Iterator[tuple[str, bytes]]:
    """(label, workbook bytes) of what the digests cover for one preset."""
    cfg = preset_config(name)
    period = Period(cfg.period.plan_years[0], cfg.period.kind)
    shapes = BlankForms(cfg, period)
    seen = set()
    for inst, form_id in owed_forms(cfg, period):
        key = shapes._shape(form_id, inst)
        if key not in seen:
            seen.add(key)
            yield f"blank {form_id} {inst.id}", _blank(cfg, period, form_id, inst.id)
    if not cfg.schools:
        return
    school = cfg.schools[0]
    for form_id in ("F3", "F5"):
        yield f"blank {form_id} {school.id}", _blank(cfg, period, form_id, school.id)
    with tempfile.TemporaryDirectory() as tmp:
        for form_id, inst_id in (("F1", school.id), ("F2", school.id), ("F3", school.id), ("F4", cfg.board.id)):
            dest = Path(tmp) / f"{form_id}.xlsx"
            fill_workbook(cfg, form_id, period, inst_id, dest, seed=7)
            yield f"filled {form_id} {inst_id}", dest.read_bytes()


def current() -> dict[str, dict[str, str]]:
    return {name: {label: digest(data) for label, data in workbooks(name)} for name in PRESETS}


if __name__ == "__main__":
    DIGESTS.write_text(json.dumps(current(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
