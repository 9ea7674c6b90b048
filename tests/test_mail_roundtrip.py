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
    assert "Pastkaste apstrādāta: 1 vēstule(s) — jaunas 1, bez atbildes 0, nosūtītas atbildes 1." in out

    (reply,) = smtp.messages()
    r = reply.msg
    assert r["In-Reply-To"] == first["Message-ID"]
    assert first["Message-ID"] in r["References"]
    assert r["Auto-Submitted"] == "auto-replied"
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
    assert "Pastkaste apstrādāta: 0 vēstule(s)" in out
    assert len(smtp.messages()) == 3
    with open_store(mail_ws) as store:
        rows = store.conn.execute("SELECT sender, message_id, subject, sent_at FROM mail_messages ORDER BY id").fetchall()
    assert rows[0] == (SCHOOL, first["Message-ID"], "PMP veidlapa F2", "2026-11-30T10:15:00+02:00")
