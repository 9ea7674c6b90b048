"""The intake: inbox → checks → store → archive, with a receipt for every file.

:func:`process_file` is the plain core (the watcher and the tests call it); :func:`ingest_once` runs
it over the whole inbox under the intake lock (``pmp ingest``, ``pmp build``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..store import open_store
from .lock import intake_lock
from .process import Result, process_file
from .safety import Limits, assert_defusedxml
from .taking import complete, inbox_candidates, settled, signature

if TYPE_CHECKING:
    from ..core.workspace import Workspace

__all__ = ["IngestSummary", "Limits", "Result", "ingest_once", "process_file"]


@dataclass
class IngestSummary:
    """Counts of one pass over the inbox, and each file's result in order."""

    results: list[Result] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        """How many files ended with ``outcome``."""
        return sum(1 for r in self.results if r.outcome == outcome)

    accepted = property(lambda self: self.count("accepted"))
    rejected = property(lambda self: self.count("rejected"))
    duplicates = property(lambda self: self.count("duplicate"))
    waiting = property(lambda self: self.count("waiting"))
    failed = property(lambda self: self.count("failed"))

    def line(self) -> str:
        """The one-line summary printed at the end."""
        parts = [f"pieņemti {self.accepted}", f"noraidīti {self.rejected}", f"jau saņemti {self.duplicates}"]
        if self.waiting:
            parts.append(f"vēl tiek rakstīti {self.waiting}")
        if self.failed:
            parts.append(f"neizdevās {self.failed}")
        total = len([r for r in self.results if r.outcome != "ignored"])
        return f"Iesūtne apstrādāta: {total} fail(i) — " + ", ".join(parts) + "."


def ingest_once(ws: Workspace, progress: Callable[[Result], None] | None = None,
                limits: Limits | None = None, lock_wait: float | None = 0.0) -> IngestSummary:
    """Process every file in the inbox once, under the intake lock; return what happened.

    Files written in the last ``limits.settle_seconds`` are looked at again ``limits.recheck_seconds``
    later and left for the next pass if they changed meanwhile or are not complete yet (empty, or a
    ``.xlsx`` that does not open as a zip). Raises :class:`IntakeLocked` if another intake runs.
    """
    assert_defusedxml()
    limits = limits or Limits.from_config(ws.config)
    summary = IngestSummary()
    with intake_lock(ws, wait=lock_wait), open_store(ws) as store:
        paths = inbox_candidates(ws.inbox)
        sigs = {p: signature(p) for p in paths}
        now = time.time()
        young = [p for p, s in sigs.items() if s is not None and not settled(s, limits.settle_seconds, now)]
        if young:
            time.sleep(limits.recheck_seconds)
        for path in paths:
            first = sigs[path]
            if first is None:
                continue
            if path in young and (signature(path) != first or not complete(path)):
                result = Result(path.name, "waiting")  # still being written: the next pass takes it
            else:
                try:
                    result = process_file(path, ws, store=store, limits=limits, taken=True)
                except Exception as e:  # one file's trouble (permissions, a handler bug) stops no other
                    result = Result(path.name, "failed", detail=f"({type(e).__name__}: {e})")
            summary.results.append(result)
            if progress is not None:
                progress(result)
    return summary
