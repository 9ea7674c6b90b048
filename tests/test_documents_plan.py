"""The updated action plan read back with python-docx: every activity, in the municipality's columns."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.table import Table

from generator.core.config import Config
from generator.core.period import Period
from generator.core.workspace import PRESETS, Workspace, init_workspace, preset_path
from generator.documents.common import capitalised
from generator.documents.dataset import Dataset
from generator.documents.plan import make_plan

LABELS = {
    "number": "Nr.", "goal": "Mērķis", "title": "Prevencijas aktivitāte", "expected_result": "Sasniedzamais rezultāts",
    "responsible": "Atbildīgā institūcija", "involved": "Iesaistītās institūcijas", "years": "Īstenošanas periods",
    "funding": "Finansējuma avots", "link": "Sasaiste ar citiem dokumentiem", "tasks": "Darba uzdevumi plāna izpildei",
}


def plan_table(path: Path) -> Table:
    doc = docx.Document(str(path))
    for table in doc.tables:  # the action plan is the table with the status column
        if any(c.text.startswith("Izpildes statuss") for c in table.rows[0].cells):
            return table
    raise AssertionError("plan table not found")


def distinct_labels(table: Table) -> list[str]:
    seen: list[str] = []
    tcs: list[object] = []
    for cell in table.rows[0].cells:
        if cell._tc not in tcs:
            tcs.append(cell._tc)
            seen.append(cell.text)
    return seen


def column_of(table: Table, label: str) -> int:
    return [c.text for c in table.rows[0].cells].index(label)


def check_plan(cfg: Config, path: Path) -> None:
    table = plan_table(path)
    labels = distinct_labels(table)
    expected = [LABELS[k] for k in cfg.layout.action_plan_columns]
    assert labels[: len(expected)] == expected  # the municipality's own column order
    assert labels[len(expected)].startswith("Izpildes statuss")
    years = cfg.period.plan_years
    second = [c.text for c in table.rows[1].cells]
    year_cols = {y: second.index(str(y)) for y in years}
    # The column-number row: 1, 2, 3 … with one number over all the year columns.
    numbers = [c.text for c in table.rows[2].cells]
    assert numbers[0] == "1" and len({numbers[i] for i in year_cols.values()}) == 1
    num_col = column_of(table, "Nr.")
    resp_col = column_of(table, "Atbildīgā institūcija")
    title_col = column_of(table, "Prevencijas aktivitāte")
    rows_by_number: dict[str, list[list[str]]] = {}
    for row in table.rows[3:]:
        texts = [c.text for c in row.cells]
        rows_by_number.setdefault(texts[num_col], []).append(texts)
    for act in cfg.plan.activities:
        assert act.number in rows_by_number, f"activity {act.number} missing"
        texts = rows_by_number[act.number][0]
        assert texts[title_col] == capitalised(act.title)  # cells start with a capital letter
        for ref in act.responsible:
            assert cfg.ref_label(ref).lower() in texts[resp_col].lower()  # the cell starts with a capital
        for y, col in year_cols.items():
            mark = "(x)" if "years" in act.inferred else "x"  # years read from a damaged source are marked
            assert texts[col] == (mark if y in act.years else ""), (act.number, y)
        if "tasks" in cfg.layout.action_plan_columns and act.tasks:
            task_col = second.index("Darba uzdevums")
            assert [r[task_col] for r in rows_by_number[act.number]] == [capitalised(t.title) for t in act.tasks]
    # Level rows span the whole table.
    spans = {row.cells[0].text for row in table.rows if len({c._tc for c in row.cells}) == 1}
    for label in ("UNIVERSĀLĀ PREVENCIJA", "MĒRĶTIECĪGĀ PREVENCIJA", "PIELĀGOTĀ PREVENCIJA"):
        if any(g.level == label[0] for g in cfg.plan.goals):
            assert label in spans
    if cfg.layout.goals_as_rows:
        assert f"{cfg.plan.goals[0].number}. mērķis: {cfg.plan.goals[0].title}" in spans


@pytest.mark.parametrize("preset", PRESETS)
def test_plan_of_every_preset_has_every_activity_in_its_columns(preset: str, tmp_path: Path) -> None:
    if not preset_path(preset).is_file():
        pytest.skip(f"preset {preset} is not written yet")
    ws = init_workspace(tmp_path / preset, preset)
    cfg = ws.config
    period = Period(cfg.period.plan_years[-1], cfg.period.kind)
    path = make_plan(ws, period, Dataset(period), date(2025, 12, 12))
    check_plan(cfg, path)
    doc = docx.Document(str(path))
    section = doc.sections[0]
    assert section.page_width > section.page_height  # landscape
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Aktualizētā redakcija, 2025. gada 12. decembris" in text


def test_status_comes_from_f1_and_the_override_wins(mini_ws: Workspace) -> None:
    period = Period(2025, "school_year")
    f1 = {"sd": {"activities": [], "statuses": [{"activity": "1.1", "status": "īstenota", "comment": ""},
                                                 {"activity": "3.1", "status": "daļēji", "comment": ""}]},
          "ip": {"activities": [], "statuses": [{"activity": "3.1", "status": "īstenota", "comment": ""}]}}
    path = make_plan(mini_ws, period, Dataset.from_data(period, f1=f1), date(2025, 9, 1))
    table = plan_table(path)
    status_col = [c.text for c in table.rows[0].cells].index("Izpildes statuss 2024./2025.")
    status = {r.cells[0].text: r.cells[status_col].text for r in table.rows[3:]}
    assert status["1.1"] == "īstenota"
    assert status["3.1"] == "daļēji"
    assert status["2.1"] == "nav ziņu"
    assert status["3.2"] == "nav plānota šogad"  # runs only in 2027

    cfg_text = mini_ws.config_path.read_text(encoding="utf-8")
    cfg_text = cfg_text.replace('years = [2027]\n', 'years = [2027]\nstatus_override = "īstenota"\n')
    mini_ws.config_path.write_text(cfg_text, encoding="utf-8")
    path = make_plan(Workspace(mini_ws.root), period, Dataset.from_data(period, f1=f1), date(2025, 9, 1))
    table = plan_table(path)
    assert {r.cells[0].text: r.cells[status_col].text for r in table.rows[3:]}["3.2"] == "īstenota"


def test_new_and_changed_activities_are_marked_against_the_previous_edition(mini_ws: Workspace) -> None:
    period = Period(2025, "school_year")
    first = make_plan(mini_ws, period, Dataset(period), date(2025, 1, 10))
    assert "Šī ir pirmā rīcības plāna redakcija" in "\n".join(p.text for p in docx.Document(str(first)).paragraphs)

    text = mini_ws.config_path.read_text(encoding="utf-8")
    text = text.replace("Individuālo atbalsta plānu izstrāde.", "Individuālo atbalsta plānu izstrāde un pārskatīšana.")
    text += ('\n[[plan.activities]]\nnumber = "3.3"\ngoal = "3"\ntitle = "Jauna aktivitāte: mentori"\n'
             'responsible = ["sd"]\nyears = [2026]\n')
    mini_ws.config_path.write_text(text, encoding="utf-8")
    ws = Workspace(mini_ws.root)
    second = make_plan(ws, period, Dataset(period), date(2025, 3, 5))
    table = plan_table(second)
    changes_col = [c.text for c in table.rows[0].cells].index("Izmaiņas")
    marks = {r.cells[0].text: r.cells[changes_col].text for r in table.rows[3:]}
    assert marks["3.3"] == "jauna"
    assert marks["3.2"] == "mainīta: nosaukums"
    assert marks["1.1"] == ""
    paras = [p.text for p in docx.Document(str(second)).paragraphs]
    assert "Aktualizētā redakcija, 2025. gada 5. marts (redakcija " + ws.config.plan_edition() + ")" in paras
    assert any(re.fullmatch(r"Salīdzinot ar redakciju no 2025\. gada 10\. janvāra:", p) for p in paras)
    assert "3.3 Jauna aktivitāte: mentori — jauna aktivitāte" in paras
    assert "3.2 Individuālo atbalsta plānu izstrāde un pārskatīšana. — mainīts: nosaukums" in paras

    # Producing the plan again without changes keeps the same edition date and comparison.
    third = make_plan(ws, period, Dataset(period), date(2025, 4, 1))
    assert "Aktualizētā redakcija, 2025. gada 5. marts" in "\n".join(p.text for p in docx.Document(str(third)).paragraphs)


def test_text_with_special_characters_survives(mini_ws: Workspace) -> None:
    text = mini_ws.config_path.read_text(encoding="utf-8")
    text = text.replace("Atbalsta grupas vecākiem bērnu audzināšanas jautājumos.",
                        "Grupas \\\"Vecāki & bērni\\\" <2025> 'kopā' {{ x }}")
    mini_ws.config_path.write_text(text, encoding="utf-8")
    period = Period(2025, "school_year")
    path = make_plan(Workspace(mini_ws.root), period, Dataset(period), date(2025, 9, 1))
    titles = [r.cells[2].text for r in plan_table(path).rows]
    assert "Grupas \"Vecāki & bērni\" <2025> 'kopā' {{ x }}" in titles
    assert "Vecāku sapulces & lekcijas par PMP riskiem." in titles
