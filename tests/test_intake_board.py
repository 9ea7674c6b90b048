"""Issue 11 rows 12, 13, 15–19 and the receipts' summaries: what the board and the schools are told —
a changed config.toml picked up by the watcher, unrecognised files listed, children's data kept out of
receipts and away from other users, the version in use named, a full disk said in Latvian, and every
accepted form shown."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.core import lv
from generator.core.workspace import Workspace
from generator.intake import Limits, ingest_once, process_file
from generator.intake.handlers import HANDLERS
from generator.intake.watch import Watcher
from generator.store import open_store
from tests.intake_helpers import FAST, OLE, drop, filled, ods_bytes, plain_xlsx_bytes


def _cli(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


NEW_CENTRE = """[[institutions]]
id = "jc"
name = "Ludzas jauniešu centrs"
kind = "youth_centre"

"""


def _with_new_centre(text: str) -> str:
    """config.toml's text with one more institution (a youth centre the board adds mid-year)."""
    return text.replace("[[funding_sources]]", NEW_CENTRE + "[[funding_sources]]", 1)


def _bump(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


def test_watcher_picks_up_a_changed_config_and_keeps_the_old_one_if_invalid(mini_ws: Workspace,
                                                                            tmp_path: Path) -> None:
    """Row 12: a school added to config.toml while watching is known at once; its earlier refusal
    (not the school's fault) does not make the same file "jau saņemts" later; a broken edit is reported
    and the configuration in use stays."""
    before = mini_ws.config_path.read_text(encoding="utf-8")
    full = _with_new_centre(before)
    mini_ws.config_path.write_text(full, encoding="utf-8")
    content = filled(Workspace(mini_ws.root), "F1", "jc", folder=tmp_path).read_bytes()
    mini_ws.config_path.write_text(before, encoding="utf-8")
    mini_ws = Workspace(mini_ws.root)  # `pmp watch` starts: config.toml has no youth centre yet
    said: list[str] = []
    watcher = Watcher(mini_ws, limits=Limits(settle_seconds=0.0, stable_checks=1), say=said.append,
                      interval=0.1)
    try:
        with open_store(mini_ws) as store:
            drop(mini_ws, "F1 jauniešu centrs.xlsx", content)
            (first,) = watcher.tick(store)
            assert first.outcome == "rejected", first.detail
            mini_ws.config_path.write_text(full, encoding="utf-8")
            _bump(mini_ws.config_path)
            drop(mini_ws, "F1 jauniešu centrs.xlsx", content)
            watcher.rescan()
            (second,) = watcher.tick(store)
            assert (second.outcome, second.institution, second.version) == ("accepted", "jc", 1)
            assert "config.toml ir mainīts: turpmāk lietoju jauno konfigurāciju." in said
            mini_ws.config_path.write_text(full.replace('kind = "youth_centre"', 'kind = "centrs"'),
                                           encoding="utf-8")
            _bump(mini_ws.config_path)
            filled(mini_ws, "F1", "sd", seed=3)
            watcher.rescan()
            (third,) = watcher.tick(store)
            assert third.outcome == "accepted"
            warning = next(s for s in said if s.startswith("config.toml ir mainīts, bet"))
            assert warning.startswith("config.toml ir mainīts, bet jaunajā versijā ir kļūdas, tāpēc turpinu ar "
                                      "iepriekšējo konfigurāciju. Izlabojiet to (pārbaude: pmp config check):")
            assert "institutions" in warning
            assert mini_ws.config.institution("jc").kind == "youth_centre"
    finally:
        watcher.stop_observer()


def test_unrecognised_files_listed_by_status_and_build(mini_ws: Workspace) -> None:
    """Row 13: .ods, .xls and damaged files named no institution; the board is told where their
    receipts are instead of the school simply showing as missing."""
    drop(mini_ws, "atskaite.ods", ods_bytes(), age=60)
    drop(mini_ws, "vecā.xls", OLE, age=60)
    drop(mini_ws, "bojāts.xlsx", plain_xlsx_bytes()[:700], age=60)
    ingest_once(mini_ws, limits=FAST)
    table = _cli("status", "--period", "2026").output
    assert ("Neatpazīti faili (3) — nav nosakāms, no kuras iestādes tie ir; kvītis: outbox/receipts/_nezinama/ "
            "(nosūtiet tās sūtītājam):") in table
    for name, reason in (("atskaite.ods", "Fails ir LibreOffice/OpenDocument formātā (.ods)."),
                         ("vecā.xls", "Fails ir vecajā Excel formātā .xls."),
                         ("bojāts.xlsx", "Fails ir bojāts vai nepilnīgs")):
        line = next(x for x in table.splitlines() if f'"{name}"' in x)
        assert f'"{name}" — {reason}' in line
    build = _cli("build", "--period", "2026").output
    assert "Neatpazīti faili (3)" in build and '"atskaite.ods"' in build
    guide = (Path(__file__).parents[1] / "docs" / "lietotaja_celvedis.md").read_text(encoding="utf-8")
    assert "Neatpazīti faili" in guide and "_nezinama" in guide and "--retry-held" in guide


def test_marked_copy_of_a_rejected_case_report_is_owner_only(mini_ws: Workspace) -> None:
    """Row 15: the F3 marked copy holds a pupil's name and birth date."""
    result = process_file(filled(mini_ws, "F3", "zilupes-vsk", errors=("negative_count",)), mini_ws, limits=FAST)
    assert result.outcome == "rejected" and result.marked_copy is not None
    assert result.marked_copy.stat().st_mode & 0o777 == 0o600
    plain = process_file(filled(mini_ws, "F1", "sd", errors=("wrong_type",)), mini_ws, limits=FAST)
    assert plain.marked_copy is not None and plain.marked_copy.is_file()


def test_case_report_receipts_never_print_the_file_name(mini_ws: Workspace, tmp_path: Path) -> None:
    """Row 16: the sender's name for an F3 often names the child."""
    name = "Zinojums_Laura_Liepina_5a.xlsx"
    ok = filled(mini_ws, "F3", "zilupes-vsk", name=name)
    content = ok.read_bytes()
    first = process_file(ok, mini_ws, limits=FAST)
    bad = process_file(filled(mini_ws, "F3", "zilupes-vsk", seed=4, errors=("wrong_type",), name=name),
                       mini_ws, limits=FAST)
    again = process_file(drop(mini_ws, name, content), mini_ws, limits=FAST)
    assert [first.outcome, bad.outcome, again.outcome] == ["accepted", "rejected", "duplicate"]
    for r in (first, bad, again):
        text = (r.receipt or Path()).read_text(encoding="utf-8")
        assert "Laura" not in text and "Liepina" not in text
        assert "Fails: (nosaukums netiek rādīts: veidlapā ir bērna personas dati)" in text


def test_resending_a_replaced_version_names_the_current_one(mini_ws: Workspace, tmp_path: Path) -> None:
    """Row 17: v1 sent again after v2 was accepted."""
    v1 = filled(mini_ws, "F2", "ludzas-psk", seed=1)
    content = v1.read_bytes()
    process_file(v1, mini_ws, limits=FAST)
    r2 = process_file(filled(mini_ws, "F2", "ludzas-psk", seed=2), mini_ws, limits=FAST)
    again = process_file(drop(mini_ws, "vecā versija.xlsx", content), mini_ws, limits=FAST)
    assert again.outcome == "duplicate"
    text = (again.receipt or Path()).read_text(encoding="utf-8")
    with open_store(mini_ws) as store:
        row = store.by_sha(r2.sha256)
        assert row is not None
    from datetime import datetime

    when = datetime.fromisoformat(row.received_at)
    assert (f"un pieņemts (versija 1). Šī versija vairs nav spēkā: to aizstāj 2. versija, saņemta "
            f"{lv.date_locative(when.date())}, plkst. {when:%H:%M}.") in text
    assert f"jau saņemts {lv.date_locative(when.date())}" in text  # the locative, "30. novembrī"


def test_full_disk_while_staging_is_said_in_latvian_and_loses_nothing(mini_ws: Workspace,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Row 18: ENOSPC while the private copy is written."""
    from generator.intake import staging
    from generator.intake.diskfull import mount_point

    path = filled(mini_ws, "F1", "bt")

    def full(fd: int, view: memoryview) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(staging, "_write_all", full)
    res = CliRunner().invoke(cli, ["ingest"])
    assert res.exit_code == 1
    mount = mount_point(mini_ws.archive)
    assert res.output.startswith(f"Kļūda: diskā {mount} nav brīvas vietas (brīvi ")
    assert ("tāpēc iesniegumu nevarēja saglabāt. Neviens fails nav zaudēts: tas, kas tika apstrādāts, palika "
            f"iesūtnē. Atbrīvojiet vietu diskā {mount} un palaidiet komandu vēlreiz.") in res.output
    assert "Traceback" not in res.output
    assert path.exists() and list((mini_ws.archive / "staging").iterdir()) == []
    with open_store(mini_ws) as store:
        assert store.count() == 0 and store.held() == []


def test_full_disk_at_commit_is_not_hidden_by_cannot_rollback(mini_ws: Workspace,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Row 18: SQLite rolls back by itself on SQLITE_FULL; our ROLLBACK then failed with "cannot
    rollback" and hid the cause. Now the board reads which disk is full, and the file waits."""
    from generator.intake.diskfull import mount_point

    def disk_full(conn: sqlite3.Connection, sid: int, sub: object, ws: object) -> dict[str, object]:
        conn.execute("ROLLBACK")  # what SQLite does on a full disk
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setitem(HANDLERS, "F4", disk_full)
    path = filled(mini_ws, "F4", "ip")
    res = CliRunner().invoke(cli, ["ingest"])
    assert res.exit_code == 1
    assert res.output.startswith(f"Kļūda: diskā {mount_point(mini_ws.archive)} nav brīvas vietas")
    assert "rollback" not in res.output
    assert path.exists()
    with open_store(mini_ws) as store:
        assert store.count() == 0 and store.held() == []


def test_status_shows_accepted_forms_nobody_owed(mini_ws: Workspace) -> None:
    """Row 19: an institution that does not report (``reports = false``) sent an F1 anyway."""
    process_file(filled(mini_ws, "F1", "pp"), mini_ws, limits=FAST)
    text = mini_ws.config_path.read_text(encoding="utf-8")
    mini_ws.config_path.write_text(text.replace('kind = "municipal_police"\n',
                                                'kind = "municipal_police"\nreports = false\n'), encoding="utf-8")
    rows = json.loads(_cli("status", "--period", "2025", "--json").output)
    row = next(r for r in rows if (r["institution"], r["form"]) == ("pp", "F1"))
    assert (row["state"], row["version"], row["owed"]) == ("accepted", 1, False)
    table = _cli("status", "--period", "2025").output
    line = next(x for x in table.splitlines() if x.startswith("Ludzas novada pašvaldības policija"))
    assert "pieņemts (nav jāiesniedz)" in line
    cfg_rows = [r for r in rows if r["owed"]]
    assert f"Kopā jāiesniedz {len(cfg_rows)}:" in table


@pytest.mark.parametrize(("form", "inst", "line"), [
    ("F1", "sd", "Saglabāts: 6 aktivitātes, 2 izpildes statusi. Dalībnieku kopā: 295."),
    ("F2", "ludzas-vsk", "Saglabāts: izglītojamo mācību gada sākumā 187, PMP riska grupā 17; 2 stratēģiskie "
                         "partneri; tālākizglītība — 3 ieraksti par 9. klašu un 3 ieraksti par 12. klašu beidzējiem."),
    ("F4", "ip", "Saglabāts: 2 rādītāju vērtības (2 rādītāji); bez vērtības 3 rindas."),
    ("F3", "zilupes-vsk", "Ziņojums saņemts un nodots izglītības pārvaldei."),
])
def test_acceptance_receipt_summarises_in_the_forms_own_terms(mini_ws: Workspace, form: str, inst: str,
                                                              line: str) -> None:
    """The receipt counts what was stored as the school entered it ("88 aizpildītas vērtības" before),
    so a missing row shows; each count agrees with its noun."""
    result = process_file(filled(mini_ws, form, inst), mini_ws, limits=FAST)
    lines = (result.receipt or Path()).read_text(encoding="utf-8").splitlines()
    assert line in lines
    assert not any("aizpildītas vērtības" in x for x in lines)


def test_summary_counts_agree_with_their_nouns() -> None:
    from generator.intake.summary import summary_lines

    acts = [{"title": "x", "pupils": 1}] * 21
    assert summary_lines("F1", {"activities": acts, "statuses": [{"status": "īstenota"}] * 11}) == [
        "Saglabāts: 21 aktivitāte, 11 izpildes statusi. Dalībnieku kopā: 21."]
    assert summary_lines("F4", {"values": [{"indicator": "1", "value": 1.0}]}) == [
        "Saglabāts: 1 rādītāja vērtība (1 rādītājs)."]
    assert summary_lines("F5", {"items": [{"decision": "x"}], "members": [{"present": True}] * 2}) == [
        "Saglabāts: 1 darba kārtības jautājums, 1 lēmums, 2 klātesoši grupas locekļi."]
    assert date(2026, 11, 30).day == 30 and lv.date_locative(date(2026, 11, 30)) == "2026. gada 30. novembrī"


def test_full_disk_during_build_names_the_disk(mini_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """Row 18: the documents of ``pmp build`` cannot be written: one Latvian line, no traceback."""
    from generator.intake.diskfull import mount_point
    from generator.pipeline import build as build_module

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(mini_ws.outbox / "2026" / "x.docx"))

    monkeypatch.setattr(build_module, "make_report", full)
    res = CliRunner().invoke(cli, ["build", "--period", "2026"])
    assert res.exit_code == 1
    mount = mount_point(mini_ws.outbox)
    assert res.output.splitlines()[-1] == (
        f"Kļūda: diskā {mount} nav brīvas vietas (brīvi {res.output.split('(brīvi ')[1].split(')')[0]}), tāpēc "
        "dokumentus nevarēja saglabāt. Neviens fails nav zaudēts: tas, kas tika apstrādāts, palika iesūtnē. "
        f"Atbrīvojiet vietu diskā {mount} un palaidiet komandu vēlreiz.")
    assert "Traceback" not in res.output


def test_a_machine_error_on_one_file_is_counted_in_good_latvian(mini_ws: Workspace,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Permissions (not our logic, not the file) stop one file, which stays; the counts agree."""
    from generator.intake import process as process_module

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    path = filled(mini_ws, "F1", "sd")
    monkeypatch.setattr(process_module, "stage", denied)
    res = CliRunner().invoke(cli, ["ingest"])
    assert res.exit_code == 1
    assert "Iesūtne apstrādāta: 1 fails — pieņemti 0, noraidīti 0, jau saņemti 0, neizdevās 1." in res.output
    assert res.output.splitlines()[-1] == ("Kļūda: Neizdevās apstrādāt 1 failu; tas palika iesūtnē un tiks "
                                           "mēģināts vēlreiz nākamajā reizē.")
    assert path.exists()
