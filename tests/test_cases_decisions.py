"""Decisions with an owner and a deadline, followed through at the next meetings and counted in the report."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from generator.cli import cli
from generator.core.period import Period
from generator.core.workspace import Workspace
from generator.documents.coop_summary import cooperation_summary, summarise_records
from generator.documents.dataset import Dataset
from generator.documents.report import make_report
from generator.protocols import final_path, new_protocol
from generator.store import open_store
from tests.test_cases_support import (
    ELZA,
    OSKARS,
    ZANE,
    case_ids,
    fill_f5,
    follow_up_rows,
    ingest,
    meeting_day,
    report_three,
)

PERIOD = Period(2026, "school_year")


def _text(path: Path) -> str:
    doc = Document(str(path))
    return "\n".join([p.text for p in doc.paragraphs]
                     + [" | ".join(c.text for c in row.cells) for t in doc.tables for row in t.rows])


def _first_meeting(ws: Workspace) -> dict[str, str]:
    """Meeting 1 (10.02.2026): four decisions about three cases, one of each kind but "closed"."""
    report_three(ws)
    ids = case_ids(ws)
    zane = ids["zanete  SENTINELBERGA"]
    made = new_protocol(ws, meeting_day(), "Ludza")
    fill_f5(made.form, ws.inbox / "protokols1.xlsx", decisions=[
        {"case_id": zane, "kind": "atbalsta pasākums", "task": "Psihologa konsultācijas reizi nedēļā",
         "responsible": "Ludzas valsts ģimnāzija", "deadline": "15.03.2026"},
        {"case_id": zane, "kind": "nodot sociālajam dienestam", "deadline": "01.04.2026",
         "referred_on": "12.02.2026"},
        {"case_id": ids[OSKARS], "kind": "nodot bāriņtiesai", "task": "Izvērtēt ģimenes situāciju",
         "deadline": "01.03.2026"},
        {"case_id": ids[ELZA], "kind": "nodot pašvaldības policijai", "responsible": "Ludzas novada pašvaldības"
         " policija", "deadline": "20.02.2026"},
    ])
    summary = ingest(ws)
    assert summary.accepted == 1, [r.errors for r in summary.results]
    return {"zane": zane, "oskars": ids[OSKARS], "elza": ids[ELZA]}


def test_two_meetings_follow_decisions_through_to_the_report(mini_ws: Workspace) -> None:
    ids = _first_meeting(mini_ws)
    final1 = _text(final_path(mini_ws, 2026, 1))
    assert ("1/2026.1 atbalsta pasākums: Psihologa konsultācijas reizi nedēļā; atbildīgie: Ludzas valsts "
            "ģimnāzija; termiņš: 15.03.2026.") in final1
    assert "1/2026.2 nodot sociālajam dienestam; atbildīgie: Sociālais dienests; termiņš: 01.04.2026.; " \
           "nodots 12.02.2026." in final1

    # The second meeting's F5 and draft list every open decision with its owner and deadline.
    out = CliRunner().invoke(cli, ["protocol", "new", "--date", "10.03.2026"], catch_exceptions=False).output
    assert "Jāziņo par iepriekšējo sanāksmju lēmumiem: 4, no tiem termiņš nokavēts: 2 (lapa “Lēmumu izpilde”)." in out
    second = new_protocol(mini_ws, date(2026, 3, 10), "Ludza", today=date(2026, 3, 1))
    assert follow_up_rows(second.form) == [
        ("1/2026.1", ids["zane"], "atbalsta pasākums: Psihologa konsultācijas reizi nedēļā",
         "Ludzas valsts ģimnāzija", "15.03.2026."),
        ("1/2026.2", ids["zane"], "nodot sociālajam dienestam", "Sociālais dienests", "01.04.2026."),
        ("1/2026.3", ids["oskars"], "nodot bāriņtiesai: Izvērtēt ģimenes situāciju", "Bāriņtiesa", "01.03.2026."),
        ("1/2026.4", ids["elza"], "nodot pašvaldības policijai", "Ludzas novada pašvaldības policija",
         "20.02.2026."),
    ]
    draft = _text(second.draft)
    assert "1. Iepriekšējās sanāksmēs pieņemto lēmumu izpilde" in draft
    assert (f"1/2026.4 Lieta {ids['elza']} — nodot pašvaldības policijai; atbildīgie: Ludzas novada pašvaldības "
            "policija; termiņš: 20.02.2026. (nokavēts); nodots 10.02.2026.") in draft
    assert f"1/2026.1 Lieta {ids['zane']} — atbalsta pasākums: Psihologa konsultācijas reizi nedēļā; " \
           "atbildīgie: Ludzas valsts ģimnāzija; termiņš: 15.03.2026." in draft
    assert "Izpilde: ☐ izpildīts  ☐ nav izpildīts  ☐ mainīts" in draft

    # The second meeting closes two, changes one, and one is not done.
    fill_f5(second.form, mini_ws.inbox / "protokols2.xlsx", follow_up={
        "1/2026.1": {"result": "izpildīts", "outcome": "Notikušas 4 konsultācijas."},
        "1/2026.2": {"result": "mainīts", "outcome": "Dienests lūdz vairāk laika.", "new_deadline": "01.06.2026"},
        "1/2026.3": {"result": "izpildīts", "outcome": "Bāriņtiesa lietu pieņēma."},
        "1/2026.4": {"result": "nav izpildīts"},
    })
    summary = ingest(mini_ws)
    assert summary.accepted == 1, [r.errors for r in summary.results]
    final2 = _text(final_path(mini_ws, 2026, 2))
    assert "Izpilde: izpildīts — Bāriņtiesa lietu pieņēma." in final2
    assert "Izpilde: mainīts — Dienests lūdz vairāk laika.; jauns termiņš 01.06.2026." in final2
    assert "Izpilde: nav izpildīts" in final2

    # The third meeting sees what is still open, with the changed deadline.
    third = new_protocol(mini_ws, date(2026, 5, 12), today=date(2026, 5, 1))
    assert [(r[0], r[4]) for r in follow_up_rows(third.form)] == [("1/2026.2", "01.06.2026."),
                                                                   ("1/2026.4", "20.02.2026.")]

    # The report counts them: 4 made, 2 fulfilled; on 15.05.2026 one is overdue (Elza's), later both.
    with open_store(mini_ws) as store:
        assert cooperation_summary(store, PERIOD).decisions_made == 4
        records = Dataset.from_store(store, PERIOD).f5
    early = summarise_records(records, as_of=date(2026, 5, 15))
    assert (early.decisions_made, early.decisions_fulfilled, early.decisions_overdue) == (4, 2, 1)
    assert early.referrals == {"social_service": 1, "orphans_court": 1, "police": 1}
    late = summarise_records(records, as_of=date(2026, 8, 1))
    assert late.decisions_overdue == 2
    with open_store(mini_ws) as store:
        ds = Dataset.from_store(store, PERIOD)
    report = make_report(mini_ws, PERIOD, ds, date(2026, 11, 30))
    paras = [p.text for p in Document(str(report)).paragraphs]
    assert "Sadarbības grupas sanāksmes periodā: 2." in paras
    assert "Pieņemtie lēmumi par gadījumiem: 4; izpildīti: 2; termiņš nokavēts: 2." in paras
    assert ("Lietas nodotas: sociālajam dienestam — 1; bāriņtiesai — 1; pašvaldības policijai — 1." in paras)
    text = "\n".join(paras)
    assert ZANE not in text and "Psihologa" not in text and "Bāriņtiesa lietu" not in text


def test_store_keeps_kinds_and_dates_apart_from_typed_text(mini_ws: Workspace) -> None:
    ids = _first_meeting(mini_ws)
    conn = sqlite3.connect(mini_ws.store_path)
    try:
        rows = conn.execute("SELECT case_id, kind, deadline, referred_on, state FROM decisions ORDER BY id").fetchall()
        texts = conn.execute("SELECT task, responsible FROM decision_text ORDER BY decision_id").fetchall()
    finally:
        conn.close()
    assert rows == [(ids["zane"], "support", "2026-03-15", None, "open"),
                    (ids["zane"], "social_service", "2026-04-01", "2026-02-12", "open"),
                    (ids["oskars"], "orphans_court", "2026-03-01", "2026-02-10", "open"),
                    (ids["elza"], "police", "2026-02-20", "2026-02-10", "open")]
    assert texts[0] == ("Psihologa konsultācijas reizi nedēļā", "Ludzas valsts ģimnāzija")
    assert texts[1] == ("", "Sociālais dienests")  # a referral's owner is the receiving institution


def test_meeting_record_dated_after_receipt_and_bad_decisions_are_refused(mini_ws: Workspace,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    report_three(mini_ws)
    ids = case_ids(mini_ws)
    made = new_protocol(mini_ws, meeting_day(), "Ludza")
    fill_f5(made.form, mini_ws.inbox / "protokols.xlsx", decisions=[
        {"item": 1, "kind": "atbalsta pasākums", "task": "Plāns", "responsible": "IP", "deadline": "01.03.2026"},
        {"case_id": ids[OSKARS], "kind": "atbalsta pasākums", "task": "Konsultācijas", "responsible": "Skola",
         "deadline": "01.01.2026"},
        {"case_id": ids[ELZA], "kind": "nodot bāriņtiesai"},
    ])
    monkeypatch.setattr("generator.core.period.today", lambda: date(2026, 2, 9))
    summary = ingest(mini_ws)
    assert summary.rejected == 1
    assert summary.results[0].errors == [
        'Kļūda — lapa "Sanāksme", šūna B7, lauks "Datums": Sanāksmes datums 10.02.2026 ir nākotnē (veidlapa saņemta '
        '09.02.2026). Protokolu iesniedz pēc sanāksmes: pārbaudiet datumu.',
        'Kļūda — lapa "Lēmumi", šūna A7, lauks "Jautājuma Nr.": Darba kārtībā nav gadījuma ar Nr. 1. Lēmumu '
        'izpildi uzskaita gadījumiem: norādiet gadījuma rindas Nr.',
        'Kļūda — lapa "Lēmumi", šūna E8, lauks "Termiņš": Termiņš 01.01.2026 ir pirms sanāksmes (10.02.2026). '
        'Ierakstiet termiņu pēc sanāksmes datuma.',
        'Kļūda — lapa "Lēmumi", šūna E9, lauks "Termiņš": Ierakstiet termiņu, līdz kuram lēmums jāizpilda.',
    ]
