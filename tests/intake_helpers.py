"""Builders for the intake tests: hostile files made in code, and small workspace helpers."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from openpyxl import Workbook

from generator.core.workspace import Workspace
from generator.intake import Limits
from generator.intake.lock import INBOX_LOCK_FILES

FAST = Limits(settle_seconds=0.0)


def plain_xlsx_bytes() -> bytes:
    """A genuine .xlsx that is not one of our forms."""
    wb = Workbook()
    wb.active["A1"] = "Sveiki"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def replace_part(xlsx: bytes, name: str, content: bytes) -> bytes:
    """The same workbook with one zip part replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, content if info.filename == name else src.read(info.filename))
    return out.getvalue()


def entity_bomb(padding: int = 0, part: str = "xl/workbook.xml") -> bytes:
    """A workbook whose ``part`` is a billion-laughs document (``padding``: a comment hiding the DTD)."""
    levels = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    ]
    pad = f"<!--{'x' * padding}-->" if padding else ""
    xml = ('<?xml version="1.0"?>\n' + pad + '<!DOCTYPE workbook [' + "".join(levels) + "]>\n"
           '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&lol9;</workbook>')
    return replace_part(plain_xlsx_bytes(), part, xml.encode())


def zip_bomb(entry_mb: int = 64) -> bytes:
    """A zip that looks like a workbook and expands a few KB into ``entry_mb`` MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (entry_mb * 1024 * 1024))
    return out.getvalue()


def many_entries(n: int = 3000) -> bytes:
    """A workbook-looking zip with more parts than any form has."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(n):
            zf.writestr(f"xl/media/x{i}.bin", b"x")
    return out.getvalue()


def ods_bytes() -> bytes:
    """The outline of an OpenDocument spreadsheet."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4088


def drop(ws: Workspace, name: str, content: bytes, age: float = 0.0) -> Path:
    """Put a file into the inbox (optionally back-dated so it counts as settled)."""
    ws.inbox.mkdir(exist_ok=True)
    path = ws.inbox / name
    path.write_bytes(content)
    if age:
        st = path.stat()
        os.utime(path, (st.st_atime - age, st.st_mtime - age))
    return path


def receipts(ws: Workspace) -> list[Path]:
    """Every receipt text file written so far."""
    return sorted(ws.receipts.rglob("*.txt"))


def filled(ws: Workspace, form_id: str, institution: str, *, year: int = 2025, seed: int = 0,
           errors: tuple[str, ...] = (), name: str | None = None, folder: Path | None = None) -> Path:
    """A realistic filled form written straight into the inbox (or ``folder``)."""
    from generator.core.period import Period
    from generator.forms import fill_workbook, form_filename

    period = Period(year, ws.config.period.kind)
    dest = (folder or ws.inbox) / (name or form_filename(form_id, period, institution))
    return fill_workbook(ws.config, form_id, period, institution, dest, seed=seed, errors=errors)


def sheet_part(xlsx: bytes, sheet_name: str) -> str:
    """The zip part (``xl/worksheets/sheetN.xml``) holding the sheet called ``sheet_name``."""
    import re

    with zipfile.ZipFile(io.BytesIO(xlsx)) as zf:
        book = zf.read("xl/workbook.xml").decode("utf-8")
        rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    rid = re.search(rf'<sheet [^>]*name="{re.escape(sheet_name)}"[^>]*r:id="([^"]+)"', book)
    assert rid, sheet_name
    target = re.search(rf'<Relationship [^>]*Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels) or re.search(
        rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels)
    assert target
    t = target.group(1)
    return t.lstrip("/") if t.startswith("/") else f"xl/{t}"


def with_extra_rows(xlsx: bytes, sheet_name: str, n: int, first: int = 1000) -> bytes:
    """The workbook with ``n`` more rows (each one numbered text cell) at the end of a sheet, as a
    crafted file or a runaway paste would have them."""
    part = sheet_part(xlsx, sheet_name)
    with zipfile.ZipFile(io.BytesIO(xlsx)) as zf:
        xml = zf.read(part).decode("utf-8")
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{r * 7919 % 100003}</t></is></c></row>'
                   for r in range(first, first + n))
    return replace_part(xlsx, part, xml.replace("</sheetData>", rows + "</sheetData>").encode("utf-8"))


def inbox_names(ws: Workspace) -> list[str]:
    """Names in the inbox folder, sorted, besides the intake's own lock files (which stay there)."""
    return sorted(p.name for p in ws.inbox.iterdir() if p.name not in INBOX_LOCK_FILES)
