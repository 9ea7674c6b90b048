"""Issue 11 rows 7, 8 and 14: the intake processes exactly the bytes it hashed and archived, answers
every version, never keeps a record without its original, and is not fooled or blocked by what else
lies in the inbox (symlinks, FIFOs, folders, hidden files, hardlinks)."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.core.workspace import Workspace
from generator.intake import ingest_once, process, process_file
from generator.store import open_store
from tests.intake_helpers import FAST, filled, receipts


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _archived_matches_its_name(ws: Workspace) -> None:
    """Every archived original holds exactly the bytes its name (the hash) says, and has a store row."""
    with open_store(ws) as store:
        for path in [*ws.archive.glob("*.xlsx"), *(ws.archive / "rejected").glob("*")]:
            sha = path.name.split(".")[0]
            assert _sha(path) == sha, path
            assert store.by_sha(sha) is not None
        for row in store.conn.execute("SELECT archived_as FROM submissions"):
            assert (ws.root / row[0]).is_file(), row  # no record without its original


def _during_read(monkeypatch: pytest.MonkeyPatch, action: Callable[[], None]) -> None:
    """Run ``action`` once, while the intake reads the file (after it has been hashed)."""
    real = process.read_submission
    done: list[bool] = []

    def reading(path: Path, cfg: Any, *more: Any) -> Any:
        if not done:
            done.append(True)
            action()
        return real(path, cfg, *more)

    monkeypatch.setattr(process, "read_submission", reading)


def test_stalled_copy_is_not_taken_half_written(mini_ws: Workspace, tmp_path: Path) -> None:
    """Row 7: a copy paused for a few seconds (older than the old 1 s settle time) is left alone."""
    content = filled(mini_ws, "F2", "ludzas-vsk", folder=tmp_path).read_bytes()
    dest = mini_ws.inbox / "F2 atskaite.xlsx"
    dest.write_bytes(content[: len(content) // 2])
    paused = time.time() - 3
    os.utime(dest, (paused, paused))  # the writer has been silent for 3 s
    summary = ingest_once(mini_ws)
    assert [r.outcome for r in summary.results] == ["waiting"]
    assert dest.exists() and receipts(mini_ws) == []
    with open_store(mini_ws) as store:
        assert store.count() == 0
    with open(dest, "ab") as fh:  # the writer wakes up and finishes
        fh.write(content[len(content) // 2:])
    summary = ingest_once(mini_ws)
    assert [(r.outcome, r.version) for r in summary.results] == [("accepted", 1)]
    assert (mini_ws.archive / f"{summary.results[0].sha256}.xlsx").read_bytes() == content
    assert not dest.exists()
    _archived_matches_its_name(mini_ws)


@pytest.mark.parametrize("how", ["in place", "renamed over"])
def test_corrected_file_saved_over_during_processing_is_answered_too(
        mini_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    """Row 8: the first version is judged by exactly its own bytes; the second, saved over the same name
    while the first was being checked, stays in the inbox and becomes version 2 on the next pass."""
    v1 = filled(mini_ws, "F2", "ludzas-vsk", seed=1)
    first = v1.read_bytes()
    second = filled(mini_ws, "F2", "ludzas-vsk", seed=2, folder=tmp_path).read_bytes()

    def save_over() -> None:
        if how == "in place":
            with open(v1, "r+b") as fh:
                fh.truncate(0)
                fh.write(second)
        else:
            tmp = v1.with_name("saglabā.tmp")
            tmp.write_bytes(second)
            os.replace(tmp, v1)

    real_read = process.read_submission
    _during_read(monkeypatch, save_over)
    r1 = process_file(v1, mini_ws, limits=FAST)
    assert (r1.outcome, r1.version) == ("accepted", 1)
    assert r1.sha256 == hashlib.sha256(first).hexdigest()
    assert (mini_ws.archive / f"{r1.sha256}.xlsx").read_bytes() == first
    assert v1.read_bytes() == second  # the new version was not swallowed
    monkeypatch.setattr(process, "read_submission", real_read)
    r2 = process_file(v1, mini_ws, limits=FAST)
    assert (r2.outcome, r2.version) == ("accepted", 2)
    assert (mini_ws.archive / f"{r2.sha256}.xlsx").read_bytes() == second
    assert not v1.exists()
    assert len([p for p in receipts(mini_ws) if not p.name.endswith("_atkartoti.txt")]) == 2
    _archived_matches_its_name(mini_ws)


def test_file_deleted_during_processing_keeps_its_original(mini_ws: Workspace,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Row 8: the school deletes the file while it is checked: the record still has its original."""
    path = filled(mini_ws, "F1", "sd")
    content = path.read_bytes()
    _during_read(monkeypatch, path.unlink)
    result = process_file(path, mini_ws, limits=FAST)
    assert result.outcome == "accepted"
    assert (mini_ws.archive / f"{result.sha256}.xlsx").read_bytes() == content
    assert result.receipt is not None and result.receipt.is_file()
    _archived_matches_its_name(mini_ws)


