"""PDF conversion with LibreOffice (``soffice --headless``), each run with a private profile.

A private profile (``-env:UserInstallation``) lets the conversion run while the user has LibreOffice
open, and keeps two conversions from fighting over one profile lock.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

from ..core.errors import DocumentError

NO_SOFFICE = ("PDF netika izveidots: LibreOffice (soffice) šajā datorā nav atrasts. Instalējiet LibreOffice "
              "(https://www.libreoffice.org) vai atveriet .docx failu Word un saglabājiet kā PDF.")


def find_soffice() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: Path, timeout: float = 180.0) -> Path:
    """Convert ``docx`` to a PDF next to it; raises :class:`DocumentError` (Latvian) on failure."""
    exe = find_soffice()
    if exe is None:
        raise DocumentError(NO_SOFFICE)
    with tempfile.TemporaryDirectory(prefix="lo_") as profile_root:
        profile = Path(profile_root) / f"lo_{uuid.uuid4().hex}"
        cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
               "--outdir", str(docx.parent), str(docx)]
        try:
            result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as e:
            raise DocumentError(f"PDF netika izveidots: LibreOffice neatbildēja {int(timeout)} sekundēs "
                                f"({docx.name})") from e
    pdf = docx.with_suffix(".pdf")
    if result.returncode != 0 or not pdf.is_file():
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise DocumentError(f"PDF netika izveidots no {docx.name}: LibreOffice kļūda"
                            + (f" ({detail[-1]})" if detail else ""))
    return pdf
