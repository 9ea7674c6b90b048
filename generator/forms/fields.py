"""The building blocks of a form definition: fields, sections, tables, sheets, forms.

A form is a list of sheets; a sheet is a vertical stack of blocks; a block is either a
:class:`Section` of single fields (label in column A, input in column B, help in column C) or a
:class:`Table` (a header row and input rows). Cell positions are not written by hand: :func:`layout`
derives them from the definition, so the writer, the reader, the validator and the filler always
agree. Adding a form means writing one definition module and registering it in ``definitions.py``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from ..core.period import Period
from ..core.vocab import ACTIVITY_STATUSES, BASIC_STAGES, GRADES_7_12, UPPER_SECONDARY_STAGE
from .package import column_letter as get_column_letter

if TYPE_CHECKING:
    from ..core.config import Config, Institution

#: The hidden sheet holding form id, version and period, and the mark of a cell a school need not fill
#: (kept here, below the writer, so that reading a workbook never imports openpyxl).
META_SHEET = "Metadati"
NOT_APPLICABLE = "—"

Kind = Literal["text", "int", "float", "date", "choice", "bool", "email", "numtext"]

#: First row of the first block on every data sheet (rows 1–3: title, institution, period).
FIRST_BLOCK_ROW = 5
INSTITUTION_CELL = "B2"
PERIOD_CELL = "B3"

#: Stage applicability keys: a field marked with one is "not applicable" for schools without it.


def stage_applies(stage: str | None, inst: Institution) -> bool:
    """Whether a field tied to ``stage`` (a stage code, "basic", "secondary" or "7-12") applies."""
    if stage is None:
        return True
    stages = set(inst.stages)
    if stage == "basic":
        return bool(stages & BASIC_STAGES)
    if stage == "secondary":
        return UPPER_SECONDARY_STAGE in stages
    if stage == "7-12":
        return bool(stages & set(GRADES_7_12))
    return stage in stages


@dataclass(frozen=True)
class Field:
    """One input: a single field in a section, or a column of a table.

    ``key`` may be dotted ("pupils_start.1-6"); the reader nests such keys into dictionaries.
    ``choices`` names a list from :meth:`FormContext.choices`. ``lines`` > 1 makes a tall, wrapped
    cell for narratives. ``locked`` columns of prefilled tables are written by the form, not typed.
    """

    key: str
    label: str
    kind: Kind = "text"
    required: bool = False
    help: str = ""
    choices: str | None = None
    min: float | None = 0
    max: float | None = None
    in_period: bool = True  # dates only: must fall inside the reporting period
    stage: str | None = None
    lines: int = 1
    width: float = 18
    locked: bool = False

    @property
    def is_number(self) -> bool:
        return self.kind in ("int", "float")


@dataclass(frozen=True)
class Section:
    """A heading followed by single fields, one per row."""

    title: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Table:
    """A repeating table. ``rows`` free input rows, or rows from ``prefill`` (one dict per row).

    A prefilled table must be the last block of its sheet (its length depends on the plan).
    """

    key: str
    title: str
    columns: tuple[Field, ...]
    rows: int = 20
    prefill: Callable[[FormContext], list[dict[str, Any]]] | None = None
    help: str = ""


Block = Section | Table


@dataclass(frozen=True)
class Sheet:
    """A visible data sheet: Latvian ``name`` (≤ 31 characters), title, blocks, column widths."""

    name: str
    title: str
    blocks: tuple[Block, ...]
    widths: tuple[float, ...] = (58, 42, 40)
    landscape: bool = False


@dataclass
class FormDef:
    """A whole form. ``finish`` reshapes the read data (e.g. yes/no flags into a list)."""

    form_id: str
    version: int
    title: str
    slug: str  # file name part, e.g. "situacijas_apraksts"
    sheets: tuple[Sheet, ...]
    applies_to: Callable[[Institution, Config], bool]
    #: Lines of the instructions sheet; a function of the context when they name the period.
    instructions: tuple[str, ...] | Callable[[FormContext], tuple[str, ...]] = ()
    finish: Callable[[dict[str, Any], FormContext], dict[str, Any]] | None = None
    rules: Callable[[Any], None] | None = None  # cross-field checks, see validate.py
    generated: bool = True  # written blank by `pmp forms` (F5 is made by `pmp protocol new` instead)
    owed: bool = True  # every institution it applies to must submit it each period (not F3, F5)
    versioned: bool = True  # a new file replaces the institution's previous one for the period
    #: Narrows ``applies_to`` to a period's plan years (F1: kind "other" only when named in an activity then).
    in_period: Callable[[Institution, Config, set[int]], bool] | None = None

    def instructions_for(self, ctx: FormContext) -> tuple[str, ...]:
        """The instructions sheet's lines for one institution and period."""
        return self.instructions(ctx) if callable(self.instructions) else self.instructions

    def applies(self, inst: Institution, cfg: Config, years: set[int] | None = None) -> bool:
        """Whether ``inst`` gets this form (for a period of ``years``); ``reports = false`` opts out of all."""
        if inst.reports is False or not self.applies_to(inst, cfg):
            return False
        return years is None or self.in_period is None or self.in_period(inst, cfg, years)


