"""One intake at a time: an exclusive ``flock`` on ``archive/intake.lock`` holding the owner's PID."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..core.errors import IntakeLocked
from ..core.workspace import Workspace
from ..store import secure_dir

LOCKED = ("iesūtni jau apstrādā cits process (PID {pid}); vienlaikus drīkst darboties tikai viens "
          "\"pmp watch\" vai \"pmp ingest\". Apturiet to vai gaidiet, līdz tas beidz darbu.")


def lock_path(ws: Workspace) -> Path:
    """Where the intake lock lives (beside the store, on the local disk)."""
    return ws.archive / "intake.lock"


def holder(ws: Workspace) -> str:
    """The PID written by the current holder, or "?" when unknown."""
    try:
        return lock_path(ws).read_text(encoding="ascii").strip() or "?"
    except OSError:
        return "?"


@contextmanager
def intake_lock(ws: Workspace, wait: float | None = 0.0) -> Iterator[None]:
    """Hold the intake lock. ``wait``: seconds to keep trying (None = forever); then :class:`IntakeLocked`."""
    secure_dir(ws.archive)
    fd = os.open(lock_path(ws), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = None if wait is None else time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError as e:
                if deadline is not None and time.monotonic() >= deadline:
                    raise IntakeLocked(LOCKED.format(pid=holder(ws))) from e
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock
