"""The registry of forms. Adding a form: write its definition module and add it to ``_MODULES``."""

from __future__ import annotations

from . import f1, f2, f3, f4, f5
from .fields import FormDef

_MODULES = (f1, f2, f3, f4, f5)

#: Every form by id, in order.
FORMS: dict[str, FormDef] = {m.FORM.form_id: m.FORM for m in _MODULES}


def register(form: FormDef) -> None:
    """Add a form defined elsewhere (e.g. F5) to the registry."""
    FORMS[form.form_id] = form


def get_form(form_id: str) -> FormDef:
    """The definition of ``form_id``; ``KeyError`` when unknown."""
    return FORMS[form_id]
