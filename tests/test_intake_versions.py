"""Real workbooks through the intake: acceptance, versions, duplicates, crash recovery, status, log."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from generator.cli import cli
from generator.core.workspace import Workspace
from generator.forms.writer import META_SHEET
from generator.intake import ingest_once, process, process_file
from generator.intake.handlers import HANDLERS
from generator.store import open_store
from tests.intake_helpers import FAST, drop, filled, plain_xlsx_bytes, receipts


def _text(path: Path | None) -> str:
    assert path is not None
    return path.read_text(encoding="utf-8")


def test_accepted_form_goes_to_store_archive_and_receipt(mini_ws: Workspace) -> None:
    path = filled(mini_ws, "F2", "ludzas-vsk")
    result = process_file(path, mini_ws, limits=FAST)
    assert (result.outcome, result.institution, result.form_id, result.period, result.version) == (
        "accepted", "ludzas-vsk", "F2", 2025, 1)
    assert not path.exists()
    archived = mini_ws.archive / f"{result.sha256}.xlsx"
    assert archived.is_file() and archived.stat().st_mode & 0o777 == 0o600
    assert mini_ws.archive.stat().st_mode & 0o777 == 0o700
    assert mini_ws.store_path.stat().st_mode & 0o777 == 0o600
    text = _text(result.receipt)
    assert result.receipt == mini_ws.receipts / "ludzas-vsk" / f"F2_2025_{result.sha256[:12]}.txt"
    assert "Iestāde: Ludzas valsts ģimnāzija (ludzas-vsk)" in text
    assert "Veidlapa: F2 PMP riski. Situācijas apraksts" in text
    assert "Periods: 2024./2025. mācību gads" in text
    assert "REZULTĀTS: PIEŅEMTS (versija 1)." in text
    with open_store(mini_ws) as store:
        (latest,) = store.latest("F2", 2025)
        assert latest.institution == "ludzas-vsk" and latest.version == 1 and latest.sha256 == result.sha256
        assert latest.data  # the form's data as read
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_every_kind_of_invalid_value_rejected_with_marked_copy(mini_ws: Workspace) -> None:
    path = filled(mini_ws, "F2", "zilupes-vsk", errors=(
        "negative_count", "missing_required", "dropouts_above_pupils", "ranks_not_unique", "grade9_sum"))
    result = process_file(path, mini_ws, limits=FAST)
    assert result.outcome == "rejected"
    assert len(result.errors) == 6
    text = _text(result.receipt)
    assert "REZULTĀTS: NORAIDĪTS. Dati nav saglabāti." in text
    for line in result.errors:
        assert f"  - {line}" in text
        assert line.startswith('Kļūda — lapa "')
    for expected in ("šūna B13", "Vērtība nevar būt negatīva (-5)", "Obligāts lauks nav aizpildīts",
                     "Rangs 1 norādīts vairākām riska grupām", "9. klasē mācījās 21"):
        assert any(expected in e for e in result.errors), expected
    marked = mini_ws.receipts / "zilupes-vsk" / f"F2_2025_{result.sha256[:12]}_labojama.xlsx"
    assert result.marked_copy == marked
    assert f"Labojamā kopija: {marked.name}" in text
    wb = load_workbook(marked)
    first = next(e for e in result.errors if "šūna " in e)
    sheet = first.split('lapa "')[1].split('"')[0]
    cell = first.split("šūna ")[1].split(",")[0]
    assert wb[sheet][cell].comment is not None
    assert (mini_ws.archive / "rejected" / f"{result.sha256}.xlsx").is_file()
    with open_store(mini_ws) as store:
        assert store.latest("F2", 2025) == []


def test_wrong_types_dates_and_activities_in_f1(mini_ws: Workspace) -> None:
    path = filled(mini_ws, "F1", "ludzas-vsk", errors=("wrong_type", "bad_activity", "date_outside_period"))
    result = process_file(path, mini_ws, limits=FAST)
    assert result.outcome == "rejected" and len(result.errors) == 3
    text = _text(result.receipt)
    assert "“daudz” nav vesels skaitlis" in text
    assert "“9.99 Neesoša aktivitāte” nav šī perioda plāna aktivitāšu sarakstā" in text
    assert all(e.startswith('Kļūda — lapa "Aktivitātes", šūna ') for e in result.errors)


def test_workbook_not_ours_and_old_version(mini_ws: Workspace) -> None:
    foreign = drop(mini_ws, "cits.xlsx", plain_xlsx_bytes())
    r1 = process_file(foreign, mini_ws, limits=FAST)
    assert r1.outcome == "rejected"
    assert r1.errors == ["Kļūda: Šī darbgrāmata nav PMP veidlapa (tajā nav veidlapas metadatu). Aizpildiet "
                         "izglītības pārvaldes sagatavoto veidlapu un nosūtiet to."]
    old = filled(mini_ws, "F1", "sd")
    wb = load_workbook(old)
    for row in wb[META_SHEET].iter_rows():
        if row[0].value == "form_version":
            row[1].value = 0
    wb.save(old)
    r2 = process_file(old, mini_ws, limits=FAST)
    assert r2.outcome == "rejected" and r2.institution == "sd"
    assert r2.errors[0].startswith("Kļūda: Veidlapas F1 versiju 0 vairs nevar nolasīt")
    assert (mini_ws.receipts / "sd" / f"F1_2025_{r2.sha256[:12]}.txt").is_file()


def test_same_content_twice_is_jau_sanemts(mini_ws: Workspace) -> None:
    path = filled(mini_ws, "F1", "sd")
    content = path.read_bytes()
    first = process_file(path, mini_ws, limits=FAST)
    again = drop(mini_ws, "atkal tas pats.xlsx", content)
    second = process_file(again, mini_ws, limits=FAST)
    assert second.outcome == "duplicate" and second.version == 1
    assert not again.exists()
    text = _text(second.receipt)
    assert "REZULTĀTS: JAU SAŅEMTS." in text and "un pieņemts (versija 1)" in text
    with open_store(mini_ws) as store:
        assert store.count() == 1
        assert [h.sha256 for h in store.history("sd", "F1", 2025)] == [first.sha256]
    assert len(list(mini_ws.archive.glob("*.xlsx"))) == 1


def test_new_content_is_new_version_old_one_kept(mini_ws: Workspace) -> None:
    r1 = process_file(filled(mini_ws, "F2", "ludzas-psk", seed=1), mini_ws, limits=FAST)
    r2 = process_file(filled(mini_ws, "F2", "ludzas-psk", seed=2), mini_ws, limits=FAST)
    assert (r1.version, r2.version) == (1, 2)
    assert "Tā aizstāj iepriekš iesniegto 1. versiju" in _text(r2.receipt)
    # A later broken file does not displace the accepted version.
    r3 = process_file(filled(mini_ws, "F2", "ludzas-psk", seed=3, errors=("wrong_type",)), mini_ws, limits=FAST)
    assert r3.outcome == "rejected"
    with open_store(mini_ws) as store:
        hist = store.history("ludzas-psk", "F2", 2025)
        assert [(h.version, h.state) for h in hist] == [(1, "superseded"), (2, "accepted"), (None, "rejected")]
        assert hist[0].superseded_by == hist[1].id
        (latest,) = store.latest("F2", 2025)
        assert latest.sha256 == r2.sha256 and latest.version == 2


def test_kill_between_commit_and_move_is_finished_on_restart(mini_ws: Workspace,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = filled(mini_ws, "F1", "bt", errors=("wrong_type",))

    def killed(*a: object) -> None:
        raise KeyboardInterrupt  # stands in for SIGKILL right after the commit

    monkeypatch.setattr(process, "answer", killed)
    with pytest.raises(KeyboardInterrupt):
        process_file(path, mini_ws, limits=FAST)
    monkeypatch.undo()
    assert path.exists() and receipts(mini_ws) == []
    result = process_file(path, mini_ws, limits=FAST)
    assert result.outcome == "rejected" and result.recovered
    assert not path.exists()
    assert (mini_ws.archive / "rejected" / f"{result.sha256}.xlsx").is_file()
    assert [p.name for p in receipts(mini_ws)] == [f"F1_2025_{result.sha256[:12]}.txt"]
    assert (mini_ws.receipts / "bt" / f"F1_2025_{result.sha256[:12]}_labojama.xlsx").is_file()
    with open_store(mini_ws) as store:
        assert store.count() == 1


def test_failed_form_handler_rolls_back_everything(mini_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """A handler bug is OUR failure (issue 11 row 11): the transaction rolls back and the file is held
    for the board — before the staged intake it raised and stayed in the inbox, retried forever."""
    def broken(conn: sqlite3.Connection, sid: int, sub: object, ws: object) -> dict[str, object]:
        conn.execute("INSERT INTO submissions (sha256) VALUES ('x')")  # violates NOT NULL
        return {}

    monkeypatch.setitem(HANDLERS, "F4", broken)
    path = filled(mini_ws, "F4", "ip")
    result = process_file(path, mini_ws, limits=FAST)
    assert result.outcome == "held"
    assert not path.exists()
    assert (mini_ws.archive / "held" / f"{result.sha256}.xlsx").is_file()
    with open_store(mini_ws) as store:
        assert store.count() == 0
        (held,) = store.held()
        assert held.kind == "error" and held.detail.startswith("programmas kļūda IntegrityError (")
def test_form_handler_result_is_the_stored_data(mini_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    def own_tables(conn: sqlite3.Connection, sid: int, sub: object, ws: object) -> dict[str, object]:
        conn.execute("CREATE TABLE IF NOT EXISTS t_f4 (submission_id INTEGER)")
        conn.execute("INSERT INTO t_f4 VALUES (?)", (sid,))
        return {"kept": "apart"}

    monkeypatch.setitem(HANDLERS, "F4", own_tables)
    process_file(filled(mini_ws, "F4", "ip"), mini_ws, limits=FAST)
    with open_store(mini_ws) as store:
        (latest,) = store.latest("F4", 2025)
        assert latest.data == {"kept": "apart"}
        assert store.conn.execute("SELECT count(*) FROM t_f4").fetchone()[0] == 1


def test_intake_log_has_no_names_or_values(mini_ws: Workspace) -> None:
    filled(mini_ws, "F3", "zilupes-vsk", errors=("negative_count",), name="Jānis Bērziņš ziņojums.xlsx")
    filled(mini_ws, "F2", "ludzas-vsk")
    summary = ingest_once(mini_ws, limits=FAST)
    assert summary.rejected == 1 and summary.accepted == 1
    log = (mini_ws.archive / "intake.log").read_text(encoding="utf-8").splitlines()
    assert len(log) == 2
    fields = [line.split("\t") for line in log]
    assert [f[2:] for f in fields] == [["zilupes-vsk", "F3", "noraidīts"], ["ludzas-vsk", "F2", "pieņemts v1"]] \
        or [f[2:] for f in fields] == [["ludzas-vsk", "F2", "pieņemts v1"], ["zilupes-vsk", "F3", "noraidīts"]]
    assert "Jānis" not in "\n".join(log)
    f3 = next(r for r in summary.results if r.form_id == "F3")
    assert "Jānis" not in f3.line() and "(ziņojums par izglītojamo)" in f3.line()
    assert "(-" not in _text(f3.receipt)  # the negative value itself is not repeated


def test_status_json_and_table(mini_ws: Workspace) -> None:
    process_file(filled(mini_ws, "F2", "ludzas-vsk"), mini_ws, limits=FAST)
    process_file(filled(mini_ws, "F1", "sd", errors=("bad_activity",)), mini_ws, limits=FAST)
    runner = CliRunner()
    res = runner.invoke(cli, ["status", "--period", "2025", "--json"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    cfg = mini_ws.config
    assert len(rows) == len(cfg.institutions) + len(cfg.schools) + 1
    by = {(r["institution"], r["form"]): r for r in rows}
    assert by[("ludzas-vsk", "F2")]["state"] == "accepted" and by[("ludzas-vsk", "F2")]["version"] == 1
    assert by[("sd", "F1")]["state"] == "rejected"
    assert by[("sd", "F1")]["errors"][0].startswith('Kļūda — lapa "Aktivitātes", šūna A')
    assert by[("ip", "F4")] | {"institution_name": ""} == {
        "institution": "ip", "institution_name": "", "form": "F4", "period": 2025, "state": "missing",
        "version": None, "received_at": None, "errors": [], "warnings": [], "rejected_later": False,
        "owed": True}
    assert ("sd", "F2") not in by  # F2 only from schools
    table = runner.invoke(cli, ["status", "--period", "2025"], catch_exceptions=False).output
    assert "Iesniegumi — 2024./2025. mācību gads" in table
    assert f"Kopā jāiesniedz {len(rows)}: pieņemti 1, noraidīti 1, trūkst {len(rows) - 2}." in table
    line = next(x for x in table.splitlines() if x.startswith("Ludzas valsts ģimnāzija") and "F2" in x)
    assert "pieņemts" in line


def test_cli_ingest_prints_progress_and_summary(mini_ws: Workspace) -> None:
    filled(mini_ws, "F1", "pp")
    drop(mini_ws, "dati.csv", b"a,b")
    res = CliRunner().invoke(cli, ["ingest"], catch_exceptions=False)
    assert res.exit_code == 0
    lines = res.output.splitlines()
    assert lines[-1] == "Iesūtne apstrādāta: 2 faili — pieņemti 1, noraidīti 1, jau saņemti 0."
    assert any(x.startswith("pieņemts") and "pp F1 2025 v1" in x for x in lines)
    assert any(x.startswith("noraidīts") and '"dati.csv"' in x for x in lines)


def test_move_across_filesystems_copies_then_renames(mini_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """An inbox on another disk (a network share): the rename fails with EXDEV, a copy is made instead."""
    real_replace = os.replace

    def cross_device(src: object, dst: object) -> None:
        if str(src).startswith(str(mini_ws.inbox)):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(process.os, "replace", cross_device)
    path = filled(mini_ws, "F1", "ip")
    content = path.read_bytes()
    result = process_file(path, mini_ws, limits=FAST)
    assert result.outcome == "accepted" and not path.exists()
    archived = mini_ws.archive / f"{result.sha256}.xlsx"
    assert archived.read_bytes() == content and archived.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in mini_ws.archive.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("name", ["F1..\\..\\ģimnāzija.xlsx", "a..b.xlsx", "ar  atstarpēm  .xlsx",
                                  "Žūrija ČĒŅ.XLSX"])
def test_odd_names_are_metadata_only(mini_ws: Workspace, name: str) -> None:
    path = filled(mini_ws, "F1", "ludzas-psk", name=name)
    result = process_file(path, mini_ws, limits=FAST)
    assert result.outcome == "accepted"
    assert (mini_ws.archive / f"{result.sha256}.xlsx").is_file()
    assert f"Fails: \"{name}\"" in _text(result.receipt)
    assert result.receipt is not None and result.receipt.parent == mini_ws.receipts / "ludzas-psk"
    with open_store(mini_ws) as store:
        row = store.by_sha(result.sha256)
        assert row is not None and row.original_name == name
    assert sorted(p.name for p in mini_ws.root.rglob("*") if name in p.name) == []
