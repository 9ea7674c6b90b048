"""What the forms say about time: an F1 event dated after the form was received is warned about (naming
the cell), and F2 of a calendar-year municipality says which school year it is about."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from generator.core.config_check import parse_config
from generator.core.period import Period
from generator.core.workspace import Workspace, preset_path
from generator.forms import fill_workbook, read_submission, write_blank

P2025 = Period(2025, "school_year")


def _f1_with_date(ws: Workspace, tmp_path: Path, typed: str) -> Path:
    path = fill_workbook(ws.config, "F1", P2025, "sd", tmp_path / "f1.xlsx", seed=0)
    wb = load_workbook(path)
    wb["Aktivitātes"]["C7"].value = typed
    wb["Aktivitātes"]["C7"].data_type = "s"
    wb.save(path)
    return path


def test_event_after_the_receipt_day_is_warned_about(mini_ws: Workspace, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path = _f1_with_date(mini_ws, tmp_path, "12.03.2025")
    monkeypatch.setattr("generator.core.period.today", lambda: date(2025, 3, 1))
    sub = read_submission(path, mini_ws.config)
    assert sub.ok  # accepted: a warning, not an error
    assert [m.line() for m in sub.messages if m.cell == "C7"] == [
        "Brīdinājums — lapa \"Aktivitātes\", šūna C7, lauks \"Datums\": Aktivitātes datums 12.03.2025 ir vēlāks "
        "par veidlapas saņemšanas dienu (01.03.2025): pārskatā ierakstiet tikai notikušas aktivitātes. Ja datums "
        "ir kļūdains, izlabojiet to un nosūtiet veidlapu vēlreiz."]


def test_event_on_or_before_the_receipt_day_is_fine(mini_ws: Workspace, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = _f1_with_date(mini_ws, tmp_path, "12.03.2025")
    monkeypatch.setattr("generator.core.period.today", lambda: date(2025, 3, 12))
    sub = read_submission(path, mini_ws.config)
    assert not [m for m in sub.messages if m.cell == "C7"]


def test_filled_demo_forms_carry_no_future_events(mini_ws: Workspace, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # The demo fills the current period: its events must not lie after today.
    monkeypatch.setattr("generator.core.period.today", lambda: date(2024, 11, 30))
    for seed in range(5):
        path = fill_workbook(mini_ws.config, "F1", P2025, "sd", tmp_path / f"f1_{seed}.xlsx", seed=seed)
        sub = read_submission(path, mini_ws.config)
        dates = [date.fromisoformat(r["date"]) for r in sub.data["activities"]]
        assert dates and max(dates) <= date(2024, 11, 30) and min(dates) >= P2025.start


@pytest.mark.parametrize(("preset", "year", "words"), [
    ("daugavpils", 2026, "par 2025./2026. mācību gadu"),  # calendar year 2026: the school year ending in it
    ("livani", 2025, "par 2024./2025. mācību gadu"),
    ("ludza", 2025, "par 2024./2025. mācību gadu"),  # school-year municipality: the period itself
])
def test_f2_says_which_school_year(tmp_path: Path, preset: str, year: int, words: str) -> None:
    cfg = parse_config(tomllib.loads(Path(preset_path(preset)).read_text(encoding="utf-8")))
    school = cfg.schools[0]
    path = write_blank(cfg, "F2", Period(year, cfg.period.kind), school.id, tmp_path / "f2.xlsx")
    lines = [c.value for c in load_workbook(path)["Norādījumi"]["A"] if isinstance(c.value, str)]
    assert f"Aizpilda katra vispārizglītojošā skola {words}." in lines
