"""The riga preset is a complete transcription of seed 001 (Rīgas valstspilsēta).

Line numbers in comments refer to /work/shared/seeds/001_779593ad391db03d.txt.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.preset_support import activity, indicator, shown_preset


@pytest.fixture(scope="module")
def riga(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`pmp init --preset riga`, `config check` must pass, then the loaded config as JSON."""
    def also_check(ws: Path, res: Result) -> None:
        assert res.stdout.strip() == ("config.toml ir kārtībā: Rīgas valstspilsēta, 6 mērķi, 41 aktivitāte, "
                                      "9 rādītāji, 24 iestādes.")
    return shown_preset(tmp_path_factory, "riga", also_check)


def _targets(row: dict[str, Any]) -> dict[str, str]:
    return {year: t["raw"] for year, t in row["targets"].items()}


def test_every_goal_activity_and_indicator(riga: dict[str, Any]) -> None:
    plan = riga["plan"]
    # Table 4.1 (lines 419-473): goals 1-3 universal, 4-5 targeted, 6 individual.
    assert [(g["number"], g["level"]) for g in plan["goals"]] == [
        ("1", "U"), ("2", "U"), ("3", "U"), ("4", "M"), ("5", "M"), ("6", "P")]
    # Action plan (lines 620-1193): 12 + 7 + 2 + 13 + 4 + 3 rows.
    expected = ([f"1.{n}" for n in range(1, 13)] + [f"2.{n}" for n in range(1, 8)] + ["3.1", "3.2"]
                + [f"4.{n}" for n in range(1, 14)] + [f"5.{n}" for n in range(1, 5)]
                + [f"6.{n}" for n in range(1, 4)])
    assert [a["number"] for a in plan["activities"]] == expected
    assert all(a["goal"] == a["number"].split(".")[0] for a in plan["activities"])
    # Table 4.2 (lines 479-611): indicator 6 has psk./vsk., indicator 8 psk./vsk./tālm.
    assert [(i["number"], len(i["rows"])) for i in plan["indicators"]] == [
        ("1", 1), ("2", 1), ("3", 1), ("4", 1), ("5", 1), ("6", 2), ("7", 1), ("8", 3), ("9", 1)]


def test_municipality_period_and_layout(riga: dict[str, Any]) -> None:
    assert riga["municipality"]["genitive"] == "Rīgas valstspilsētas"
    # Year columns 2024-2028 (lines 635-639); indicator targets for 2026 and 2028 (lines 489-490).
    assert riga["period"]["plan_years"] == [2024, 2025, 2026, 2027, 2028]
    assert riga["period"]["milestones"] == [2026, 2028]
    assert riga["period"]["kind"] == "calendar_year"
    # Columns (lines 622-628): no goal column, no link column, no work tasks.
    assert riga["layout"]["action_plan_columns"] == [
        "number", "title", "expected_result", "responsible", "involved", "years", "funding"]
    boards = [i for i in riga["institutions"] if i["kind"] == "education_board"]
    assert [b["short"] for b in boards] == ["IKSD"]


