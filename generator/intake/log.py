"""``archive/intake.log``: one line per file — time, hash prefix, institution, form, outcome.

Never a file name, a pupil's name, a cell value or a narrative: only identifiers we issued ourselves.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

_SAFE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def _safe(value: str | None) -> str:
    return value if value and _SAFE.match(value) else "-"


def log_line(archive: Path, sha256: str, institution: str | None, form_id: str | None, outcome: str) -> str:
    """Append one line to ``archive/intake.log`` (owner-only) and return it."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    line = "\t".join([stamp, sha256[:12] or "-", _safe(institution), _safe(form_id), outcome]) + "\n"
    path = archive / "intake.log"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)
    return line.rstrip("\n")


def log_lines(archive: Path, lines: list[str]) -> None:
    """Append continuation lines (a held file's traceback frames) to ``archive/intake.log``."""
    text = "".join(f"{line}\n" for line in lines)
    fd = os.open(archive / "intake.log", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, text.encode("utf-8", "replace"))
    finally:
        os.close(fd)
