"""Rendering a .docx template with docxtpl: autoescape on, a missing variable is an error."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import DocumentError

if TYPE_CHECKING:  # docxtpl pulls in python-docx and lxml: imported when a document is rendered
    import jinja2
    from docxtpl import DocxTemplate

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


def render_docx(template: Path, build_context: Callable[[DocxTemplate], dict[str, Any]], out: Path) -> Path:
    """Render ``template`` with the context ``build_context(tpl)`` returns and save it to ``out``.

    The context is built with the template object because subdocuments (tables) and inline images
    belong to it.
    """
    import jinja2
    from docxtpl import DocxTemplate

    if not template.is_file():
        raise DocumentError(f"veidne {template} nav atrasta; atjaunojiet to ar "
                            f"`pmp templates restore {template.name}`")
    try:
        tpl = DocxTemplate(str(template))
        context = build_context(tpl)
        tpl.render(context, jinja_env=jinja_env(), autoescape=True)
    except jinja2.UndefinedError as e:
        raise DocumentError(f"veidnē {template.name} lietots nezināms mainīgais: {e.message}") from e
    except jinja2.TemplateSyntaxError as e:
        raise DocumentError(f"veidnē {template.name} ir sintakses kļūda (rinda {e.lineno}): {e.message}; "
                            "pārbaudiet ar `pmp config check`") from e
    out.parent.mkdir(parents=True, exist_ok=True)
    tpl.save(str(out))
    return out
