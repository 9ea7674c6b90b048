"""Stage three: bound the work a workbook can cause before any full parse.

Every XML part is streamed once through expat in small chunks, counting as it goes — rows, the highest
row and column used, cells and the characters they hold in each sheet; items and characters in the
shared strings — and the scan stops at the first limit passed. Memory stays a few chunks whatever the
file holds, and time is bounded by the limits (and each part's declared size), not by what the sender
put in. A part that declares a DTD or is not well-formed XML is refused here too, so the reader after
this stage only ever sees well-formed, bounded parts: an exception there is our fault, not the file's.

That scan calls Python for every element (≈ 2 700 calls for an F1), so a quick pass goes first: each
part is read whole once (small parts only) and parsed by expat with no per-element handler (C speed:
well-formed, no DTD), and byte counts give upper bounds of what the exact scan would count (``<c`` tags
bound the cells, the bytes bound the characters, ``r`` attribute values bound the row numbers and
columns). When every bound is within the limits, the exact scan could not refuse the file either. A
part whose bounds are not clearly within the limits is scanned exactly; and any refusal, odd encoding or
error sends the whole file through the exact scan from the start, so every message stays the one it
gives. The parts read whole are handed on (``parts``) so the reader does not decompress them again.
"""

from __future__ import annotations

import posixpath
import re
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
#: Parts up to this size (declared, uncompressed) are read whole by the quick pass, up to the total below;
#: bigger ones are streamed by the exact scan as before (a filled form's parts are well under 200 KB).
QUICK_PART_BYTES = 2 * 1024 * 1024
QUICK_TOTAL_BYTES = 8 * 1024 * 1024
#: An XML declaration's encoding (the quick pass's byte counts hold for UTF-8 only).
_DECLARED = re.compile(rb"<\?xml\s[^>]*?encoding\s*=\s*[\"']([^\"']*)")
#: Values of every unprefixed ``r`` attribute (and of any text that looks like one), up to a quote. An
#: attribute follows whitespace; when a part has no tab or line break, that is a space, and the second
#: pattern (starting with a literal, so found several times faster) finds the same values.
_R_VALUES = re.compile(rb"\sr\s*=\s*[\"']([^\"'<]*)")
_R_SPACED_VALUES = re.compile(rb" r\s*=\s*[\"']([^\"'<]*)")
_UNIQUE_COUNTS = re.compile(rb"uniqueCount\s*=\s*[\"']([^\"'<]*)")
_DIGIT_RUNS = re.compile(rb"[0-9]+")
_LONG_DIGIT_RUN = re.compile(rb"[0-9]{4}")
_LETTER_RUNS = re.compile(rb"[A-Za-z$]{2,}")

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


def _feed(zf: zipfile.ZipFile, info: zipfile.ZipInfo, parser: Any, data: bytes | None = None) -> None:
    """Stream a part through ``parser`` in chunks: from the zip, or from its bytes when already read."""
    if data is not None:
        for start in range(0, len(data), _CHUNK):
            parser.Parse(data[start:start + _CHUNK], False)
    else:
        with zf.open(info) as fh:
            while chunk := fh.read(_CHUNK):
                parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _sheet_names(zf: zipfile.ZipFile, names: set[str], whole: dict[str, bytes] | None = None) -> dict[str, str]:
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
            _feed(zf, zf.getinfo(part), _parser(handler), (whole or {}).get(part))
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

    def part(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str | None, data: bytes | None = None) -> None:
        """Scan one part exactly (streamed from the zip, or from ``data`` when it was read whole)."""
        name = info.filename
        if info.file_size > MAX_PART_BYTES:
            raise _Stop(PART_TOO_BIG.format(part=name, size=f"{info.file_size / 1024 / 1024:.0f} MB"))
        if sheet is not None:
            self.sheet, self.rows, self.row_number, self.row_counted = sheet, 0, 0, False
            parser = _parser(self.on_sheet, self._text)
        elif _is_strings(name):
            parser = _parser(self.on_strings, self._text)
        else:
            # Nothing to count: only a DTD matters, and one can only come before the root element.
            parser = _parser(_root_reached)
        try:
            _feed(zf, info, parser, data)
        except _RootReached:
            pass
        except expat.ExpatError as e:
            raise _Stop(BROKEN_PART.format(part=name)) from e
        if sheet is not None:
            self.counts.sheets[sheet] = self.rows

    # ---- the quick pass: upper bounds at C speed --------------------------------------------------------
    def quick_sheet(self, sheet: str, data: bytes) -> bool:
        """Add upper bounds of a sheet's counts and say True when even those pass every limit; False
        (nothing added) when the exact scan must count it."""
        lim = self.limits
        cells = data.count(b"<c") + data.count(b":c")  # every cell tag, prefixed or not (and <col …)
        rows = data.count(b"row")  # every row tag, prefixed or not (and end tags, and text)
        # Each counted row starts at a cell, so cells bound the rows counted; a row number is at most the
        # largest number written in an r attribute plus one per <row> (a row without one is the last + 1).
        spaced = b"\t" not in data and b"\n" not in data and b"\r" not in data
        highest = _highest((_R_SPACED_VALUES if spaced else _R_VALUES).findall(data), lim.max_columns)
        if (highest is None or cells > lim.max_rows or highest + rows > lim.max_rows
                or self.counts.cells + cells > lim.max_cells or self.counts.text + len(data) > lim.max_text
                or not _plain(data)):
            return False
        self.counts.cells += cells
        self.counts.text += len(data)  # UTF-8: a character takes at least one byte
        self.counts.sheets[sheet] = min(cells, highest + rows)
        return True

    def quick_strings(self, data: bytes) -> bool:
        """The same for the shared strings: items, the declared count, characters."""
        lim = self.limits
        items = data.count(b"<si") + data.count(b":si")
        declared = _highest(_UNIQUE_COUNTS.findall(data), None)
        if (declared is None or declared > lim.max_strings or self.counts.strings + items > lim.max_strings
                or self.counts.text + len(data) > lim.max_text or not _plain(data)):
            return False
        self.counts.strings += items
        self.counts.text += len(data)
        return True


