"""``pmp watch``: keep processing the inbox as files arrive.

watchdog's native observer, or its polling observer (asked for, or forced when the inbox is on a
network filesystem, where change notifications do not arrive). The event handler does nothing but hand
the path to the loop, which calls :func:`process_file` once the file has stopped changing — so all
stability tracking and store access happen on one thread. A full rescan runs at start and
periodically (events can be lost), and an observer thread that dies is replaced.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from ..core.errors import IntakeLocked
from ..store import Store, network_fstype, open_store
from .lock import intake_lock
from .process import Result, process_file
from .safety import Limits, assert_defusedxml
from .taking import StabilityTracker, inbox_candidates, is_candidate_name

if TYPE_CHECKING:
    from ..core.workspace import Workspace


class _Handler(FileSystemEventHandler):
    """Passes every created/modified/moved-in path to the watcher; nothing else."""

    def __init__(self, note: Callable[[Path], None]):
        self._note = note

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            return
        target = getattr(event, "dest_path", "") or event.src_path
        self._note(Path(str(target)))


class Watcher:
    """The watch loop, usable without a terminal: tests drive :meth:`tick` or :meth:`run` directly."""

    def __init__(self, ws: Workspace, *, poll: bool = False, interval: float = 1.0,
                 rescan_every: float = 60.0, limits: Limits | None = None,
                 on_result: Callable[[Result], None] | None = None,
                 say: Callable[[str], None] | None = None, broken_grace: float = 10.0):
        self.ws = ws
        self.interval = interval
        self.rescan_every = rescan_every
        self.limits = limits or Limits.from_config(ws.config)
        self.fstype = network_fstype(ws.inbox)
        self.polling = poll or self.fstype is not None
        self.tracker = StabilityTracker(checks=self.limits.stable_checks, broken_grace=broken_grace,
                                        min_gap=0.9 * min(interval, self.limits.recheck_seconds))
        self.on_result = on_result or (lambda r: None)
        self.say = say or (lambda s: None)
        self.observer: BaseObserver | None = None
        self.restarts = 0
        self._pending: set[Path] = set()
        self._mutex = threading.Lock()
        self._wake = threading.Event()
        self._last_rescan = 0.0

    # ---- observer --------------------------------------------------------------------------------
    def note(self, path: Path) -> None:
        """Remember a path to look at (called from the observer thread)."""
        if path.parent == self.ws.inbox and is_candidate_name(path.name):
            with self._mutex:
                self._pending.add(path)
            self._wake.set()

    def start_observer(self) -> None:
        """Start a fresh observer on the inbox."""
        obs: BaseObserver = PollingObserver(timeout=self.interval) if self.polling else Observer()
        obs.schedule(_Handler(self.note), str(self.ws.inbox), recursive=False)
        obs.daemon = True
        obs.start()
        self.observer = obs

    def stop_observer(self) -> None:
        """Stop the observer and wait for its thread."""
        if self.observer is not None:
            self.observer.stop()
            if self.observer.is_alive():
                self.observer.join(timeout=5)
            self.observer = None

    def ensure_observer(self) -> None:
        """Replace an observer whose thread has died, then rescan (its events are lost)."""
        if self.observer is not None and self.observer.is_alive():
            return
        if self.observer is not None:
            self.restarts += 1
            self.say("Failu novērotājs apstājās; palaižu to no jauna un pārskatu iesūtni.")
            self.observer = None
        self.start_observer()
        self.rescan()

    # ---- the loop --------------------------------------------------------------------------------
    def rescan(self) -> None:
        """Queue every candidate file in the inbox (a full rescan)."""
        self._last_rescan = time.monotonic()
        for path in inbox_candidates(self.ws.inbox):
            with self._mutex:
                self._pending.add(path)

    def pending(self) -> set[Path]:
        """Paths waiting to be looked at (a copy)."""
        with self._mutex:
            return set(self._pending)

    def tick(self, store: Store) -> list[Result]:
        """One look at every pending path; process those that are ready. Returns their results."""
        self.ensure_observer()
        if time.monotonic() - self._last_rescan >= self.rescan_every:
            self.rescan()
        done: list[Result] = []
        for path in sorted(self.pending()):
            if not path.exists():
                self._drop(path)
                continue
            if not self.tracker.ready(path):
                continue
            try:
                result = process_file(path, self.ws, store=store, limits=self.limits, taken=True)
            except Exception as e:  # reported, left in the inbox, tried again at the next rescan
                result = Result(path.name, "failed", detail=f"({type(e).__name__}: {e})")
            if result.outcome != "waiting":
                self._drop(path)
                done.append(result)
                self.on_result(result)
        return done

    def _drop(self, path: Path) -> None:
        with self._mutex:
            self._pending.discard(path)
        self.tracker.forget(path)

    def run(self, stop: threading.Event, wait_for_lock: bool = False) -> None:
        """Watch until ``stop`` is set. Raises :class:`IntakeLocked` if another intake works here
        (unless ``wait_for_lock``, when it says so and waits its turn, still stoppable)."""
        assert_defusedxml()
        self.ws.inbox.mkdir(parents=True, exist_ok=True)
        with ExitStack() as stack:
            try:
                stack.enter_context(intake_lock(self.ws, wait=0.0))
            except IntakeLocked as e:
                if not wait_for_lock:
                    raise
                self.say(f"{e} Gaidu…")
                while True:
                    if stop.is_set():
                        return
                    try:
                        stack.enter_context(intake_lock(self.ws, wait=1.0))
                        break
                    except IntakeLocked:
                        continue
            store = stack.enter_context(open_store(self.ws))
            stack.callback(self.stop_observer)
            mode = "aptauju (polling)" if self.polling else "sistēmas paziņojumi"
            why = f", jo iesūtne ir tīkla diskā ({self.fstype})" if self.fstype else ""
            self.say(f"Uzraugu iesūtni {self.ws.inbox} — {mode}{why}; ik {self.interval:g} s. "
                     "Apturēt: Ctrl+C.")
            self.ensure_observer()
            while not stop.is_set():
                self.tick(store)
                # Files under watch are looked at every recheck_seconds; otherwise sleep until an
                # event arrives or the interval passes.
                busy = bool(self.pending())
                self._wake.clear()
                self._wake.wait(min(self.interval, self.limits.recheck_seconds) if busy else self.interval)
