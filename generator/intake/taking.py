"""Which inbox entries are files to take, what the rest are, and when a taken copy is complete."""

from __future__ import annotations

import fnmatch
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from .lock import INBOX_LOCK_FILES
from .safety import is_zip
from .staging import Staged, kind_of

#: Office and LibreOffice lock/temp files and partial downloads; dotfiles are skipped separately.
IGNORED_PATTERNS = ("~$*", ".~lock.*#", "*.tmp", "*.part", "*.crdownload", "*.partial", "~*.tmp")


def is_candidate_name(name: str) -> bool:
    """False for lock, temp, partial and hidden files, which are never taken."""
    if not name or name.startswith("."):
        return False
    lowered = name.lower()
    return not any(fnmatch.fnmatchcase(lowered, pat.lower()) for pat in IGNORED_PATTERNS)


def signature(path: Path) -> tuple[int, int] | None:
    """(size, mtime_ns) of a regular file (symlinks are not followed), or None."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return st.st_size, st.st_mtime_ns


@dataclass(frozen=True)
class Skipped:
    """An inbox entry the intake does not take, and why (a key of ``staging.KIND_LV``)."""

    name: str
    kind: str


def scan_inbox(inbox: Path) -> tuple[list[Path], list[Skipped]]:
    """Regular files directly in the inbox that may be submissions (oldest first), and everything
    else that is there — symlinks, FIFOs, folders, hidden and lock files — so status can name them.

    Nothing is followed or opened: entries are classified by ``lstat`` alone.
    """
    try:
        entries = list(os.scandir(inbox))
    except FileNotFoundError:
        return [], []
    found: list[tuple[int, str, Path]] = []
    skipped: list[Skipped] = []
    for entry in entries:
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if entry.name in INBOX_LOCK_FILES:
            continue  # the intake's own lock on a shared inbox
        if not stat.S_ISREG(st.st_mode):
            skipped.append(Skipped(entry.name, kind_of(st.st_mode)))
        elif entry.name.startswith("."):
            skipped.append(Skipped(entry.name, "temporary" if entry.name.startswith(".~lock.") else "hidden"))
        elif not is_candidate_name(entry.name):
            skipped.append(Skipped(entry.name, "temporary"))
        else:
            found.append((st.st_mtime_ns, entry.name, Path(entry.path)))
    return [p for _, _, p in sorted(found)], sorted(skipped, key=lambda s: s.name)


def inbox_candidates(inbox: Path) -> list[Path]:
    """Regular files directly in the inbox that may be submissions, oldest first."""
    return scan_inbox(inbox)[0]


def ready(staged: Staged, settle_seconds: float) -> bool:
    """THE completeness check: may this verified copy be judged now?

    A copy that is empty, or a ``.xlsx`` that does not open as a zip (its directory is written last),
    is a copy still in progress until its source has stayed unchanged for ``settle_seconds``; every
    other copy is complete — :func:`generator.intake.staging.stage` already made sure the source did
    not change while it was copied.
    """
    complete = staged.size > 0 and (staged.source.suffix.lower() != ".xlsx" or is_zip(staged.copy))
    return complete or staged.age >= settle_seconds


@dataclass
class StabilityTracker:
    """The watcher's debounce: a path is worth copying after ``checks`` identical (size, mtime) looks,
    each at least ``min_gap`` seconds after the previous one (a burst of events counts once).

    Whether the copy is complete is decided by :func:`ready` alone.
    """

    checks: int = 2
    min_gap: float = 0.1
    #: path -> (signature, identical looks, time of the last counted one)
    _seen: dict[Path, tuple[tuple[int, int], int, float]] = field(default_factory=dict)

    def ready(self, path: Path) -> bool:
        """Record one look at ``path``; True when it is worth copying now."""
        sig = signature(path)
        if sig is None:
            self._seen.pop(path, None)
            return False
        old = self._seen.get(path)
        now = time.monotonic()
        if old is None or old[0] != sig:
            self._seen[path] = (sig, 1, now)
            return self.checks <= 1
        if now - old[2] < self.min_gap:
            return False
        count = old[1] + 1
        self._seen[path] = (sig, count, now)
        return count >= self.checks

    def forget(self, path: Path) -> None:
        """Drop what is known about ``path`` (it was processed or removed)."""
        self._seen.pop(path, None)
