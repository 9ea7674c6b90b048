"""What a fast cell reader does not tell: the workbook's XML parts, read with defusedxml at bounded cost.

python-calamine reads the cells (see ``reader.py``) but returns an error cell (``#VALUE!``) as an empty
string and does not give the workbook's defined names. Both come from the package itself:
``xl/workbook.xml`` (sheet names, states and workbook-level defined names) is small and parsed whole;
a worksheet part is scanned for error cells only when its bytes contain an error-typed cell at all, so a
normal sheet costs one substring search. Every part is parsed through defusedxml: a DTD or entity
declaration is refused, never expanded. A caller that has already decompressed the parts (the intake's
bound stage reads each one whole) hands their bytes over, and they are not decompressed again.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree.ElementTree import Element  # the type only: parsing goes through defusedxml

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
#: Bytes of workbook.xml / its relationships read at most (real ones are a few KB).
MAX_WORKBOOK_XML = 2 * 1024 * 1024
#: An error-typed cell has the attribute value "e" (t="e"); a sheet without that value has none.
_ERROR_VALUES = (b'"e"', b"'e'")
_CHUNK = 64 * 1024
_CELL_REF = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")


class PackageError(Exception):
    """Raised when a workbook's XML parts are missing, too large, malformed or declare a DTD/entities.

    ``missing`` is True when the zip opens but is no spreadsheet (it has no ``xl/workbook.xml``).
    """

    def __init__(self, text: str, missing: bool = False) -> None:
        super().__init__(text)
        self.missing = missing


@dataclass(frozen=True)
class CellError:
    """A cell holding a formula error (``#VALUE!``, ``#NAME?`` …) instead of a value.

    ``formula`` is the formula as the application stored it (without "="): in a text field it is the
    text a person typed with a leading "=", which the spreadsheet then took for a formula.
    """

    code: str
    formula: str = ""

    def __str__(self) -> str:
        return self.formula or self.code


@dataclass
class Package:
    """The parts of one .xlsx that the reader needs besides the cell values."""

    zf: zipfile.ZipFile
    #: Sheet name -> part name inside the zip ("xl/worksheets/sheet1.xml"), in workbook order.
    sheet_parts: dict[str, str] = field(default_factory=dict)
    #: Workbook-level defined names (sheet-local ones such as print titles are left out) -> formula text.
    names: dict[str, str] = field(default_factory=dict)
    #: Parts already decompressed by the caller (name -> the part's bytes, exactly as in the zip).
    parts: Mapping[str, bytes] = field(default_factory=dict)

    def error_cells(self, sheet: str) -> dict[tuple[int, int], CellError]:
        """Error cells of ``sheet`` as {(row, column): error}, both 1-based; {} for an unknown sheet."""
        part = self.sheet_parts.get(sheet)
        if part is None:
            return {}
        data = self.parts.get(part)
        if data is None:
            try:
                with self.zf.open(part) as fh:
                    data = fh.read()
            except (KeyError, zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError) as e:
                raise PackageError(f"sheet part {part} unreadable") from e
        if not any(quoted in data for quoted in _ERROR_VALUES):  # a plain substring search: cheap
            return {}
        return _scan_errors(data)

    def close(self) -> None:
        self.zf.close()


def _scan_errors(data: bytes) -> dict[tuple[int, int], CellError]:
    out: dict[tuple[int, int], CellError] = {}
    try:
        for _, elem in SafeET.iterparse(io.BytesIO(data), events=("end",)):
            if elem.tag != f"{_MAIN}c":
                if elem.tag == f"{_MAIN}row":
                    elem.clear()
                continue
            if elem.get("t") == "e":
                ref = _CELL_REF.match(elem.get("r") or "")
                if ref:
                    value = elem.findtext(f"{_MAIN}v") or "#VALUE!"
                    formula = elem.findtext(f"{_MAIN}f") or ""
                    out[(int(ref.group(2)), column_index(ref.group(1)))] = CellError(value.strip(), formula)
    except (SafeET.ParseError, DefusedXmlException, ValueError) as e:
        raise PackageError("sheet XML malformed or declares entities") from e
    return out


def column_index(letters: str) -> int:
    """ "A" -> 1, "AB" -> 28."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


@cache
def column_letter(index: int) -> str:
    """1 -> "A", 28 -> "AB": openpyxl's ``get_column_letter`` without importing openpyxl, which the
    reading path (calamine and the package's XML) otherwise never needs."""
    if not 1 <= index <= 18278:
        raise ValueError(f"column {index} is outside A–XFD")
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _read_part(zf: zipfile.ZipFile, name: str, parts: Mapping[str, bytes]) -> bytes:
    if name in parts:
        data = parts[name][: MAX_WORKBOOK_XML + 1]
    else:
        try:
            with zf.open(name) as fh:
                data = fh.read(MAX_WORKBOOK_XML + 1)
        except KeyError as e:
            raise PackageError(f"{name} missing", missing=True) from e
    if len(data) > MAX_WORKBOOK_XML:
        raise PackageError(f"{name} larger than {MAX_WORKBOOK_XML} bytes")
    return data


def _parse(data: bytes, name: str) -> Element:
    try:
        return SafeET.fromstring(data)
    except (SafeET.ParseError, DefusedXmlException, ValueError) as e:
        raise PackageError(f"{name} malformed or declares entities") from e


def _prolog_declares_dtd(fh: Any) -> bool:
    """Whether an XML part declares a DTD before its root element (comments and PIs are skipped).

    A DTD can only stand in the prolog, so the part is read only up to its root element: a few hundred
    bytes for a real part, however long the rest is; a prolog padded with a long comment is streamed
    through in chunks, never held whole.
    """
    buf = b""
    while True:
        chunk = fh.read(_CHUNK)
        buf += chunk
        while True:
            buf = buf.lstrip()
            if buf.startswith(b"\xef\xbb\xbf"):
                buf = buf[3:]
                continue
            if buf.startswith(b"<?"):
                opener, closer = b"<?", b"?>"
            elif buf.startswith(b"<!--"):
                opener, closer = b"<!--", b"-->"
            elif buf.startswith((b"<!DOCTYPE", b"<!ENTITY")):
                return True
            elif len(buf) >= 9 or not b"<!DOCTYPE".startswith(buf) and not b"<!--".startswith(buf):
                return False  # the root element (or no XML at all): no DTD
            else:
                break  # too few bytes to tell
            end = buf.find(closer, len(opener))
            if end < 0:  # keep the opener and a tail that may hold the start of the closer
                buf = opener + buf[-len(closer):] if len(buf) > len(opener) + len(closer) else buf
                break
            buf = buf[end + len(closer):]
        if not chunk:
            return False


def _check_no_dtd(zf: zipfile.ZipFile, parts: Mapping[str, bytes]) -> None:
    for info in zf.infolist():
        if info.filename.lower().endswith((".xml", ".rels")):
            known = parts.get(info.filename)
            with io.BytesIO(known) if known is not None else zf.open(info) as fh:
                if _prolog_declares_dtd(fh):
                    raise PackageError(f"{info.filename} declares a DTD")


def open_package(path: Path, parts: Mapping[str, bytes] | None = None) -> Package:
    """Sheet parts and defined names of the workbook at ``path``; :class:`PackageError` when unreadable.

    ``parts``: parts of this very file already decompressed (name -> bytes), read from there instead of
    the zip. The package stays open for :meth:`Package.error_cells` until :meth:`Package.close`.
    """
    parts = parts or {}
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError, NotImplementedError) as e:
        raise PackageError("not a readable zip") from e
    try:
        _check_no_dtd(zf, parts)
        book = _parse(_read_part(zf, "xl/workbook.xml", parts), "workbook.xml")
        rels = _parse(_read_part(zf, "xl/_rels/workbook.xml.rels", parts), "workbook.xml.rels")
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError, NotImplementedError) as e:
        zf.close()
        raise PackageError("not a readable zip") from e
    except PackageError:
        zf.close()
        raise
    targets = {}
    for rel in rels.iter(f"{_PKG_REL}Relationship"):
        target = rel.get("Target") or ""
        # Targets are relative to xl/ unless absolute ("/xl/worksheets/sheet1.xml").
        resolved = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        targets[rel.get("Id")] = resolved
    pkg = Package(zf, parts=parts)
    for sheet in book.iter(f"{_MAIN}sheet"):
        name, rid = sheet.get("name"), sheet.get(f"{_REL}id")
        if name is not None and rid in targets:
            pkg.sheet_parts[name] = targets[rid]
    for dn in book.iter(f"{_MAIN}definedName"):
        name = dn.get("name")
        if name and dn.get("localSheetId") is None:
            pkg.names[name] = (dn.text or "").strip()
    return pkg
