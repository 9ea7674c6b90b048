"""Nothing lost, nothing twice: ``pmp ingest`` SIGKILLed at random moments, over and over."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.core.workspace import Workspace
from generator.intake.receipts import receipt_path
from generator.store import open_store
from tests.intake_helpers import drop, filled, inbox_names, plain_xlsx_bytes, zip_bomb


def _corpus(ws: Workspace, tmp: Path) -> dict[str, str]:
    """Fill the inbox; return {sha256: expected end} with "accepted" or "rejected"."""
    made: list[tuple[Path, str]] = []
    for year in (2024, 2025, 2026):
        for inst in ws.config.institutions:
            made.append((filled(ws, "F1", inst.id, year=year, folder=tmp), "accepted"))
    for school in ws.config.schools:
        made.append((filled(ws, "F2", school.id, folder=tmp), "accepted"))
    made.append((filled(ws, "F2", "ludzas-vsk", seed=7, folder=tmp, name="F2 otra versija.xlsx"), "accepted"))
    made.append((filled(ws, "F4", "ip", folder=tmp), "accepted"))
    for inst, err in (("sd", "bad_activity"), ("bt", "wrong_type"), ("pp", "missing_required")):
        made.append((filled(ws, "F1", inst, errors=(err,), folder=tmp, name=f"F1 ar kļūdu {inst}.xlsx"),
                     "rejected"))
    for name, content in (("tukss.xlsx", b""), ("baiti.xlsx", os.urandom(3000)), ("dati.csv", b"a;b"),
                          ("puse.xlsx", plain_xlsx_bytes()[:900]), ("bumba.xlsx", zip_bomb(8)),
                          ("svešs.xlsx", plain_xlsx_bytes())):
        (tmp / name).write_bytes(content)
        made.append((tmp / name, "rejected"))
    expected: dict[str, str] = {}
    base = time.time() - 3600
    for i, (path, end) in enumerate(made):
        content = path.read_bytes()
        expected[hashlib.sha256(content).hexdigest()] = end
        dest = drop(ws, path.name, content)
        os.utime(dest, (base + i, base + i))  # settled, and processed in this order
    dup = drop(ws, "tas pats vēlreiz.xlsx", made[0][0].read_bytes())
    os.utime(dup, (base + len(made), base + len(made)))
    return expected


def _log_lines(ws: Workspace) -> int:
    try:
        return (ws.archive / "intake.log").read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


@pytest.mark.slow
def test_sigkill_loop_loses_nothing_and_doubles_nothing(mini_ws: Workspace, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    expected = _corpus(mini_ws, src)
    env = {**os.environ, "PMP_WORKSPACE": str(mini_ws.root)}
    cmd = [sys.executable, "-m", "generator", "ingest"]
    rng = random.Random(4)
    kills = 0
    for _ in range(60):
        if not inbox_names(mini_ws):
            break
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Wait until this run has finished a file (a new log line), then kill it a moment later:
        # somewhere inside the next file — hashing, parsing, the transaction, receipts or the move.
        before = _log_lines(mini_ws)
        deadline = time.monotonic() + 20
        while _log_lines(mini_ws) == before and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.04))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=30)
    final = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert final.returncode == 0, final.stderr
    assert kills >= 8
    assert inbox_names(mini_ws) == []

    with open_store(mini_ws) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = store.conn.execute(
            "SELECT sha256, state, institution, form_id, period, archived_as FROM submissions").fetchall()
        shas = [r[0] for r in rows]
        assert sorted(shas) == sorted(expected)  # every file exactly once
        for sha, state, inst, form, period, archived in rows:
            end = "rejected" if state == "rejected" else "accepted"
            assert end == expected[sha], (sha, state)
            assert (mini_ws.root / archived).is_file()
            assert receipt_path(mini_ws, sha, inst, form, period).is_file()
        # Two versions of one school's F2, the newest in use.
        hist = store.history("ludzas-vsk", "F2", 2025)
        assert [(h.version, h.state) for h in hist] == [(1, "superseded"), (2, "accepted")]
        n_ok = sum(1 for e in expected.values() if e == "accepted")
    assert len(list(mini_ws.archive.glob("*.xlsx"))) == n_ok
    assert len(list((mini_ws.archive / "rejected").iterdir())) == len(expected) - n_ok
    main_receipts = [p for p in mini_ws.receipts.rglob("*.txt") if not p.name.endswith("_atkartoti.txt")]
    assert len(main_receipts) == len(expected)
    assert len(list(mini_ws.receipts.rglob("*_atkartoti.txt"))) == 1
    con = sqlite3.connect(mini_ws.store_path)
    assert con.execute("SELECT count(*) FROM submissions").fetchone()[0] == len(expected)
    con.close()