def test_file_growing_during_the_copy_waits_for_the_next_pass(mini_ws: Workspace, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Row 7: bytes appended while the private copy is made: nothing is stored, the file stays."""
    from generator.intake import staging

    path = filled(mini_ws, "F1", "bt")
    real = staging._write_all
    calls: list[int] = []

    def writer_still_busy(fd: int, view: memoryview) -> None:
        real(fd, view)
        if not calls:
            calls.append(1)
            with open(path, "ab") as fh:
                fh.write(b"\0" * 10)

    monkeypatch.setattr(staging, "_write_all", writer_still_busy)
    assert process_file(path, mini_ws, limits=FAST).outcome == "waiting"
    assert path.exists() and receipts(mini_ws) == []
    assert list((mini_ws.archive / "staging").iterdir()) == []
    with open_store(mini_ws) as store:
        assert store.count() == 0


def test_hardlinked_file_outside_twin_untouched(mini_ws: Workspace, tmp_path: Path) -> None:
    """Row 14: a hardlink's other name outside the inbox keeps its permissions and content."""
    outside = filled(mini_ws, "F1", "pp", folder=tmp_path)
    os.chmod(outside, 0o644)
    content = outside.read_bytes()
    os.link(outside, mini_ws.inbox / "F1 saite.xlsx")
    summary = ingest_once(mini_ws, limits=FAST)
    assert [r.outcome for r in summary.results] == ["accepted"]
    assert outside.stat().st_mode & 0o777 == 0o644
    assert outside.read_bytes() == content
    assert not (mini_ws.inbox / "F1 saite.xlsx").exists()
    archived = mini_ws.archive / f"{summary.results[0].sha256}.xlsx"
    assert archived.stat().st_mode & 0o777 == 0o600 and archived.stat().st_nlink == 1


def test_symlink_fifo_folder_and_dotfile_are_never_followed_and_reported(mini_ws: Workspace,
                                                                         tmp_path: Path) -> None:
    """Row 14: nothing is followed or opened; ``pmp status`` names each entry and what it is."""
    secret = filled(mini_ws, "F1", "ip", folder=tmp_path)
    (mini_ws.inbox / "saite.xlsx").symlink_to(secret)
    os.mkfifo(mini_ws.inbox / "kanals.xlsx")
    (mini_ws.inbox / "mape.xlsx").mkdir()
    (mini_ws.inbox / ".slepts.xlsx").write_bytes(b"x")
    summary = ingest_once(mini_ws, limits=FAST)
    assert [r for r in summary.results if r.outcome != "ignored"] == []
    assert secret.exists() and (mini_ws.inbox / "saite.xlsx").is_symlink()
    with open_store(mini_ws) as store:
        assert store.count() == 0
    out = CliRunner().invoke(cli, ["status", "--period", "2025"], catch_exceptions=False).output
    assert "Iesūtnē ir ieraksti, kurus neapstrādājam (4):" in out
    assert '    ".slepts.xlsx" — slēpts fails (nosaukums sākas ar punktu)' in out
    assert '    "kanals.xlsx" — nosaukts kanāls FIFO (netiek atvērts)' in out
    assert '    "mape.xlsx" — mape (netiek atvērta)' in out
    assert '    "saite.xlsx" — simboliska saite (netiek atvērta)' in out


def test_fifo_swapped_in_after_the_scan_never_blocks(mini_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """Row 14: a regular file replaced by a FIFO between listing and opening: skipped, not waited on."""
    path = filled(mini_ws, "F1", "sd")
    real_scandir = os.scandir

    def scandir_then_swap(target: Any) -> Any:
        entries = list(real_scandir(target))
        if Path(target) == mini_ws.inbox and path.exists() and not path.is_fifo():
            path.unlink()
            os.mkfifo(path)
        return iter(entries)

    monkeypatch.setattr(os, "scandir", scandir_then_swap)
    outcome: list[Any] = []
    worker = threading.Thread(target=lambda: outcome.append(ingest_once(mini_ws, limits=FAST)), daemon=True)
    worker.start()
    worker.join(timeout=15)
    if worker.is_alive():  # unblock the stuck reader so the test run can end, then fail
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        worker.join(timeout=5)
        pytest.fail("the intake blocked on a FIFO")
    assert [r.outcome for r in outcome[0].results if r.outcome != "ignored"] == []
    assert path.is_fifo()
    # Handed over directly (the last moment it can change), it is opened without blocking and skipped.
    started = time.monotonic()
    assert process_file(path, mini_ws, limits=FAST).outcome == "ignored"
    assert time.monotonic() - started < 5
