"""Checks made before openpyxl reads a byte: file type, size and zip limits, XML entity tricks.

A rejected file gets exactly one Latvian reason that says what we expected instead.
"""

from __future__ import annotations

import os
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..core import lv
from ..core.errors import IntakeError

if TYPE_CHECKING:
    from ..core.config import Config

EXPECTED = "Gaidīta aizpildīta veidlapa Excel darbgrāmatas formātā .xlsx, kā tā tika izsniegta."

#: What other formats are, and what to do instead (Latvian, shown in the receipt).
WRONG_FORMAT: dict[str, str] = {
    ".xls": "Fails ir vecajā Excel formātā .xls. Atveriet to un saglabājiet kā .xlsx (Excel darbgrāmata).",
    ".xlsm": "Fails ir Excel darbgrāmata ar makrosiem (.xlsm); makrosus nepieņemam. "
             "Saglabājiet to kā .xlsx (Excel darbgrāmata).",
    ".xltx": "Fails ir Excel veidne (.xltx). Saglabājiet to kā .xlsx (Excel darbgrāmata).",
    ".ods": "Fails ir LibreOffice/OpenDocument formātā (.ods). LibreOffice Calc izvēlieties "
            "\"Saglabāt kā\" → \"Excel 2007-365 (.xlsx)\".",
    ".csv": "Fails ir CSV teksts, nevis veidlapa. Aizpildiet izsniegto .xlsx veidlapu un sūtiet to.",
}


@dataclass(frozen=True)
class Limits:
    """Limits checked before any XML is parsed. Defaults fit a filled form with room to spare."""

    max_bytes: int = 20 * 1024 * 1024
    max_entries: int = 2_000
    max_uncompressed: int = 200 * 1024 * 1024
    max_ratio: float = 150.0
    #: Counted while streaming the sheets, before the reader parses them (see ``bound.py``): the most
    #: rows in, and the highest row number used on, one sheet; the highest column; cells in the whole
    #: workbook; distinct shared strings; characters of text. A filled form stays far below each.
    max_rows: int = 5_000
    max_columns: int = 100
    max_cells: int = 200_000
    max_strings: int = 50_000
    max_text: int = 10_000_000
    #: An empty file, or a ``.xlsx`` that does not open as a zip yet, is a copy in progress (copies
    #: pause, for seconds on a slow share) until it has stayed unchanged this long; then it is judged
    #: as it is. A complete file is taken at once: its staged copy is verified unchanged.
    settle_seconds: float = 30.0
    #: How often the watcher looks again at files it is waiting for.
    recheck_seconds: float = 0.2
    #: Identical (size, mtime) looks the watcher wants before it copies a file (a burst of events
    #: while a file is written then costs one copy, not one per event).
    stable_checks: int = 2

    @classmethod
    def from_config(cls, cfg: Config) -> Limits:
        """Limits with the file-size limit from ``[intake] max_file_mb`` in config.toml."""
        return cls(max_bytes=int(cfg.intake.max_file_mb * 1024 * 1024))


def assert_defusedxml() -> None:
    """Refuse to run unless openpyxl parses through defusedxml (no entity expansion, no external DTDs).

    The reading path parses with defusedxml itself and never imports openpyxl (importing it costs more
    than reading a hundred workbooks); until openpyxl is imported, the rule it will apply at import
    (``OPENPYXL_DEFUSEDXML``, default "True") is checked instead, and the one place that parses a
    received file with openpyxl (:func:`generator.intake.held._identity`) calls this again after importing it.
    """
    try:
        import defusedxml  # noqa: F401
    except ImportError as e:
        raise IntakeError("nav instalēta bibliotēka defusedxml; bez tās iesniegumus nepieņemam "
                          "(pip install defusedxml)") from e
    openpyxl = sys.modules.get("openpyxl")
    uses = (getattr(openpyxl, "DEFUSEDXML", False) if openpyxl is not None
            else os.environ.get("OPENPYXL_DEFUSEDXML", "True") == "True")
    if not uses:
        raise IntakeError("openpyxl nelieto defusedxml (vai OPENPYXL_DEFUSEDXML nav \"False\"?); "
                          "bez tā iesniegumus nepieņemam")


def _mb(n: float) -> str:
    return f"{lv.number(round(n / 1024 / 1024))} MB"


def precheck(path: Path, size: int, limits: Limits, suffix: str | None = None) -> str | None:
    """Why ``path`` must be rejected before parsing, or None when it may be read as a workbook.

    ``suffix``: the extension of the name it was sent under (a staged copy's own name has none).
    """
    suffix = (path.suffix if suffix is None else suffix).lower()
    if size == 0:
        return f"Fails ir tukšs (0 baitu). {EXPECTED}"
    if suffix != ".xlsx":
        if suffix in WRONG_FORMAT:
            return WRONG_FORMAT[suffix]
        shown = suffix if suffix else "bez paplašinājuma"
        return f"Šāda veida failus ({shown}) nepieņemam. {EXPECTED}"
    if size > limits.max_bytes:
        return (f"Fails ir pārāk liels ({_mb(size)}; atļauts līdz {_mb(limits.max_bytes)}). "
                "Aizpildīta veidlapa ir daudz mazāka: pārbaudiet, vai nav pievienoti attēli vai liekas lapas.")
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return ("Fails ir vecajā Excel formātā (.xls), lai gan nosaukumā ir .xlsx. "
                "Atveriet to un saglabājiet kā .xlsx (Excel darbgrāmata).")
    if not head.startswith(b"PK"):
        return f"Fails nav Excel darbgrāmata (tas nav .xlsx formātā vai ir bojāts). {EXPECTED}"
    return check_zip(path, limits)


def check_zip(path: Path, limits: Limits) -> str | None:
    """Zip-level checks: it opens, it is a workbook, and it cannot expand into a bomb."""
    broken = f"Fails ir bojāts vai nepilnīgs (to nevar atvērt kā .xlsx). Nosūtiet to vēlreiz. {EXPECTED}"
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > limits.max_entries:
                return (f"Darbgrāmatā ir pārāk daudz daļu ({len(infos)}; atļauts līdz {limits.max_entries}). "
                        f"{EXPECTED}")
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                if "content.xml" in names and "mimetype" in names:
                    return WRONG_FORMAT[".ods"]
                return f"Fails ir zip arhīvs, bet nav Excel darbgrāmata. {EXPECTED}"
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                return WRONG_FORMAT[".xlsm"]
            total = 0
            for info in infos:
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > 1024 * 1024 and ratio > limits.max_ratio:
                    return ("Darbgrāmatas saturs saspiests neparasti stipri (iespējama \"zip bumba\"); "
                            f"šādu failu neatveram. {EXPECTED}")
            if total > limits.max_uncompressed:
                return (f"Atarhivēta darbgrāmata būtu pārāk liela ({_mb(total)}; atļauts līdz "
                        f"{_mb(limits.max_uncompressed)}). {EXPECTED}")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError,
            RuntimeError, ValueError):
        return broken
    return None


XML_TRICK = ("Darbgrāmatā ir neatļautas XML konstrukcijas (DOCTYPE/ENTITY), kādas Excel neveido; "
             f"šādu failu neatveram. {EXPECTED}")


def is_zip(path: Path) -> bool:
    """True when the file opens as a zip (its central directory is written last, so this means complete)."""
    try:
        with zipfile.ZipFile(path):
            return True
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return False
