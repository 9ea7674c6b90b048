"""Stage three: bound the work a workbook can cause before any full parse.

Every XML part is streamed once through expat in small chunks, counting as it goes — rows, the highest
row and column used, cells and the characters they hold in each sheet; items and characters in the
shared strings — and the scan stops at the first limit passed. Memory stays a few chunks whatever the
file holds, and time is bounded by the limits (and each part's declared size), not by what the sender
put in. A part that declares a DTD or is not well-formed XML is refused here too, so the reader after
this stage only ever sees well-formed, bounded parts: an exception there is our fault, not the file's.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

from ..core import lv
from .safety import EXPECTED, XML_TRICK, Limits

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CHUNK = 64 * 1024
_CELL = f"{_MAIN} c"
_ROW = f"{_MAIN} row"

#: A workbook part bigger than this (uncompressed) is never parsed; forms are far smaller.
MAX_PART_BYTES = 40 * 1024 * 1024

TOO_MANY_ROWS = ("Lapā “{sheet}” ir vairāk nekā {limit} rindu (izmantota vismaz līdz {last}. rindai); "
                 "veidlapā tik daudz rindu nav paredzēts. Izdzēsiet liekās rindas lapas beigās (atlasiet "
                 "tās, labais klikšķis → “Dzēst rindas”), saglabājiet un nosūtiet veidlapu vēlreiz.")
TOO_FAR_ROW = ("Lapā “{sheet}” ir aizpildīta vai formatēta {last}. rinda, bet veidlapa beidzas daudz "
               "augstāk (atļauts līdz {limit}. rindai). Izdzēsiet liekās rindas lapas beigās, saglabājiet "
               "un nosūtiet veidlapu vēlreiz.")
TOO_FAR_COLUMN = ("Lapā “{sheet}” ir aizpildīta vai formatēta kolonna {column}, bet veidlapai ir daudz "
                  "mazāk kolonnu (atļauts līdz kolonnai {limit}). Izdzēsiet liekās kolonnas lapas labajā "
                  "malā, saglabājiet un nosūtiet veidlapu vēlreiz.")
TOO_MANY_CELLS = ("Darbgrāmatā ir vairāk nekā {limit} aizpildītu šūnu; aizpildītā veidlapā to ir daudz "
                  "mazāk. Pārbaudiet, vai lapās nav ielīmēti lieli apgabali, izdzēsiet tos un nosūtiet "
                  "veidlapu vēlreiz.")
TOO_MANY_STRINGS = ("Darbgrāmatā ir vairāk nekā {limit} dažādu teksta vērtību; aizpildītā veidlapā to ir "
                    "daudz mazāk. Pārbaudiet, vai nav ielīmētas liekas lapas vai apgabali, un nosūtiet "
                    "veidlapu vēlreiz.")
TOO_MUCH_TEXT = ("Darbgrāmatā ir vairāk nekā {limit} teksta rakstzīmju; aizpildītā veidlapā to ir daudz "
                 "mazāk. Pārbaudiet, vai nav ielīmēti lieli teksti vai liekas lapas, un nosūtiet veidlapu "
                 "vēlreiz.")
PART_TOO_BIG = (f"Darbgrāmatas daļa “{{part}}” ir pārāk liela ({{size}}); aizpildītā veidlapā tā ir daudz "
                f"mazāka. {EXPECTED}")
BROKEN_PART = ("Darbgrāmatas daļa “{part}” ir bojāta (tā nav pareizs XML). Atveriet failu Excel vai "
               f"LibreOffice Calc, saglabājiet kā .xlsx un nosūtiet vēlreiz. {EXPECTED}")


class _Stop(Exception):
    """A limit was passed: the reason in Latvian."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _RootReached(Exception):
    """The root element of a part whose content is not counted: past the point a DTD could be."""


def _root_reached(tag: str, attrs: dict[str, str]) -> None:
    raise _RootReached


@dataclass
class Counts:
    """What the scan saw (for the messages, the benchmark and the tests)."""

    sheets: dict[str, int] = field(default_factory=dict)  # sheet name -> rows
    cells: int = 0
    strings: int = 0
    text: int = 0
    sheet_names: list[str] = field(default_factory=list)


