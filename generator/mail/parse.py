"""Reading one incoming message: who sent it, how to answer it (or not), and what it carries.

Everything in a message is hostile. Attachment names are decoded whatever way the sending client
wrote them (RFC 2231 ``filename*=``, RFC 2047 encoded words inside a quoted name as Outlook and Gmail
write them, raw UTF-8 or Windows-1257 bytes) and reduced to a plain file name. A forwarded message
(``message/rfc822`` or an attached ``.eml``) is opened and its attachments are taken as well, up to a
small depth. Nothing here touches the network or the store.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

#: Attachments the intake is given: spreadsheets (the intake refuses a non-xlsx one with a receipt).
SPREADSHEET_EXT = (".xlsx", ".xlsm", ".xls", ".ods")
SPREADSHEET_TYPES = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     "application/vnd.ms-excel", "application/vnd.oasis.opendocument.spreadsheet")
MAX_DEPTH = 3  # forwarded inside forwarded inside forwarded is enough
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ENCODED_WORD = re.compile(r"=\?[^?]+\?[bBqQ]\?[^?]*\?=")
_BOUNCE_LOCALS = {"mailer-daemon", "postmaster"}

#: Why a message gets no automatic answer (RFC 3834), as the board reads it in the log and the CLI.
NO_REPLY_LV = {
    "bounce": "piegādes paziņojums (bounce)",
    "auto": "automātiska atbilde",
    "list": "adresātu saraksta vēstule",
    "own": "mūsu pašu vēstule",
    "no-sender": "nav sūtītāja adreses",
}


@dataclass(frozen=True)
class Attachment:
    """One file a message carries: the decoded, safe name and its bytes."""

    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class Incoming:
    """What the mail intake needs from one message."""

    message_id: str  # "<…>" as written, "" when the message has none
    content_sha: str  # sha256 of the body (trace headers added on the way differ between copies)
    sender: str  # the From address, lower case ("" when there is none usable)
    sender_name: str
    subject: str
    sent_at: str | None  # ISO date from the Date header
    references: list[str]
    no_reply: str | None  # a key of NO_REPLY_LV, or None when the message may be answered
    attachments: list[Attachment] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # names of attachments that are not spreadsheets
    auth: str = "none"  # pass | fail | none (no trusted Authentication-Results)

    @property
    def sender_domain(self) -> str:
        return self.sender.rsplit("@", 1)[1] if "@" in self.sender else ""


def parse_message(raw: bytes, own_address: str = "", authserv_id: str | None = None) -> Incoming:
    """Parse ``raw`` (RFC 5322 bytes) into an :class:`Incoming`."""
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    sender_name, sender = _from(msg)
    head_end = raw.find(b"\r\n\r\n")
    if head_end < 0:
        head_end = raw.find(b"\n\n")
    body = raw[head_end:] if head_end >= 0 else raw
    inc = Incoming(
        message_id=_header(msg, "Message-ID")[:300],
        content_sha=hashlib.sha256(body).hexdigest(),
        sender=sender,
        sender_name=sender_name,
        subject=_header(msg, "Subject")[:300],
        sent_at=_date(msg),
        references=_references(msg),
        no_reply=no_reply_reason(msg, sender, own_address),
    )
    inc.auth = auth_verdict(msg, sender, authserv_id)
    _collect(msg, inc, 0)
    return inc


def _header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # a malformed header the registry cannot parse
        value = msg.get_all(name, [None])[0] if hasattr(msg, "get_all") else None
    return _CONTROL.sub(" ", str(value)).strip() if value is not None else ""


def _from(msg: Message) -> tuple[str, str]:
    try:
        header = msg.get("From")
        addresses = getattr(header, "addresses", ()) if header is not None else ()
        if len(addresses) == 1:
            addr: Address = addresses[0]
            return addr.display_name, addr.addr_spec.lower() if addr.domain else ""
    except Exception:
        pass
    pairs = getaddresses([_header(msg, "From")])
    if len(pairs) == 1 and "@" in pairs[0][1]:
        return pairs[0][0], pairs[0][1].lower()
    return "", ""


def _date(msg: Message) -> str | None:
    raw = _header(msg, "Date")
    if not raw:
        return None
    try:
        return parsedate_to_datetime(raw).isoformat(timespec="seconds")
    except (TypeError, ValueError, IndexError):
        return None


def _references(msg: Message) -> list[str]:
    refs = re.findall(r"<[^<>\s]{1,250}>", _header(msg, "References"))
    return refs[-20:]  # a long thread: the newest twenty are enough to keep it together


def no_reply_reason(msg: Message, sender: str, own_address: str) -> str | None:
    """Why this message must not be answered automatically (RFC 3834 §2), or None."""
    if not sender:
        return "no-sender"
    if own_address and sender == own_address.strip().lower():
        return "own"
    return_path = _header(msg, "Return-Path")
    if return_path.replace(" ", "") == "<>" or sender.split("@", 1)[0] in _BOUNCE_LOCALS:
        return "bounce"
    if msg.get_content_type() == "multipart/report":
        return "bounce"
    auto = _header(msg, "Auto-Submitted").lower()
    if auto and auto.split(";", 1)[0].strip() != "no":
        return "auto"
    if any(msg.get(h) is not None for h in ("X-Autoreply", "X-Autorespond", "X-Autoresponder")):
        return "auto"
    if _header(msg, "Precedence").lower() in ("bulk", "junk", "list", "auto_reply"):
        return "auto"
    if _header(msg, "X-Auto-Response-Suppress") and _header(msg, "X-MS-Exchange-Inbox-Rules-Loop"):
        return "auto"
    if msg.get("List-Id") is not None or msg.get("List-Unsubscribe") is not None:
        return "list"
    return None


# ---- Authentication-Results (RFC 8601) ------------------------------------------------------------

def auth_verdict(msg: Message, sender: str, authserv_id: str | None) -> str:
    """``pass``/``fail`` from the topmost Authentication-Results header if our own server wrote it.

    Only the topmost header is read (the receiving server adds its own above everything the sender
    wrote), and only when its authserv-id is the configured one: anyone can write such a header.
    ``pass`` needs DMARC pass, or DKIM or SPF pass for the From domain (or a parent of it).
    """
    if not authserv_id:
        return "none"
    headers = msg.get_all("Authentication-Results") or []
    if not headers:
        return "none"
    text = _CONTROL.sub(" ", str(headers[0]))
    parts = [p.strip() for p in text.split(";")]
    if not parts[0] or parts[0].split()[0] != authserv_id:
        return "none"
    domain = sender.rsplit("@", 1)[1] if "@" in sender else ""

    def aligned(d: str) -> bool:
        d = d.strip().lstrip("@").lower().rsplit("@", 1)[-1]
        return bool(d) and (domain == d or domain.endswith("." + d))

    results: dict[str, list[tuple[str, dict[str, str]]]] = {}
    for part in parts[1:]:
        m = re.match(r"([a-z0-9_-]+)\s*=\s*([a-z]+)(.*)", part, re.I | re.S)
        if not m:
            continue
        props = dict((k.lower(), v) for k, v in re.findall(r"([a-z]+\.[a-z-]+)\s*=\s*([^\s;]+)", m.group(3), re.I))
        results.setdefault(m.group(1).lower(), []).append((m.group(2).lower(), props))
    if any(r == "pass" for r, _ in results.get("dmarc", [])):
        return "pass"
    for method, key in (("dkim", "header.d"), ("dkim", "header.i"), ("spf", "smtp.mailfrom")):
        if any(r == "pass" and aligned(p.get(key, "")) for r, p in results.get(method, [])):
            return "pass"
    return "fail"


# ---- attachments ------------------------------------------------------------------------------

def safe_name(name: str) -> str:
    """A decoded attachment name reduced to a plain file name (no folders, no control characters)."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _CONTROL.sub("", name).strip().strip(".")
    if len(name) > 150:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:140] + dot + ext[:8]) if dot else name[:150]
    return name


