"""Issue 11 row 11: our own failure is ours — the file is HELD (not rejected), the board sees it with
the traceback, the school is told it is being checked, and ``pmp ingest --retry-held`` finishes it.
Also the mail intake's way in: an origin (sender, Message-ID) kept with the submission, and a hold for
a sender the mail intake cannot vouch for."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.core.workspace import Workspace
from generator.forms import reader
from generator.intake import process_file
from generator.store import migrations, open_store
from tests.intake_helpers import FAST, drop, filled, receipts

real_check = reader.check


def _broken_check(*args: Any, **kwargs: Any) -> Any:
    raise TypeError("unsupported operand type(s) for +: 'int' and 'str' — Jānis Bērziņš")


def _cli(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_our_exception_holds_the_file_and_retry_finishes_it(mini_ws: Workspace,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = filled(mini_ws, "F2", "ludzas-vsk")
    content = path.read_bytes()
    monkeypatch.setattr(reader, "check", _broken_check)
    res = _cli("ingest")
    assert res.exit_code == 0
    assert res.output.splitlines()[-1] == ("Iesūtne apstrādāta: 1 fails — pieņemti 0, noraidīti 0, jau saņemti 0, "
                                           "aizturēti pārbaudei 1.")
    assert not path.exists()
    with open_store(mini_ws) as store:
        (held,) = store.held()
        assert store.count() == 0
    kept = mini_ws.archive / "held" / f"{held.sha256}.xlsx"
    assert kept.read_bytes() == content and kept.stat().st_mode & 0o777 == 0o600
    assert held.detail.startswith("programmas kļūda TypeError (generator/forms/reader.py:")
    assert "Jānis" in held.traceback  # the whole traceback is kept, owner-only, in the store
    # The school: received, being checked, nothing to do — never "broken form, do not change it".
    (receipt,) = receipts(mini_ws)
    text = receipt.read_text(encoding="utf-8")
    assert ("REZULTĀTS: SAŅEMTS, TIEK PĀRBAUDĪTS. Fails ir saņemts un droši saglabāts, bet to vēl nevarējām "
            "apstrādāt: pārbaudot to, radās kļūda mūsu programmā (tā nav jūsu kļūda).") in text
    assert "nemainiet" not in text and "NORAIDĪTS" not in text
    # The board: the log has where it failed, frame by frame, but no value from the file.
    log = (mini_ws.archive / "intake.log").read_text(encoding="utf-8")
    assert "aizturēts: programmas kļūda TypeError" in log
    assert "  File generator/forms/reader.py, line " in log and "  TypeError" in log
    assert "Jānis" not in log
    rows = json.loads(_cli("status", "--period", "2025", "--json").output)
    row = next(r for r in rows if (r["institution"], r["form"]) == ("ludzas-vsk", "F2"))
    assert row["state"] == "held" and row["errors"] == [f"Aizturēts pārbaudei: {held.detail}"]
    table = _cli("status", "--period", "2025").output
    assert "Aizturēti faili (1) — saņemti, skolām paziņots, ka tie tiek pārbaudīti:" in table
    assert "pmp ingest --retry-held" in table
    assert "Kopā jāiesniedz 11: pieņemti 0, aizturēti 1, noraidīti 0, trūkst 10." in table
    # Sent again while held: still "being checked", never "jau saņemts".
    again = process_file(drop(mini_ws, "atkal.xlsx", content), mini_ws, limits=FAST)
    assert again.outcome == "held"
    assert not any(p.name.endswith("_atkartoti.txt") for p in receipts(mini_ws))
    # After the fix the board runs the held files again: accepted, the receipt now says so.
    monkeypatch.setattr(reader, "check", real_check)  # the fix
    res = _cli("ingest", "--retry-held")
    assert res.output.splitlines()[-1] == "Iesūtne apstrādāta: 1 fails — pieņemti 1, noraidīti 0, jau saņemti 0."
    assert "REZULTĀTS: PIEŅEMTS (versija 1)." in receipt.read_text(encoding="utf-8")
    assert not kept.exists() and (mini_ws.archive / f"{held.sha256}.xlsx").read_bytes() == content
    with open_store(mini_ws) as store:
        assert store.held() == []
        row2 = store.by_sha(held.sha256)
        assert row2 is not None and row2.state == "accepted" and row2.received_at == held.received_at
    rows = json.loads(_cli("status", "--period", "2025", "--json").output)
    row = next(r for r in rows if (r["institution"], r["form"]) == ("ludzas-vsk", "F2"))
    assert (row["state"], row["version"]) == ("accepted", 1)


def test_held_again_when_still_broken_counts_attempts(mini_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "check", _broken_check)
    first = process_file(filled(mini_ws, "F1", "sd"), mini_ws, limits=FAST)
    assert first.outcome == "held"
    res = _cli("ingest", "--retry-held")
    assert "aizturēti pārbaudei 1" in res.output
    with open_store(mini_ws) as store:
        (held,) = store.held()
        assert held.attempts == 2
    assert (mini_ws.archive / "held" / f"{held.sha256}.xlsx").is_file()


def test_rejection_that_blamed_the_school_for_our_bug_is_judged_again(mini_ws: Workspace) -> None:
    """A store from before: the file was refused with "Veidlapu neizdevās nolasīt (TypeError) …".
    Migration 2 marks such rejections ours; the same file sent again is judged, never "jau saņemts"."""
    path = filled(mini_ws, "F1", "bt")
    content = path.read_bytes()
    import hashlib

    sha = hashlib.sha256(content).hexdigest()
    con = sqlite3.connect(mini_ws.store_path, isolation_level=None)
    con.execute("CREATE TABLE migrations (number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
    first = migrations.registered()[0]
    for statement in migrations._statements(first.sql):
        con.execute(statement)
    con.execute("INSERT INTO migrations VALUES (1, 'submissions', '2026-01-01')")
    con.execute("INSERT INTO submissions (sha256, institution, form_id, period, state, received_at, original_name,"
                " size, archived_as, receipt) VALUES (?, 'bt', 'F1', 2025, 'rejected', '2026-01-05T10:00:00+02:00',"
                " 'F1.xlsx', ?, ?, 'kvīts')", (sha, len(content), f"archive/rejected/{sha}.xlsx"))
    con.execute("INSERT INTO messages VALUES (1, 0, 'error', '', '', '', 'Veidlapu neizdevās nolasīt (TypeError). "
                "Izmantojiet izglītības pārvaldes sagatavoto veidlapu un nemainiet tās struktūru.')")
    con.close()
    (mini_ws.archive / "rejected").mkdir(parents=True, exist_ok=True)
    (mini_ws.archive / "rejected" / f"{sha}.xlsx").write_bytes(content)
    result = process_file(path, mini_ws, limits=FAST)
    assert (result.outcome, result.version) == ("accepted", 1)
    assert "JAU SAŅEMTS" not in (result.receipt or Path()).read_text(encoding="utf-8")
    assert not (mini_ws.archive / "rejected" / f"{sha}.xlsx").exists()
    with open_store(mini_ws) as store:
        assert [(h.state, h.version) for h in store.history("bt", "F1", 2025)] == [("accepted", 1)]


def test_mail_origin_is_kept_and_a_doubtful_sender_is_held(mini_ws: Workspace) -> None:
    from generator.intake import Origin

    ok = process_file(filled(mini_ws, "F1", "pp"), mini_ws, limits=FAST,
                      origin=Origin("mail", sender="pp@example.lv", message_id="<1@example.lv>"))
    assert ok.outcome == "accepted"
    seen: list[str | None] = []

    def vet(institution: str | None) -> str | None:
        seen.append(institution)
        return "sūtītājs viltus@example.com nav šīs iestādes adrese; izglītības pārvalde to pārbaudīs."

    origin = Origin("mail", sender="viltus@example.com", message_id="<2@example.com>", vet=vet)
    held = process_file(filled(mini_ws, "F1", "sd"), mini_ws, limits=FAST, origin=origin)
    assert held.outcome == "held" and seen == ["sd"]
    assert held.receipt is not None
    assert ("apstrādāt: sūtītājs viltus@example.com nav šīs iestādes adrese; izglītības pārvalde to pārbaudīs."
            in held.receipt.read_text(encoding="utf-8"))
    with open_store(mini_ws) as store:
        (h,) = store.held()
        assert (h.kind, h.institution, h.form_id, h.period) == ("sender", "sd", "F1", 2025)
        assert h.origin == {"channel": "mail", "sender": "viltus@example.com", "message_id": "<2@example.com>"}
        first = store.conn.execute("SELECT origin FROM submissions WHERE sha256 = ?", (ok.sha256,)).fetchone()[0]
        assert json.loads(first) == {"channel": "mail", "sender": "pp@example.lv", "message_id": "<1@example.lv>"}
    # The board has checked the sender: retrying releases it (the sender is not vetted again).
    res = _cli("ingest", "--retry-held")
    assert "pieņemti 1" in res.output
    with open_store(mini_ws) as store:
        assert store.held() == []
        origin_json = store.conn.execute("SELECT origin FROM submissions WHERE sha256 = ?", (h.sha256,)).fetchone()[0]
        assert json.loads(origin_json)["message_id"] == "<2@example.com>"
