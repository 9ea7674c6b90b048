"""E-mail round trip against real servers: Dovecot (IMAP/TLS) and aiosmtpd (SMTP/STARTTLS)."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.core.workspace import Workspace
from generator.intake.status import period_status
from generator.store import open_store
from tests.intake_helpers import filled
from tests.mail_servers import SECRET, Dovecot, SmtpServer, mail_section

SCHOOL = "gimnazija@ludzasnovads.lv"
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@pytest.fixture
def servers() -> Iterator[tuple[Dovecot, SmtpServer]]:
    dovecot = Dovecot()
    smtp = SmtpServer(dovecot.cert, dovecot.root / "key.pem").start()
    try:
        yield dovecot, smtp
    finally:
        smtp.stop()
        dovecot.stop()


@pytest.fixture
def mail_ws(mini_ws: Workspace, servers: tuple[Dovecot, SmtpServer], monkeypatch: pytest.MonkeyPatch) -> Workspace:
    dovecot, smtp = servers
    with open(mini_ws.config_path, "a", encoding="utf-8") as fh:
        fh.write(mail_section(dovecot, smtp))
    monkeypatch.setenv("PMP_MAIL_SECRET", SECRET)
    return Workspace(mini_ws.root)


def school_message(ws: Workspace, sender: str, subject: str, attachments: list[Path],
                   reply_to: EmailMessage | None = None, **headers: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = f"Ludzas valsts ģimnāzija <{sender}>"
    msg["To"] = "pmp@ludzasnovads.lv"
    msg["Subject"] = subject
    msg["Date"] = "Mon, 30 Nov 2026 10:15:00 +0200"
    msg["Message-ID"] = make_msgid(domain="ludzasnovads.lv")
    if reply_to is not None:
        msg["In-Reply-To"] = reply_to["Message-ID"]
        msg["References"] = f"{reply_to.get('References', '')} {reply_to['Message-ID']}".strip()
    for key, value in headers.items():
        msg[key.replace("_", "-")] = value
    msg.set_content("Labdien, pielikumā veidlapa.")
    for path in attachments:
        msg.add_attachment(path.read_bytes(), maintype=XLSX[0], subtype=XLSX[1], filename=path.name)
    return msg


def run_mail(ws: Workspace) -> str:
    result = CliRunner().invoke(cli, ["--workspace", str(ws.root), "mail", "--once"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_faulty_f2_refused_by_mail_then_corrected_reply_accepted(mail_ws: Workspace, servers, tmp_path: Path) -> None:
    dovecot, smtp = servers
    bad = filled(mail_ws, "F2", "ludzas-vsk", errors=("negative_count",), folder=tmp_path,
                 name="F2_situācijas_apraksts_ģimnāzija.xlsx")
    first = school_message(mail_ws, SCHOOL, "PMP veidlapa F2", [bad])
    dovecot.append(first)

    out = run_mail(mail_ws)
    assert "gimnazija@ludzasnovads.lv: noraidīts ludzas-vsk F2 2025" in out
    assert "Pastkaste apstrādāta: 1 vēstule — jaunas 1, bez atbildes 0, nosūtītas atbildes 1." in out

    (reply,) = smtp.messages()
    r = reply.msg
    assert r["In-Reply-To"] == first["Message-ID"]
    assert first["Message-ID"] in r["References"]
    assert r["Auto-Submitted"] == "auto-replied"
    assert r["From"].addresses[0].display_name == "Ludzas novada pašvaldības Izglītības pārvalde"
    assert r["From"].addresses[0].addr_spec == "pmp@ludzasnovads.lv"
    assert r["Subject"] == "Re: PMP veidlapa F2"
    assert sorted(reply.rcpt_tos) == [SCHOOL]  # the sender is the registered address
    body = r.get_body(("plain",)).get_content()
    assert "REZULTĀTS: NORAIDĪTS. Dati nav saglabāti." in body
    assert "Vērtība nevar būt negatīva (-5)" in body
    assert "Pielikums 1: “F2_situācijas_apraksts_ģimnāzija.xlsx”" in body
    (copy,) = [p for p in r.iter_attachments()]
    assert copy.get_filename() == "F2_situācijas_apraksts_ģimnāzija_labojama.xlsx"
    assert copy.get_content()[:2] == b"PK"
    # Flagged on the server only now, and never taken again.
    ((flags, _),) = dovecot.messages().values()
    assert b"$PmpDone" in flags and b"\\Seen" in flags

    good = filled(mail_ws, "F2", "ludzas-vsk", folder=tmp_path, name="F2_labots.xlsx", seed=1)
    dovecot.append(school_message(mail_ws, SCHOOL, "Re: PMP veidlapa F2", [good], reply_to=r))
    out = run_mail(mail_ws)
    assert "gimnazija@ludzasnovads.lv: pieņemts ludzas-vsk F2 2025 v1" in out
    second = smtp.messages()[1].msg
    assert second["Subject"] == "Re: PMP veidlapa F2"
    assert r["Message-ID"] in second["References"]
    assert "REZULTĀTS: PIEŅEMTS (versija 1)." in second.get_body(("plain",)).get_content()
    assert list(second.iter_attachments()) == []

    better = filled(mail_ws, "F2", "ludzas-vsk", folder=tmp_path, name="F2_labots2.xlsx", seed=2)
    dovecot.append(school_message(mail_ws, SCHOOL, "Re: PMP veidlapa F2", [better], reply_to=second))
    out = run_mail(mail_ws)
    assert "pieņemts ludzas-vsk F2 2025 v2" in out
    row = next(r for r in period_status(mail_ws, 2025) if r.institution == "ludzas-vsk" and r.form == "F2")
    assert (row.state, row.version) == ("accepted", 2)
    status = CliRunner().invoke(cli, ["--workspace", str(mail_ws.root), "status", "--period", "2025"])
    assert "Ludzas valsts ģimnāzija" in status.output

    # Nothing new: a second pass takes nothing and sends nothing.
    out = run_mail(mail_ws)
    assert "Pastkaste apstrādāta: 0 vēstules" in out
    assert len(smtp.messages()) == 3
    with open_store(mail_ws) as store:
        rows = store.conn.execute("SELECT sender, message_id, subject, sent_at FROM mail_messages ORDER BY id").fetchall()
    assert rows[0] == (SCHOOL, first["Message-ID"], "PMP veidlapa F2", "2026-11-30T10:15:00+02:00")


def test_forged_sender_held_and_reported_bounce_and_autoreply_not_answered(
        mail_ws: Workspace, servers, tmp_path: Path) -> None:
    dovecot, smtp = servers
    zilupe = filled(mail_ws, "F2", "zilupes-vsk", folder=tmp_path)
    forged = school_message(mail_ws, SCHOOL, "Zilupes F2", [zilupe])  # the gymnasium sends Zilupe's form
    dovecot.append(forged)
    bounce = school_message(mail_ws, "mailer-daemon@ludzasnovads.lv", "Undelivered Mail Returned to Sender",
                            [filled(mail_ws, "F2", "ludzas-vsk", folder=tmp_path)])
    dovecot.append(bounce)
    dovecot.append(school_message(mail_ws, SCHOOL, "Prombūtnē", [], Auto_Submitted="auto-replied"))
    dovecot.append(school_message(mail_ws, SCHOOL, "Re: kvīts", [], X_Autoreply="yes"))
    dovecot.append(school_message(mail_ws, "list@ludzasnovads.lv", "Jaunumi", [], List_Id="<jaunumi.ludza>"))

    out = run_mail(mail_ws)
    assert "gimnazija@ludzasnovads.lv: aizturēts zilupes-vsk F2 2025" in out
    assert "mailer-daemon@ludzasnovads.lv: netiek atbildēts — piegādes paziņojums (bounce)" in out
    assert out.count("netiek atbildēts — automātiska atbilde") == 2
    assert "list@ludzasnovads.lv: netiek atbildēts — adresātu saraksta vēstule" in out

    (reply,) = smtp.messages()  # only the held one is answered — to the sender and to Zilupe itself
    assert sorted(reply.rcpt_tos) == [SCHOOL, "zilupe@ludzasnovads.lv"]
    body = reply.msg.get_body(("plain",)).get_content()
    assert "REZULTĀTS: AIZTURĒTS PĀRBAUDEI." in body
    assert "sūtītāja adrese gimnazija@ludzasnovads.lv nav reģistrēta iestādei “Zilupes vidusskola”" in body
    with open_store(mail_ws) as store:
        assert store.latest("F2", 2025) == []  # not stored as anyone's data, the bounce's form not taken
    status = CliRunner().invoke(cli, ["--workspace", str(mail_ws.root), "status", "--period", "2025"])
    assert "Aizturēti faili (1)" in status.output
    assert ("zilupes-vsk F2 2025 — sūtītāja adrese gimnazija@ludzasnovads.lv nav reģistrēta iestādei "
            "“Zilupes vidusskola”") in status.output
    as_json = CliRunner().invoke(cli, ["--workspace", str(mail_ws.root), "status", "--period", "2025", "--json"])
    (held,) = [o for o in __import__("json").loads(as_json.output) if o["state"] == "held"]
    assert (held["institution"], held["form"]) == ("zilupes-vsk", "F2")
    # every message is marked done on the server, the quiet ones too
    assert all(b"$PmpDone" in flags for flags, _ in dovecot.messages().values())


def test_trusted_authentication_results_hold_a_spoofed_registered_address(
        mini_ws: Workspace, servers, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    dovecot, smtp = servers
    with open(mini_ws.config_path, "a", encoding="utf-8") as fh:
        fh.write(mail_section(dovecot, smtp, authserv_id="mx.ludzasnovads.lv"))
    monkeypatch.setenv("PMP_MAIL_SECRET", SECRET)
    ws = Workspace(mini_ws.root)
    spoofed = school_message(ws, SCHOOL, "F2", [filled(ws, "F2", "ludzas-vsk", folder=tmp_path)])
    # The sender's own forged header comes below ours; only the topmost one, with our id, counts.
    spoofed["Authentication-Results"] = "evil.example; dmarc=pass header.from=ludzasnovads.lv"
    raw = (b"Authentication-Results: mx.ludzasnovads.lv; spf=fail smtp.mailfrom=ludzasnovads.lv;"
           b" dkim=none; dmarc=fail header.from=ludzasnovads.lv\r\n") + bytes(spoofed)
    dovecot.append(raw)
    genuine = school_message(ws, SCHOOL, "F2 labots", [filled(ws, "F2", "ludzas-vsk", folder=tmp_path, seed=3,
                                                                name="cits.xlsx")])
    raw2 = (b"Authentication-Results: mx.ludzasnovads.lv; spf=pass smtp.mailfrom=gimnazija@ludzasnovads.lv;"
            b" dkim=pass header.d=ludzasnovads.lv\r\n") + bytes(genuine)
    dovecot.append(raw2)
    out = run_mail(ws)
    assert "gimnazija@ludzasnovads.lv: aizturēts ludzas-vsk F2 2025" in out
    assert "gimnazija@ludzasnovads.lv: pieņemts ludzas-vsk F2 2025 v1" in out
    first = smtp.messages()[0].msg.get_body(("plain",)).get_content()
    assert "SPF/DKIM/DMARC pārbaude nav izturēta" in first


def test_attachment_names_in_every_encoding_and_forwarded_messages(mail_ws: Workspace, servers, tmp_path: Path) -> None:
    """RFC 2231, Outlook's RFC 2047 words in a quoted name, raw UTF-8, and forwarded .eml / message/rfc822."""
    import base64

    dovecot, smtp = servers
    f1 = filled(mail_ws, "F1", "ludzas-vsk", folder=tmp_path, name="a.xlsx").read_bytes()
    f2 = filled(mail_ws, "F2", "ludzas-vsk", folder=tmp_path, name="b.xlsx").read_bytes()
    b64 = base64.b64encode(f1).decode()
    outlook_name = "=?utf-8?B?" + base64.b64encode("Aktivitāšu_pārskats_ģimnāzija.xlsx".encode()).decode() + "?="
    outlook = (
        f"From: {SCHOOL}\r\nTo: pmp@ludzasnovads.lv\r\nSubject: =?windows-1257?Q?P=E2rskats?=\r\n"
        "Message-ID: <outlook-1@ludzasnovads.lv>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="XX"\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nSveiki\r\n'
        f'--XX\r\nContent-Type: application/octet-stream; name="{outlook_name}"\r\n'
        f'Content-Disposition: attachment; filename="{outlook_name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        + "\r\n".join(b64[i:i + 76] for i in range(0, len(b64), 76)) + "\r\n--XX--\r\n").encode()
    dovecot.append(outlook)

    inner = school_message(mail_ws, SCHOOL, "F2 situācija", [])
    inner.add_attachment(f2, maintype=XLSX[0], subtype=XLSX[1], filename="Situācijas_apraksts_Ūdris.xlsx")
    fwd = school_message(mail_ws, SCHOOL, "Fwd: F2 situācija", [])
    fwd.add_attachment(inner)  # message/rfc822, as Outlook forwards "as attachment"
    dovecot.append(fwd)

    out = run_mail(mail_ws)
    assert "pieņemts ludzas-vsk F1 2025 v1" in out
    assert "pieņemts ludzas-vsk F2 2025 v1" in out
    bodies = [m.msg.get_body(("plain",)).get_content() for m in smtp.messages()]
    assert any("Pielikums 1: “Aktivitāšu_pārskats_ģimnāzija.xlsx”" in b for b in bodies)
    assert any("Pielikums 1: “Situācijas_apraksts_Ūdris.xlsx”" in b for b in bodies)
    assert any("uz jūsu vēstuli “Pārskats”" in b for b in bodies)
    with open_store(mail_ws) as store:
        names = {r[0] for r in store.conn.execute("SELECT original_name FROM submissions")}
    assert names == {"Aktivitāšu_pārskats_ģimnāzija.xlsx", "Situācijas_apraksts_Ūdris.xlsx"}


def test_message_without_a_form_gets_told_what_to_send(mail_ws: Workspace, servers) -> None:
    dovecot, smtp = servers
    msg = school_message(mail_ws, SCHOOL, "Jautājums", [])
    msg.add_attachment(b"%PDF-1.4 ...", maintype="application", subtype="pdf", filename="skenējums.pdf")
    dovecot.append(msg)
    out = run_mail(mail_ws)
    assert "gimnazija@ludzasnovads.lv: nav veidlapas pielikuma — nosūtīta atbilde, ko sūtīt" in out
    (reply,) = smtp.messages()
    body = reply.msg.get_body(("plain",)).get_content()
    assert "Vēstulē nav atrasta neviena aizpildīta PMP veidlapa." in body
    assert "Šie pielikumi nav PMP veidlapas un netika apstrādāti: “skenējums.pdf”." in body


def test_a_message_seen_again_is_never_taken_twice(mail_ws: Workspace, servers, tmp_path: Path) -> None:
    """The server lost our flag, or the same message arrived again by another route (new trace headers)."""
    dovecot, smtp = servers
    msg = school_message(mail_ws, SCHOOL, "F1", [filled(mail_ws, "F1", "ludzas-vsk", folder=tmp_path)])
    dovecot.append(msg)
    assert "pieņemts ludzas-vsk F1 2025 v1" in run_mail(mail_ws)
    c = dovecot.client()
    try:
        c.select_folder("INBOX")
        c.remove_flags(c.search(["ALL"]), [b"$PmpDone", b"\\Seen"])
    finally:
        c.logout()
    dovecot.append(b"Received: from relay2.example (relay2.example [192.0.2.7]) by mx; Mon, 30 Nov 2026 10:20:00"
                   b" +0200\r\n" + bytes(msg))
    out = run_mail(mail_ws)
    assert out.count("gimnazija@ludzasnovads.lv: jau apstrādāta agrāk (netiek ņemta otrreiz)") == 2
    assert "jau apstrādātas 2, nosūtītas atbildes 0." in out
    assert len(smtp.messages()) == 1
    with open_store(mail_ws) as store:
        assert store.count() == 1
        assert store.conn.execute("SELECT count(*) FROM mail_messages").fetchone()[0] == 1
