"""The staged copy's fsync runs in the background while the file is read, and is done before anything
names the copy: the store's record (a killed run's leftover is placed by its hash), the archive, the
removal of the inbox name. A full disk found by that fsync loses nothing."""

from __future__ import annotations

import errno
import os
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.core.workspace import Workspace
from generator.intake import process_file, staging
from generator.store import Store, open_store
from tests.intake_helpers import FAST, filled


def test_copy_on_disk_before_the_commit_and_the_release(mini_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[str] = []
    real_fsync = staging._fsync_and_close
    real_transaction = Store.transaction
    real_unlink = os.unlink

    def slow_fsync(fd: int) -> None:
        events.append(f"fsync started in {threading.current_thread().name}")
        time.sleep(0.3)  # a slow disk: the commit must still come after
        real_fsync(fd)
        events.append("fsync done")

    def transaction(self: Store):  # type: ignore[no-untyped-def]
        events.append("commit")
        return real_transaction(self)

    def unlink(path: object, *args: object, **kwargs: object) -> None:
        if str(path) == str(mini_ws.inbox / "F1.xlsx"):
            events.append("inbox name removed")
        real_unlink(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(staging, "_fsync_and_close", slow_fsync)
    monkeypatch.setattr(Store, "transaction", transaction)
    monkeypatch.setattr(staging.os, "unlink", unlink)
    path = filled(mini_ws, "F1", "sd", name="F1.xlsx")
    result = process_file(path, mini_ws, limits=FAST)
    assert result.outcome == "accepted"
    assert events[0].startswith("fsync started in pmp-fsync")
    assert events.index("fsync done") < events.index("commit") < events.index("inbox name removed")
    assert (mini_ws.archive / f"{result.sha256}.xlsx").exists() and not path.exists()


def test_full_disk_found_by_the_fsync_loses_nothing(mini_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int) -> None:
        os.close(fd)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(staging, "_fsync_and_close", full)
    path = filled(mini_ws, "F1", "bt")
    res = CliRunner().invoke(cli, ["ingest"])
    assert res.exit_code == 1
    assert "nav brīvas vietas" in res.output and "Neviens fails nav zaudēts" in res.output
    assert "Traceback" not in res.output
    assert path.exists() and list((mini_ws.archive / "staging").iterdir()) == []
    with open_store(mini_ws) as store:
        assert store.count() == 0 and store.held() == []


def test_forked_child_syncs_in_its_own_thread(mini_ws: Workspace, tmp_path: Path) -> None:
    """The fsync thread belongs to the process that started it; a forked child starts its own."""
    filled(mini_ws, "F1", "sd", name="a.xlsx")
    assert process_file(mini_ws.inbox / "a.xlsx", mini_ws, limits=FAST).outcome == "accepted"
    filled(mini_ws, "F1", "bt", name="b.xlsx")
    pid = os.fork()
    if pid == 0:  # the child: take b.xlsx and say how it went through its exit code
        try:
            code = 0 if process_file(mini_ws.inbox / "b.xlsx", mini_ws, limits=FAST).outcome == "accepted" else 1
        except BaseException:  # noqa: BLE001
            code = 2
        os._exit(code)
    deadline = time.monotonic() + 60
    while (done := os.waitpid(pid, os.WNOHANG))[0] == 0:  # a child waiting on a thread it lacks would hang
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            pytest.fail("the forked child never finished its file")
        time.sleep(0.05)
    assert os.waitstatus_to_exitcode(done[1]) == 0
    assert not (mini_ws.inbox / "b.xlsx").exists()
