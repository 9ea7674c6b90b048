"""One intake at a time: per store, and per inbox folder however many workspaces share it.

``pmp ingest`` and ``pmp watch`` hold two operating-system file locks (portalocker: ``flock`` on POSIX,
``msvcrt.locking`` on Windows; both go with the process, so a killed watcher leaves nothing to clean up):

* the store lock, ``archive/intake.lock`` beside the store on the local disk: one writer per store
  (``pmp purge`` takes only this one, :func:`store_lock`);
* the inbox lock, ``inbox/.pmp-apstrade.lock`` in the inbox folder itself: two workspaces whose inbox is
  the same shared folder can never both take its files. The second one is told which workspace (and
  computer, and process) holds it.

Who holds a lock is written to a file beside it (``….holder``): Windows locks are mandatory, so nobody
else could read the locked file itself. Both names start with a dot, so the intake never takes them as
submissions.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO

from ..core.errors import IntakeError, IntakeLocked
from ..core.workspace import Workspace
from ..store import secure_dir

LOCKED = ("iesūtni jau apstrādā cits process (PID {pid}); vienlaikus drīkst darboties tikai viens "
          "\"pmp watch\" vai \"pmp ingest\". Apturiet to vai gaidiet, līdz tas beidz darbu.")
INBOX_LOCKED = ("iesūtni {inbox} jau apstrādā cita darba vieta: {workspace} (dators {host}, PID {pid}). "
                "Vienu iesūtnes mapi drīkst apstrādāt tikai viena darba vieta: apturiet tur \"pmp watch\" "
                "vai norādiet šai darba vietai citu iesūtni.")
NO_LOCK = ("mapē {folder} nevar izveidot slēdzeni ({error}); bez tās divi procesi varētu apstrādāt vienus "
           "un tos pašus failus. Pārbaudiet, vai jums ir rakstīšanas tiesības šajā mapē.")
INBOX_LOCK_NAME = ".pmp-apstrade.lock"
#: The files the inbox lock keeps in the inbox folder (the lock and its holder's note).
INBOX_LOCK_FILES = (INBOX_LOCK_NAME, INBOX_LOCK_NAME + ".holder")


def lock_path(ws: Workspace) -> Path:
    """Where the store lock lives (beside the store, on the local disk)."""
    return ws.archive / "intake.lock"


def inbox_lock_path(ws: Workspace) -> Path:
    """Where the inbox lock lives: inside the inbox folder, shared by every workspace that uses it."""
    return ws.inbox / INBOX_LOCK_NAME


def _holder_path(lock: Path) -> Path:
    return lock.with_name(lock.name + ".holder")


def holder_info(lock: Path) -> dict[str, str]:
    """What the current holder of ``lock`` wrote about itself (workspace, host, pid); "?" when unknown."""
    info = {"workspace": "?", "host": "?", "pid": "?"}
    try:
        data = json.loads(_holder_path(lock).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return info
    if isinstance(data, dict):
        info.update({k: str(data[k]) for k in info if data.get(k) not in (None, "")})
    return info


def holder(ws: Workspace) -> str:
    """The PID written by the current holder of the store lock, or "?" when unknown."""
    return holder_info(lock_path(ws))["pid"]


def _take(lock: Path, wait: float | None) -> IO[bytes] | None:
    """Open and lock ``lock``; None when another process holds it past ``wait`` seconds (None = forever)."""
    import portalocker  # here: ``pmp status`` lists the inbox (its lock files) without locking it

    try:
        fh = open(lock, "ab")  # "a": never truncates what another holder may rely on
    except OSError as e:
        raise IntakeError(NO_LOCK.format(folder=lock.parent, error=e.strerror or e)) from e
    deadline = None if wait is None else time.monotonic() + wait
    while True:
        try:
            portalocker.lock(fh, portalocker.LockFlags.EXCLUSIVE | portalocker.LockFlags.NON_BLOCKING)
            return fh
        except portalocker.AlreadyLocked:
            if deadline is not None and time.monotonic() >= deadline:
                fh.close()
                return None
            time.sleep(0.2)
        except portalocker.LockException as e:
            fh.close()
            raise IntakeError(NO_LOCK.format(folder=lock.parent, error=e)) from e


@contextmanager
def _held(lock: Path, ws: Workspace, wait: float | None, refused: str) -> Iterator[None]:
    fh = _take(lock, wait)
    if fh is None:
        info = holder_info(lock)
        raise IntakeLocked(refused.format(inbox=lock.parent, **info))
    try:
        import socket  # only here: ``pmp status`` imports this module for the lock files' names

        note = {"workspace": str(ws.root), "host": socket.gethostname(), "pid": os.getpid()}
        _holder_path(lock).write_text(json.dumps(note, ensure_ascii=False), encoding="utf-8")
        yield
    finally:
        fh.close()  # closing the file releases the lock


@contextmanager
def store_lock(ws: Workspace, wait: float | None = 0.0) -> Iterator[None]:
    """Hold the store lock only (writers that do not read the inbox, e.g. ``pmp purge``)."""
    secure_dir(ws.archive)
    with _held(lock_path(ws), ws, wait, LOCKED):
        yield


@contextmanager
def intake_lock(ws: Workspace, wait: float | None = 0.0) -> Iterator[None]:
    """Hold the store lock and the inbox lock. ``wait``: seconds to keep trying each (None = forever);
    then :class:`IntakeLocked` naming the holder."""
    with ExitStack() as stack:
        stack.enter_context(store_lock(ws, wait))
        ws.inbox.mkdir(parents=True, exist_ok=True)
        stack.enter_context(_held(inbox_lock_path(ws), ws, wait, INBOX_LOCKED))
        yield
