"""Rendering a .docx template with docxtpl: autoescape on, a missing variable is an error."""

from __future__ import annotations

import io
import os
import re
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import DocumentError

if TYPE_CHECKING:  # docxtpl pulls in python-docx and lxml: imported when a document is rendered
    import jinja2
    from docxtpl import DocxTemplate

    from .tables import Block

#: Names every template may use, per template file; the linter reports any other name.
TEMPLATE_NAMES = {"report": "gada_parskats.docx", "plan": "ricibas_plans.docx",
                  "protocol": "protokols_sanaksme.docx", "document": "dokuments.docx"}
TEMPLATE_VARIABLES: dict[str, frozenset[str]] = {
    "report": frozenset({
        "genitive", "board_name", "board_address", "plan_years", "period_label", "place", "date_text",
        "footer_text", "preparation_lines", "reported_summary", "reported_table", "missing", "situation_lines",
        "situation_table", "situation_chart", "levels", "other_activities", "annex_note", "extra_tables",
        "indicator_summary", "indicator_table", "indicator_chart", "coop_lines", "conclusions",
    }),
    "plan": frozenset({
        "genitive", "board_name", "plan_years", "edition_date", "edition_id", "period_label", "prepared_text",
        "before_tables", "table_caption", "plan_table", "inferred_note", "after_tables", "status_summary",
        "previous_edition_text", "changes", "footer_text",
    }),
    # The generic document: the report's annex, evaluations, the public summary, per-institution extracts.
    "document": frozenset({"genitive", "board_name", "title", "subtitle", "date_text", "footer_text", "body"}),
    # The cooperation group's protocol (generator/protocols/document.py builds its context).
    "protocol": frozenset({
        "municipality", "group_name", "number_text", "draft_note", "place", "when", "chair", "secretary",
        "participants", "agenda", "discussion", "decisions", "chair_sign", "secretary_sign", "footer_text",
    }),
}


def jinja_env() -> jinja2.Environment:
    """The environment for every template: autoescape (a school's ``&`` or ``<`` stays literal) and
    StrictUndefined (a missing variable raises instead of printing nothing)."""
    import jinja2

    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)


def _compiling_once(env: jinja2.Environment) -> jinja2.Environment:
    """``env`` keeping each template source it compiles: docxtpl compiles the body, every header and footer
    and each core property of a template anew on every render, the same sources every time."""
    compiled: dict[str, Any] = {}
    from_string = env.from_string

    def cached(source: Any, globals: Any = None, template_class: Any = None) -> Any:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return from_string(source, globals, template_class)
        if source not in compiled:
            compiled[source] = from_string(source)
        return compiled[source]

    env.from_string = cached  # type: ignore[method-assign]
    return env


class TemplateRenderer:
    """Renders one .docx template, as often as asked, with docxtpl.

    The template is opened once: before each later render the parts docxtpl's render changes are put back as
    they were loaded (the body, the header and footer relationships it points at new parts, the core
    properties, the footnotes, any relationship added), so every document is what a freshly opened template
    gives (``tests/test_documents_same.py``), without parsing the package again (the extracts: one document
    per institution).
    """

    def __init__(self, template: Path) -> None:
        self.template = template
        self._tpl: DocxTemplate | None = None
        self._saved: _Saved | None = None
        self._env = _compiling_once(jinja_env())
        self._prototype: bytes | None = None
        self._prototype_names: list[Any] = []

    def _fresh(self) -> DocxTemplate:
        from docxtpl import DocxTemplate

        if self._tpl is not None and self._saved is not None and self._saved.restore(self._tpl):
            return self._tpl
        if not self.template.is_file():
            raise DocumentError(f"veidne {self.template} nav atrasta; atjaunojiet to ar "
                                f"`pmp templates restore {self.template.name}`")
        tpl = DocxTemplate(str(self.template))
        tpl.init_docx()
        self._tpl, self._saved = tpl, _Saved(tpl)
        return tpl

    def render(self, build_context: Callable[[DocxTemplate], dict[str, Any]], out: Path) -> Path:
        """Render with the context ``build_context(tpl)`` returns and save the document to ``out``.

        The context is built with the template object because subdocuments (tables) and inline images
        belong to it. Blocks (:class:`tables.Block`) stand in the template as placeholders and their XML is
        written into the saved document; where a template places one other than as a paragraph of the body
        or of a table cell, the document is rendered again with the blocks' XML in the template.
        """
        from .tables import placeholders

        with placeholders() as blocks:
            tpl = self._render(build_context)
        if not self._save(tpl, out, blocks):
            self._save(self._render(build_context), out, {})
        return out

    def _render(self, build_context: Callable[[DocxTemplate], dict[str, Any]]) -> DocxTemplate:
        import jinja2

        template = self.template
        try:
            tpl = self._fresh()
            context = build_context(tpl)
            tpl.render(context, jinja_env=self._env, autoescape=True)
        except jinja2.UndefinedError as e:
            self._tpl = None
            raise DocumentError(f"veidnē {template.name} lietots nezināms mainīgais: {e.message}") from e
        except jinja2.TemplateSyntaxError as e:
            self._tpl = None
            raise DocumentError(f"veidnē {template.name} ir sintakses kļūda (rinda {e.lineno}): {e.message}; "
                                "pārbaudiet ar `pmp config check`") from e
        except BaseException:
            self._tpl = None
            raise
        return tpl

    def _save(self, tpl: DocxTemplate, out: Path, blocks: dict[str, Block]) -> bool:
        """Save the rendered document as the entries no render changes (written by python-docx once per set of
        parts) plus the parts the render changed, each block's XML in place of its placeholder. False (nothing
        written) when a placeholder is not where a block's paragraphs and tables can stand."""
        assert tpl.docx is not None and self._saved is not None
        package = tpl.docx.part.package
        parts = list(package.parts)
        changed = [p for p in parts if p not in self._saved.unchanged]
        if blocks and not _placeholders_in_place(changed, blocks):
            return False
        names = [p.partname for p in parts]
        if self._prototype is None or self._prototype_names != names:
            saved = io.BytesIO()
            tpl.save(saved)
            self._prototype, self._prototype_names = self._saved.prototype(saved, parts), names
        out.parent.mkdir(parents=True, exist_ok=True)
        # Written beside and then moved over ``out``: a block's deferred content is made while writing, and
        # should it fail, the document of an earlier build stays as it was (as when the context failed).
        partial = out.with_name(f".{out.name}.part")
        try:
            partial.write_bytes(self._prototype)
            with zipfile.ZipFile(partial, "a", compression=zipfile.ZIP_DEFLATED) as z:
                for part in changed:
                    part.before_marshal()
                    _write_entry(z, part.partname.membername, part.blob, blocks)
                    if len(part.rels):
                        z.writestr(part.partname.rels_uri.membername, part.rels.xml)
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
        return True