def _is_strings(name: str) -> bool:
    return name.lower().endswith("sharedstrings.xml")


def _highest(values: list[bytes], max_columns: int | None) -> int | None:
    """The largest number in attribute values as the exact scan would read them, or None when a value
    is not plain ASCII (a character reference, a non-ASCII digit) or, with ``max_columns``, names a
    column past it (or one the exact scan would have to work out)."""
    joined = b" ".join(values)
    if b"&" in joined or not joined.isascii():
        return None
    if max_columns is not None and _LETTER_RUNS.search(joined):  # two letters or more: work it out
        for letters in set(_LETTER_RUNS.findall(joined)):
            bare = letters.strip(b"$")
            if len(bare) > 1 and (b"$" in bare or len(bare) > 3 or column_number(bare.decode()) > max_columns):
                return None
    if not _LONG_DIGIT_RUN.search(joined):
        return 999  # no number of four digits or more
    runs = _DIGIT_RUNS.findall(joined)
    if max(map(len, runs)) > 9:  # (int() of a long run is slow, and past any limit anyway)
        return None
    return max(map(int, runs))


def _plain(data: bytes) -> bool:
    """UTF-8, well-formed and without a DTD: expat parses the whole part with no per-element handler."""
    if data.startswith((b"\xfe\xff", b"\xff\xfe")) or b"\x00" in data[:4]:
        return False
    declared = _DECLARED.match(data[3:] if data.startswith(b"\xef\xbb\xbf") else data)
    if declared is not None and declared.group(1).strip().lower() != b"utf-8":
        return False
    try:
        _parser().Parse(data, True)
    except (_Stop, expat.ExpatError):
        return False
    return True


def _sheet_of(info: zipfile.ZipInfo, sheets: dict[str, str]) -> str | None:
    sheet = sheets.get(info.filename)
    if sheet is None and info.filename.startswith("xl/worksheets/") and "/_rels/" not in info.filename:
        sheet = posixpath.basename(info.filename)
    return sheet


def _quick(path: Path, limits: Limits, parts: dict[str, bytes]) -> Counts | None:
    """The counts' upper bounds when they prove the file within every limit (small parts read whole into
    ``parts``); None when only the exact scan can tell."""
    scan = _Scan(limits)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if i.filename.lower().endswith((".xml", ".rels"))]
            if len({i.filename for i in infos}) != len(infos):
                return None  # two entries under one name: only the exact scan looks at both
            kept = 0
            for info in infos:
                if info.file_size <= QUICK_PART_BYTES and kept + info.file_size <= QUICK_TOTAL_BYTES:
                    parts[info.filename] = zf.read(info)
                    kept += info.file_size
            sheets = _sheet_names(zf, {i.filename for i in infos}, parts)
            scan.counts.sheet_names = list(sheets.values())
            for info in infos:
                sheet = _sheet_of(info, sheets)
                data = parts.get(info.filename)
                if data is not None and sheet is not None and scan.quick_sheet(sheet, data):
                    continue
                if data is not None and sheet is None and _is_strings(info.filename) and scan.quick_strings(data):
                    continue
                # Not provable by bounds: counted exactly (on top of the bounds so far, which only
                # makes a workbook-wide limit come sooner — and any refusal is redone exactly below).
                scan.part(zf, info, sheet, data)
    except Exception:  # noqa: BLE001 - a refusal or an error of any kind: the exact scan gives the answer
        return None
    return scan.counts


def _exact(path: Path, limits: Limits) -> tuple[str | None, Counts]:
    scan = _Scan(limits)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if i.filename.lower().endswith((".xml", ".rels"))]
            sheets = _sheet_names(zf, {i.filename for i in infos})
            scan.counts.sheet_names = list(sheets.values())
            for info in infos:
                scan.part(zf, info, _sheet_of(info, sheets))
    except _Stop as stop:
        return stop.reason, scan.counts
    except expat.ExpatError:
        return BROKEN_PART.format(part="xl/workbook.xml"), scan.counts
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, ValueError) as e:
        detail = "CRC" if "CRC" in str(e) else type(e).__name__
        return (f"Fails ir bojāts vai nepilnīgs (to nevar atvērt kā .xlsx; {detail}). Nosūtiet to vēlreiz. "
                f"{EXPECTED}"), scan.counts
    return None, scan.counts


def bound(path: Path, limits: Limits, parts: dict[str, bytes] | None = None) -> tuple[str | None, Counts]:
    """Why ``path`` must be refused before it is read (one Latvian reason), or None; and the counts
    (upper bounds when the quick pass proved the file within the limits).

    Runs after :func:`generator.intake.safety.precheck` has opened the file as a zip and checked its
    entry count and compression ratios. ``parts``, when given, receives the XML parts read whole (name →
    bytes) when the file is accepted, for the reader; it is left empty otherwise.
    """
    whole: dict[str, bytes] = {}
    counts = _quick(path, limits, whole)
    if counts is not None:
        if parts is not None:
            parts.update(whole)
        return None, counts
    return _exact(path, limits)
