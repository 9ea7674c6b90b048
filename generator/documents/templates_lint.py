"""Lint of the workspace's .docx templates, run by ``pmp config check``.

Finds what makes a restyled template fail or misbehave at render time: a variable the code does not
provide, a variable the shipped template prints that the workspace's copy lost (a whole section would
be missing from the document), Word's curly quotes typed inside a tag, a tag that Word split across several text runs
(e.g. after a spelling correction or a change of formatting in the middle), a tag in a paragraph that
carries a section break (rendering would remove the break with the paragraph), and Jinja syntax errors.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import jinja2
from docx import Document
from docx.oxml.ns import qn
from docxtpl import DocxTemplate

from ..core.workspace import Workspace
from .render import TEMPLATE_NAMES, TEMPLATE_VARIABLES
from .templates import shipped_template

TAG_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}")
CURLY = "“”„‘’«»"


def _paragraphs(doc: object) -> list[tuple[str, object]]:
    """(part name, w:p element) for the body, headers and footers."""
    out: list[tuple[str, object]] = []
    body = doc.element.body  # type: ignore[attr-defined]
    out += [("teksts", p) for p in body.iter(qn("w:p"))]
    for section in doc.sections:  # type: ignore[attr-defined]
        for name, part in (("galvene", section.header), ("kājene", section.footer)):
            if part.is_linked_to_previous:
                continue
            out += [(name, p) for p in part._element.iter(qn("w:p"))]
    return out


def _runs(p: object) -> list[str]:
    return ["".join(t.text or "" for t in r.iter(qn("w:t"))) for r in p.iter(qn("w:r"))]  # type: ignore[attr-defined]


def lint_file(path: Path, known: set[str], required: set[str] | None = None) -> list[str]:
    """Problems of one template, one Latvian line each, prefixed with the file name.

    ``known``: the variables the code provides; ``required``: those the template must print.
    """
    name = f"templates/{path.name}"
    problems: list[str] = []
    try:
        doc = Document(str(path))
    except Exception as e:  # python-docx raises several kinds for a damaged file
        return [f"{name}: nevar atvērt kā Word dokumentu ({e})"]
    for where, p in _paragraphs(doc):
        runs = _runs(p)
        text = "".join(runs)
        tags = TAG_RE.findall(text)
        if not tags and ("{{" in text or "{%" in text):
            problems.append(f"{name} ({where}): nepabeigta birka rindkopā \"{text[:60]}\"")
        for tag in tags:
            if any(q in tag for q in CURLY):
                problems.append(f"{name} ({where}): birkā {tag} ir Word „līkās” pēdiņas — "
                                "aizstājiet ar taisnajām (\" vai ')")
            if not any(tag in run for run in runs):
                problems.append(f"{name} ({where}): birka {tag} sadalīta vairākos teksta fragmentos — "
                                "izdzēsiet to un ierakstiet vēlreiz vienā piegājienā bez formatējuma maiņas")
        ppr = p.find(qn("w:pPr"))  # type: ignore[attr-defined]
        if tags and ppr is not None and ppr.find(qn("w:sectPr")) is not None:
            problems.append(f"{name} ({where}): birka {tags[0]} atrodas rindkopā ar sadaļas pārtraukumu — "
                            "pārvietojiet birku uz citu rindkopu")
    if not problems:
        problems += _variable_problems(path, name, known, required or set())
    return problems


def template_variables(path: Path) -> set[str]:
    """The variables a template prints (raises ``jinja2.TemplateSyntaxError``)."""
    return set(DocxTemplate(str(path)).get_undeclared_template_variables(jinja2.Environment()))


def _variable_problems(path: Path, name: str, known: set[str], required: set[str]) -> list[str]:
    try:
        names = template_variables(path)
    except jinja2.TemplateSyntaxError as e:
        return [f"{name}: veidnes sintakses kļūda: {e.message}"]
    return ([f"{name}: nezināms mainīgais \"{var}\" (pieejami: {', '.join(sorted(known))})"
             for var in sorted(names - known)]
            + [f"{name}: trūkst mainīgā \"{var}\" — šī daļa dokumentā netiks izdrukāta; ievietojiet birku "
               f"{{{{ {var} }}}} atpakaļ vai atjaunojiet veidni ar \"pmp templates restore {path.name}\""
               for var in sorted(required - names)])


def lint_templates(ws: Workspace) -> list[str]:
    """One Latvian line per template problem; empty when all templates are sound."""
    problems: list[str] = []
    for key, filename in TEMPLATE_NAMES.items():
        path = ws.template(filename)
        if not path.is_file():
            problems.append(f"templates/{filename}: veidne nav atrasta")
            continue
        problems += lint_file(path, set(TEMPLATE_VARIABLES[key]), _required(filename))
    return problems


@cache
def _required(filename: str) -> set[str]:
    """What the shipped master prints: a workspace copy must print it too."""
    return template_variables(shipped_template(filename))
