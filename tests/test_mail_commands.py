"""``pmp remind``, ``pmp return``, ``pmp mail release``, ``pmp config check --mail``, ``pmp watch --mail``
and case reports by e-mail — against the real Dovecot and SMTP servers of the round-trip tests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.core.workspace import Workspace
from generator.store import open_store
from tests.intake_helpers import filled
from tests.mail_servers import SECRET
from tests.test_mail_roundtrip import SCHOOL, mail_ws, run_mail, school_message, servers  # noqa: F401

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def invoke(ws: Workspace, *args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--workspace", str(ws.root), *args], input=input, catch_exceptions=False)
    return result.exit_code, result.output


def test_remind_shows_asks_sends_once_and_dry_run_writes_eml(mail_ws: Workspace, servers) -> None:  # noqa: F811
    dovecot, smtp = servers
    code, out = invoke(mail_ws, "remind", "--period", "2025", input="n\n")
    assert code == 0
    assert "2024./2025. mācību gads: sūtāmie atgādinājumi — 6:" in out
    assert "  Ludzas pilsētas pamatskola <pamatskola@ludzasnovads.lv>: F1, F2 (2 tukšās veidlapas pielikumā)" in out
    assert "nav e-pasta adreses (config.toml institutions.email), netiks sūtīts" in out
    assert "Nekas netika nosūtīts." in out
    assert smtp.messages() == []

    code, out = invoke(mail_ws, "remind", "--period", "2025", input="y\n")
    assert code == 0 and "Nosūtītie atgādinājumi — 6." in out
    sent = {m.msg["To"]: m for m in smtp.messages()}
    psk = sent["pamatskola@ludzasnovads.lv"].msg
    assert psk["Auto-Submitted"] == "auto-generated"
    assert psk["Subject"] == "Atgādinājums: PMP veidlapas — 2024./2025. mācību gads"
    assert "Lūdzam tās aizpildīt un nosūtīt atpakaļ uz pmp@ludzasnovads.lv." in psk.get_body(("plain",)).get_content()
    assert sorted(a.get_filename() for a in psk.iter_attachments()) == [
        "F1_aktivitasu_parskats_2025_ludzas-psk.xlsx", "F2_situacijas_apraksts_2025_ludzas-psk.xlsx"]
    assert all(a.get_content_type() == XLSX_TYPE for a in psk.iter_attachments())

    code, out = invoke(mail_ws, "remind", "--period", "2025", "--yes")  # the same day again: nothing twice
    assert "Nosūtītie atgādinājumi — 0." in out and len(smtp.messages()) == 6

    code, out = invoke(mail_ws, "remind", "--period", "2025", "--dry-run")
    drafts = mail_ws.outbox / "2025" / "atgadinajumi"
    assert f"Atgādinājumu melnraksti (7): {drafts}" in out
    assert "To: pamatskola@ludzasnovads.lv" in (drafts / "atgadinajums_ludzas-psk.eml").read_text()
    assert len(smtp.messages()) == 6


def test_return_mails_the_school_in_its_thread_and_status_shows_it_until_a_new_version(
        mail_ws: Workspace, servers, tmp_path: Path) -> None:  # noqa: F811
    dovecot, smtp = servers
    first = school_message(mail_ws, SCHOOL, "F2 ģimnāzija", [filled(mail_ws, "F2", "ludzas-vsk", folder=tmp_path)])
    dovecot.append(first)
    run_mail(mail_ws)
    code, out = invoke(mail_ws, "return", "ludzas-vsk", "F2", "--period", "2025",
                       "--reason", "Izglītojamo skaits nesakrīt ar VIIS datiem; lūdzu pārbaudiet 7.–9. klases.")
    assert code == 0, out
    assert out == "Lūgums labot F2 (2024./2025. mācību gads) nosūtīts: gimnazija@ludzasnovads.lv.\n"
    msg = smtp.messages()[-1].msg
    assert msg["In-Reply-To"] == first["Message-ID"]
    body = msg.get_body(("plain",)).get_content()
    assert "Iemesls: Izglītojamo skaits nesakrīt ar VIIS datiem; lūdzu pārbaudiet 7.–9. klases." in body
    assert "Labošanai nosūtītā versija: 1" in body
    (original,) = msg.iter_attachments()
    assert original.get_filename() == "F2_situacijas_apraksts_2025_ludzas-vsk.xlsx"

    code, out = invoke(mail_ws, "status", "--period", "2025")
    assert "Nosūtīti labošanai (gaida jaunu versiju):" in out
    assert "  Ludzas valsts ģimnāzija — F2: Izglītojamo skaits nesakrīt ar VIIS datiem" in out
    rows = json.loads(invoke(mail_ws, "status", "--period", "2025", "--json")[1])
    row = next(r for r in rows if r["institution"] == "ludzas-vsk" and r["form"] == "F2")
    assert row["correction_requested"]["reason"].startswith("Izglītojamo skaits nesakrīt")

    dovecot.append(school_message(mail_ws, SCHOOL, "Re: labots", [
        filled(mail_ws, "F2", "ludzas-vsk", folder=tmp_path, seed=5, name="labots.xlsx")], reply_to=msg))
    assert "pieņemts ludzas-vsk F2 2025 v2" in run_mail(mail_ws)
    code, out = invoke(mail_ws, "status", "--period", "2025")
    assert "Nosūtīti labošanai" not in out

    code, out = invoke(mail_ws, "return", "ludzas-psk", "F2", "--period", "2025", "--reason", "x")
    assert code == 1 and "nav pieņemtas veidlapas F2" in out


def test_board_releases_a_held_attachment(mail_ws: Workspace, servers, tmp_path: Path) -> None:  # noqa: F811
    dovecot, smtp = servers
    dovecot.append(school_message(mail_ws, "skolotaja@gmail.com", "Zilupes F1",
                                  [filled(mail_ws, "F1", "zilupes-vsk", folder=tmp_path)]))
    assert "skolotaja@gmail.com: aizturēts zilupes-vsk F1 2025" in run_mail(mail_ws)
    assert len(smtp.messages()) == 1  # "held for checking", to the sender and to Zilupe
    code, out = invoke(mail_ws, "ingest", "--retry-held")  # the board has checked the sender
    assert code == 0, out
    run_mail(mail_ws)
    release = smtp.messages()[-1]
    assert sorted(release.rcpt_tos) == ["skolotaja@gmail.com", "zilupe@ludzasnovads.lv"]
    assert release.msg["In-Reply-To"] == smtp.messages()[0].msg["In-Reply-To"]
    body = release.msg.get_body(("plain",)).get_content()
    assert "Izglītības pārvalde ir pārbaudījusi iepriekš aizturēto iesniegumu" in body
    assert "REZULTĀTS: PIEŅEMTS (versija 1)." in body
    run_mail(mail_ws)
    assert len(smtp.messages()) == 2  # answered once


def test_case_report_by_mail_is_stored_answered_without_child_data_and_deleted_from_mailbox(
        mail_ws: Workspace, servers, tmp_path: Path) -> None:  # noqa: F811
    dovecot, smtp = servers
    f3 = filled(mail_ws, "F3", "ludzas-vsk", folder=tmp_path, name="Zinojums_Laura_Liepina_5a.xlsx")
    dovecot.append(school_message(mail_ws, SCHOOL, "Ziņojums par Lauru Liepiņu", [f3]))
    out = run_mail(mail_ws)
    assert "pieņemts ludzas-vsk F3" in out
    assert dovecot.messages() == {}  # removed from the mailbox once stored
    reply = smtp.messages()[0]
    raw = reply.raw.decode("utf-8", "replace")
    body = reply.msg.get_body(("plain",)).get_content()
    assert reply.msg["Subject"] == "Re: PMP iesniegums"
    for leak in ("Laura", "Liepi", "Lauru"):
        assert leak not in raw and leak not in body
    assert list(reply.msg.iter_attachments()) == []
    with open_store(mail_ws) as store:
        assert store.conn.execute("SELECT subject, case_data FROM mail_messages").fetchall() == [(None, 1)]
        assert store.conn.execute("SELECT name, form_id FROM mail_parts").fetchall() == [("", "F3")]


def test_config_check_mail_connects_and_never_prints_the_secret(
        mail_ws: Workspace, servers, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    code, out = invoke(mail_ws, "config", "check", "--mail")
    assert code == 0, out
    assert "IMAP 127.0.0.1: pieteikšanās izdevās; mape INBOX: 0 vēstules; IDLE pieejams." in out
    assert "SMTP 127.0.0.1: pieteikšanās izdevās." in out
    monkeypatch.setenv("PMP_MAIL_SECRET", "nepareiza-parole-987")
    code, out = invoke(mail_ws, "config", "check", "--mail")
    assert code == 1
    assert "E-pasts: IMAP serveris 127.0.0.1 atteica pieteikšanos lietotājam pmp@ludzasnovads.lv" in out
    assert "nepareiza-parole-987" not in out

    monkeypatch.delenv("PMP_MAIL_SECRET")
    secret = mail_ws.root / ".pmp" / "mail.secret"
    secret.parent.mkdir(exist_ok=True)
    secret.write_text(SECRET + "\n")
    os.chmod(secret, 0o644)
    code, out = invoke(mail_ws, "config", "check", "--mail")
    assert code == 1 and f"fails {secret} ir pieejams arī citiem lietotājiem" in out
    os.chmod(secret, 0o600)
    code, out = invoke(mail_ws, "config", "check", "--mail")
    assert code == 0, out
    secret.unlink()
    code, out = invoke(mail_ws, "mail", "--once")
    assert code == 1 and "iestatiet vides mainīgo PMP_MAIL_SECRET" in out


@pytest.mark.slow
def test_watch_with_mail_takes_both_the_inbox_and_the_mailbox(mail_ws: Workspace, servers, tmp_path: Path) -> None:  # noqa: F811
    dovecot, smtp = servers
    env = {**os.environ, "PMP_MAIL_SECRET": SECRET, "PMP_WORKSPACE": str(mail_ws.root)}
    proc = subprocess.Popen([sys.executable, "-m", "generator", "watch", "--mail", "--interval", "0.2"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        dovecot.append(school_message(mail_ws, SCHOOL, "F1", [filled(mail_ws, "F1", "ludzas-vsk", folder=tmp_path)]))
        filled(mail_ws, "F1", "zilupes-vsk")  # straight into the inbox
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not smtp.messages():
            time.sleep(0.2)
        assert smtp.messages(), "no reply from pmp watch --mail"
        while time.monotonic() < deadline and any(mail_ws.inbox.iterdir()):
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    text = out.decode()
    assert "gimnazija@ludzasnovads.lv: pieņemts ludzas-vsk F1 2025 v1" in text
    assert "zilupes-vsk F1 2025 v1" in text
    assert "IDLE" in err.decode()


def test_rate_limit_per_recipient_and_done_folder(mini_ws: Workspace, servers, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
                                                  tmp_path: Path) -> None:
    from tests.mail_servers import mail_section

    dovecot, smtp = servers
    with open(mini_ws.config_path, "a", encoding="utf-8") as fh:
        fh.write(mail_section(dovecot, smtp, replies_per_hour=1, done_folder="Apstradats"))
    monkeypatch.setenv("PMP_MAIL_SECRET", SECRET)
    ws = Workspace(mini_ws.root)
    for n in range(2):
        dovecot.append(school_message(ws, SCHOOL, f"Jautājums {n}", []))
    out = run_mail(ws)
    assert "nosūtītas atbildes 1, atliktas (sūtīšanas limits) 1." in out
    assert len(smtp.messages()) == 1
    assert dovecot.messages() == {} and len(dovecot.messages("Apstradats")) == 2  # moved once taken
    out = run_mail(ws)  # still within the hour: the second answer waits, nothing is taken again
    assert "Pastkaste apstrādāta: 0 vēstules" in out and "atliktas (sūtīšanas limits) 1" in out
    with open_store(ws) as store:  # an hour later the queued answer goes
        store.conn.execute("UPDATE mail_sent_to SET sent_at = '2000-01-01T00:00:00+00:00'")
    run_mail(ws)
    assert len(smtp.messages()) == 2
