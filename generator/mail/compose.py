"""The messages the tool writes: receipts in the sender's thread, "nothing to take" answers, held notices.

Every automatic message carries ``Auto-Submitted: auto-replied`` (RFC 3834) and asks Exchange not to
answer it (``X-Auto-Response-Suppress``). Its Message-ID is derived from what it answers, so the same
answer composed twice is the same message. Answers about case reports (F3) and meeting records (F5)
never carry a child's data: no subject echoed, no file name, no marked copy.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core.config import Config, MailSettings

XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
CASE_FORMS = ("F3", "F5")
CASE_SUBJECT = "PMP iesniegums"

GREETING = "Labdien!\n\nŠī ir automātiska atbilde uz jūsu vēstuli{about}."
FOOTER = ("Labotu vai trūkstošu veidlapu varat nosūtīt, atbildot uz šo vēstuli.\n"
          "Šī vēstule sagatavota automātiski; ja rodas jautājumi, rakstiet uz {contact}.\n\n{board}\n"
          "PMP iesniegumu pastkaste")
NOTHING_TO_TAKE = (
    "Vēstulē nav atrasta neviena aizpildīta PMP veidlapa. Pievienojiet izglītības pārvaldes izsniegto "
    "Excel darbgrāmatu (.xlsx) kā pielikumu — nevis saiti, attēlu vai PDF — un nosūtiet vēlreiz. "
    "Veidlapai jābūt aizpildītai izsniegtajā failā (tā satur iestādes un perioda identifikatoru).")
IGNORED_LINE = "Šie pielikumi nav PMP veidlapas un netika apstrādāti: {names}."
HELD = (
    "REZULTĀTS: AIZTURĒTS PĀRBAUDEI. Fails saņemts, bet dati vēl nav saglabāti: {reason} "
    "Izglītības pārvalde iesniegumu pārbaudīs un pieņems vai sazināsies ar iestādi.")
FAILED = ("REZULTĀTS: SAŅEMTS, TIEK PĀRBAUDĪTS. Failu šobrīd neizdevās apstrādāt mūsu pusē; tā nav jūsu "
          "kļūda. Izglītības pārvalde to pārbaudīs, un jūs saņemsiet kvīti. Atkārtoti sūtīt nav jāsūta.")


def mail_domain(address: str) -> str:
    return address.rsplit("@", 1)[1] if "@" in address else "localhost"


def derived_id(mail: MailSettings, kind: str, *key: str) -> str:
    """A Message-ID that depends only on what it answers (composing twice gives the same id)."""
    digest = hashlib.sha256("\x00".join((kind, *key)).encode("utf-8")).hexdigest()[:32]
    return f"<pmp.{kind}.{digest}@{mail_domain(mail.address)}>"


def new_message(cfg: Config, address: str, to: list[str], subject: str, mail_id: str,
                in_reply_to: str = "", references: list[str] | None = None) -> EmailMessage:
    """The common headers of every message the tool sends (``address``: the board's mailbox)."""
    msg = EmailMessage()
    msg["From"] = Address(cfg.municipality.board_name, addr_spec=address)
    msg["To"] = ", ".join(to)
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime.now().astimezone())
    msg["Message-ID"] = mail_id
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = " ".join([*(references or []), in_reply_to][-20:])
    msg["Auto-Submitted"] = "auto-replied" if in_reply_to else "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"
    return msg


def reply_subject(subject: str, case_data: bool) -> str:
    if case_data or not subject:
        return f"Re: {CASE_SUBJECT}"
    return subject if subject.lower().startswith(("re:", "atb.:", "atb:")) else f"Re: {subject}"


def greeting(cfg: Config, subject: str, sent_at: str | None, case_data: bool) -> str:
    about = ""
    if subject and not case_data:
        about = f" “{subject}”"
    if sent_at:
        try:
            about += f", kas nosūtīta {datetime.fromisoformat(sent_at):%d.%m.%Y %H:%M}"
        except ValueError:
            pass
    return GREETING.format(about=about)


def footer(cfg: Config, mail: MailSettings) -> str:
    try:
        contact = cfg.board.email or mail.address
    except KeyError:
        contact = mail.address
    return FOOTER.format(board=cfg.municipality.board_name, contact=contact)


def attach_xlsx(msg: EmailMessage, path: Path, name: str) -> None:
    msg.add_attachment(path.read_bytes(), maintype=XLSX[0], subtype=XLSX[1], filename=name)


def strip_file_line(receipt: str) -> str:
    """A receipt without its "Fails:" line (a case report's file name may name the pupil)."""
    return "\n".join(line for line in receipt.splitlines() if not line.startswith("Fails:")) + "\n"


def wire_bytes(msg: EmailMessage) -> bytes:
    """The message as SMTP carries it: CRLF line ends (smtplib sends bytes as they are), and headers
    folded no earlier than needed (Python's own parser splits a name folded inside an encoded word)."""
    return msg.as_bytes(policy=msg.policy.clone(linesep="\r\n", max_line_length=200))
