"""Every class of configuration error gets exit 1 and one Latvian line naming the key path."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli

from .conftest import DATA


def _write(ws: Path, text: str) -> None:
    (ws / "config.toml").write_text(text, encoding="utf-8")


def _check(ws: Path) -> tuple[int, list[str]]:
    res = CliRunner().invoke(cli, ["--workspace", str(ws), "config", "check"], catch_exceptions=False)
    return res.exit_code, [line for line in (res.stderr or "").splitlines() if line]


BASE = (DATA / "mini_config.toml").read_text(encoding="utf-8")


def test_valid_config_passes(tmp_path: Path) -> None:
    _write(tmp_path, BASE)
    res = CliRunner().invoke(cli, ["--workspace", str(tmp_path), "config", "check"], catch_exceptions=False)
    assert res.exit_code == 0
    assert res.output.strip() == ("config.toml ir kārtībā: Ludzas novads, 3 mērķi, 5 aktivitātes, "
                                  "4 rādītāji, 7 iestādes.")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # an activity under an unknown goal
        ('number = "2.1"\ngoal = "2"', 'number = "2.1"\ngoal = "16"',
         'plan.activities[2].goal: mērķis "16" nav definēts'),
        # duplicate activity numbers
        ('number = "1.2"\ngoal = "1"', 'number = "1.1"\ngoal = "1"',
         'plan.activities[1]: aktivitātes numurs "1.1" atkārtojas'),
        # a year outside the plan period
        ("years = [2027]", "years = [2029]", "plan.activities[4].years[0]: gads 2029 nav plāna periodā 2024–2027"),
        # a target for a year that is not a milestone
        ('targets = { "2025" = 75, "2027" = 85 }', 'targets = { "2026" = 75, "2027" = 85 }',
         "plan.indicators[1].rows[0].targets.2026: gads 2026 nav starprezultātu gads (period.milestones = [2025, 2027])"),
        # an institution referenced but not defined
        ('responsible = ["sd"]', 'responsible = ["sd-ludza"]',
         'plan.activities[0].responsible[0]: iestāde "sd-ludza" nav definēta sadaļā institutions'),
        # wrong type
        ("milestones = [2025, 2027]", 'milestones = ["divi"]', "period.milestones[0]: gaidīts vesels skaitlis"),
        # missing field
        ('genitive = "Ludzas novada"\n', "", "municipality.genitive: obligāts lauks nav norādīts"),
        # unknown metric
        ('metric = "interest_education_share"', 'metric = "interest_share"',
         'plan.indicators[1].metric: nezināms rādītāja aprēķins "interest_share"'),
        # unknown key (typo)
        ('board_address = "Raiņa iela 16, Ludza, LV-5701"', 'board_adress = "Raiņa iela 16"',
         "municipality.board_adress: nezināms lauks (pārbaudiet nosaukumu)"),
        # bad institution id
        ('id = "ludzas-psk"', 'id = "Ludzas PSK"',
         "institutions[2].id: identifikatoram jābūt no mazajiem latīņu burtiem, cipariem, '-' un '_'"),
    ],
)
def test_error_classes(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert old in BASE
    _write(tmp_path, BASE.replace(old, new, 1))
    code, lines = _check(tmp_path)
    assert code == 1
    assert any(line.startswith(expected) for line in lines), lines
    assert not any("Traceback" in line for line in lines)


def test_toml_syntax_error(tmp_path: Path) -> None:
    _write(tmp_path, BASE + "\n[broken\n")
    code, lines = _check(tmp_path)
    assert code == 1
    assert lines[0].startswith("config.toml: TOML sintakses kļūda")


def test_missing_config(tmp_path: Path) -> None:
    code, lines = _check(tmp_path)
    assert code == 1
    assert "konfigurācijas fails nav atrasts" in lines[0]


def test_targets_parse() -> None:
    from generator.core.config import Config

    cfg = Config.model_validate(tomllib.loads(BASE))
    row = cfg.plan.indicators[2].rows[0]
    assert (row.targets["2025"].comparator, row.targets["2025"].value) == ("<", 1.0)
    assert (row.targets["2027"].comparator, row.targets["2027"].value) == ("≤", 0.5)
    text = cfg.plan.indicators[3].rows[0].targets["2025"]
    assert text.is_text and text.raw == "pēc pieprasījuma"


def test_root_config_is_ludza_preset() -> None:
    root = Path(__file__).parent.parent
    assert (root / "config.toml").read_bytes() == (root / "generator/resources/presets/ludza.toml").read_bytes()


def test_every_command_has_help() -> None:
    import click

    def walk(group: click.Group, prefix: str):
        for name, cmd in group.commands.items():
            yield prefix + name, cmd
            if isinstance(cmd, click.Group):
                yield from walk(cmd, prefix + name + " ")

    missing = [name for name, cmd in walk(cli, "") if not (cmd.help or "").strip()]
    assert missing == []
    assert re.search(r"\binit\b", CliRunner().invoke(cli, ["--help"]).output)
