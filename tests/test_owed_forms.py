"""Everyone the plan makes answerable is asked for an F1 (issue 12, item 4): institutions of kind "other"
named responsible or involved in an activity of the period owe an F1 unless config.toml opts them out
with ``reports = false``; `pmp status`, the build's completeness check and `config check` agree."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.core.config import Config
from generator.core.config_check import config_warnings, parse_config
from generator.core.period import Period
from generator.core.workspace import PRESETS, preset_path
from generator.documents.completeness import missing_forms
from generator.documents.dataset import Dataset
from generator.forms import owed_forms


def preset(name: str) -> Config:
    return parse_config(tomllib.loads(Path(preset_path(name)).read_text(encoding="utf-8")))


def owed_f1(cfg: Config, year: int) -> set[str]:
    return {inst.id for inst, form in owed_forms(cfg, Period(year, cfg.period.kind)) if form == "F1"}


@pytest.mark.parametrize(("name", "year", "asked", "opted_out"), [
    # Rīga: 22 of 41 activities have a responsible of kind "other" (IKSD IP, RIIMC, LD, LD VP, IKSD SJP).
    ("riga", 2026, {"iksd-ip", "iksd-sjp", "riimc", "ld", "ld-vp-svvpn", "resiliences-avots", "dzives-oaze"},
     {"pakalpojuma-sniedzejs", "pakalpojuma-sniedzeji", "pirmsskolu-kc"}),
    # Daugavpils: 7 of 55 activities (JLSP 4, PMK 1, the cooperation group 2).
    ("daugavpils", 2026, {"jlsp", "pmk", "sadarbibas-grupa", "sporta-skola", "administrativa-komisija"},
     {"pasvaldiba", "uznemumi", "arsti-specialisti"}),
    # Līvāni: activity 9.1's cooperation group.
    ("livani", 2025, {"sadarbibas-grupa"}, {"lektori", "supervizori", "psihologi"}),
    ("ludza", 2025, {"jaunatnes-specialists", "sab-att-specialists"}, {"vecaki", "uznemeji", "kiva"}),
    ("ogre", 2025, {"btasg", "o-veseliba", "nva"}, {"vecaki", "eksperti", "pasvaldiba"}),
])
def test_answerable_institutions_of_kind_other_owe_f1(name: str, year: int, asked: set[str],
                                                      opted_out: set[str]) -> None:
    cfg = preset(name)
    owed = owed_f1(cfg, year)
    assert asked <= owed
    assert not opted_out & owed
    assert all(cfg.institution(i).reports is False for i in opted_out)


@pytest.mark.parametrize("name", PRESETS)
def test_every_responsible_or_involved_institution_is_asked_or_opted_out(name: str) -> None:
    cfg = preset(name)
    for year in cfg.period.plan_years:
        period = Period(year, cfg.period.kind)
        owed = owed_f1(cfg, year)
        for act in cfg.plan.activities:
            if not set(act.years) & period.plan_years:
                continue
            for inst in cfg.resolve_refs(act.responsible + act.involved):
                assert inst.id in owed or inst.reports is False, (year, act.number, inst.id)


def test_kind_other_is_asked_only_in_periods_of_its_activities() -> None:
    # Rīga's SIA "Dzīves oāze" is involved in one activity that runs 2024–2027 only.
    cfg = preset("riga")
    assert "dzives-oaze" in owed_f1(cfg, 2027)
    assert "dzives-oaze" not in owed_f1(cfg, 2028)
    # State bodies the plan never names are not asked; named kinds (police, NGOs) always are.
    assert not {"vp", "vbtai"} & owed_f1(cfg, 2026)


def test_reports_false_opts_a_school_out_of_every_form() -> None:
    cfg = preset("ludza")
    school = cfg.schools[0]
    before = {f for inst, f in owed_forms(cfg, Period(2025, "school_year")) if inst.id == school.id}
    assert before == {"F1", "F2"}
    out = cfg.model_copy(update={"institutions": [i.model_copy(update={"reports": False}) if i.id == school.id
                                                  else i for i in cfg.institutions]})
    assert not [f for inst, f in owed_forms(out, Period(2025, "school_year")) if inst.id == school.id]


def test_completeness_counts_them(tmp_path: Path) -> None:
    cfg = preset("riga")
    missing = {m.institution.id: m.forms for m in missing_forms(cfg, Dataset(Period(2026, "calendar_year")))}
    assert {k: missing[k] for k in ("iksd-ip", "riimc", "ld")} == {"iksd-ip": ["F1"], "riimc": ["F1"],
                                                                   "ld": ["F1"]}
    assert "pakalpojuma-sniedzejs" not in missing


def test_status_and_forms_for_riga(tmp_path: Path) -> None:
    ws = tmp_path / "riga"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(ws), "--preset", "riga"], catch_exceptions=False).exit_code == 0
    res = runner.invoke(cli, ["--workspace", str(ws), "status", "--period", "2026", "--json"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    by_inst = {(r["institution"], r["form"]): r["state"] for r in rows}
    for inst in ("iksd-ip", "iksd-sjp", "riimc", "ld", "ld-vp-svvpn"):
        assert by_inst[(inst, "F1")] == "missing"
    assert ("pakalpojuma-sniedzejs", "F1") not in by_inst
    assert len(rows) == 20  # 19 F1 + the board's F4
    res = runner.invoke(cli, ["--workspace", str(ws), "forms", "--period", "2026", "--institution", "riimc"],
                        catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert (ws / "forms" / "2026" / "riimc" / "F1_aktivitasu_parskats_2026_riimc.xlsx").is_file()


def test_config_check_warns_about_school_indicators_without_schools(tmp_path: Path) -> None:
    ws = tmp_path / "riga"
    runner = CliRunner()
    runner.invoke(cli, ["init", str(ws), "--preset", "riga"], catch_exceptions=False)
    res = runner.invoke(cli, ["--workspace", str(ws), "config", "check"], catch_exceptions=False)
    assert res.exit_code == 0
    lines = res.stderr.splitlines()
    # Rīga's indicators 3–9 are computed from F2 (6 and 8 by their first rows).
    assert [line.split(":")[1].strip() for line in lines] == [
        "plan.indicators[2].metric", "plan.indicators[3].metric", "plan.indicators[4].metric",
        "plan.indicators[5].rows[0].metric", "plan.indicators[6].metric", "plan.indicators[7].rows[0].metric",
        "plan.indicators[8].metric"]
    assert lines[0] == ("Brīdinājums: plan.indicators[2].metric: rādītāju 3 aprēķina no skolu veidlapām F2, bet "
                        "sadaļā institutions nav nevienas skolas (kind = \"school\"), kas tās iesniegtu: pievienojiet "
                        "skolas vai katru gadu ievadiet šī rādītāja vērtību pārvaldes veidlapā F4")


@pytest.mark.parametrize("name", [p for p in PRESETS if p != "riga"])
def test_presets_with_schools_have_no_such_warning(name: str) -> None:
    assert not [w for w in config_warnings(preset(name)) if "skolu veidlapām F2" in w]


def test_riga_f4_asks_the_board_for_school_indicators(tmp_path: Path) -> None:
    """Without schools the F4 row of a school-computed indicator says the board enters it."""
    from openpyxl import load_workbook

    from generator.forms import write_blank

    cfg = preset("riga")
    path = write_blank(cfg, "F4", Period(2026, "calendar_year"), cfg.board.id, tmp_path / "f4.xlsx")
    rows = [[c.value for c in r][:7] for r in load_workbook(path)["Rādītāji"].iter_rows(min_row=7)]
    how = {r[0]: r[6] for r in rows if r[0]}
    assert how["3"] == how["9"] == "ievada pārvalde"  # interest education, grade 9: F2 metrics, no schools
    assert set(how.values()) == {"ievada pārvalde"}