def column_number(letters: str) -> int:
    """``"A"`` → 1, ``"XFD"`` → 16384."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def column_letters(n: int) -> str:
    """1 → ``"A"``, 16384 → ``"XFD"``."""
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _group(n: int) -> str:
    """Thousands separated by a space, as Latvian text writes them (5 000)."""
    return lv.number(n, group=True)


def _parser(on_start: Any = None, on_text: Any = None) -> Any:
    p = expat.ParserCreate(namespace_separator=" ")

    def no_dtd(*_: object) -> None:
        raise _Stop(XML_TRICK)

    p.StartDoctypeDeclHandler = no_dtd
    p.EntityDeclHandler = no_dtd
    p.ExternalEntityRefHandler = no_dtd
    if on_start is not None:
        p.StartElementHandler = on_start
    if on_text is not None:
        p.CharacterDataHandler = on_text
    p.buffer_text = True
    return p


def _feed(zf: zipfile.ZipFile, info: zipfile.ZipInfo, parser: Any) -> None:
    with zf.open(info) as fh:
        while chunk := fh.read(_CHUNK):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _sheet_names(zf: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Worksheet part → the sheet's name, from workbook.xml and its relationships."""
    rid_name: dict[str, str] = {}
    targets: dict[str, str] = {}

    def on_sheet(tag: str, attrs: dict[str, str]) -> None:
        if tag == f"{_MAIN} sheet":
            rid_name[attrs.get(f"{_REL} id", "")] = attrs.get("name", "")

    def on_rel(tag: str, attrs: dict[str, str]) -> None:
        if tag == f"{_PKG_REL} Relationship":
            targets[attrs.get("Id", "")] = attrs.get("Target", "")

    for part, handler in (("xl/workbook.xml", on_sheet), ("xl/_rels/workbook.xml.rels", on_rel)):
        if part in names:
            _feed(zf, zf.getinfo(part), _parser(handler))
    out = {}
    for rid, name in rid_name.items():
        target = targets.get(rid, "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        out[part] = name
    return out


class _Scan:
    """The counting handlers for one workbook."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.counts = Counts()
        self.sheet = ""
        self.rows = 0  # rows that hold at least one cell
        self.row_number = 0  # of the <row> being read
        self.row_counted = False

    def _text(self, data: str) -> None:
        self.counts.text += len(data)
        if self.counts.text > self.limits.max_text:
            raise _Stop(TOO_MUCH_TEXT.format(limit=_group(self.limits.max_text)))

    def on_sheet(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == _CELL:
            self.counts.cells += 1
            if self.counts.cells > self.limits.max_cells:
                raise _Stop(TOO_MANY_CELLS.format(limit=_group(self.limits.max_cells)))
            ref = attrs.get("r", "")
            digits = ref.lstrip("$ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
            letters = ref[: len(ref) - len(digits)].strip("$")
            # Up to two letters is at most column ZZ; only then is the exact number worth computing.
            if len(letters) > 1 and column_number(letters) > self.limits.max_columns:
                raise _Stop(TOO_FAR_COLUMN.format(sheet=self.sheet, column=letters.upper(),
                                                  limit=column_letters(self.limits.max_columns)))
            last = max(self.row_number, int(digits.lstrip("$")) if digits.lstrip("$").isdigit() else 0)
            if not self.row_counted or last > self.row_number:
                self.row_counted = True
                self.row_number = last
                self.rows += 1
                self._check_rows()
        elif tag == _ROW:
            # Only rows holding cells count: Calc saves an empty, styled <row r="1048576"/> after rows
            # are deleted, and empty rows cost a reader nothing.
            r = attrs.get("r", "")
            self.row_number = int(r) if r.isdigit() else self.row_number + 1
            self.row_counted = False

    def _check_rows(self) -> None:
        if self.row_number > self.limits.max_rows or self.rows > self.limits.max_rows:
            text = TOO_MANY_ROWS if self.rows > self.limits.max_rows else TOO_FAR_ROW
            raise _Stop(text.format(sheet=self.sheet, limit=_group(self.limits.max_rows),
                                    last=_group(self.row_number)))

    def on_strings(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == f"{_MAIN} si":
            self.counts.strings += 1
            if self.counts.strings > self.limits.max_strings:
                raise _Stop(TOO_MANY_STRINGS.format(limit=_group(self.limits.max_strings)))
        elif tag == f"{_MAIN} sst":
            declared = attrs.get("uniqueCount", "")
            if declared.isdigit() and int(declared) > self.limits.max_strings:
                raise _Stop(TOO_MANY_STRINGS.format(limit=_group(self.limits.max_strings)))

    def part(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str | None) -> None:
        name = info.filename
        if info.file_size > MAX_PART_BYTES:
            raise _Stop(PART_TOO_BIG.format(part=name, size=f"{info.file_size / 1024 / 1024:.0f} MB"))
        if sheet is not None:
            self.sheet, self.rows, self.row_number, self.row_counted = sheet, 0, 0, False
            parser = _parser(self.on_sheet, self._text)
        elif name.lower().endswith("sharedstrings.xml"):
            parser = _parser(self.on_strings, self._text)
        else:
            # Nothing to count: only a DTD matters, and one can only come before the root element.
            parser = _parser(_root_reached)
        try:
            _feed(zf, info, parser)
        except _RootReached:
            pass
        except expat.ExpatError as e:
            raise _Stop(BROKEN_PART.format(part=name)) from e
        if sheet is not None:
            self.counts.sheets[sheet] = self.rows


def bound(path: Path, limits: Limits) -> tuple[str | None, Counts]:
    """Why ``path`` must be refused before it is read (one Latvian reason), or None; and the counts.

    Runs after :func:`generator.intake.safety.precheck` has opened the file as a zip and checked its
    entry count and compression ratios.
    """
    scan = _Scan(limits)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if i.filename.lower().endswith((".xml", ".rels"))]
            names = {i.filename for i in infos}
            sheets = _sheet_names(zf, names)
            scan.counts.sheet_names = list(sheets.values())
            for info in infos:
                sheet = sheets.get(info.filename)
                if sheet is None and info.filename.startswith("xl/worksheets/") and "/_rels/" not in info.filename:
                    sheet = posixpath.basename(info.filename)
                scan.part(zf, info, sheet)
    except _Stop as stop:
        return stop.reason, scan.counts
    except expat.ExpatError:
        return BROKEN_PART.format(part="xl/workbook.xml"), scan.counts
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, ValueError) as e:
        detail = "CRC" if "CRC" in str(e) else type(e).__name__
        return (f"Fails ir bojāts vai nepilnīgs (to nevar atvērt kā .xlsx; {detail}). Nosūtiet to vēlreiz. "
                f"{EXPECTED}"), scan.counts
    return None, scan.counts
