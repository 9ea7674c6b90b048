"""The daugavpils preset: a workspace from it passes `config check` and holds the seed's whole plan.

Seed: ../shared/seeds/002_35501a37aee36d6a.txt; the "Lnnn" comments give the seed line each expected
value is copied from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.preset_support import activity, indicator, shown_preset


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`pmp init --preset daugavpils`, `config check` (must pass), then `config show --json`."""
    def also_check(ws: Path, check: Result) -> None:
        assert check.stdout.strip() == ("config.toml ir kārtībā: Daugavpils valstspilsēta, 15 mērķi, "
                                        "55 aktivitātes, 15 rādītāji, 30 iestādes.")
        # L252–L272: indicators 1, 3, 7, 8, 9 have targets "tiks noteikti 2024. g." — the board is reminded.
        assert [line.split(":")[1].strip() for line in check.stderr.splitlines()] == [
            f"plan.indicators[{n}].rows[0].targets" for n in (0, 2, 6, 7, 8)]
        assert check.stderr.splitlines()[0] == (
            "Brīdinājums: plan.indicators[0].rows[0].targets: rādītāja 1 mērķis (2026, 2028) vēl nav noteikts "
            "(„Sasniedzamie rezultāti tiks noteikti 2024. g.”): kad tas noteikts, ierakstiet to config.toml, citādi "
            "vērtējums būs „nav nosakāms”")
    return shown_preset(tmp_path_factory, "daugavpils", also_check)


ALL_YEARS = [2024, 2025, 2026, 2027, 2028]


def test_goals_complete(shown: dict[str, Any]) -> None:
    # Table 2.1, L207–L240: goals 1–15; levels U (1–7), M (8–10), P (11–15).
    goals = shown["plan"]["goals"]
    assert [g["number"] for g in goals] == [str(n) for n in range(1, 16)]
    assert [g["level"] for g in goals] == ["U"] * 7 + ["M"] * 3 + ["P"] * 5


def test_activities_complete(shown: dict[str, Any]) -> None:
    # Table 3.1, L288–L436 (trailing full stops of "1.1." dropped; "5.5" and "13.1" as written).
    expected = (
        ["1.1", "1.2", "1.3", "1.4"]
        + [f"2.{n}" for n in range(1, 7)]
        + ["3.1", "3.2", "3.3"]
        + [f"4.{n}" for n in range(1, 8)]
        + [f"5.{n}" for n in range(1, 6)]
        + ["6.1", "6.2", "6.3", "7.1", "7.2"]
        + [f"8.{n}" for n in range(1, 6)]
        + ["9.1", "9.2", "9.3", "10.1", "10.2"]
        + [f"11.{n}" for n in range(1, 8)]
        + ["12.1", "12.2", "13.1", "14.1", "14.2", "15.1", "15.2", "15.3"]
    )
    acts = shown["plan"]["activities"]
    assert [a["number"] for a in acts] == expected
    assert all(a["goal"] == a["number"].split(".")[0] for a in acts)


def test_indicators_complete(shown: dict[str, Any]) -> None:
    # Table 2.4, L246–L278: fifteen indicators, one row each (no sub-rows in this seed).
    inds = shown["plan"]["indicators"]
    assert [(i["number"], len(i["rows"])) for i in inds] == [(str(n), 1) for n in range(1, 16)]
    assert [i["level"] for i in inds] == ["U"] * 4 + ["M"] * 7 + ["P"] * 4


def test_layout_and_period(shown: dict[str, Any]) -> None:
    # L290: goal columns first, funding before the year columns.
    assert shown["layout"]["action_plan_columns"] == [
        "goal", "number", "title", "expected_result", "responsible", "involved", "funding", "years"]
    # L291 years 2024–2028; L249 target columns 2026./2028.; L446 annual report in January.
    assert shown["period"] == {"plan_years": ALL_YEARS, "kind": "calendar_year",
                               "report_deadline": "01-31", "milestones": [2026, 2028]}
    # L446: inter-institutional meetings "jūnijā un decembrī".
    assert shown["cooperation_group"]["meeting_months"] == [6, 12]


