"""``pmp watch``: keep processing the inbox as files arrive.

watchdog's native observer, or its polling observer (asked for, or forced when the inbox is on a
network filesystem, where change notifications do not arrive). The event handler does nothing but hand
the path to the loop, which calls :func:`process_file` once the file has stopped changing — so all
stability tracking and store access happen on one thread. A full rescan runs at start and
periodically (events can be lost), and an observer thread that dies is replaced.
"""

from __future__ import annotations

import os
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

from ..core.config_check import load_config
from ..core.errors import ConfigError, DiskFull, IntakeLocked, PmpError
from ..store import Store, network_fstype, open_store
from .lock import intake_lock
from .process import Result, process_file
from .recovery import recover
from .safety import Limits, assert_defusedxml
from .taking import StabilityTracker, inbox_candidates, is_candidate_name

if TYPE_CHECKING:
    from ..core.workspace import Workspace


CONFIG_RELOADED = "config.toml ir mainīts: turpmāk lietoju jauno konfigurāciju."
CONFIG_INVALID = ("config.toml ir mainīts, bet jaunajā versijā ir kļūdas, tāpēc turpinu ar iepriekšējo "
                  "konfigurāciju. Izlabojiet to (pārbaude: pmp config check):")


def _config_signature(ws: Workspace) -> tuple[int, int, int] | None:
    try:
        st = os.stat(ws.config_path)
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


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
                 say: Callable[[str], None] | None = None):
        self.ws = ws
        self.interval = interval
        self.rescan_every = rescan_every
        self._own_limits = limits is None
        self.limits = limits or Limits.from_config(ws.config)
        self.fstype = network_fstype(ws.inbox)
        self.polling = poll or self.fstype is not None
        self.tracker = StabilityTracker(checks=self.limits.stable_checks,
                                        min_gap=0.9 * min(interval, self.limits.recheck_seconds))
        self.on_result = on_result or (lambda r: None)
        self.say = say or (lambda s: None)
        self.observer: BaseObserver | None = None
        self.restarts = 0
        self._pending: set[Path] = set()
        self._mutex = threading.Lock()
        self._wake = threading.Event()
        self._last_rescan = 0.0
        self._config_sig = _config_signature(ws)

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
        dead = self.observer is not None
        if dead:
            self.say("Failu novērotājs apstājās; palaižu to no jauna un pārskatu iesūtni.")
        self.start_observer()  # the new observer replaces the dead one in one assignment
        if dead:  # counted once the new observer is in place, so whoever reads the count sees it running
            self.restarts += 1
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

    # ---- configuration -------------------------------------------------------------------------
    def reload_config(self) -> bool:
        """Use a changed ``config.toml`` from now on (a school added while watching is then known);
        an invalid one is reported and the previous configuration stays in use. True when reloaded."""
        sig = _config_signature(self.ws)
        if sig == self._config_sig:
            return False
        self._config_sig = sig
        try:
            cfg = load_config(self.ws.config_path)
        except PmpError as e:
            problems = "; ".join(e.problems) if isinstance(e, ConfigError) else str(e)
            self.say(f"{CONFIG_INVALID} {problems}")
            return False
        self.ws.config = cfg  # a cached property: assignment replaces the cached value
        if self._own_limits:
            self.limits = Limits.from_config(cfg)
        self.say(CONFIG_RELOADED)
        self.rescan()
        return True

    def tick(self, store: Store) -> list[Result]:
        """One look at every pending path; process those that are ready. Returns their results."""
        self.ensure_observer()
        self.reload_config()
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
                result = process_file(path, self.ws, store=store, limits=self.limits)
            except DiskFull:
                raise
            except Exception as e:  # reported, left in the inbox, tried again at the next rescan
                result = Result(path.name, "failed", detail=f"({type(e).__name__}: {e})")
            if result.outcome == "waiting":
                self.tracker.forget(path)  # still being written: look at it again from scratch
            else:
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
            recover(self.ws, store)
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
