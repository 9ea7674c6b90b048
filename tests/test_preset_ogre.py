"""The Ogre preset: a workspace made from it checks clean and holds the seed's plan.

Line numbers in comments refer to /work/shared/seeds/003_e0f17f2b386e3556.txt (Ogres novads).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.preset_support import activity, indicator, institution, shown_preset


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """``pmp init --preset ogre``, ``config check`` (exit 0), then ``config show --json``."""
    def also_check(ws: Path, res: Result) -> None:
        assert res.output.strip() == ("config.toml ir kārtībā: Ogres novads, 7 mērķi, 24 aktivitātes, "
                                      "9 rādītāji, 64 iestādes.")
    return shown_preset(tmp_path_factory, "ogre", also_check)


def _raw(target: dict[str, Any]) -> str:
    return str(target["raw"])


def test_goals_activities_indicators_complete(shown: dict[str, Any]) -> None:
    plan = shown["plan"]
    # Goals table lines 1354–1400 (its duplicate "3." renumbered as in the activity plan 3.2./3.3.).
    assert [g["number"] for g in plan["goals"]] == ["1", "2", "3", "4", "5", "6", "7"]
    assert [g["level"] for g in plan["goals"]] == ["U", "U", "U", "M", "M", "P", "P"]
    # Activity plan 3.2. rows and work-task table 3.3. numbers (lines 1850–2101), plus 4.5 and 5.3.
    assert [a["number"] for a in plan["activities"]] == [
        "1.1", "1.2", "1.3", "1.4",
        "2.1", "2.2", "2.3", "2.5", "2.6",
        "3.1", "3.2", "3.3",
        "4.1", "4.2", "4.3", "4.4", "4.5",
        "5.1", "5.2", "5.3",
        "6.1", "6.2", "6.3", "6.4",
    ]
    # Indicators table lines 1423–1526 (no number 5 in the seed); 9 has three sub-rows.
    assert [(i["number"], len(i["rows"])) for i in plan["indicators"]] == [
        ("1", 1), ("2", 1), ("3", 1), ("4", 1), ("6", 1), ("7", 1), ("8", 1), ("9", 3), ("10", 1),
    ]
    # Every activity from the work-task table carries its task; 4.5 and 5.3 have none in the seed.
    without_tasks = [a["number"] for a in plan["activities"] if not a["tasks"]]
    assert without_tasks == ["4.5", "5.3"]


def test_institutions(shown: dict[str, Any]) -> None:
    kinds = [i["kind"] for i in shown["institutions"]]
    assert kinds.count("school") == 18  # situation table lines 290–468
    assert kinds.count("preschool") == 13  # preschool table lines 501–643 (school groups excluded)
    assert kinds.count("education_board") == 1
    # State gymnasium: pupils only in 7.-9. and 10.-12. klasē (lines 450–453).
    assert institution(shown, "ogres-vg")["stages"] == ["7-9", "10-12"]
    # Primary school: pupils only in 1.-6. klasē (lines 380–381).
    assert institution(shown, "tinuzu-ssk")["stages"] == ["1-6"]
    assert institution(shown, "keipenes-psk")["name"] == "Ķeipenes pamatskola"  # line 360


def test_spot_checks(shown: dict[str, Any]) -> None:
    # Monitoring, line 2323: yearly report before the school year starts, "augusta mēnesī".
    assert shown["period"]["kind"] == "school_year"
    assert shown["period"]["report_deadline"] == "08-31"
    assert shown["period"]["milestones"] == [2025, 2027]  # lines 1417–1418

    # Line 1568: expected result of the CAP course.
    assert activity(shown, "1.1")["expected_result"] == (
        "30 % 10.-16.gadus vecu bērnu vecāki ir apmeklējuši apmācību kursu.")
    # Line 1853: deadline cell of work task 1.1.
    assert activity(shown, "1.1")["tasks"][0]["deadline"] == "2024.-2027.g. notiek apmācības vecākiem"

    # Line 1662 (responsible) and line 1958 (deadline "2024., 2026.") of the social campaign.
    campaign = activity(shown, "3.1")
    assert campaign["responsible"] == ["ip"]
    assert campaign["years"] == [2024, 2026]

    # Line 2041: APU programme runs "2025.-2027."; line 2043: no supervising institution.
    apu = activity(shown, "4.4")
    assert apu["years"] == [2025, 2026, 2027]
    assert apu["tasks"][0]["supervisor"] == ""

    # Lines 1808–1809: family-risk work, responsible SD and schools; involved BT, police, child-rights group.
    family = activity(shown, "6.4")
    assert family["responsible"] == ["sd", "kind:school"]
    assert family["involved"] == ["bt", "pp", "btasg"]

    # Line 2271: experience exchange funded by the municipality.
    exchange = activity(shown, "5.2")
    assert exchange["funding"] == ["pasv"]
    assert exchange["funding_text"] == "Pašvaldības finansējums"

    # Lines 1439–1442: indicator 3 baseline 2023 77%, targets 85% / 90%.
    ind3 = indicator(shown, "3")["rows"][0]
    assert ind3["baseline_year"] == 2023
    assert _raw(ind3["baseline"]) == "77"
    assert {y: _raw(t) for y, t in ind3["targets"].items()} == {"2025": "85", "2027": "90"}

    # Lines 1500–1515: dropout sub-rows vidusskolā 0,02% → <0,05%, neklātienē 43% → 20% → 10%.
    rows = indicator(shown, "9")["rows"]
    assert [r["label"] for r in rows] == ["pamatskolā", "vidusskolā", "neklātienē"]
    assert rows[1]["baseline"]["value"] == pytest.approx(0.02)
    assert rows[1]["targets"]["2025"]["comparator"] == "<"
    assert rows[1]["targets"]["2025"]["value"] == pytest.approx(0.05)
    assert [rows[2]["targets"][y]["value"] for y in ("2025", "2027")] == [20, 10]
    assert [r["metric"] for r in rows] == ["dropout_share_basic", "dropout_share_secondary", "manual"]

    # Lines 1425–1427: indicator 1 baseline is a text, targets 70% / 80%.
    ind1 = indicator(shown, "1")
    assert _raw(ind1["rows"][0]["baseline"]) == "Tiks noteikta 2024.g."
    assert ind1["metric"] == "manual"
    # Lines 1475–1481: career counselling 35% → 45% → 60%, computed from the forms.
    ind8 = indicator(shown, "8")
    assert ind8["metric"] == "career_counselling_share"
    assert _raw(ind8["rows"][0]["targets"]["2027"]) == "60"


def test_preset_file_is_packaged() -> None:
    """The preset ships inside the package, next to the others."""
    from generator.core.workspace import preset_path

    path = preset_path("ogre")
    assert isinstance(path, Path) and path.is_file()
    assert "Ogres novads" in path.read_text(encoding="utf-8")
