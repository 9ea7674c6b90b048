"""``pmp watch``: slow copies taken only when complete (both observer modes), one watcher at a time,
a dead observer replaced, polling forced on network shares, the store refused on them."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook

from generator.core import platform as platform_module
from generator.core.errors import IntakeLocked, WorkspaceError
from generator.core.workspace import Workspace
from generator.intake import Limits, Result
from generator.intake.lock import intake_lock
from generator.intake.staging import Staged, stage
from generator.intake.taking import StabilityTracker, is_candidate_name, ready
from generator.intake.watch import Watcher
from generator.store import network_fstype, open_store
from tests.intake_helpers import filled, inbox_names

#: A paused copy (below: pauses of 0.4 s) is waited for; complete files are taken at once.
FAST_WATCH = Limits(settle_seconds=5.0, stable_checks=3)


class Running:
    """A watcher on a thread, collecting results."""

    def __init__(self, ws: Workspace, poll: bool = False, interval: float = 0.1):
        self.results: list[Result] = []
        self.messages: list[str] = []
        self.watcher = Watcher(ws, limits=FAST_WATCH, on_result=self.results.append, say=self.messages.append,
                               poll=poll, interval=interval)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.watcher.run, args=(self.stop,), daemon=True)

    def wait_for(self, n: int, timeout: float = 20.0) -> list[Result]:
        deadline = time.monotonic() + timeout
        while len(self.results) < n and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.results


Start = Callable[..., Running]


@pytest.fixture
def running(mini_ws: Workspace) -> Iterator[Start]:
    """Start watchers on threads; stop them all at the end."""
    started: list[Running] = []

    def start(poll: bool = False, interval: float = 0.1) -> Running:
        r = Running(mini_ws, poll=poll, interval=interval)
        r.thread.start()
        started.append(r)
        time.sleep(0.3)
        return r

    yield start
    for r in started:
        r.stop.set()
        r.thread.join(timeout=10)


def _slow_copy(content: bytes, dest: Path, chunks: int = 8, pause: float = 0.4) -> None:
    step = len(content) // chunks + 1
    with open(dest, "wb") as fh:
        for i in range(0, len(content), step):
            fh.write(content[i:i + step])
            fh.flush()
            time.sleep(pause)


@pytest.mark.slow
@pytest.mark.parametrize("poll", [False, True], ids=["native", "polling"])
def test_slow_copy_taken_only_when_complete(mini_ws: Workspace, running: Start, tmp_path: Path,
                                            poll: bool) -> None:
    src = filled(mini_ws, "F2", "ludzas-vsk", folder=tmp_path)
    content = src.read_bytes()
    r = running(poll=poll, interval=0.1)
    assert r.watcher.polling is poll
    dest = mini_ws.inbox / "F2 atskaite.xlsx"
    _slow_copy(content, dest)  # about 3 s, pauses longer than three looks of the watcher
    results = r.wait_for(1)
    time.sleep(0.5)
    assert [(x.outcome, x.version) for x in results] == [("accepted", 1)]
    assert (mini_ws.archive / f"{results[0].sha256}.xlsx").read_bytes() == content
    assert not dest.exists()


@pytest.mark.slow
def test_files_present_at_start_and_lock_files_ignored(mini_ws: Workspace, running: Start) -> None:
    filled(mini_ws, "F1", "sd")
    (mini_ws.inbox / "~$F1.xlsx").write_bytes(b"owner lock")
    (mini_ws.inbox / ".~lock.F1.xlsx#").write_bytes(b"lock")
    r = running(interval=0.1)
    assert [x.outcome for x in r.wait_for(1)] == ["accepted"]
    time.sleep(0.6)
    assert len(r.results) == 1
    assert inbox_names(mini_ws) == [".~lock.F1.xlsx#", "~$F1.xlsx"]


@pytest.mark.slow
def test_dead_observer_is_restarted(mini_ws: Workspace, running: Start) -> None:
    r = running(interval=0.1)
    old = r.watcher.observer
    assert old is not None
    old.stop()
    old.join(timeout=5)
    deadline = time.monotonic() + 30  # generous: a loaded machine runs the watch loop late
    while r.watcher.restarts == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert r.watcher.restarts == 1
    assert "Failu novērotājs apstājās; palaižu to no jauna un pārskatu iesūtni." in r.messages
    new = r.watcher.observer
    assert new is not None and new is not old and new.is_alive()
    filled(mini_ws, "F4", "ip")
    assert [x.outcome for x in r.wait_for(1, timeout=60)] == ["accepted"]


def _pmp(ws: Workspace, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PMP_WORKSPACE": str(ws.root)}
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True,
                          env=env, timeout=timeout)


@pytest.mark.slow
def test_second_watcher_says_so_and_exits(mini_ws: Workspace, running: Start) -> None:
    running(interval=0.1)
    res = _pmp(mini_ws, "watch")
    assert res.returncode == 1
    assert res.stderr.strip() == (
        f"Kļūda: iesūtni jau apstrādā cits process (PID {os.getpid()}); vienlaikus drīkst darboties tikai "
        "viens \"pmp watch\" vai \"pmp ingest\". Apturiet to vai gaidiet, līdz tas beidz darbu.")
    res = _pmp(mini_ws, "ingest")
    assert res.returncode == 1 and "iesūtni jau apstrādā cits process" in res.stderr


@pytest.mark.slow
def test_second_watcher_with_wait_takes_over(mini_ws: Workspace) -> None:
    env = {**os.environ, "PMP_WORKSPACE": str(mini_ws.root)}
    with intake_lock(mini_ws):
        proc = subprocess.Popen([sys.executable, "-m", "generator", "watch", "--wait", "--interval", "0.2"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        time.sleep(2.0)
        filled(mini_ws, "F1", "bt")
        time.sleep(1.0)
        assert inbox_names(mini_ws)  # still waiting: nothing processed
    deadline = time.monotonic() + 20
    while inbox_names(mini_ws) and time.monotonic() < deadline:
        time.sleep(0.1)
    proc.terminate()
    out, err = proc.communicate(timeout=20)
    assert "iesūtni jau apstrādā cits process" in err and "Gaidu…" in err
    assert "Uzraudzība beigta: pieņemti 1, noraidīti 0, jau saņemti 0." in out


def test_lock_is_exclusive(mini_ws: Workspace) -> None:
    with intake_lock(mini_ws):
        with pytest.raises(IntakeLocked):
            with intake_lock(mini_ws, wait=0.3):
                pass
    with intake_lock(mini_ws, wait=0.0):
        pass


def _fake_mounts(tmp_path: Path, mount: Path, fstype: str) -> Path:
    f = tmp_path / "mounts"
    f.write_text(f"/dev/vda / ext4 rw 0 0\n//srv/share {mount} {fstype} rw 0 0\n", encoding="utf-8")
    return f


@pytest.mark.parametrize(("fstype", "network"), [("cifs", True), ("smb3", True), ("nfs4", True),
                                                 ("fuse.sshfs", True), ("fuseblk", False), ("ext4", False)])
def test_network_filesystem_detection(tmp_path: Path, fstype: str, network: bool) -> None:
    mounts = _fake_mounts(tmp_path, tmp_path / "share", fstype)
    assert network_fstype(tmp_path / "share" / "inbox", mounts) == (fstype if network else None)
    assert network_fstype(tmp_path / "sharex", mounts) is None


def test_network_inbox_forces_polling(mini_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(platform_module, "MOUNTS_FILE", _fake_mounts(tmp_path, mini_ws.inbox, "cifs"))
    w = Watcher(mini_ws)
    assert (w.polling, w.fstype) == (True, "cifs")


def test_store_on_network_share_refused(mini_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(platform_module, "MOUNTS_FILE", _fake_mounts(tmp_path, mini_ws.root, "nfs"))
    with pytest.raises(WorkspaceError) as e:
        with open_store(mini_ws):
            pass
    assert str(e.value) == (
        f"krātuvi {mini_ws.store_path} nevar glabāt tīkla diskā (nfs): SQLite tur var sabojāt datus. "
        "Novietojiet darba vietu (vismaz mapi archive/) uz šī datora diska.")
    assert not mini_ws.store_path.exists()


@pytest.mark.parametrize(("name", "taken"), [
    ("F1.xlsx", True), ("~$F1.xlsx", False), (".~lock.F1.xlsx#", False), ("F1.xlsx.tmp", False),
    ("F1.xlsx.part", False), (".hidden.xlsx", False), ("a..b.xlsx", True), ("Ģimnāzija ā.xlsx", True),
    ("back\\slash.xlsx", True), ("ar atstarpēm .xlsx", True), ("..\\x.xlsx", False), (".x.xlsx.Ab12Cd", False),
])
def test_name_filters(name: str, taken: bool) -> None:
    assert is_candidate_name(name) is taken


def test_tracker_needs_several_identical_looks(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"a")
    t = StabilityTracker(checks=3, min_gap=0.05)
    assert [t.ready(path), t.ready(path)] == [False, False]  # the second look came too soon to count
    time.sleep(0.06)
    assert t.ready(path) is False
    time.sleep(0.06)
    assert t.ready(path) is True
    with open(path, "ab") as fh:
        fh.write(b"b")
    assert t.ready(path) is False


def test_one_completeness_check_waits_for_a_paused_copy(tmp_path: Path) -> None:
    """An empty file, or a .xlsx that is not a zip yet, may be a copy that paused: it waits until it has
    been still for ``settle_seconds`` (the tracker used to decide this itself, a third rule)."""
    archive = tmp_path / "archive"
    for name, content in (("e.xlsx", b""), ("puse.xlsx", b"PK\x03\x04half")):
        path = tmp_path / name
        path.write_bytes(content)
        staged = stage(path, archive, time.time())
        assert isinstance(staged, Staged)
        assert ready(staged, settle_seconds=30.0) is False
        later = stage(path, archive, time.time() + 31)
        assert isinstance(later, Staged) and ready(later, settle_seconds=30.0) is True
    whole = tmp_path / "F1.xlsx"
    Workbook().save(whole)
    staged = stage(whole, archive, time.time())
    assert isinstance(staged, Staged) and ready(staged, settle_seconds=30.0) is True


@pytest.mark.slow
def test_waiting_watcher_stops_on_sigterm(mini_ws: Workspace, tmp_path: Path) -> None:
    env = {**os.environ, "PMP_WORKSPACE": str(mini_ws.root)}
    out_file, err_file = tmp_path / "out.txt", tmp_path / "err.txt"
    with intake_lock(mini_ws), open(out_file, "wb") as out, open(err_file, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "generator", "watch", "--wait"],
                                stdout=out, stderr=err, env=env)
        deadline = time.monotonic() + 30
        while "Gaidu…" not in err_file.read_text(encoding="utf-8") and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.terminate()
        proc.wait(timeout=10)
    assert proc.returncode == 0
    assert "Uzraugu iesūtni" not in err_file.read_text(encoding="utf-8")
    assert out_file.read_text(encoding="utf-8").strip() == "Uzraudzība beigta: pieņemti 0, noraidīti 0, jau saņemti 0."
