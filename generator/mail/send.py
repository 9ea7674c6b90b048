"""Sending what the journal has queued, by SMTP, with a limit per recipient.

A queued message is sent and then marked sent in the store; its bytes are dropped then. A kill in the
instant between the server's acceptance and that mark sends the same message again on the next run —
with the same Message-ID, which receiving mail systems recognise as one message. A recipient who has
had ``replies_per_hour`` automatic messages in the last hour gets the rest later (a loop with a broken
autoresponder cannot turn into a flood).
"""

from __future__ import annotations

import json
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .connect import MailError, settings, smtp_connect
from .journal import recent_count, record_sent

if TYPE_CHECKING:
    from ..core.workspace import Workspace
    from ..store import Store


@dataclass
class Sent:
    """What one sending round did."""

    sent: list[tuple[str, list[str]]] = field(default_factory=list)  # (kind, recipients)
    waiting: int = 0  # held back by the per-recipient limit
    failed: list[str] = field(default_factory=list)


def send_queued(ws: Workspace, store: Store, connect: Callable[[Workspace], smtplib.SMTP] = smtp_connect) -> Sent:
    """Send every queued message the rate limit allows; connect only when there is something to send."""
    mail = settings(ws)
    conn = store.conn
    rows = conn.execute("SELECT id, kind, recipients, raw FROM mail_outbox WHERE state = 'queued' ORDER BY id"
                        ).fetchall()
    out = Sent()
    smtp: smtplib.SMTP | None = None
    counts: dict[str, int] = {}
    try:
        for oid, kind, rcpt_json, raw in rows:
            recipients: list[str] = json.loads(rcpt_json)
            for r in recipients:
                counts.setdefault(r, recent_count(conn, r))
            if any(counts[r] >= mail.replies_per_hour for r in recipients):
                out.waiting += 1
                continue
            if smtp is None:
                smtp = connect(ws)
            try:
                refused = smtp.sendmail(mail.address, recipients, raw)
            except smtplib.SMTPRecipientsRefused as e:
                with store.transaction() as c:
                    c.execute("UPDATE mail_outbox SET state = 'failed', raw = NULL, note = ? WHERE id = ?",
                              (f"adresāti atteikti: {', '.join(e.recipients)}"[:300], oid))
                out.failed.append(", ".join(recipients))
                continue
            except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as e:
                if 500 <= e.smtp_code < 600:  # permanent: do not retry forever
                    with store.transaction() as c:
                        c.execute("UPDATE mail_outbox SET state = 'failed', raw = NULL, note = ? WHERE id = ?",
                                  (f"{e.smtp_code} {e.smtp_error!r}"[:300], oid))
                    out.failed.append(", ".join(recipients))
                    continue
                raise
            delivered = [r for r in recipients if r not in refused]
            with store.transaction() as c:
                record_sent(c, oid, delivered)
            for r in delivered:
                counts[r] += 1
            out.sent.append((kind, delivered))
    except (OSError, smtplib.SMTPException) as e:
        raise MailError(f"sūtīšana neizdevās ({type(e).__name__}: {str(e)[:200]}); neizsūtītās vēstules "
                        "paliek rindā un tiks sūtītas nākamajā reizē.") from None
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
    return out
