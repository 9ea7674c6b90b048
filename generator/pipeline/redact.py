"""Finding a purged pupil's name in free text, and covering it: store texts and archived F5 workbooks.

People type names where no form asked for them: the guests of a meeting ("Oskara Sargsentiņa māte"),
the "other" agenda items, narratives about another pupil ("sēž blakus Oskaram"). ``pmp purge`` matches
the case's identifying strings there. A name word matches a word of the text when both, without
diacritics and case, share the stem and the text's word ends in a Latvian case ending ("Oskars",
"Oskara", "Oskaram"; "Sargsentiņš", "Sargsentiņa"); the birth date matches as typed in either format.
Stems that another kept case's pupil shares (two pupils called Oskars) are left alone, so purging one
case never blanks another open case's own name.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..cases.perms import save_private_workbook
from ..core import lv
from ..core.vocab import AGENDA_ITEM_KINDS, CASE_STATUSES, DECISION_KINDS, DECISION_RESULTS
from ..forms.f5 import DECISION_REF

#: What a covered word becomes.
REDACTED = "[dzēsts]"
#: Noun endings of the Latvian declensions, without diacritics, longest first.
ENDINGS = ("iem", "am", "em", "im", "um", "as", "es", "is", "us", "os", "ai", "ei", "ie",
           "a", "e", "i", "u", "o", "s", "")
_WORD = re.compile(r"\w+", re.UNICODE)
MIN_STEM = 3


def plain(word: str) -> str:
    """A word without diacritics and case ("Sargsentiņš" -> "sargsentins")."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def stem(word: str) -> str:
    """The word without its case ending, keeping at least ``MIN_STEM`` letters."""
    w = plain(word)
    for end in ENDINGS:
        if end and w.endswith(end) and len(w) - len(end) >= MIN_STEM:
            return w[: -len(end)]
    return w


def name_stems(names: Iterable[str]) -> set[str]:
    """Stems of every word of the names (words of one or two letters are initials, not matched)."""
    return {stem(w) for name in names for w in _WORD.findall(name) if len(w) >= MIN_STEM and not w.isdigit()}


def _date_forms(iso: str) -> list[str]:
    try:
        d = date.fromisoformat(iso)
    except ValueError:
        return []
    return [iso, lv.date_short(d), f"{d.day}.{d.month}.{d.year}"]


