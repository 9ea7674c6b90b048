"""Warnings that need the store: a school's figures compared with its own accepted figures of last year."""

from __future__ import annotations

from ..forms.definitions import FORMS
from ..forms.fields import layout
from ..forms.submission import Message, Submission
from ..store import Store

#: F2 counts whose jump by more than half over last year is flagged (DESIGN.md, "Intake").
RISING = ("at_risk_basic", "at_risk_secondary")
#: Below this many pupils a rise by half is ordinary noise (2 -> 4) and is not flagged.
MIN_COUNT = 5


def trend_warnings(store: Store, sub: Submission) -> list[Message]:
    """Warnings for an F2 whose at-risk counts are larger than last year's by more than half."""
    if sub.form_id != "F2" or sub.institution is None or sub.period is None or sub.errors:
        return []
    before = store.accepted_data(sub.institution, "F2", sub.period - 1)
    if before is None:
        return []
    lay = layout(FORMS["F2"])
    out = []
    for key in RISING:
        now, last = sub.data.get(key), before.get(key)
        if isinstance(now, int) and isinstance(last, int) and now >= MIN_COUNT and now > 1.5 * last:
            slot = lay.slot(key)
            out.append(Message(
                "warning", slot.sheet, slot.cell, slot.field.label,
                f"Skaits ({now}) ir vairāk nekā pusotru reizi lielāks nekā pagājušajā periodā ({last}). "
                "Pārbaudiet, vai skaitlis ir pareizs; ja ir, paskaidrojiet pieaugumu laukā “Komentārs par riska grupām”.",
            ))
    return out