def test_activity_spot_checks(riga: dict[str, Any]) -> None:
    # 1.7 (lines 730-740): IKSD IP with RIIMC and the schools, x only under 2025-2027.
    a = activity(riga, "1.7")
    assert a["responsible"] == ["iksd-ip"]
    assert a["involved"] == ["riimc", "kind:school"]
    assert a["years"] == [2025, 2026, 2027]
    assert a["funding"] == ["pasv", "es-fondi"]
    # 5.4 (lines 1140-1150): X under 2024, 2025 and 2027 only.
    assert activity(riga, "5.4")["years"] == [2024, 2025, 2027]
    assert activity(riga, "5.4")["responsible"] == ["rpp-blpn"]
    # 4.5 (lines 987-999): the 2024 cell is a lone space; involved cell spans two lines.
    a = activity(riga, "4.5")
    assert a["years"] == [2025, 2026, 2027, 2028]
    assert a["involved"] == ["riimc", "pirmsskolu-kc"]
    assert a["expected_result"] == "6 pieredzes apmaiņas pasākumi\n6 nodarbību grupas gadā"
    # 1.2 (lines 668-679): two NGOs involved, four years, municipal budget.
    a = activity(riga, "1.2")
    assert a["involved"] == ["dardedze", "contact"]
    assert a["years"] == [2024, 2025, 2026, 2027]
    # 4.11 (line 1072): "Pašvaldības budžets. ESF"; 2.5 (line 879): with the state budget.
    assert activity(riga, "4.11")["funding"] == ["pasv", "esf"]
    assert activity(riga, "2.5")["funding"] == ["pasv", "valsts"]
    # 2.1 (lines 820-830).
    a = activity(riga, "2.1")
    assert a["title"] == "Neformālās izglītības pasākumi jauniešiem"
    assert a["expected_result"] == "8 īstenoti pasākumi gadā."
    assert a["responsible"] == ["rpbjc-jc"]
    shorts = {i["id"]: i.get("short") for i in riga["institutions"]}
    assert shorts["rpbjc-jc"] == "RPBJC Jauniešu centrs"


def test_indicator_spot_checks(riga: dict[str, Any]) -> None:
    # 8 (lines 573-595): psk. 1% -> < 1% / < 1%, vsk. 4% -> 3,5% / 2,5%, tālm. 67% -> 65% / 50%.
    ind = indicator(riga, "8")
    assert ind["level"] == "P" and ind["direction"] == "decrease" and ind["source"] == "VIIS"
    rows = ind["rows"]
    assert [r["label"] for r in rows] == ["psk. posmā", "vsk. posmā", "tālm./neklātiene"]
    assert [r["metric"] for r in rows] == ["dropout_share_basic", "dropout_share_secondary", "manual"]
    assert rows[0]["targets"]["2026"]["comparator"] == "<"
    assert _targets(rows[0]) == {"2026": "< 1%", "2028": "< 1%"}
    assert _targets(rows[1]) == {"2026": "3,5", "2028": "2,5"}
    assert (rows[2]["baseline_year"], rows[2]["baseline"]["value"]) == (2022, 67)
    assert _targets(rows[2]) == {"2026": "65", "2028": "50"}
    # 6 (lines 546-559): vsk. posmā 9% (2022) -> 10% / 11%.
    vsk = indicator(riga, "6")["rows"][1]
    assert vsk["label"] == "vsk. posmā"
    assert vsk["baseline"]["value"] == 9 and _targets(vsk) == {"2026": "10", "2028": "11"}
    # 3 (lines 518-525): 57% (2022) -> 60% / 62%, VIIS, computed from the forms.
    ind = indicator(riga, "3")
    assert ind["metric"] == "interest_education_share"
    assert ind["rows"][0]["baseline"]["value"] == 57 and _targets(ind["rows"][0]) == {"2026": "60", "2028": "62"}
    # 1 (lines 503-508): a survey, typed in by hand.
    ind = indicator(riga, "1")
    assert (ind["metric"], ind["source"]) == ("manual", "Aptauja")


def test_cooperation_group(riga: dict[str, Any]) -> None:
    grp = riga["cooperation_group"]
    assert grp["name"] == "Rīgas valstspilsētas pašvaldības Bērnu tiesību aizsardzības sadarbības grupa"
    # Management group (lines 400-405): six positions; specialists group (lines 409-415): seven bodies.
    roles = [m["role"] for m in grp["members"]]
    assert sum(r.startswith("Institūciju vadības grupa: ") for r in roles) == 6
    assert sum(r.startswith("Institūciju speciālistu sadarbības grupa: ") for r in roles) == 7
    assert "Institūciju vadības grupa: Rīgas valstspilsētas pašvaldības bāriņtiesas priekšsēdētājs" in roles
    assert len(grp["meeting_months"]) == 2  # "vismaz divas reizes gadā" (line 1202)
