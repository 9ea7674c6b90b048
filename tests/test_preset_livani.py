"""The ``livani`` preset against its seed (seeds/000_f3f3bcc83e606d34.txt, Līvānu novads).

Line numbers in the comments refer to that seed file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.preset_support import activity, indicator, shown_preset

ALL_YEARS = [2024, 2025, 2026, 2027, 2028]


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """``pmp init --preset livani``, ``config check`` exit 0, then the ``config show --json`` output."""
    def also_check(ws: Path, res: Result) -> None:
        assert "config.toml ir kārtībā: Līvānu novads, 11 mērķi, 26 aktivitātes, 11 rādītāji" in res.output
        assert (Path(ws) / "config.toml").is_file()
    return shown_preset(tmp_path_factory, "livani", also_check)


def test_goals_activities_indicators_complete(shown: dict[str, Any]) -> None:
    plan = shown["plan"]
    # Goals table 3.1, lines 139–152.
    assert [g["number"] for g in plan["goals"]] == [str(n) for n in range(1, 12)]
    assert [g["level"] for g in plan["goals"]] == ["U"] * 5 + ["M"] * 3 + ["P"] * 3
    # Action plan table 4.2, lines 165–217.
    assert [a["number"] for a in plan["activities"]] == [
        "1.1", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "3.4", "4.1", "4.2", "5.1", "5.2",
        "6.1", "6.2", "6.3", "7.1", "7.2", "8.1", "8.2", "8.3", "9.1", "9.2", "9.3", "10.1",
        "11.1", "11.2",
    ]
    for act in plan["activities"]:
        assert act["goal"] == act["number"].split(".")[0]
        assert act["years"] == ALL_YEARS  # every row has five "x" marks
    # Indicators, section 5, lines 227–239: one row each.
    assert [(i["number"], len(i["rows"])) for i in plan["indicators"]] == [(str(n), 1) for n in range(1, 12)]


def test_municipality_period_and_layout(shown: dict[str, Any]) -> None:
    assert shown["municipality"]["genitive"] == "Līvānu novada"
    # Line 247: "Līvānu novada Izglītības pārvalde".
    assert shown["municipality"]["board_name"] == "Līvānu novada Izglītības pārvalde"
    # Line 253: the report is prepared by the end of December of each calendar year.
    assert shown["period"] == {"plan_years": ALL_YEARS, "kind": "calendar_year", "report_deadline": "12-31",
                               "milestones": [2025, 2028]}
    # Line 160: activity, link, result, responsible, involved, years, funding.
    assert shown["layout"]["action_plan_columns"] == [
        "number", "title", "link", "expected_result", "responsible", "involved", "years", "funding"]


def test_institutions(shown: dict[str, Any]) -> None:
    insts = {i["id"]: i for i in shown["institutions"]}
    # Line 84: two secondary schools, four basic schools, the special basic school, one preschool.
    schools = sorted(i["name"] for i in insts.values() if i["kind"] == "school")
    assert schools == sorted(["Līvānu 1.vidusskola", "Rudzātu vidusskola", "Jaunsilavas pamatskola",
                              "Jersikas pamatskola", "Rožupes pamatskola", "Līvānu pamatskola",
                              "Rudzātu speciālā pamatskola"])
    assert insts["rudzatu-vsk"]["stages"] == ["1-6", "7-9", "10-12"]
    assert insts["jersikas-psk"]["stages"] == ["1-6", "7-9"]
    assert [i["short"] for i in insts.values() if i["kind"] == "education_board"] == ["IP"]
    # Line 53: "MJIC K- Multifunkcionālais jaunatnes iniciatīvu centrs Kvartāls".
    assert insts["mjic-kvartals"]["short"] == "MJIC K"
    # Lines 119–122: the cooperation group's members.
    roles = [(m["institution"], m["role"]) for m in shown["cooperation_group"]["members"]]
    assert ("valsts-policija", "Valsts policijas pārstāvis") in roles
    assert [r[0] for r in roles] == ["sd", "bt", "ip", "valsts-policija"]


def test_spot_checks_activities(shown: dict[str, Any]) -> None:
    # Line 165: 1.1 responsible IP, involved "Izglītības iestādes, citas organizācijas", link "LV IAS".
    a11 = activity(shown, "1.1")
    assert a11["responsible"] == ["ip"]
    assert a11["involved"] == ["kind:school", "citas-organizacijas"]
    assert a11["link"] == "LV IAS"
    # Line 169: 2.2 involved "MJIC K, LBJC, NVO, IP".
    assert activity(shown, "2.2")["involved"] == ["mjic-kvartals", "livanu-bjc", "nvo", "ip"]
    # Line 183: 4.2 responsible "MJIC K, L BJC SD", expected result with 6 summer camps.
    a42 = activity(shown, "4.2")
    assert a42["responsible"] == ["mjic-kvartals", "livanu-bjc", "sd"]
    assert "vismaz 6 dažādi vasaras nometņu piedāvājumi" in a42["expected_result"]
    # Line 177: 3.3 has no link, involved "Bibliotēkas, NVO, lektori".
    a33 = activity(shown, "3.3")
    assert a33["link"] == ""
    assert a33["involved"] == ["bibliotekas", "nvo", "lektori"]
    # Line 207: 9.1 responsible "Starpinstitucionālā sadarbības grupa".
    assert activity(shown, "9.1")["responsible"] == ["sadarbibas-grupa"]
    # Lines 170/172: the funding cell split by a page break, joined.
    a23 = activity(shown, "2.3")
    assert a23["funding_text"] == ("Finansējuma piesaiste no ES projektiem, nacionāla mēroga atbalsta "
                                   "programmām, Citi finansējuma avoti")
    assert a23["funding"] == ["es-projekti", "nac-programmas", "citi"]


def test_spot_checks_indicators(shown: dict[str, Any]) -> None:
    # Line 231: 5 — 13,47 likmes (2023) → 16 likmes (2025) → 17 likmes (2028), VIIS dati.
    ind5 = indicator(shown, "5")
    row = ind5["rows"][0]
    assert row["baseline_year"] == 2023
    assert row["baseline"]["raw"] == "13,47 likmes"
    assert row["baseline"]["value"] == pytest.approx(13.47)
    assert {k: v["raw"] for k, v in row["targets"].items()} == {"2025": "16 likmes", "2028": "17 likmes"}
    assert (ind5["source"], ind5["metric"], ind5["direction"]) == ("VIIS dati", "support_staff_fte", "increase")
    # Line 234: 7 — the 2025 target is written "Iesaistīti 65 %".
    assert indicator(shown, "7")["rows"][0]["targets"]["2025"]["value"] == 65
    # Line 238: 10 has no values, only the source "BT informācija".
    ind10 = indicator(shown, "10")
    assert ind10["source"] == "BT informācija"
    assert ind10["rows"][0]["baseline"] is None and ind10["rows"][0]["targets"] == {}
    # Line 239: 11 — "Sniegts atbalsts pēc pieprasījuma" throughout, a text target kept as written.
    ind11 = indicator(shown, "11")
    assert ind11["direction"] == "maintain"
    assert ind11["rows"][0]["targets"]["2028"] == {"raw": "Sniegts atbalsts pēc pieprasījuma",
                                                   "comparator": None, "value": None}
