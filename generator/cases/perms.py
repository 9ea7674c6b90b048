"""Owner-only permissions for everything that holds children's data: 0700 folders, 0600 files.

The store and the archive are made owner-only by the intake (:func:`generator.store.secure_dir`), the
key by :func:`generator.core.secret.ensure_secret`; this module covers the protocol folders and re-applies
the rule to the whole set whenever the cooperation-group commands run (a copy made with another umask,
a folder restored from a backup). The modes are set by :mod:`generator.core.platform`: Windows has
none, and the NTFS permissions of the folder protect it there.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.platform import DIR_MODE, FILE_MODE, owner_only_modes, private_dir, private_file

if TYPE_CHECKING:
    from ..core.workspace import Workspace


def save_private_workbook(wb: Any, dest: Path) -> Path:
    """Save an openpyxl workbook to ``dest`` owner-only and atomically (a temporary file, then a rename):
    a crash leaves the old file or the new one, never half of it."""
    private_dir(dest.parent)
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".xlsx", dir=dest.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        private_file(Path(tmp))
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return dest


def private_tree(root: Path) -> None:
    """Every folder under ``root`` (itself included) 0700 and every file 0600; symlinks are left alone."""
    if not root.is_dir() or root.is_symlink():
        return
    private_dir(root)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            p = Path(dirpath) / name
            if not p.is_symlink():
                private_dir(p)
        for name in filenames:
            p = Path(dirpath) / name
            if p.is_file() and not p.is_symlink():
                private_file(p)


def form_protocols_dir(ws: Workspace) -> Path:
    """``forms/protokoli/``: the F5 workbooks with the agenda (they name pupils)."""
    return ws.forms_dir / "protokoli"


def outbox_protocols_dir(ws: Workspace) -> Path:
    """``outbox/protokoli/``: draft, final and blank protocols."""
    return ws.outbox / "protokoli"


def protect_workspace(ws: Workspace) -> None:
    """Apply owner-only permissions to the store, archive, key and protocol folders of ``ws``."""
    for folder in (ws.archive, ws.secret_path.parent, form_protocols_dir(ws), outbox_protocols_dir(ws)):
        if folder.exists():
            private_tree(folder)
    # F3 receipts and rejection copies live among the schools' receipts; they may name a pupil.
    if ws.receipts.is_dir():
        for path in ws.receipts.glob("*/F3_*"):
            if path.is_file() and not path.is_symlink():
                private_file(path)


def permission_problems(ws: Workspace) -> list[str]:
    """Paths among the protected ones that others could read (empty when all is owner-only).

    Empty on Windows, which has no such modes: the NTFS permissions of the folder protect it there.
    """
    out: list[str] = []
    if not owner_only_modes():
        return out
    for folder in (ws.archive, ws.secret_path.parent, form_protocols_dir(ws), outbox_protocols_dir(ws)):
        if not folder.exists():
            continue
        for dirpath, _dirs, files in os.walk(folder):
            d = Path(dirpath)
            if stat.S_IMODE(d.stat().st_mode) != DIR_MODE:
                out.append(f"{d.relative_to(ws.root)}/ ({oct(stat.S_IMODE(d.stat().st_mode))})")
            for name in files:
                p = d / name
                if stat.S_IMODE(p.stat().st_mode) != FILE_MODE:
                    out.append(f"{p.relative_to(ws.root)} ({oct(stat.S_IMODE(p.stat().st_mode))})")
    return out
