"""The ``ludza`` preset against its seed (seeds/004_1fa73b8ac5d971ff.txt, Ludzas novads).

Line numbers in the comments refer to that seed file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.preset_support import activity, indicator, shown_preset

ALL_YEARS = [2024, 2025, 2026, 2027]


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """``pmp init --preset ludza``, ``config check`` exit 0, then the ``config show --json`` output."""
    def also_check(ws: Path, res: Result) -> None:
        assert "config.toml ir kārtībā: Ludzas novads, 8 mērķi, 26 aktivitātes, 9 rādītāji" in res.output
        assert (Path(ws) / "config.toml").is_file()
    return shown_preset(tmp_path_factory, "ludza", also_check)


def test_goals_activities_indicators_complete(shown: dict[str, Any]) -> None:
    plan = shown["plan"]
    # Goals: 3.1. tab. (lines 1879–1935) and the goal column of 3.3. tab. (goals 6 and 7, lines 2568, 2599).
    assert [g["number"] for g in plan["goals"]] == [str(n) for n in range(1, 9)]
    assert [g["level"] for g in plan["goals"]] == ["U"] * 3 + ["M"] * 4 + ["P"]
    # Activities: 3.3. tab. (lines 2169–2770), numbered as in 3.4. tab. (lines 2864–3948).
    assert [a["number"] for a in plan["activities"]] == [
        "1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2", "2.3", "2.4", "2.5", "3.1", "3.2", "3.3",
        "4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "6.1", "7.1", "8.1", "8.2", "8.3", "8.4", "8.5",
    ]
    for act in plan["activities"]:
        assert act["goal"] == act["number"].split(".")[0]
        assert len(act["tasks"]) == 1  # 3.4. tab. has one work-task row per activity
    # Indicators: 3.2. tab. (lines 1944–2111); indicator 8 has three sub-rows (lines 2052, 2069, 2081).
    assert [(i["number"], len(i["rows"])) for i in plan["indicators"]] == [
        ("1", 1), ("2", 1), ("3", 1), ("4", 1), ("5", 1), ("6", 1), ("7", 1), ("8", 3), ("9", 1),
    ]


def test_municipality_period_and_layout(shown: dict[str, Any]) -> None:
    # Line 5219 and annex Nr.2, lines 5344–5348.
    assert shown["municipality"]["board_name"] == "Ludzas novada Izglītības pārvalde"
    assert shown["municipality"]["board_address"] == "Raiņa iela 16, Ludza, LV-5701"
    # Line 5231: the yearly report is written before the school year starts ("orientējoši augusta mēnesī").
    assert shown["period"] == {"plan_years": ALL_YEARS, "kind": "school_year", "report_deadline": "08-31",
                               "milestones": [2025, 2027]}
    # Lines 2124–2168: Nr. | Mērķis | aktivitāte | rezultāts | atbildīgā | iesaistītās | 2024.–2027.g.
    assert shown["layout"] == {
        "action_plan_columns": ["number", "goal", "title", "expected_result", "responsible", "involved",
                                "years", "tasks"],
        "goals_as_rows": False,
        "results_table": True,  # 3.6. tab. (line 4476)
        "group_labels": {},
    }


def test_institutions_and_group(shown: dict[str, Any]) -> None:
    insts = {i["id"]: i for i in shown["institutions"]}
    boards = [i for i in insts.values() if i["kind"] == "education_board"]
    assert [b["name"] for b in boards] == ["Ludzas novada Izglītības pārvalde"]
    # Schools named in the situation tables (lines 676–740, 385–387).
    assert sorted(i["name"] for i in insts.values() if i["kind"] == "school") == sorted([
        "Ludzas pilsētas vidusskola", "Ludzas 2.vidusskola", "Kārsavas vidusskola", "Zilupes vidusskola",
        "Ciblas vidusskola", "Mērdzenes pamatskola", "Pildas pamatskola", "Ludzas Mūzikas pamatskola",
        "Mežvidu pamatskola", "Salnavas pamatskola", "Pušmucovas pamatskola",
    ])
    # Line 701: Ludzas Mūzikas pamatskola has pupils in grades 1–4 only.
    assert insts["ludzas-muzikas-psk"]["stages"] == ["1-6"]
    assert insts["ludzas-2-vsk"]["stages"] == ["1-6", "7-9", "10-12"]
    # Lines 1764–1766: the cooperation group's composition.
    group = shown["cooperation_group"]
    assert group["name"] == "Starpinstitucionālā sadarbības grupa"
    assert [m["institution"] for m in group["members"]] == [
        "ip", "kind:school", "sd", "bt", "pp", "jaunatnes-specialists", "nvo", "atbalsta-personals"]
    assert group["members"][-1]["role"] == "atbalsta personāls (psihologs)"


def test_spot_checks_activities(shown: dict[str, Any]) -> None:
    # Lines 2357–2378: the social campaign, responsible "Izglītības pārvalde, BJC", involved SD/BT, police,
    # the public-relations specialist and the schools; line 3433: deadline "2024.,2026.g.".
    campaign = activity(shown, "3.1")
    assert campaign["title"] == "Sociālā kampaņa “Ieskaties, pamani, ieklausies, atbalsti”."
    assert campaign["responsible"] == ["ip", "bjc"]
    assert campaign["involved"] == ["sd", "bt", "pp", "sab-att-specialists", "kind:school"]
    assert campaign["years"] == [2024, 2026]
    # Line 4757–4758 (3.6. tab.): "Balvu fonds 150,00 EUR"; line 4169 (3.5. tab.): "Pašvaldības finansējums".
    assert campaign["funding"] == ["pasv"]
    assert campaign["planned_funding"][0]["amount"] == 150.0
    # Line 3590: KiVa runs 2025.–2027.
    assert activity(shown, "4.2")["years"] == [2025, 2026, 2027]
    # Line 3730: trainings 2024.–2025.g., executor "Sociālais dienests, BJC".
    training = activity(shown, "6.1")
    assert training["years"] == [2024, 2025]
    assert training["tasks"][0]["deadline"] == "2024.-2025.g."
    assert training["tasks"][0]["executor"] == "Sociālais dienests, BJC."
    # Lines 2301–2307 and 4712: youth initiatives by the LAG, 6000 EUR from ELFLA (line 4093–4119).
    initiatives = activity(shown, "2.2")
    assert initiatives["expected_result"] == "Atbalstītas vismaz 12 iniciatīvas."
    assert initiatives["responsible"] == ["ludzas-rajona-partneriba"]
    assert initiatives["funding"] == ["elfla"]
    assert initiatives["planned_funding"][0]["amount"] == 6000.0
    # Lines 2758–2770 and 3959–3966: family risks, social service with orphans' court and police.
    family = activity(shown, "8.5")
    assert (family["responsible"], family["involved"]) == (["sd"], ["bt", "pp"])
    assert family["tasks"][0]["supervisor"] == "Sociālais dienests."
    # Line 3470: the survey is due in 2026.
    assert activity(shown, "3.3")["years"] == [2026]


def test_spot_checks_indicators(shown: dict[str, Any]) -> None:
    # Lines 1946–1950: parents' satisfaction, baseline to be set in 2024, 70% / 80%, survey.
    parents = indicator(shown, "1")
    assert parents["rows"][0]["baseline"]["raw"] == "Tiks noteikta 2024.g."
    assert parents["rows"][0]["baseline"]["value"] is None  # a text baseline, not the number 2024
    assert {y: t["value"] for y, t in parents["rows"][0]["targets"].items()} == {"2025": 70.0, "2027": 80.0}
    assert parents["metric"] == "manual"
    # Lines 1959–1975: interest education 67% (2023) → 75% → 85%, VIIS.
    interest = indicator(shown, "3")
    assert interest["metric"] == "interest_education_share"
    assert interest["rows"][0]["baseline_year"] == 2023
    assert interest["rows"][0]["baseline"]["value"] == 67.0
    # Lines 2069–2091: secondary 0,02% → <0,05%; part-time (neklātienē) 43% → 20% → 10%.
    dropout = indicator(shown, "8")
    assert [r["label"] for r in dropout["rows"]] == ["pamatskolā", "vidusskolā", "neklātienē"]
    secondary = dropout["rows"][1]
    assert secondary["metric"] == "dropout_share_secondary"
    assert secondary["baseline"]["value"] == 0.02
    assert secondary["targets"]["2025"] == {"raw": "<0,05%", "comparator": "<", "value": 0.05}
    assert [dropout["rows"][2]["targets"][y]["value"] for y in ("2025", "2027")] == [20.0, 10.0]
    # Lines 2026–2043: career counselling 35% → 45% → 55%, source "Izglītības iestāde".
    career = indicator(shown, "7")
    assert career["source"] == "Izglītības iestāde"
    assert career["metric"] == "career_counselling_share"


def test_root_config_is_this_preset() -> None:
    root = Path(__file__).resolve().parent.parent
    assert (root / "config.toml").read_bytes() == (root / "generator/resources/presets/ludza.toml").read_bytes()
