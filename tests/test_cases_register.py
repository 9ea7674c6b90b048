"""The case register: pseudonymous ids, identity kept apart, report history, statuses."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest
from docx import Document

from generator.cases.identity import CASE_ID_RE, identity_keys, normalise_name
from generator.core.workspace import Workspace
from generator.protocols import new_protocol
from tests.test_cases_support import (
    ELZA,
    OSKARS,
    ZANE,
    agenda_case_ids,
    case_ids,
    drop_f3,
    ingest,
    meeting_day,
    report_three,
)


def _rows(ws: Workspace, sql: str, *args: object) -> list[tuple]:
    conn = sqlite3.connect(ws.store_path)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def test_normalised_name_ignores_case_diacritics_order_and_spacing() -> None:
    assert normalise_name("Bērziņa  Anna") == normalise_name("anna berzina") == "anna berzina"
    assert normalise_name("Anna-Marija Ozola") == "anna marija ozola"


def test_keys_depend_on_the_secret_and_on_the_birth_date() -> None:
    a = identity_keys(b"k" * 32, "Anna Bērziņa", "2012-01-01", "s1")
    b = identity_keys(b"x" * 32, "Anna Bērziņa", "2012-01-01", "s1")
    c = identity_keys(b"k" * 32, "Anna Bērziņa", None, "s1")
    assert a.birth != b.birth and a.school != b.school
    assert c.birth is None and c.school == a.school and a.primary == a.birth


def test_same_pupil_reported_twice_is_one_case_with_history(mini_ws: Workspace) -> None:
    report_three(mini_ws)
    ids = case_ids(mini_ws)
    assert set(ids) == {"zanete  SENTINELBERGA", OSKARS, ELZA}  # identity keeps the latest spelling
    assert all(CASE_ID_RE.match(c) for c in ids.values())
    zane = ids["zanete  SENTINELBERGA"]
    history = _rows(mini_ws, "SELECT report_date FROM case_reports WHERE case_id = ? ORDER BY report_date", zane)
    assert history == [("2026-01-12",), ("2026-01-30",)]
    assert _rows(mini_ws, "SELECT pupil_class FROM case_identity WHERE case_id = ?", zane) == [("7.c",)]
    assert _rows(mini_ws, "SELECT status, count(*) FROM cases GROUP BY status") == [("jauns", 3)]


def test_statistics_side_and_generic_data_carry_no_names(mini_ws: Workspace) -> None:
    report_three(mini_ws)
    data = [json.loads(d) for (d,) in _rows(mini_ws, "SELECT data FROM submissions WHERE form_id = 'F3'")]
    assert {d["case_id"] for d in data} == set(case_ids(mini_ws).values())
    blob = json.dumps(data, ensure_ascii=False)
    for name in (ZANE, OSKARS, ELZA, "Sentinelberga", "bieži kavē", "Direktore"):
        assert name not in blob
    stats = _rows(mini_ws, "SELECT * FROM cases") + _rows(mini_ws, "SELECT * FROM case_reports")
    assert not any(isinstance(v, str) and "Sentinel" in v for row in stats for v in row)


def test_namesake_with_other_birth_date_is_another_case_and_missing_date_joins(mini_ws: Workspace) -> None:
    drop_f3(mini_ws, "ludzas-vsk", "Jānis Bērziņš", pupil_birth_date="2012-05-05", file_name="a.xlsx")
    drop_f3(mini_ws, "ludzas-vsk", "Jānis Bērziņš", pupil_birth_date="2013-06-06", file_name="b.xlsx")
    drop_f3(mini_ws, "ludzas-psk", "Janis Berzins", file_name="c.xlsx")
    drop_f3(mini_ws, "ludzas-psk", "Bērziņš Jānis", file_name="d.xlsx", date="2026-02-01")
    assert ingest(mini_ws).accepted == 4
    per_case = _rows(mini_ws, "SELECT case_id, count(*) FROM case_reports GROUP BY case_id ORDER BY 2")
    assert [n for _, n in per_case] == [1, 1, 2]


def test_key_file_is_created_owner_only(mini_ws: Workspace) -> None:
    report_three(mini_ws)
    assert mini_ws.secret_path.stat().st_mode & 0o777 == 0o600
    assert mini_ws.secret_path.parent.stat().st_mode & 0o777 == 0o700
    assert len(mini_ws.secret_path.read_bytes()) == 32


def test_legal_basis_and_parents_notice_are_kept_and_shown(mini_ws: Workspace) -> None:
    drop_f3(mini_ws, "ludzas-vsk", ZANE, legal_basis="vecāku lūgums", parents_informed_on="2026-01-10",
            file_name="a.xlsx")
    drop_f3(mini_ws, "ludzas-psk", OSKARS, legal_basis="cits pamats", legal_basis_other="Ārsta ieteikums",
            parents_informed="nē", file_name="b.xlsx")
    summary = ingest(mini_ws)
    assert summary.accepted == 2
    oskars = [r for r in summary.results if r.institution == "ludzas-psk"][0]
    assert any("Vecāki nav informēti par ziņojumu." in w for w in oskars.warnings)
    ids = case_ids(mini_ws)
    assert _rows(mini_ws, "SELECT legal_basis, parents_informed, parents_informed_on FROM case_reports"
                 " WHERE case_id = ?", ids[ZANE]) == [("parent_request", 1, "2026-01-10")]
    assert _rows(mini_ws, "SELECT legal_basis, parents_informed, parents_informed_on FROM case_reports"
                 " WHERE case_id = ?", ids[OSKARS]) == [("other", 0, None)]
    made = new_protocol(mini_ws, meeting_day())
    text = "\n".join(p.text for p in Document(str(made.draft)).paragraphs)
    assert "Ziņošanas pamats: vecāku lūgums; vecāki informēti 10.01.2026." in text
    assert "Ziņošanas pamats: cits pamats — Ārsta ieteikums; vecāki nav informēti" in text


def test_basis_other_needs_its_text_and_informed_needs_a_date(mini_ws: Workspace) -> None:
    drop_f3(mini_ws, "ludzas-vsk", ZANE, legal_basis="cits pamats", parents_informed_on=None)
    summary = ingest(mini_ws)
    assert summary.rejected == 1
    errors = summary.results[0].errors
    assert errors == [
        'Kļūda — lapa "Ziņojums", šūna B32, lauks "Cits pamats (kāds)": Izvēlēts cits pamats: ierakstiet, kāds ir '
        'ziņošanas pamats.',
        'Kļūda — lapa "Ziņojums", šūna B34, lauks "Vecāki informēti (datums)": Ierakstiet datumu, kad vecāki tika '
        'informēti.']


def test_report_dated_after_its_receipt_is_refused_naming_the_cell(mini_ws: Workspace,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("generator.core.period.today", lambda: date(2026, 1, 20))
    drop_f3(mini_ws, "ludzas-vsk", ZANE, date="2026-03-15", parents_informed_on="2026-01-10")
    summary = ingest(mini_ws)
    assert summary.rejected == 1
    assert summary.results[0].errors == [
        'Kļūda — lapa "Ziņojums", šūna B28, lauks "Datums": Ziņojuma datums 15.03.2026 ir nākotnē (ziņojums saņemts '
        '20.01.2026). Ierakstiet pareizo datumu.']


def test_agenda_lists_only_reports_dated_by_the_meeting(mini_ws: Workspace) -> None:
    report_three(mini_ws)  # Zane 12.01 and 30.01, Oskars 20.01, Elza 25.01
    ids = case_ids(mini_ws)
    made = new_protocol(mini_ws, date(2026, 1, 22))
    assert agenda_case_ids(made.form) == [ids["zanete  SENTINELBERGA"], ids[OSKARS]]
    text = "\n".join(p.text for p in Document(str(made.draft)).paragraphs)
    assert "Ziņojums 12.01.2026." in text and "30.01.2026" not in text and "25.01.2026" not in text