def decode_name(raw: str | None) -> str:
    """The real name behind however the client wrote it (see module docstring)."""
    if not raw:
        return ""
    name = str(raw)
    if any("\udc80" <= ch <= "\udcff" for ch in name):  # undecoded 8-bit bytes in the header
        data = name.encode("utf-8", "surrogateescape")
        for codec in ("utf-8", "cp1257"):
            try:
                name = data.decode(codec)
                break
            except UnicodeDecodeError:
                continue
    if _ENCODED_WORD.search(name):  # RFC 2047 words inside a quoted parameter (not standard, common)
        from email.header import decode_header, make_header

        try:
            name = str(make_header(decode_header(name)))
        except (LookupError, ValueError, UnicodeDecodeError):
            pass
    return safe_name(name)


def _filename(part: Message) -> str:
    try:
        raw = part.get_filename()
    except Exception:  # a broken parameter: fall back to the raw Content-Type name
        raw = None
    if not raw:
        ctype = part.get("Content-Type")
        params = getattr(ctype, "params", {}) if ctype is not None else {}
        raw = params.get("name")
    return decode_name(raw)


def _is_spreadsheet(name: str, ctype: str) -> bool:
    return name.lower().endswith(SPREADSHEET_EXT) or (not name and ctype in SPREADSHEET_TYPES)


def _collect(msg: Message, inc: Incoming, depth: int) -> None:
    for part in msg.walk() if msg.is_multipart() else [msg]:
        if part is msg and msg.is_multipart():
            continue
        ctype = part.get_content_type()
        name = _filename(part)
        if ctype == "message/rfc822" or name.lower().endswith(".eml"):
            inner = _inner_message(part)
            if inner is not None and depth < MAX_DEPTH:
                _collect(inner, inc, depth + 1)
            continue
        if part.is_multipart():
            continue
        disposition = part.get_content_disposition()
        if not name and disposition != "attachment" and ctype not in SPREADSHEET_TYPES:
            continue  # the message text itself
        if not _is_spreadsheet(name, ctype):
            if name:
                inc.ignored.append(name)
            continue
        try:
            data = part.get_payload(decode=True)
        except Exception:
            data = None
        if not isinstance(data, bytes) or not data:
            inc.ignored.append(name or "(bez nosaukuma)")
            continue
        if not name:
            name = "pielikums.xlsx"
        inc.attachments.append(Attachment(name, data))


def _inner_message(part: Message) -> Message | None:
    """The message inside a ``message/rfc822`` part or an attached ``.eml`` file."""
    if part.get_content_type() == "message/rfc822":
        payload = part.get_payload()
        if isinstance(payload, list) and payload and isinstance(payload[0], Message):
            return payload[0]
        return None
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        return None
    inner: EmailMessage = BytesParser(policy=policy.default).parsebytes(data)
    return inner