@dataclass
class FormContext:
    """Everything a form needs to be written, read or validated for one institution and period."""

    cfg: Config
    period: Period
    institution: Institution
    _cache: dict[str, list[tuple[Any, str]]] = field(default_factory=dict, repr=False, compare=False)

    def applies(self, f: Field) -> bool:
        return stage_applies(f.stage, self.institution)

    def choices(self, name: str) -> list[tuple[Any, str]]:
        """A dropdown list as (value, Latvian label) pairs (built once per context)."""
        if name not in self._cache:
            self._cache[name] = CHOICE_LISTS[name](self)
        return self._cache[name]


#: (the institutions, {id: institution}) of the last config looked up: see :func:`institution_by_id`.
_by_id: tuple[tuple[Institution, ...], dict[str, Institution]] | None = None


def institution_by_id(cfg: Config, inst_id: str) -> Institution | None:
    """``cfg.institution(inst_id)`` (None instead of KeyError) through an index built once per list of
    institutions: the intake looks one up for every file, and a walk over every institution made each
    file's cost grow with the number of schools. The index is rebuilt when any institution in the list is
    another object (a copy of the config, an institution added, removed or replaced); the objects are held,
    so none is ever mistaken for another."""
    global _by_id
    insts = cfg.institutions
    if _by_id is None or len(_by_id[0]) != len(insts) or not all(map(operator.is_, _by_id[0], insts)):
        index: dict[str, Institution] = {}
        for inst in insts:
            index.setdefault(inst.id, inst)  # the first one, as Config.institution finds it
        _by_id = (tuple(insts), index)
    return _by_id[1].get(inst_id)


OTHER_ACTIVITY = "cita, nav plānā"
STATUSES = ACTIVITY_STATUSES


def activity_label(number: str, title: str) -> str:
    """How a plan activity appears in a dropdown: number and (shortened) title."""
    short = title if len(title) <= 90 else title[:87].rstrip() + "…"
    return f"{number} {short}"


def _activities(ctx: FormContext) -> list[tuple[Any, str]]:
    years = ctx.period.plan_years
    out: list[tuple[Any, str]] = [
        (a.number, activity_label(a.number, a.title)) for a in ctx.cfg.plan.activities if set(a.years) & years
    ]
    out.append((None, OTHER_ACTIVITY))
    return out


def _own_activities(ctx: FormContext) -> list[tuple[Any, str]]:
    acts = ctx.cfg.activities_for(ctx.institution.id, ctx.period.plan_years)
    return [(a.number, activity_label(a.number, a.title)) for a in acts]


CHOICE_LISTS: dict[str, Callable[[FormContext], list[tuple[Any, str]]]] = {
    "activities": _activities,
    "own_activities": _own_activities,
    "statuses": lambda ctx: [(s, s) for s in STATUSES],
    "funding": lambda ctx: [(f.id, f.name) for f in ctx.cfg.funding_sources],
    "yesno": lambda ctx: [(True, "jā"), (False, "nē")],
    "recipient": lambda ctx: [("ip", "Izglītības pārvaldei"), ("sd", "Sociālajam dienestam"),
                              ("both", "Izglītības pārvaldei un sociālajam dienestam")],
}


# ---- layout --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Slot:
    """Where a single field sits."""

    sheet: str
    row: int
    col: int
    field: Field

    @property
    def cell(self) -> str:
        return f"{get_column_letter(self.col)}{self.row}"


@dataclass(frozen=True)
class TableSlot:
    """Where a table sits: its title row, header row and first data row; ``max_rows`` for free tables."""

    sheet: str
    table: Table
    title_row: int
    header_row: int
    first_row: int
    max_rows: int | None  # None: prefilled, runs to the end of the sheet

    def cell(self, index: int, col_key: str) -> str:
        col = 1 + [c.key for c in self.table.columns].index(col_key)
        return f"{get_column_letter(col)}{self.first_row + index}"


@dataclass
class Layout:
    singles: list[Slot] = field(default_factory=list)
    tables: list[TableSlot] = field(default_factory=list)
    section_rows: list[tuple[str, int, str]] = field(default_factory=list)  # (sheet, row, title)

    def slot(self, key: str) -> Slot:
        for s in self.singles:
            if s.field.key == key:
                return s
        raise KeyError(key)

    def table(self, key: str) -> TableSlot:
        for t in self.tables:
            if t.table.key == key:
                return t
        raise KeyError(key)


def layout(form: FormDef) -> Layout:
    """Cell positions of every field and table of ``form`` (independent of institution and period)."""
    out = Layout()
    for sheet in form.sheets:
        row = FIRST_BLOCK_ROW
        for n, block in enumerate(sheet.blocks):
            if isinstance(block, Section):
                out.section_rows.append((sheet.name, row, block.title))
                row += 1
                for f in block.fields:
                    out.singles.append(Slot(sheet.name, row, 2, f))
                    row += 1
                row += 1
            else:
                if block.prefill is not None and n != len(sheet.blocks) - 1:
                    raise ValueError(f"{form.form_id}: prefilled table {block.key} must be last on its sheet")
                out.tables.append(TableSlot(sheet.name, block, row, row + 1, row + 2,
                                            None if block.prefill else block.rows))
                row += 2 + block.rows + 1
    return out
