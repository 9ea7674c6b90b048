"""``pmp return``: the board sends an accepted form back to the institution for correction.

The request is recorded in the store (``pmp status`` lists it until a newer version of that form
arrives) and mailed to the institution's registered address and to whoever sent the form by e-mail,
in that message's thread, with the accepted workbook attached to correct and send back. Without
``[mail]`` settings the message is written as an ``.eml`` draft instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.period import Period
from ..forms.definitions import FORMS
from ..intake.receipts import FORM_TITLES
from ..store import open_store
from . import compose
from .connect import MailError
from .journal import now_iso, queue_mail
from .send import send_queued

if TYPE_CHECKING:
    from ..core.workspace import Workspace

BODY = """Labdien!

{board} lūdz labot iesniegto veidlapu un nosūtīt to vēlreiz.

Iestāde: {institution}
Veidlapa: {form}
Periods: {period}
Labošanai nosūtītā versija: {version} (saņemta {received})

Iemesls: {reason}

Pielikumā ir jūsu iesniegtā veidlapa. Izlabojiet to un nosūtiet atpakaļ, atbildot uz šo vēstuli; līdz
jaunas versijas saņemšanai spēkā paliek iepriekšējā.

Ar cieņu
{board}
"""


@dataclass
class ReturnResult:
    """What ``pmp return`` did."""

    recipients: list[str]
    sent: bool
    draft: Path | None = None


def request_return(ws: Workspace, institution: str, form_id: str, period: Period, reason: str) -> ReturnResult:
    """Record the request and mail it (see the module docstring)."""
    cfg = ws.config
    try:
        inst = cfg.institution(institution)
    except KeyError:
        raise MailError(f"nezināma iestāde “{institution}” (skatiet config.toml institutions)") from None
    form = FORMS.get(form_id)
    if form is None or not form.versioned:
        raise MailError(f"veidlapu “{form_id}” nevar sūtīt labošanai: to var tikai F1, F2 un F4 "
                        "(ziņojumi par izglītojamiem un protokoli netiek sūtīti atpakaļ)")
    reason = " ".join(reason.split())
    if not reason:
        raise MailError("norādiet iemeslu (--reason), ko iestāde izlasīs vēstulē")
    with open_store(ws) as store:
        current = [r for r in store.history(institution, form_id, period.year) if r.state == "accepted"]
        if not current:
            raise MailError(f"iestādei “{inst.name}” nav pieņemtas veidlapas {form_id} par {period.label}; "
                            "labošanai var sūtīt tikai pieņemtu iesniegumu")
        row = current[-1]
        origin = store.conn.execute(
            "SELECT m.sender, m.message_id, m.refs, m.subject FROM mail_parts p"
            " JOIN mail_messages m ON m.id = p.message WHERE p.sha256 = ? ORDER BY m.id DESC LIMIT 1",
            (row.sha256,)).fetchone()
        recipients = [x for x in dict.fromkeys([(inst.email or "").lower(), (origin[0] if origin else "")]) if x]
        with store.transaction() as conn:
            rid = conn.execute(
                "INSERT INTO mail_returns (institution, form_id, period, submission_id, reason, requested_at)"
                " VALUES (?, ?, ?, ?, ?, ?)", (institution, form_id, period.year, row.id, reason, now_iso())
            ).lastrowid
        mail = cfg.mail
        address = mail.address if mail else (cfg.board.email or "")
        mail_id = f"<pmp.return.{rid}.{row.sha256[:16]}@{compose.mail_domain(address)}>"
        msg = compose.new_message(cfg, address, recipients, f"Lūdzam labot: {form_id} {FORM_TITLES.get(form_id, '')}"
                                  f" — {period.label}", mail_id, in_reply_to=origin[1] if origin else "",
                                  references=json.loads(origin[2]) if origin else [])
        msg.set_content(BODY.format(
            board=cfg.municipality.board_name, institution=inst.name, form=f"{form_id} {FORM_TITLES.get(form_id, '')}",
            period=period.label, version=row.version, received=row.received_at[:10], reason=reason))
        original = ws.root / row.archived_as
        if original.is_file():
            compose.attach_xlsx(msg, original, row.original_name if row.original_name.lower().endswith(".xlsx")
                                else f"{form_id}_{period.year}_{institution}.xlsx")
        if mail is None or not recipients:
            folder = ws.period_outbox(period.year) / "labosanai"
            folder.mkdir(parents=True, exist_ok=True)
            msg["X-Unsent"] = "1"
            draft = folder / f"labosanai_{institution}_{form_id}.eml"
            draft.write_bytes(compose.wire_bytes(msg))
            return ReturnResult(recipients, False, draft)
        with store.transaction() as conn:
            queue_mail(conn, None, "return", recipients, mail_id, compose.wire_bytes(msg))
        send_queued(ws, store)
    return ReturnResult(recipients, True)
