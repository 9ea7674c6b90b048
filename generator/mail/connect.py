"""Connections to the board's mail server: IMAP (IMAPClient) and SMTP (the standard library), TLS only.

The password or OAuth2 access token comes from the environment variable named in ``[mail]
secret_env``, else from the owner-only file ``secret_file``; never from config.toml, and it is never
printed or logged (errors name the variable or the file, not the value).
"""

from __future__ import annotations

import os
import smtplib
import ssl
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from ..core import lv
from ..core.errors import PmpError
from ..core.platform import owner_only_modes

if TYPE_CHECKING:
    from ..core.config import MailSettings
    from ..core.workspace import Workspace

TIMEOUT = 60.0


class MailError(PmpError):
    """Raised when the mailbox cannot be used: no ``[mail]`` settings, no secret, a refused
    connection or login. The message is Latvian and never contains the secret."""


NO_SETTINGS = ("config.toml nav sadaļas [mail]: norādiet pastkastes serveri, portu un lietotāju "
               "(skatiet lietotāja ceļveža sadaļu par e-pastu).")
NO_SECRET = ("nav atrasta pastkastes parole vai piekļuves marķieris: iestatiet vides mainīgo {env} vai "
             "ierakstiet to failā {file} (tikai īpašniekam: chmod 600).")
OPEN_SECRET = ("fails {file} ir pieejams arī citiem lietotājiem; atļaujiet to tikai īpašniekam "
               "(chmod 600 {file}) — tajā ir pastkastes parole.")


def settings(ws: Workspace) -> MailSettings:
    """The workspace's ``[mail]`` settings, or :class:`MailError` when there are none."""
    mail = ws.config.mail
    if mail is None:
        raise MailError(NO_SETTINGS)
    return mail


def secret(ws: Workspace, mail: MailSettings) -> str:
    """The password or access token (environment first, then the owner-only secret file)."""
    value = os.environ.get(mail.secret_env, "")
    if value:
        return value.strip()
    path = (ws.root / mail.secret_file) if not Path(mail.secret_file).is_absolute() else Path(mail.secret_file)
    try:
        st = path.stat()
    except OSError:
        raise MailError(NO_SECRET.format(env=mail.secret_env, file=path)) from None
    if owner_only_modes() and stat.S_IMODE(st.st_mode) & 0o077:
        raise MailError(OPEN_SECRET.format(file=path))
    value = path.read_text(encoding="utf-8").strip()
    if not value:
        raise MailError(NO_SECRET.format(env=mail.secret_env, file=path))
    return value


def tls_context(ws: Workspace, mail: MailSettings) -> ssl.SSLContext:
    """Certificate-checking TLS context; ``ca_file`` adds the board's own CA (or a self-signed cert)."""
    ctx = ssl.create_default_context()
    if mail.ca_file:
        path = Path(mail.ca_file)
        ctx.load_verify_locations(cafile=str(path if path.is_absolute() else ws.root / path))
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def imap_connect(ws: Workspace) -> IMAPClient:
    """A logged-in IMAP connection with TLS (implicit or STARTTLS), the folder not yet selected."""
    mail = settings(ws)
    ctx = tls_context(ws, mail)
    implicit = mail.imap_security == "tls"
    port = mail.imap_port or (993 if implicit else 143)
    token = secret(ws, mail)
    try:
        client = IMAPClient(mail.imap_host, port=port, ssl=implicit, ssl_context=ctx, timeout=TIMEOUT)
    except (OSError, IMAPClientError) as e:
        raise MailError(f"nevar savienoties ar IMAP serveri {mail.imap_host}:{port}: {_why(e)}") from None
    try:
        if not implicit:
            client.starttls(ctx)
        if mail.auth == "oauth2":
            client.oauth2_login(mail.user, token)
        else:
            client.login(mail.user, token)
    except (OSError, IMAPClientError) as e:
        _quietly_close(client)
        raise MailError(f"IMAP serveris {mail.imap_host} atteica pieteikšanos lietotājam {mail.user}: "
                        f"{_why(e)}") from None
    return client


def smtp_connect(ws: Workspace) -> smtplib.SMTP:
    """A logged-in SMTP connection with TLS (implicit or STARTTLS)."""
    mail = settings(ws)
    ctx = tls_context(ws, mail)
    host = mail.smtp_host or mail.imap_host
    implicit = mail.smtp_security == "tls"
    port = mail.smtp_port or (465 if implicit else 587)
    token = secret(ws, mail)
    try:
        smtp: smtplib.SMTP = (smtplib.SMTP_SSL(host, port, timeout=TIMEOUT, context=ctx) if implicit
                              else smtplib.SMTP(host, port, timeout=TIMEOUT))
    except (OSError, smtplib.SMTPException) as e:
        raise MailError(f"nevar savienoties ar SMTP serveri {host}:{port}: {_why(e)}") from None
    try:
        smtp.ehlo()
        if not implicit:
            smtp.starttls(context=ctx)
            smtp.ehlo()
        if mail.auth == "oauth2":
            blob = f"user={mail.user}\x01auth=Bearer {token}\x01\x01"
            smtp.auth("XOAUTH2", lambda challenge=None: blob, initial_response_ok=True)
        else:
            smtp.login(mail.user, token)
    except (OSError, smtplib.SMTPException) as e:
        _quietly_close(smtp)
        raise MailError(f"SMTP serveris {host} atteica pieteikšanos lietotājam {mail.user}: {_why(e)}") from None
    return smtp


def check_connection(ws: Workspace) -> list[str]:
    """Log in to IMAP and SMTP and report what was found (``pmp config check --mail``)."""
    mail = settings(ws)
    lines: list[str] = []
    client = imap_connect(ws)
    try:
        info = client.select_folder(mail.folder, readonly=True)
        idle = client.has_capability("IDLE")
        lines.append(f"IMAP {mail.imap_host}: pieteikšanās izdevās; mape {mail.folder}: "
                     f"{lv.count(int(info.get(b'EXISTS', 0)), 'vēstule', 'vēstules')}; "
                     + ("IDLE pieejams." if idle else "IDLE nav pieejams — tiks izmantota aptauja."))
        if mail.done_folder and not client.folder_exists(mail.done_folder):
            lines.append(f"IMAP: mape {mail.done_folder} (done_folder) vēl nav; tā tiks izveidota.")
    finally:
        _quietly_close(client)
    smtp = smtp_connect(ws)
    lines.append(f"SMTP {mail.smtp_host or mail.imap_host}: pieteikšanās izdevās.")
    _quietly_close(smtp)
    return lines


def _why(e: BaseException) -> str:
    text = str(e).strip() or type(e).__name__
    if isinstance(e, ssl.SSLCertVerificationError):
        return f"servera sertifikāts nav uzticams ({e.verify_message}); ja tas ir pašparakstīts, norādiet ca_file"
    return text[:300]


def _quietly_close(conn: IMAPClient | smtplib.SMTP) -> None:
    try:
        if isinstance(conn, IMAPClient):
            conn.logout()
        else:
            conn.quit()
    except Exception:  # the connection is going away anyway
        pass