#: Where a block's paragraphs and tables may stand: the body and table cells.
_BLOCK_PARENTS = ("body", "tc")
_PLACEHOLDER_BYTES = re.compile(rb'<w:pmpBlock w:n="(\d+)"/>')


def _placeholders_in_place(parts: list[Any], blocks: dict[str, Block]) -> bool:
    """Whether every block's placeholder is in these parts, each where a paragraph may stand."""
    from docx.opc.part import XmlPart
    from docx.oxml.ns import qn

    from .tables import PLACEHOLDER

    tag, allowed = qn(PLACEHOLDER), {qn(f"w:{name}") for name in _BLOCK_PARENTS}
    found = set()
    for part in parts:
        if isinstance(part, XmlPart):
            for el in part.element.iter(tag):
                parent = el.getparent()
                if parent is None or parent.tag not in allowed or el.get(qn("w:n")) not in blocks:
                    return False
                found.add(el.get(qn("w:n")))
    return found == set(blocks)


def _write_entry(z: zipfile.ZipFile, name: str, blob: bytes, blocks: dict[str, Block]) -> None:
    """One zip entry; a placeholder in ``blob`` gets its block's XML, streamed in (never one string)."""
    pieces = _PLACEHOLDER_BYTES.split(blob) if blocks else [blob]
    if len(pieces) == 1:
        z.writestr(name, blob)
        return
    info = zipfile.ZipInfo(name, date_time=time.localtime(time.time())[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    with z.open(info, "w") as f:
        for n, piece in enumerate(pieces):
            if n % 2 == 0:
                f.write(piece)
            else:
                for chunk in blocks[piece.decode()].chunks():
                    f.write(chunk)


class _Saved:
    """What a docxtpl render changes in an opened template, as it was loaded."""

    def __init__(self, tpl: DocxTemplate) -> None:
        from copy import deepcopy

        doc = tpl.docx
        assert doc is not None
        package = doc.part.package
        self.body = deepcopy(doc.element.body)
        self.rels = [(rels, dict(rels), dict(rels.related_parts), {k: r._target for k, r in rels.items()})
                     for rels in (package.rels, doc.part.rels)]
        self.core = [(part, deepcopy(part._element)) for part in package.parts
                     if part.content_type.endswith("core-properties+xml")]
        self.blobs = [(part, part._blob) for part in package.parts if hasattr(part, "_blob")]
        # What a render leaves as loaded: every part but the body's, the headers' and footers' (docxtpl makes
        # them anew), the core properties and the footnotes.
        header_footer = {r._target for r in doc.part.rels.values() if r.reltype in (tpl.HEADER_URI, tpl.FOOTER_URI)}
        self.unchanged = {part for part in package.parts
                          if part is not doc.part and part not in header_footer
                          and not part.content_type.endswith(("core-properties+xml", "footnotes+xml"))}

    def prototype(self, saved: io.BytesIO, parts: list[Any]) -> bytes:
        """The entries of the document python-docx saved to ``saved`` that every later render writes the same:
        the content types and package relationships (same parts), the unchanged parts and their relationships."""
        keep = {"[Content_Types].xml", "_rels/.rels"}
        for part in parts:
            if part in self.unchanged:
                keep.add(part.partname.membername)
                if len(part.rels):
                    keep.add(part.partname.rels_uri.membername)
        buffer = io.BytesIO()
        with zipfile.ZipFile(saved) as z, zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as out:
            for info in z.infolist():
                if info.filename in keep:
                    out.writestr(info, z.read(info))
        return buffer.getvalue()

    def restore(self, tpl: DocxTemplate) -> bool:
        """Put ``tpl`` back as it was loaded; False when it cannot be (open the template again)."""
        from copy import deepcopy

        doc = tpl.docx
        if doc is None:
            return False
        doc.element.replace(doc.element.body, deepcopy(self.body))
        for rels, items, related, targets in self.rels:
            rels.clear()
            rels.update(items)
            rels.related_parts.clear()
            rels.related_parts.update(related)
            for key, target in targets.items():
                items[key]._target = target
        for part, element in self.core:
            part._element = deepcopy(element)
        for part, blob in self.blobs:
            part._blob = blob
        tpl.is_rendered = False
        return True


def render_docx(template: Path, build_context: Callable[[DocxTemplate], dict[str, Any]], out: Path) -> Path:
    """Render ``template`` with the context ``build_context(tpl)`` returns and save it to ``out``."""
    return TemplateRenderer(template).render(build_context, out)