def test_institutions(shown: dict[str, Any]) -> None:
    insts = {i["id"]: i for i in shown["institutions"]}
    boards = [i for i in insts.values() if i["kind"] == "education_board"]
    assert [b["name"] for b in boards] == ["Daugavpils pilsētas Izglītības pārvalde"]  # L86
    # L140: the only school the seed names.
    schools = [i for i in insts.values() if i["kind"] == "school"]
    assert [s["name"] for s in schools] == ["Daugavpils Tehnoloģiju vidusskola – licejs"]
    assert insts["bjc-jauniba"]["kind"] == "youth_centre"  # L344 BJC "Jaunība"


def test_spot_activity_values(shown: dict[str, Any]) -> None:
    # L301: 1.3 responsible "Sadarbības grupa", involved "Pašvaldība", Xs in every year.
    a13 = activity(shown, "1.3")
    assert (a13["responsible"], a13["involved"], a13["years"]) == (["sadarbibas-grupa"], ["pasvaldiba"], ALL_YEARS)
    # L317: 2.6 police raids — Pašvaldības policija with Izglītības iestādes, all years.
    a26 = activity(shown, "2.6")
    assert (a26["responsible"], a26["involved"], a26["years"]) == (["pp"], ["kind:school"], ALL_YEARS)
    # L325: 3.3 "Stop 4-7" — ES fondi, 2024–2027 only.
    a33 = activity(shown, "3.3")
    assert (a33["funding"], a33["years"]) == (["es"], [2024, 2025, 2026, 2027])
    assert a33["title"] == 'Darbojas agrīnās preventīcijas sistēma "Stop 4-7"'
    # L333: 4.3 learning-environment assessment — 2024 and 2025.
    a43 = activity(shown, "4.3")
    assert (a43["responsible"], a43["involved"], a43["years"]) == (["kind:school"], ["pasvaldiba"], [2024, 2025])
    # L422: 13.1 — Bāriņtiesa responsible; Izglītības pārvalde, Sociālais dienests involved.
    a131 = activity(shown, "13.1")
    assert (a131["responsible"], a131["involved"], a131["funding"]) == (["bt"], ["ip", "sd"], ["pasv", "es"])
    # L300: 1.2 funding "Valsts finansējums, ES fondi, Pašvaldības finansējums".
    assert activity(shown, "1.2")["funding"] == ["valsts", "es", "pasv"]


def test_spot_indicator_values(shown: dict[str, Any]) -> None:
    # L257: unexcused long-term absence 3,81% → 2% (2026) → 1% (2028).
    row5 = indicator(shown, "5")["rows"][0]
    assert row5["baseline"]["value"] == 3.81
    assert {y: t["value"] for y, t in row5["targets"].items()} == {"2026": 2.0, "2028": 1.0}
    assert indicator(shown, "5")["direction"] == "decrease"
    # L268: repeating a year 1,22% → 0,8% → 0,2%; computed from the forms.
    ind11 = indicator(shown, "11")
    assert ind11["metric"] == "repeating_share"
    assert [ind11["rows"][0]["baseline"]["raw"], ind11["rows"][0]["targets"]["2028"]["raw"]] == ["1,22", "0,2"]
    # L277: the 2028 target is a text with a number.
    t14 = indicator(shown, "14")["rows"][0]["targets"]["2028"]
    assert (t14["raw"], t14["value"]) == ("60% (2027.gadā, kurā projekts tiks noslēgts)", 60.0)
    # L252: a baseline that is only a text, and a target cell spanning both milestone columns.
    row1 = indicator(shown, "1")["rows"][0]
    assert row1["baseline"]["raw"] == "Mērījums tiks uzsākts 2023./24.m.g."
    assert {y: t["raw"] for y, t in row1["targets"].items()} == {
        "2026": "Sasniedzamie rezultāti tiks noteikti 2024. g.",
        "2028": "Sasniedzamie rezultāti tiks noteikti 2024. g."}
    # L263: cases reviewed in the cooperation group 40 → 20 → 10.
    ind6 = indicator(shown, "6")
    assert ind6["metric"] == "coop_cases_count"
    assert ind6["rows"][0]["baseline"]["value"] == 40.0
    assert ind6["rows"][0]["targets"]["2028"]["value"] == 10.0
