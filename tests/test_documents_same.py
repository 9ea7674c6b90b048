"""Every Word document of every preset is the same as the element-by-element python-docx build made it.

The documents' tables and paragraphs are written as XML text (``generator/documents/tables.py``) instead of
built with python-docx property by property, and the extracts are rendered from one opened template
(``generator/documents/render.py``); ``tests/docs_reference.py`` keeps the element-by-element build and the
template opened anew for every document. Each preset's
demo workspace (ingested, built once) is copied twice; one copy makes every document of the period (the
report and its annex, the plan, the public summary, both evaluations, the extracts, a draft protocol) with
the reference build, the other with the code as it is, and every XML part of every document is compared
element by element (canonical XML), the other parts byte for byte.
"""

from __future__ import annotations

import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from generator import protocols
from generator.core.period import Period
from generator.core.workspace import Workspace
from generator.documents import plan, report, report_annex, tables
from generator.documents.dataset import load_dataset
from generator.documents.evaluation import TITLES, make_evaluation
from generator.documents.plan import make_plan
from generator.documents.public import make_extracts, make_public_summary
from generator.documents.report import make_report
from generator.pipeline.demo import run_demo
from generator.protocols import document as protocol_document
from generator.protocols import new_protocol

from . import docs_reference

TODAY = date(2026, 9, 20)
PRESETS = sorted(p.stem for p in (Path(__file__).parents[1] / "generator" / "resources" / "presets").glob("*.toml"))
#: What the reference replaces: the names the document modules reach through ``tables.<name>``, and the
#: names the protocol imported.
REPLACED = ("Block", "new_table", "add_row", "set_text", "shade", "min_height", "vertical_text", "spanning_row",
            "number_row", "merge_down", "fitted_table")


@pytest.fixture(scope="module", params=PRESETS)
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Period]:
    target = tmp_path_factory.mktemp(request.param) / "demo"
    result = run_demo(target, TODAY, preset=request.param)
    return target, result.period


def documents(source: Path, target: Path, period: Period) -> dict[str, dict[str, bytes]]:
    """Every document of ``period`` made in a copy of ``source``: path -> part name -> bytes."""
    shutil.copytree(source, target)
    shutil.rmtree(target / "outbox" / str(period.year))
    ws = Workspace(target)
    ds = load_dataset(ws, period)
    make_report(ws, period, ds, TODAY)
    make_plan(ws, period, ds, TODAY)
    make_public_summary(ws, period, ds, TODAY)
    for kind in TITLES:
        make_evaluation(ws, period, kind, TODAY)  # type: ignore[arg-type]
    make_extracts(ws, period, TODAY)
    new_protocol(ws, min(TODAY, period.end), ws.config.municipality.board_address, today=TODAY)
    out = {}
    for path in sorted(target.rglob("*.docx")):
        if "templates" in path.relative_to(target).parts:
            continue
        with zipfile.ZipFile(path) as z:
            out[str(path.relative_to(target))] = {name: z.read(name) for name in z.namelist()}
    return out


def canonical(data: bytes) -> bytes:
    return etree.tostring(etree.fromstring(data), method="c14n")


def first_difference(a: bytes, b: bytes) -> str:
    """Where two XML parts first differ: the path of the element and both serialisations."""
    x, y = etree.fromstring(a), etree.fromstring(b)
    for ex, ey in zip(x.iter(), y.iter(), strict=False):
        if (ex.tag, ex.attrib, ex.text, len(ex)) != (ey.tag, ey.attrib, ey.text, len(ey)):
            return (f"{x.getroottree().getpath(ex)}: {dict(ex.attrib)} {ex.text!r} ({len(ex)} children) "
                    f"!= {dict(ey.attrib)} {ey.text!r} ({len(ey)} children)")
    return "the same elements, in another order or with other tails"


def test_every_document_is_the_same_as_the_element_by_element_build(
        demo: tuple[Path, Period], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source, period = demo
    new = documents(source, tmp_path / "new", period)
    with monkeypatch.context() as m:
        for name in REPLACED:
            m.setattr(tables, name, getattr(docs_reference, name))
        for name in ("Block", "add_row", "new_table"):
            m.setattr(protocol_document, name, getattr(docs_reference, name))
        for module in (report, plan, protocols):
            m.setattr(module, "render_docx", docs_reference.render_docx)
        m.setattr(report_annex, "TemplateRenderer", docs_reference.TemplateRenderer)
        old = documents(source, tmp_path / "old", period)
    assert sorted(new) == sorted(old)
    assert any("izraksti" in p for p in new) and any("protokol" in p for p in new), sorted(new)
    for path, parts in old.items():
        assert sorted(new[path]) == sorted(parts), path
        for name, data in parts.items():
            if name.endswith((".xml", ".rels")):
                assert canonical(new[path][name]) == canonical(data), \
                    f"{path} {name}: {first_difference(new[path][name], data)}"
            else:
                assert new[path][name] == data, f"{path} {name}"
