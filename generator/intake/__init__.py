"""The intake: inbox → stages → store → archive, with a receipt for every file.

:func:`process_file` is the plain core (the watcher, the mail intake and the tests call it; the stages
are listed in :mod:`.process`); :func:`ingest_once` runs it over the whole inbox under the intake lock
(``pmp ingest``, ``pmp build``), and :func:`retry_held` runs held files again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..core import lv
from ..core.lazy import lender

if TYPE_CHECKING:
    from ..core.workspace import Workspace
    from ..store import Store
    from .held import retry_held as retry_held
    from .origin import Origin as Origin
    from .process import Result
    from .process import process_file as process_file
    from .safety import Limits
    from .taking import Skipped

#: The names this package lends from its modules, imported on first use: ``pmp status`` and the watcher's
#: helpers import ``generator.intake.<module>`` without the whole per-file path (the reader, python-
#: calamine, the store's writers, the lock).
_LENT = {"Limits": "safety", "Origin": "origin", "Result": "process", "process_file": "process",
         "retry_held": "held"}


__getattr__ = lender(__name__, __name__, _LENT)


__all__ = ["IngestSummary", "Limits", "Origin", "Result", "ingest_once", "process_file", "retry_held"]


@dataclass
class IngestSummary:
    """Counts of one pass over the inbox, each file's result in order, and what was not taken."""

    results: list[Result] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        """How many files ended with ``outcome``."""
        return sum(1 for r in self.results if r.outcome == outcome)

    accepted = property(lambda self: self.count("accepted"))
    rejected = property(lambda self: self.count("rejected"))
    held = property(lambda self: self.count("held"))
    duplicates = property(lambda self: self.count("duplicate"))
    waiting = property(lambda self: self.count("waiting"))
    failed = property(lambda self: self.count("failed"))

    def line(self) -> str:
        """The one-line summary printed at the end."""
        parts = [f"pieņemti {self.accepted}", f"noraidīti {self.rejected}", f"jau saņemti {self.duplicates}"]
        if self.held:
            parts.append(f"aizturēti pārbaudei {self.held}")
        if self.waiting:
            parts.append(f"vēl tiek rakstīti {self.waiting}")
        if self.failed:
            parts.append(f"neizdevās {self.failed}")
        total = len([r for r in self.results if r.outcome != "ignored"])
        return f"Iesūtne apstrādāta: {lv.count(total, 'fails', 'faili')} — " + ", ".join(parts) + "."


def _pass(ws: Workspace, store: Store, limits: Limits, progress: Callable[[Result], None] | None,
          summary: IngestSummary) -> None:
    from .taking import scan_inbox

    paths, summary.skipped = scan_inbox(ws.inbox)
    if not paths:
        return
    # The per-file path (the reader, python-calamine, the validated config's models) when there is a file.
    from ..core.errors import DiskFull
    from .process import Result, process_file

    for path in paths:
        try:
            result = process_file(path, ws, store=store, limits=limits)
        except Exception as e:
            if isinstance(e, DiskFull):
                raise
            # A machine error (permissions, a locked store) on one file stops no other; it stays put.
            result = Result(path.name, "failed", detail=f"({type(e).__name__}: {e})")
        summary.results.append(result)
        if progress is not None:
            progress(result)


def ingest_once(ws: Workspace, progress: Callable[[Result], None] | None = None,
                limits: Limits | None = None, lock_wait: float | None = 0.0,
                retry: bool = False) -> IngestSummary:
    """Process every file in the inbox once, under the intake lock; return what happened.

    First finishes whatever a killed run left half-done. ``retry``: run the held files again first
    (``pmp ingest --retry-held``). A file still being written is left for the next pass. Raises
    :class:`IntakeLocked` if another intake runs, :class:`DiskFull` when a disk is full.
    """
    from ..store import open_store
    from .diskfull import disk_errors
    from .lock import intake_lock
    from .recovery import recover
    from .safety import Limits, assert_defusedxml

    assert_defusedxml()
    # One setting: read without pydantic when the workspace keeps the validated config (an empty inbox
    # then costs no validation); each file's checks load the models (``ws.config``).
    limits = limits or Limits.from_config(ws.plain_config)
    summary = IngestSummary()
    with intake_lock(ws, wait=lock_wait), open_store(ws) as store, disk_errors(ws):
        recover(ws, store)
        if retry:
            from .held import retry_held

            for result in retry_held(ws, store, limits):
                summary.results.append(result)
                if progress is not None:
                    progress(result)
        _pass(ws, store, limits, progress, summary)
    return summary
