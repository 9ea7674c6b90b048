"""What reading a filled workbook yields: the data and every message about it.

This is the contract between the forms (which read and validate workbooks), the intake (which stores
and answers with receipts) and the documents (which aggregate accepted data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class Message:
    """One finding about a workbook. ``text`` is Latvian and says what to change."""

    level: Literal["error", "warning"]
    sheet: str
    cell: str  # "C7", or "" when the finding is about the whole workbook
    field: str  # Latvian label of the field, "" for whole-workbook findings
    text: str

    def line(self) -> str:
        """The receipt line: 'Kļūda — lapa "F2", šūna C7, lauks "…": …'."""
        kind = "Kļūda" if self.level == "error" else "Brīdinājums"
        where = [f'lapa "{self.sheet}"'] if self.sheet else []
        if self.cell:
            where.append(f"šūna {self.cell}")
        if self.field:
            where.append(f'lauks "{self.field}"')
        return f"{kind} — {', '.join(where)}: {self.text}" if where else f"{kind}: {self.text}"


@dataclass
class Submission:
    """A workbook as read back. ``data`` is JSON-serialisable and shaped by the form's definition."""

    form_id: str | None  # "F1".."F5", None when the workbook is not one of ours
    form_version: int | None
    institution: str | None
    period: int | None
    plan_edition: str | None
    data: dict[str, Any] = field(default_factory=dict)
    messages: list[Message] = field(default_factory=list)
    #: Input cells as read, {sheet: {cell: value}}, so a rejection copy can be rebuilt from the definition.
    raw_cells: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: For a workbook whose rows moved (inserted/deleted rows, renamed sheet): (sheet, cell) as the school
    #: sees it -> (sheet, cell) of the form as written, so the marked copy marks the right cell.
    cell_map: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Message]:
        return [m for m in self.messages if m.level == "error"]

    @property
    def warnings(self) -> list[Message]:
        return [m for m in self.messages if m.level == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors
