"""The annual report read back with python-docx: the indicator table against hand-computed numbers."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.table import Table

from generator.core.errors import DocumentError
from generator.core.period import Period
from generator.core.workspace import Workspace
from generator.documents.dataset import Dataset
from generator.documents.render import TEMPLATE_VARIABLES, render_docx
from generator.documents.report import make_report, report_context

from .test_metrics import school

PERIOD = Period(2025, "school_year")
NASTY = "Psihologs & <logopēds> > \"vajadzīgs\" 'steidzami'"


def dataset() -> Dataset:
    # ludzas-vsk: 7-9 100, 10-12 50; zilupes-vsk: 1-6 200, 7-9 100, 10-12 50 (ludzas-psk did not report)
    a = school(pupils_start={"1-6": 0, "7-9": 100, "10-12": 50}, dropouts_basic=2, dropouts_secondary=1,
               interest_education=90, measures_needed=NASTY)
    b = school(pupils_start={"1-6": 200, "7-9": 100, "10-12": 50}, dropouts_basic=4, dropouts_secondary=0,
               interest_education=260, measures_needed="")
    f1 = {"sd": {"activities": [{"activity": "1.1", "title": "Grupa \"Vecāki & bērni\" <1>", "date": "2025-03-12",
                                 "place": "Ludza", "pupils": 0, "parents": 12, "teachers": 2, "others": 1,
                                 "impact": "Uzlabojās sadarbība", "factors": "Traucēja laiks", "sources": "",
                                 "funding_eur": 150.5, "funding_source": "pasv"}],
                 "statuses": [{"activity": "1.1", "status": "īstenota", "comment": ""}],
                 "contact_name": "", "contact_email": ""}}
    f4 = {"values": [{"indicator": "1", "row": 0, "row_label": "", "value": 72, "text": "", "source": "aptauja",
                      "note": ""},
                     {"indicator": "4", "row": 0, "row_label": "", "value": None, "text": "pēc pieprasījuma",
                      "source": "SD", "note": ""}]}
    return Dataset.from_data(PERIOD, f1=f1, f2={"ludzas-vsk": a, "zilupes-vsk": b}, f4=f4)


def indicator_table(path: Path) -> Table:
    for table in docx.Document(str(path)).tables:
        if [c.text for c in table.rows[0].cells][-1] == "Vērtējums":
            return table
    raise AssertionError("indicator table not found")


def test_indicator_table_values_match_hand_computation(mini_ws: Workspace) -> None:
    path = make_report(mini_ws, PERIOD, dataset(), date(2025, 9, 15))
    table = indicator_table(path)
    head = [c.text for c in table.rows[0].cells]
    assert head == ["Nr.", "Rādītājs", "Bāzes vērtība", "Mērķis 2025", "Mērķis 2027", "Vērtība 2024./2025.",
                    "Datu avots", "Vērtējums"]
    assert [c.text for c in table.rows[1].cells] == [str(n) for n in range(1, 9)]
    rows = {r.cells[1].text: [c.text for c in r.cells] for r in table.rows[2:]}
    # 1 (manual, F4): 72 against "70%" (increase) -> sasniegts; the source says the board entered it
    r = rows["Augsta vecāku apmierinātība ar dalību atbalsta grupās."]
    assert r[5:] == ["72 %", "aptauja (F4)", "sasniegts"]
    # 2: interest education (90 + 260) / (150 + 350) = 70 %; target 75, baseline 67 -> virzās
    r = rows["Izglītojamo īpatsvars, kuri reģistrēti vismaz vienā interešu izglītības programmā."]
    assert r[2:] == ["67 % (2023)", "75 %", "85 %", "70 %", "F2, 2 skolas", "virzās"]  # units kept on every value
    # 3 basic: (2 + 4) / (100 + 300) = 1,5 % against "< 1", baseline 1,2 -> atpaliek
    r = rows["Izglītojamo īpatsvars, kuri priekšlaicīgi pārtraukuši mācības. — pamatizglītībā"]
    assert r[5] == "1,5 %" and r[7] == "atpaliek"
    # 3 secondary: (1 + 0) / (50 + 50) = 1 % against "< 2" -> sasniegts
    r = rows["Izglītojamo īpatsvars, kuri priekšlaicīgi pārtraukuši mācības. — vidējā izglītībā"]
    assert r[5] == "1 %" and r[7] == "sasniegts"
    # 4: text target, the board entered the same text -> sasniegts
    r = rows["Atbalsta pieejamība ģimenēm krīzes situācijās."]
    assert r[5] == "pēc pieprasījuma" and r[7] == "sasniegts"
    spanning = {r.cells[0].text for r in table.rows if len({c._tc for c in r.cells}) == 1}
    assert {"UNIVERSĀLĀ PREVENCIJA", "MĒRĶTIECĪGĀ PREVENCIJA", "PIELĀGOTĀ PREVENCIJA"} <= spanning


def test_report_sections_and_special_characters(mini_ws: Workspace) -> None:
    path = make_report(mini_ws, PERIOD, dataset(), date(2025, 9, 15))
    doc = docx.Document(str(path))
    paras = [p.text for p in doc.paragraphs]
    text = "\n".join(paras)
    assert "Ludzas novads, 2025. gada 15. septembris" in paras
    assert "2024./2025. mācību gads" in paras
    assert f"Ludzas valsts ģimnāzija: {NASTY}" in paras  # conclusions: needs named by schools
    assert "Ludzas pilsētas pamatskola (F1, F2)" in paras  # did not report
    # One row per activity: number, title, status, events and participants, funding, institutions.
    rows = {r.cells[0].text: [c.text for c in r.cells] for t in doc.tables for r in t.rows}
    assert rows["1.1"] == ["1.1", "Atbalsta grupas vecākiem bērnu audzināšanas jautājumos.", "īstenota",
                           "1 pasākums; vecāki — 12, pedagogi un speciālisti — 2, citi — 1", "150,50\u00a0EUR",
                           "Atbildīgā: SD\nZiņoja: SD"]
    assert "Uzlabojās sadarbība" not in text  # the institutions' own texts are in the annex
    annex = docx.Document(str(path.with_name("gada_parskats_2025_pielikums.docx")))
    annex_rows = [[c.text for c in r.cells] for t in annex.tables for r in t.rows]
    assert ["Ludzas novada Sociālais dienests", "Grupa \"Vecāki & bērni\" <1>", "12.03.2025., Ludza",
            "vecāki — 12, pedagogi un speciālisti — 2, citi — 1", "150,50\u00a0EUR\nPašvaldības budžets"] in annex_rows
    annex_paras = [p.text for p in annex.paragraphs]
    assert "Uzlabojās sadarbība (Ludzas novada Sociālais dienests)" in annex_paras
    assert "Traucēja laiks (Ludzas novada Sociālais dienests)" in annex_paras
    assert "2.1 Pedagogu profesionālā pilnveide par PMP riska pazīmēm. (atbildīgā: IP)" in paras
    assert "Sadarbības grupas sanāksmes periodā: 0." in paras
    assert len(doc.inline_shapes) == 2  # the situation chart and the indicator chart
    footer = doc.sections[0].footer._element.xml
    assert 'w:instr="PAGE"' in footer
    assert "{{" not in text and "{%" not in text


def test_report_without_any_data_still_renders(mini_ws: Workspace) -> None:
    path = make_report(mini_ws, PERIOD, Dataset(PERIOD), date(2025, 9, 15))
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "Neviena izglītības iestāde (no 3) nav iesniegusi veidlapu F2" in text
    table = indicator_table(path)
    assert {r.cells[7].text for r in table.rows[2:] if len({c._tc for c in r.cells}) > 1} == {"nav datu"}


def test_context_provides_exactly_the_template_variables(mini_ws: Workspace) -> None:
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(str(mini_ws.template("gada_parskats.docx")))
    context = report_context(tpl, mini_ws.config, dataset(), PERIOD, date(2025, 9, 15))
    assert set(context) == TEMPLATE_VARIABLES["report"]


def _template_with(tmp_path: Path, text: str) -> Path:
    doc = docx.Document()
    doc.add_paragraph(text)
    path = tmp_path / "t.docx"
    doc.save(str(path))
    return path


def test_missing_variable_is_an_error(tmp_path: Path) -> None:
    path = _template_with(tmp_path, "Sveiki, {{ name }} un {{ nav_tada }}")
    with pytest.raises(DocumentError, match="nezināms mainīgais: 'nav_tada' is undefined"):
        render_docx(path, lambda tpl: {"name": "x"}, tmp_path / "out.docx")


def test_autoescape_keeps_text_literal(tmp_path: Path) -> None:
    path = _template_with(tmp_path, "{{ name }}")
    value: dict[str, Any] = {"name": "A & B <c> \"d\" 'e' </w:t>"}
    out = render_docx(path, lambda tpl: value, tmp_path / "out.docx")
    assert docx.Document(str(out)).paragraphs[0].text == value["name"]


def test_school_chart_keeps_to_the_schools_most_at_risk() -> None:
    """At city scale the chart shows the 30 schools with the highest at-risk share, not 600 bars."""
    from unittest import mock

    from generator.documents import charts

    names = [f"Skola {n}" for n in range(100)]
    at_risk = [float(n % 37) for n in range(100)]
    with mock.patch.object(charts.Figure, "add_subplot", wraps=None) as add:
        ax = add.return_value
        charts.school_shares_chart(names, at_risk, [0.0] * 100)
    labels = ax.set_yticks.call_args.args[1]
    assert len(labels) == 30 and "Skola 36" in labels and "Skola 0" not in labels
    assert ax.set_title.call_args.args[0].endswith("(30 iestādes ar augstāko PMP riska īpatsvaru no 100)")
