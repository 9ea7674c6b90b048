"""Lint of the workspace's .docx templates, run by ``pmp config check``.

Finds what makes a restyled template fail or misbehave at render time: a variable the code does not
provide, Word's curly quotes typed inside a tag, a tag that Word split across several text runs
(e.g. after a spelling correction or a change of formatting in the middle), a tag in a paragraph that
carries a section break (rendering would remove the break with the paragraph), and Jinja syntax errors.
"""

from __future__ import annotations

import re
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

from ..core.workspace import Workspace

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


def lint_file(path: Path, known: set[str]) -> list[str]:
    """Problems of one template, one Latvian line each, prefixed with the file name."""
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
        problems += _unknown_variables(path, name, known)
    return problems


def _unknown_variables(path: Path, name: str, known: set[str]) -> list[str]:
    import jinja2
    from docxtpl import DocxTemplate

    try:
        names = DocxTemplate(str(path)).get_undeclared_template_variables(jinja2.Environment())
    except jinja2.TemplateSyntaxError as e:
        return [f"{name}: veidnes sintakses kļūda: {e.message}"]
    return [f"{name}: nezināms mainīgais \"{var}\" (pieejami: {', '.join(sorted(known))})"
            for var in sorted(names - known)]


def lint_templates(ws: Workspace) -> list[str]:
    """One Latvian line per template problem; empty when all templates are sound."""
    from .render import TEMPLATE_NAMES, TEMPLATE_VARIABLES

    problems: list[str] = []
    for key, filename in TEMPLATE_NAMES.items():
        path = ws.template(filename)
        if not path.is_file():
            problems.append(f"templates/{filename}: veidne nav atrasta")
            continue
        problems += lint_file(path, set(TEMPLATE_VARIABLES[key]))
    return problems
