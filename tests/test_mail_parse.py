"""Reading incoming messages: attachment names in every encoding, forwarded .eml files, RFC 3834 rules,
Authentication-Results — on raw bytes as mail clients write them."""

from __future__ import annotations

import base64

import pytest

from generator.mail.parse import parse_message

XLSX = b"PK\x03\x04 not really a workbook"


def _raw(headers: str, parts: list[str]) -> bytes:
    body = "".join(f"--B\r\n{p}\r\n" for p in parts) + "--B--\r\n"
    return (headers + 'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="B"\r\n\r\n' + body).encode(
        "utf-8", "surrogateescape")


HEAD = "From: Skola <skola@ludzasnovads.lv>\r\nTo: pmp@ludzasnovads.lv\r\nMessage-ID: <m1@x>\r\nSubject: s\r\n"
B64 = base64.b64encode(XLSX).decode()


def _part(disposition: str, ctype: str = "application/octet-stream") -> str:
    return f"Content-Type: {ctype}\r\nContent-Disposition: {disposition}\r\nContent-Transfer-Encoding: base64\r\n\r\n{B64}"


@pytest.mark.parametrize("disposition, expected", [
    ("attachment; filename*=utf-8''F2_%C4%A3imn%C4%81zija.xlsx", "F2_ģimnāzija.xlsx"),  # RFC 2231
    ("attachment; filename*0*=utf-8''F2_situ%C4%81cijas_;\r\n filename*1*=apraksts.xlsx", "F2_situācijas_apraksts.xlsx"),
    ('attachment; filename="=?utf-8?Q?F1=5Fp=C4=81rskats_2025.xlsx?="', "F1_pārskats 2025.xlsx"),  # RFC 2047
    ('attachment; filename="=?windows-1257?Q?=DEodzi=F2a_=E2rsts.xlsx?="', "Žodziņa ārsts.xlsx"),
    ('attachment; filename="..\\\\..\\\\etc/F4_r\u0101d\u012bt\u0101ji.xlsx"', "F4_rādītāji.xlsx"),  # raw UTF-8, path stripped
])
def test_attachment_names(disposition: str, expected: str) -> None:
    inc = parse_message(_raw(HEAD, ["Content-Type: text/plain\r\n\r\nSveiki", _part(disposition)]))
    assert [a.name for a in inc.attachments] == [expected]
    assert inc.attachments[0].data == XLSX


def test_forwarded_eml_file_and_ignored_attachments() -> None:
    inner = _raw("From: a@b.lv\r\nSubject: iekšā\r\n", [_part('attachment; filename="iekšējais.xlsx"')])
    eml = base64.b64encode(inner).decode()
    raw = _raw(HEAD, [
        "Content-Type: image/png; name=logo.png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=",
        f'Content-Type: application/octet-stream; name="Pārsūtīts.eml"\r\nContent-Disposition: attachment; '
        f'filename="Pārsūtīts.eml"\r\nContent-Transfer-Encoding: base64\r\n\r\n{eml}',
    ])
    inc = parse_message(raw)
    assert [a.name for a in inc.attachments] == ["iekšējais.xlsx"]
    assert inc.ignored == ["logo.png"]


@pytest.mark.parametrize("extra, reason", [
    ("Return-Path: <>\r\n", "bounce"),
    ("Auto-Submitted: auto-replied\r\n", "auto"),
    ("Auto-Submitted: no\r\n", None),
    ("Precedence: bulk\r\n", "auto"),
    ("X-Autoreply: yes\r\n", "auto"),
    ("List-Id: <saraksts.ludza>\r\n", "list"),
])
def test_rfc3834_no_reply(extra: str, reason: str | None) -> None:
    assert parse_message(_raw(HEAD + extra, ["Content-Type: text/plain\r\n\r\nx"])).no_reply == reason


def test_delivery_report_and_own_messages_are_not_answered() -> None:
    report = HEAD.replace("Subject: s", "Subject: Undelivered") + \
        'MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n--B--\r\n'
    assert parse_message(report.encode()).no_reply == "bounce"
    own = HEAD.replace("skola@ludzasnovads.lv", "pmp@ludzasnovads.lv")
    assert parse_message(_raw(own, ["Content-Type: text/plain\r\n\r\nx"]), "PMP@ludzasnovads.lv").no_reply == "own"


@pytest.mark.parametrize("header, verdict", [
    ("mx.ludza; dmarc=pass header.from=ludzasnovads.lv", "pass"),
    ("mx.ludza; spf=pass smtp.mailfrom=skola@ludzasnovads.lv; dkim=none", "pass"),
    ("mx.ludza; dkim=pass header.d=ludzasnovads.lv", "pass"),
    ("mx.ludza; dkim=pass header.d=evil.example; spf=fail smtp.mailfrom=ludzasnovads.lv", "fail"),
    ("other.server; dmarc=pass", "none"),  # not our server's: ignored
])
def test_authentication_results_trusted_only_from_our_server(header: str, verdict: str) -> None:
    raw = _raw(f"Authentication-Results: {header}\r\n" + HEAD, ["Content-Type: text/plain\r\n\r\nx"])
    assert parse_message(raw, authserv_id="mx.ludza").auth == verdict
    assert parse_message(raw).auth == "none"  # no authserv_id configured: never trusted
