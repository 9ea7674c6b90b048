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
from generator.core.workspace import Workspace, init_workspace
from generator.documents import plan, render, report, report_annex, tables
from generator.documents.common import institution, reported_statuses
from generator.documents.dataset import load_dataset
from generator.documents.evaluation import TITLES, make_evaluation
from generator.documents.plan import make_plan
from generator.documents.public import Roles, make_extracts, make_public_summary
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


@pytest.mark.slow
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


# ---- the indexes the documents use instead of walks over every institution or F1 -------------------------

@pytest.mark.parametrize("preset", PRESETS)
def test_indexes_give_what_the_walks_give(preset: str, tmp_path: Path) -> None:
    cfg = init_workspace(tmp_path / "ws", preset).config
    roles = Roles(cfg)
    for inst in [*cfg.institutions, *cfg.institutions[:1]]:
        assert institution(cfg, inst.id) is cfg.institution(inst.id)
        for years in (None, *({y} for y in cfg.period.plan_years), set(cfg.period.plan_years)):
            got = roles.activities_for(inst.id, years)
            assert [a for a, _ in got] == cfg.activities_for(inst.id, years)
            assert [r for _, r in got] == [any(i.id == inst.id for i in cfg.resolve_refs(a.responsible))
                                           for a, _ in got]
    with pytest.raises(KeyError):
        institution(cfg, "nav-tādas")
    numbers = [a.number for a in cfg.plan.activities]
    f1 = {inst.id: {"statuses": [{"activity": numbers[n % len(numbers)], "status": s, "comment": c}
                                 for n, (s, c) in enumerate([("īstenota", ""), ("", "x"), ("daļēji", "vēl")])]}
          for inst in reversed(cfg.institutions[:5])}

    def walk(number: str) -> dict[str, tuple[str, str]]:
        out = {}
        for inst, data in sorted(f1.items()):
            for item in data.get("statuses") or []:
                if str(item.get("activity")) == number and item.get("status"):
                    out[inst] = (str(item["status"]), str(item.get("comment") or ""))
        return out

    for number in [*numbers, "nav"]:
        assert reported_statuses(f1, number) == walk(number)
    first = cfg.institutions[0].id
    f1[first]["statuses"].append({"activity": numbers[0], "status": "nav īstenota", "comment": "vēlāk"})
    assert reported_statuses(f1, numbers[0]) == walk(numbers[0])  # a changed status list is noticed


@pytest.mark.parametrize("place", ["paragraph", "cell", "run", "twice"])
def test_a_block_anywhere_in_a_template_renders_as_before(place: str, tmp_path: Path) -> None:
    """A block in its own paragraph or a table cell is written in place of its placeholder; placed inside a
    run of text (a broken template), the document is rendered again the old way: the same either way."""
    import docx

    doc = docx.Document()
    doc.add_paragraph("Virsraksts {{ title }}")
    if place == "cell":
        doc.add_table(rows=1, cols=2).cell(0, 1).paragraphs[0].add_run("{{p body }}")
    elif place == "run":
        doc.add_paragraph("Teksts {{ body }} beigas")
    else:
        doc.add_paragraph("{{p body }}")
        if place == "twice":
            doc.add_paragraph("{{p body }}")
    template = tmp_path / "veidne.docx"
    doc.save(str(template))

    def context(_tpl: object) -> dict[str, object]:
        block = tables.Block()
        block.add_text("Ievads & <beigas> {_{ x }_}", style="Heading 2")
        tables.fitted_table(block, ["A", "B"], [1, 2], [("row", ["1", "divi\ttab"]), ("goal", ["mērķis"])],
                            16.0, 8)
        return {"title": "T", "body": block}

    renderer = render.TemplateRenderer(template)
    for n in range(2):  # the second render restores the opened template
        renderer.render(context, tmp_path / f"new{n}.docx")
    with pytest.MonkeyPatch.context() as m:
        for name in REPLACED:
            m.setattr(tables, name, getattr(docs_reference, name))
        docs_reference.render_docx(template, context, tmp_path / "old.docx")
    old = zipfile.ZipFile(tmp_path / "old.docx")
    for n in range(2):
        new = zipfile.ZipFile(tmp_path / f"new{n}.docx")
        assert sorted(new.namelist()) == sorted(old.namelist())
        for name in old.namelist():
            if name.endswith((".xml", ".rels")):
                assert canonical(new.read(name)) == canonical(old.read(name)), name
            else:
                assert new.read(name) == old.read(name), name


def test_a_failing_deferred_part_leaves_the_earlier_document(tmp_path: Path) -> None:
    """Deferred content is made while the document is written; when it fails, the document an earlier
    build wrote stays as it was and nothing half-written is left beside it."""
    import docx

    doc = docx.Document()
    doc.add_paragraph("{{p body }}")
    template = tmp_path / "veidne.docx"
    doc.save(str(template))
    out = tmp_path / "out" / "dokuments.docx"

    def body(fail: bool) -> tables.Block:
        block = tables.Block()
        block.add_text("pirms")

        def part(inner: tables.Block) -> None:
            if fail:
                raise ValueError("neizdevās")
            inner.add_text("vēlāk")

        block.defer(part)
        return block

    renderer = render.TemplateRenderer(template)
    renderer.render(lambda _tpl: {"body": body(False)}, out)
    before = out.read_bytes()
    assert "vēlāk" in zipfile.ZipFile(out).read("word/document.xml").decode()
    with pytest.raises(ValueError, match="neizdevās"):
        renderer.render(lambda _tpl: {"body": body(True)}, out)
    assert out.read_bytes() == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["dokuments.docx"]
