"""The shipped templates: regenerable from code; the linter's findings; status and restore of a workspace's own."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
from click.testing import CliRunner
from docx.oxml import OxmlElement

from generator.cli import cli
from generator.core.workspace import Workspace, resources_dir
from generator.documents.make_templates import BUILDERS, write_templates
from generator.documents.templates_lint import lint_templates

REPO = Path(__file__).resolve().parents[1]


def test_repository_templates_lint_clean() -> None:
    """The repository root is a workspace: its templates/ may be restyled, but must stay usable."""
    assert lint_templates(Workspace(REPO)) == []


def test_templates_regenerate_with_the_same_text(tmp_path: Path) -> None:
    write_templates([tmp_path])
    for name in BUILDERS:
        fresh = [p.text for p in docx.Document(str(tmp_path / name)).paragraphs]
        shipped = [p.text for p in docx.Document(str(resources_dir() / "templates" / name)).paragraphs]
        assert fresh == shipped, name


def test_shipped_templates_lint_clean(mini_ws: Workspace) -> None:
    assert lint_templates(mini_ws) == []


def _own_template(ws: Workspace, name: str) -> docx.document.Document:
    shutil.copyfile(resources_dir() / "templates" / name, ws.templates / name)
    return docx.Document(str(ws.templates / name))


def test_lint_finds_unknown_variable_curly_quotes_split_tags_and_section_breaks(mini_ws: Workspace) -> None:
    doc = _own_template(mini_ws, "gada_parskats.docx")
    doc.add_paragraph("{{ nezinams }}")
    doc.add_paragraph("{{ missing|default(“x”) }}")
    para = doc.add_paragraph()
    para.add_run("{{ board")
    para.add_run("_name }}")
    broken = doc.add_paragraph("{{ period_label }}")
    broken._p.get_or_add_pPr().append(OxmlElement("w:sectPr"))
    doc.save(str(mini_ws.templates / "gada_parskats.docx"))
    problems = lint_templates(mini_ws)
    assert any("birkā {{ missing|default(“x”) }} ir Word „līkās” pēdiņas" in p for p in problems)
    assert any("birka {{ board_name }} sadalīta vairākos teksta fragmentos" in p for p in problems)
    assert any("birka {{ period_label }} atrodas rindkopā ar sadaļas pārtraukumu" in p for p in problems)
    assert all(p.startswith("templates/gada_parskats.docx") for p in problems)

    doc = _own_template(mini_ws, "ricibas_plans.docx")
    doc.add_paragraph("{{ nezinams }}")
    doc.save(str(mini_ws.templates / "ricibas_plans.docx"))
    shutil.copyfile(resources_dir() / "templates" / "gada_parskats.docx", mini_ws.templates / "gada_parskats.docx")
    problems = lint_templates(mini_ws)
    assert len(problems) == 1
    assert problems[0].startswith('templates/ricibas_plans.docx: nezināms mainīgais "nezinams" (pieejami: ')


def test_config_check_reports_template_problems(mini_ws: Workspace) -> None:
    doc = _own_template(mini_ws, "ricibas_plans.docx")
    doc.add_paragraph("{{ nezinams }}")
    doc.save(str(mini_ws.templates / "ricibas_plans.docx"))
    result = CliRunner().invoke(cli, ["config", "check"], catch_exceptions=False)
    assert result.exit_code == 1
    assert 'templates/ricibas_plans.docx: nezināms mainīgais "nezinams"' in result.output


def test_lint_reports_a_section_the_workspace_template_lost(mini_ws: Workspace) -> None:
    doc = _own_template(mini_ws, "gada_parskats.docx")
    for para in doc.paragraphs:
        if "indicator_table" in para.text:
            para._p.getparent().remove(para._p)
    doc.save(str(mini_ws.templates / "gada_parskats.docx"))
    problems = lint_templates(mini_ws)
    assert problems == [
        'templates/gada_parskats.docx: trūkst mainīgā "indicator_table" — šī daļa dokumentā netiks izdrukāta; '
        'ievietojiet birku {{ indicator_table }} atpakaļ vai atjaunojiet veidni ar '
        '"pmp templates restore gada_parskats.docx"']


def test_templates_status_and_restore(mini_ws: Workspace) -> None:
    runner = CliRunner()
    doc = _own_template(mini_ws, "ricibas_plans.docx")
    doc.add_paragraph("Apstiprināts domes sēdē.")
    doc.save(str(mini_ws.templates / "ricibas_plans.docx"))
    _own_template(mini_ws, "gada_parskats.docx")
    result = runner.invoke(cli, ["templates", "status"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "templates/gada_parskats.docx: sakrīt ar piegādāto",
        "templates/ricibas_plans.docx: mainīta (darba vietas noformējums)",
        "templates/protokols_sanaksme.docx: nav darba vietā — izmanto piegādāto",
        "templates/dokuments.docx: nav darba vietā — izmanto piegādāto",
    ]
    result = runner.invoke(cli, ["templates", "restore", "ricibas_plans.docx"], catch_exceptions=False)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Atjaunota piegādātā veidne templates/ricibas_plans.docx."
    assert lines[1].startswith("Jūsu noformētā kopija saglabāta: templates/ricibas_plans.")
    kept = mini_ws.templates / lines[1].split("templates/")[1]
    assert "Apstiprināts domes sēdē." in [p.text for p in docx.Document(str(kept)).paragraphs]
    assert (mini_ws.templates / "ricibas_plans.docx").read_bytes() == (
        resources_dir() / "templates" / "ricibas_plans.docx").read_bytes()
    # nothing is written into the installed package
    assert not any(p.name.count(".") > 1 for p in (resources_dir() / "templates").iterdir())
