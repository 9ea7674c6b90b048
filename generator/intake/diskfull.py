"""A full disk is said in Latvian, naming the disk — never a traceback, never "cannot rollback"."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import DiskFull

if TYPE_CHECKING:
    from ..core.workspace import Workspace

DISK_FULL = ("diskā {mount} nav brīvas vietas (brīvi {free}), tāpēc {what} nevarēja saglabāt. Neviens fails "
             "nav zaudēts: tas, kas tika apstrādāts, palika iesūtnē. Atbrīvojiet vietu diskā {mount} "
             "un palaidiet komandu vēlreiz.")
_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def mount_point(path: Path) -> Path:
    """The mount point (the disk) that holds ``path``."""
    p = Path(os.path.abspath(path))
    while not p.exists() and p != p.parent:
        p = p.parent
    while not os.path.ismount(p) and p != p.parent:
        p = p.parent
    return p


def is_full(e: BaseException) -> bool:
    """Whether ``e`` means a disk (or quota) is full."""
    if isinstance(e, OSError) and e.errno in _FULL_ERRNOS:
        return True
    return isinstance(e, sqlite3.OperationalError) and "full" in str(e).lower()


def disk_full(path: Path, what: str) -> DiskFull:
    """The error for a full disk holding ``path``."""
    mount = mount_point(path)
    try:
        free = shutil.disk_usage(mount).free
        shown = f"{free / 1024 / 1024:.1f} MB".replace(".", ",")
    except OSError:
        shown = "nav zināms"
    return DiskFull(DISK_FULL.format(mount=mount, free=shown, what=what))


@contextmanager
def disk_errors(ws: Workspace, what: str = "iesniegumu") -> Iterator[None]:
    """Turn a full disk under the block into :class:`DiskFull` naming the disk that is full."""
    try:
        yield
    except DiskFull:
        raise
    except (OSError, sqlite3.OperationalError) as e:
        if not is_full(e):
            raise
        where = Path(e.filename) if isinstance(e, OSError) and e.filename else ws.archive
        raise disk_full(where, what) from e