@dataclass
class Redactor:
    """Covers the words of purged names (``stems``) and their birth dates (``dates``) in any text."""

    stems: set[str]
    dates: list[str] = field(default_factory=list)
    covered: int = 0

    @classmethod
    def for_names(cls, names: Iterable[str], births: Iterable[str], keep: Iterable[str] = ()) -> Redactor:
        """A redactor for the purged ``names``, not touching stems of the ``keep`` names."""
        stems = name_stems(names) - name_stems(keep)
        return cls(stems, [f for b in births if b for f in _date_forms(b)])

    def _word(self, m: re.Match[str]) -> str:
        w = plain(m.group(0))
        for s in self.stems:
            if w.startswith(s) and w[len(s):] in ENDINGS:
                self.covered += 1
                return REDACTED
        return m.group(0)

    def text(self, value: str) -> str:
        """``value`` with every matching word (and date) covered."""
        if not value or (not self.stems and not self.dates):
            return value
        out = _WORD.sub(self._word, value)
        for d in self.dates:
            if d in out:
                self.covered += out.count(d)
                out = out.replace(d, REDACTED)
        return out

    def value(self, value: Any) -> Any:
        """Strings inside any JSON-like value covered."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        return value


#: Free-text columns outside a purged case's own rows: (table, key columns, text columns).
FREE_TEXT: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("meetings", ("id",), ("guests", "place", "time_text")),
    ("meeting_members", ("meeting_id", "seq"), ("name",)),
    ("meeting_items", ("meeting_id", "seq"), ("title",)),
    ("meeting_item_text", ("meeting_id", "seq"), ("reporter", "discussed", "decision")),
    ("case_report_text", ("report_id",), ("situation", "actions", "why_unsolved", "legal_basis_other")),
    ("decision_text", ("decision_id",), ("task", "responsible")),
    ("decision_review_text", ("decision_id", "meeting_id"), ("outcome",)),
    ("messages", ("submission_id", "seq"), ("text",)),
    ("submissions", ("id",), ("receipt",)),
)


def redact_store(conn: sqlite3.Connection, red: Redactor) -> set[int]:
    """Cover the names in every free-text column; returns the meetings whose texts changed."""
    meetings: set[int] = set()
    for table, keys, cols in FREE_TEXT:
        for row in conn.execute(f"SELECT {', '.join(keys + cols)} FROM {table}").fetchall():
            key, values = row[: len(keys)], row[len(keys):]
            new = [red.text(v) if isinstance(v, str) else v for v in values]
            if new == list(values):
                continue
            sets = ", ".join(f"{c} = ?" for c in cols)
            where = " AND ".join(f"{k} = ?" for k in keys)
            conn.execute(f"UPDATE {table} SET {sets} WHERE {where}", (*new, *key))
            if table.startswith("meeting"):
                meetings.add(int(key[0]))
            elif table == "decision_review_text":
                meetings.add(int(key[1]))
    for sid, data in conn.execute("SELECT id, data FROM submissions WHERE form_id = 'F5' AND data IS NOT NULL"
                                  ).fetchall():
        new_data = json.dumps(red.value(json.loads(data)), ensure_ascii=False, default=str)
        if new_data != data:
            conn.execute("UPDATE submissions SET data = ? WHERE id = ?", (new_data, sid))
    return meetings


def _purged_rows(wb: Any, purged_cases: set[str]) -> dict[str, set[int]]:
    """Sheet title -> rows about a purged case: rows naming its id, and "Lēmumi" rows of its agenda Nr."""
    from ..forms.definitions import FORMS
    from ..forms.fields import layout

    rows: dict[str, set[int]] = {}
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            if any(isinstance(c.value, str) and c.value.strip() in purged_cases for c in row):
                rows.setdefault(sheet.title, set()).add(row[0].row)
    lay = layout(FORMS["F5"])
    agenda, decisions = lay.table("agenda"), lay.table("decisions")
    if agenda.sheet in wb.sheetnames and decisions.sheet in wb.sheetnames:
        nr_col = [c.key for c in agenda.table.columns].index("nr") + 1
        nrs = {str(wb[agenda.sheet].cell(r, nr_col).value).strip() for r in rows.get(agenda.sheet, set())}
        sheet = wb[decisions.sheet]
        for r in range(decisions.first_row, decisions.first_row + (decisions.max_rows or 0)):
            if str(sheet.cell(r, 1).value).strip() in nrs:
                rows.setdefault(sheet.title, set()).add(r)
    return rows


def redact_workbook(src: Path, dest: Path | None, red: Redactor, purged_cases: set[str]) -> bool:
    """Write ``src`` to ``dest`` with the purged cases' rows emptied and names covered elsewhere.

    A row about a purged case keeps only its codes (numbers, the case id, kinds, statuses, results);
    every other string cell is passed through ``red``. Returns whether anything changed (``dest`` is
    written only then; ``None``: only check).
    """
    from openpyxl import load_workbook

    wb = load_workbook(src)
    purged = _purged_rows(wb, purged_cases)
    changed = False
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            about_purged = row[0].row in purged.get(sheet.title, set())
            for c in row:
                if not isinstance(c.value, str):
                    continue
                if about_purged:
                    new = c.value if c.value.strip() in purged_cases or _code(c.value) else None
                else:
                    new = red.text(c.value)
                if new != c.value:
                    c.value, changed = new, True
    if changed and dest is not None:
        save_private_workbook(wb, dest)
    wb.close()
    return changed


#: Words a purged case's row keeps: they say nothing about the pupil.
_CODES = frozenset([*CASE_STATUSES, *AGENDA_ITEM_KINDS.values(), *DECISION_KINDS.values(),
                    *DECISION_RESULTS.values(), "jā", "nē"])
_NUMBER = re.compile(r"^\d{1,3}\.?$")


def _code(text: str) -> bool:
    """A cell of a purged case's row that says nothing about the pupil: a number, kind, status, result."""
    t = text.strip()
    return t in _CODES or bool(_NUMBER.match(t) or DECISION_REF.match(t))
