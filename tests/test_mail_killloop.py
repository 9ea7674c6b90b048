"""Exactly once under SIGKILL: ``pmp mail --once`` killed at random moments against Dovecot and SMTP."""

from __future__ import annotations

import hashlib
import os
import random
import select
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from generator.core.workspace import Workspace
from generator.store import open_store
from tests.intake_helpers import filled
from tests.mail_servers import SECRET
from tests.test_mail_roundtrip import mail_ws, school_message, servers  # noqa: F401  (fixtures)

SENDERS = {"ludzas-vsk": "gimnazija@ludzasnovads.lv", "ludzas-psk": "pamatskola@ludzasnovads.lv",
           "zilupes-vsk": "zilupe@ludzasnovads.lv", "sd": "soc.dienests@ludzasnovads.lv"}
KILLS = 15


def _kill_after(proc: subprocess.Popen[bytes], lines: int, extra: float) -> bool:
    """SIGKILL ``proc`` ``extra`` seconds after it printed ``lines`` lines; False if it ended first."""
    assert proc.stdout is not None
    seen = 0
    deadline = time.monotonic() + 120
    while seen < lines and time.monotonic() < deadline and proc.poll() is None:
        ready, _, _ = select.select([proc.stdout], [], [], 0.05)
        if ready and proc.stdout.readline():
            seen += 1
    time.sleep(extra)
    if proc.poll() is not None:
        proc.communicate()
        return False
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    return True


@pytest.mark.slow
def test_sigkill_at_random_moments_every_attachment_once_every_sender_one_reply(
        mail_ws: Workspace, servers, tmp_path: Path) -> None:  # noqa: F811
    dovecot, smtp = servers
    rng = random.Random(int(os.environ.get("PMP_KILL_SEED", "13")))
    expected: set[str] = set()
    sent: dict[str, str] = {}  # Message-ID -> sender
    batches: list[list[object]] = []
    for year in (2024, 2025, 2026):
        for inst, sender in SENDERS.items():
            files = [filled(mail_ws, "F1", inst, year=year, folder=tmp_path, name=f"F1_{inst}_{year}.xlsx")]
            if inst != "sd" and year == 2025:
                files.append(filled(mail_ws, "F2", inst, folder=tmp_path, name=f"F2_{inst}.xlsx",
                                    errors=("negative_count",) if inst == "zilupes-vsk" else ()))
            if inst == "ludzas-vsk":
                files.append(filled(mail_ws, "F2", inst, year=year, seed=year, folder=tmp_path,
                                    name=f"F2 labots {year}.xlsx"))
            msg = school_message(mail_ws, sender, f"Veidlapas {year}", files)
            sent[msg["Message-ID"]] = sender
            expected |= {hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
            if not batches or len(batches[-1]) == 1:  # one new message a pass: more kills land mid-message
                batches.append([])
            batches[-1].append(msg)
    n = len(sent)

    env = {**os.environ, "PMP_MAIL_SECRET": SECRET, "PMP_WORKSPACE": str(mail_ws.root)}
    kills = midway = 0  # midway: kills that left a message half taken, unmarked or unanswered
    tries = 0  # kill attempts; on a fast machine many land after the run has already finished
    started = time.monotonic()  # an idle run first: how long start-up and an empty pass take here
    subprocess.run([sys.executable, "-m", "generator", "mail", "--once"], env=env, check=True, capture_output=True)
    idle = time.monotonic() - started
    out = err = b""
    for _ in range(100):
        if batches:  # new mail keeps arriving between the kills
            for msg in batches.pop(0):
                dovecot.append(msg)
        proc = subprocess.Popen([sys.executable, "-u", "-m", "generator", "mail", "--once"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if batches or (kills < KILLS and tries < 4 * KILLS):
            tries += 1
            # Half of the kills at a random moment from start-up on; the rest a random instant after the
            # n-th message was reported, i.e. inside the taking, marking or sending of the next one.
            lines = rng.choice([0, 1, 1, 2, 3])
            extra = rng.uniform(0.5 * idle, idle + 1.0) if lines == 0 else rng.uniform(0.0, 0.3)
            if _kill_after(proc, lines, extra):
                kills += 1
                with open_store(mail_ws) as store:
                    midway += bool(store.conn.execute(
                        "SELECT 1 FROM mail_messages WHERE state = 'taking' UNION ALL"
                        " SELECT 1 FROM mail_outbox WHERE state = 'queued'").fetchone())
                continue
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode()
        if not batches and (kills >= KILLS or tries >= 4 * KILLS) \
                and "Pastkaste apstrādāta: 0 vēstules".encode() in out:
            with open_store(mail_ws) as store:
                if not store.conn.execute("SELECT 1 FROM mail_outbox WHERE state = 'queued'").fetchone():
                    break
        time.sleep(0.05)
    else:
        pytest.fail("pmp mail never finished: " + out.decode() + err.decode())

    with open_store(mail_ws) as store:
        shas = [r[0] for r in store.conn.execute("SELECT sha256 FROM submissions")]
        outcomes = Counter(r[0] for r in store.conn.execute("SELECT outcome FROM mail_parts"))
        messages = store.conn.execute("SELECT count(*) FROM mail_messages").fetchone()[0]
    assert sorted(shas) == sorted(expected)  # every attachment exactly once in the store
    assert outcomes == {"accepted": len(expected) - 1, "rejected": 1}  # never "jau saņemts" to itself
    assert messages == n
    replies = Counter(m.msg["In-Reply-To"] for m in smtp.messages())
    assert replies == Counter(dict.fromkeys(sent, 1)), replies  # one reply per message, no more
    for m in smtp.messages():
        assert sent[m.msg["In-Reply-To"]] in m.rcpt_tos
    assert all(b"$PmpDone" in flags for flags, _ in dovecot.messages().values())
    assert not any((mail_ws.archive / "mail" / "staging").iterdir())
    assert midway >= 1, midway
    print(f"{kills} kills ({midway} mid-message), {n} messages, {len(expected)} attachments")
