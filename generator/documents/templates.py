"""The workspace's .docx templates against the shipped ones: which differ, and restoring one.

A board restyles its templates freely (fonts, logo, header); ``pmp templates status`` shows which of
them now differ from the shipped masters in ``generator/resources/templates`` and ``pmp templates
restore`` puts a shipped one back, keeping the board's own copy beside it.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..core.errors import DocumentError
from ..core.workspace import Workspace, resources_dir
from .render import TEMPLATE_NAMES

#: A template's state as ``pmp templates status`` prints it.
STATE_TEXT = {
    "shipped": "sakrīt ar piegādāto",
    "own": "mainīta (darba vietas noformējums)",
    "absent": "nav darba vietā — izmanto piegādāto",
}


@dataclass(frozen=True)
class TemplateState:
    """One template of the workspace."""

    key: str
    filename: str
    state: str  # "shipped" | "own" | "absent"

    @property
    def line(self) -> str:
        return f"templates/{self.filename}: {STATE_TEXT[self.state]}"


def shipped_template(filename: str) -> Path:
    """The packaged master of a template."""
    return resources_dir() / "templates" / filename


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def template_states(ws: Workspace) -> list[TemplateState]:
    """Each template the documents use, with whether the workspace's copy differs from the shipped one."""
    out = []
    for key, filename in TEMPLATE_NAMES.items():
        own = ws.templates / filename
        if not own.is_file():
            state = "absent"
        else:
            state = "shipped" if _digest(own) == _digest(shipped_template(filename)) else "own"
        out.append(TemplateState(key, filename, state))
    return out


def restore_template(ws: Workspace, name: str, now: datetime | None = None) -> tuple[Path, Path | None]:
    """Copy the shipped template ``name`` (file name or key) into the workspace.

    The board's own copy, if it differs, is kept as ``<name>.<timestamp>.docx`` beside it. Returns the
    restored path and the kept copy (None when there was nothing to keep).
    """
    filename = TEMPLATE_NAMES.get(name, name)
    if filename not in TEMPLATE_NAMES.values():
        raise DocumentError(f"nezināma veidne \"{name}\"; pieejamas: {', '.join(TEMPLATE_NAMES.values())}")
    target = ws.templates / filename
    kept = None
    ws.templates.mkdir(parents=True, exist_ok=True)
    if target.is_file() and _digest(target) != _digest(shipped_template(filename)):
        stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
        kept = target.with_name(f"{target.stem}.{stamp}{target.suffix}")
        shutil.copy2(target, kept)
    shutil.copyfile(shipped_template(filename), target)
    return target, kept
