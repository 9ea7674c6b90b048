"""Reminders to institutions still missing forms: composed once, written as drafts or sent by SMTP.

``pmp build`` writes them as ``.eml`` drafts (``X-Unsent: 1``, they open as drafts in Outlook);
``pmp remind`` shows what it will send, asks, and sends them through the journal's queue, so a
reminder is never sent twice for the same day even if the command is run again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..core import lv
from ..core.period import Period
from ..documents.common import deadline
from ..documents.completeness import FORM_TITLES, Missing, missing_forms
from ..documents.dataset import load_dataset
from ..forms import form_filename
from ..forms.blanks import BlankForms
from ..store import open_store
from . import compose

if TYPE_CHECKING:
    from ..core.config import Config
    from ..core.workspace import Workspace
    from .send import Sent

REMINDER_BODY = """Labdien!

{board} atgādina par PMP prevencijas plāna uzraudzības informācijas iesniegšanu.

Iestāde: {institution}
Periods: {period}
Iesniegšanas termiņš: {due}

Vēl nav saņemtas (vai nav pieņemtas) šīs veidlapas:

{forms}

Tukšās veidlapas ir pievienotas šai vēstulei. Lūdzam tās aizpildīt un nosūtīt atpakaļ{where}. Ja veidlapa jau
tika nosūtīta, bet tika noraidīta, lūdzam izlabot kvītī norādītās kļūdas un nosūtīt to vēlreiz.

Ar cieņu
{board}
"""


def sender_address(cfg: Config) -> str:
    """The board's mailbox (``[mail] address``), else the education board's registered address."""
    if cfg.mail is not None:
        return cfg.mail.address
    try:
        return cfg.board.email or ""
    except KeyError:
        return ""


def reminder_message(cfg: Config, period: Period, miss: Missing, blanks: BlankForms | None = None) -> EmailMessage:
    """One reminder with the institution's blank forms attached; ``To:`` is its registered address.

    ``blanks``, shared by the reminders of one run, writes each shape of blank form once (issue 15)."""
    blanks = blanks or BlankForms(cfg, period)
    msg = EmailMessage()
    own = sender_address(cfg)
    if own:
        msg["From"] = Address(cfg.municipality.board_name, addr_spec=own)
    msg["To"] = miss.institution.email or ""
    msg["Subject"] = f"Atgādinājums: PMP veidlapas — {period.label}"
    msg["Auto-Submitted"] = "auto-generated"
    forms = "\n".join(f"  • {f} {FORM_TITLES.get(f, '')}" for f in miss.forms)
    where = f" uz {own}" if own else ""
    msg.set_content(REMINDER_BODY.format(board=cfg.municipality.board_name, due=lv.date_long(deadline(cfg, period)),
                                         period=period.label, institution=miss.institution.name, forms=forms,
                                         where=where))
    for form in miss.forms:
        name = form_filename(form, period, miss.institution.id)
        msg.add_attachment(blanks.workbook_bytes(form, miss.institution), maintype=compose.XLSX[0],
                           subtype=compose.XLSX[1], filename=name)
    return msg


def write_reminder(cfg: Config, period: Period, miss: Missing, folder: Path,
                   blanks: BlankForms | None = None) -> Path:
    """An ``.eml`` draft of the reminder (opens as a draft in Outlook)."""
    msg = reminder_message(cfg, period, miss, blanks)
    msg["X-Unsent"] = "1"
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"atgadinajums_{miss.institution.id}.eml"
    out.write_bytes(compose.wire_bytes(msg))
    return out


@dataclass(frozen=True)
class Planned:
    """One reminder ``pmp remind`` will send (or cannot: no registered address)."""

    missing: Missing

    @property
    def address(self) -> str:
        return self.missing.institution.email or ""

    def line(self) -> str:
        inst = self.missing.institution
        forms = ", ".join(self.missing.forms)
        if not self.address:
            return f"  {inst.name}: {forms} — nav e-pasta adreses (config.toml institutions.email), netiks sūtīts"
        return (f"  {inst.name} <{self.address}>: {forms} "
                f"({lv.count(len(self.missing.forms), 'tukšā veidlapa', 'tukšās veidlapas')} pielikumā)")


def plan_reminders(ws: Workspace, period: Period) -> list[Planned]:
    """Every institution still missing a form of ``period``, in configuration order."""
    return [Planned(m) for m in missing_forms(ws.config, load_dataset(ws, period, receipts_only=True))]


def send_reminders(ws: Workspace, period: Period, planned: list[Planned], today: date) -> Sent:
    """Queue each reminder that has an address (once per institution, period and day) and send them."""
    from .connect import settings
    from .journal import queue_mail
    from .send import send_queued

    mail = settings(ws)
    cfg = ws.config
    blanks = BlankForms(cfg, period)
    with open_store(ws) as store:
        for p in planned:
            if not p.address:
                continue
            msg = reminder_message(cfg, period, p.missing, blanks)
            mail_id = compose.derived_id(mail, "reminder", p.missing.institution.id, str(period.year),
                                         today.isoformat(), ",".join(p.missing.forms))
            msg["Message-ID"] = mail_id
            msg["Date"] = format_datetime(datetime.now().astimezone())
            msg["X-Auto-Response-Suppress"] = "All"
            with store.transaction() as conn:
                queue_mail(conn, None, "reminder", [p.address.lower()], mail_id, compose.wire_bytes(msg))
        return send_queued(ws, store)


def write_drafts(ws: Workspace, period: Period, planned: list[Planned]) -> list[Path]:
    """``--dry-run``: the reminders as ``.eml`` files in ``outbox/<year>/atgadinajumi/``."""
    folder = ws.period_outbox(period.year) / "atgadinajumi"
    for old in folder.glob("atgadinajums_*.eml") if folder.is_dir() else []:
        old.unlink()  # an institution that has since delivered must not get a stale reminder
    blanks = BlankForms(ws.config, period)
    return [write_reminder(ws.config, period, p.missing, folder, blanks) for p in planned]


__all__ = ["Planned", "deadline", "plan_reminders", "reminder_message", "send_reminders", "write_drafts",
           "write_reminder"]

