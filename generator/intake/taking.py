"""Which inbox files to take, and when: never lock/temp files, only files that have stopped changing."""

from __future__ import annotations

import fnmatch
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from .safety import is_zip

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


def inbox_candidates(inbox: Path) -> list[Path]:
    """Regular files directly in the inbox that may be submissions, oldest first."""
    try:
        entries = list(os.scandir(inbox))
    except FileNotFoundError:
        return []
    found: list[tuple[int, str, Path]] = []
    for entry in entries:
        if not is_candidate_name(entry.name):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            found.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.name, Path(entry.path)))
        except OSError:
            continue
    return [p for _, _, p in sorted(found)]


def complete(path: Path) -> bool:
    """A recently written file looks complete: not empty, and a ``.xlsx`` opens as a zip."""
    sig = signature(path)
    return sig is not None and sig[0] > 0 and (path.suffix.lower() != ".xlsx" or is_zip(path))


def settled(sig: tuple[int, int], settle_seconds: float, now: float | None = None) -> bool:
    """True when the file was last modified at least ``settle_seconds`` ago."""
    now = time.time() if now is None else now
    return now - sig[1] / 1e9 >= settle_seconds


def wait_until_stable(path: Path, settle_seconds: float, checks: int = 3,
                      timeout: float = 10.0) -> tuple[int, int] | None:
    """Block until ``path`` has not changed over ``checks`` looks spanning ``settle_seconds``.

    Returns the stable signature, or None when the file vanished or was still changing at the timeout.
    A file that is old already needs a single look.
    """
    sig = signature(path)
    if sig is None:
        return None
    if settled(sig, settle_seconds):
        return sig
    step = max(settle_seconds / max(checks - 1, 1), 0.02)
    deadline = time.monotonic() + timeout
    same = 1
    while time.monotonic() < deadline:
        time.sleep(step)
        now_sig = signature(path)
        if now_sig is None:
            return None
        same = same + 1 if now_sig == sig else 1
        sig = now_sig
        if same >= checks:
            return sig
    return None


@dataclass
class StabilityTracker:
    """What the watcher remembers between looks: a file is ready after ``checks`` identical looks,
    each at least ``min_gap`` seconds after the previous one (a burst of events counts once).

    A ``.xlsx`` must also open as a zip; one that does not (or an empty file) is given
    ``broken_grace`` seconds of stillness before it is taken anyway (and rejected), because a copy
    may pause.
    """

    checks: int = 3
    broken_grace: float = 10.0
    min_gap: float = 0.1
    #: path -> (signature, identical looks, time of the first of them, time of the last counted one)
    _seen: dict[Path, tuple[tuple[int, int], int, float, float]] = field(default_factory=dict)

    def ready(self, path: Path) -> bool:
        """Record one look at ``path``; True when it may be processed now."""
        sig = signature(path)
        if sig is None:
            self._seen.pop(path, None)
            return False
        old = self._seen.get(path)
        now = time.monotonic()
        if old is None or old[0] != sig:
            self._seen[path] = (sig, 1, now, now)
            return False
        if now - old[3] < self.min_gap:
            return False
        count = old[1] + 1
        self._seen[path] = (sig, count, old[2], now)
        if count < self.checks:
            return False
        # An empty file may be a copy that has not begun; a non-zip .xlsx may be a paused copy.
        if complete(path):
            return True
        return now - old[2] >= self.broken_grace

    def forget(self, path: Path) -> None:
        """Drop what is known about ``path`` (it was processed or removed)."""
        self._seen.pop(path, None)
