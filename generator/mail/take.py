"""Taking one message into the intake, exactly once, and queueing its single answer.

Order (each step survives a kill at any moment):

1. The message is looked up in the journal by ``Message-ID`` and body hash; a known one is never taken
   again. A new one is recorded (state ``taking``) with one row per spreadsheet attachment, noting
   whether the store already held that content before this message (then it is a genuine resend).
2. Each attachment still without an outcome is written to a private staging folder and handed to the
   intake's :func:`process_file` — the same code the inbox uses — unless its sender may not send that
   institution's forms, when it is held for the board. If the store already has the content from an
   interrupted earlier run of this same message, that run is finished instead of answered "jau
   saņemts".
3. One transaction composes the answer from the store (receipts are kept there), queues it, and
   marks the message ``taken``. Only after that may the caller flag, move or delete it on the server.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..intake import Limits, Origin, process_file
from ..intake.receipts import ReceiptInfo, duplicate_text, marked_copy_path
from ..intake.taking import is_candidate_name
from ..store import Store, secure_dir
from . import compose
from .journal import MessageRow, PartRow, find_message, get_message, now_iso, parts, queue_mail, set_part
from .parse import NO_REPLY_LV, Attachment, Incoming
from .senders import may_send

if TYPE_CHECKING:
    from ..core.config import MailSettings
    from ..core.workspace import Workspace

_OUTCOME_LV = {"accepted": "pieņemts", "rejected": "noraidīts", "duplicate": "jau saņemts",
               "held": "aizturēts", "failed": "tiek pārbaudīts"}


@dataclass
class Taken:
    """What happened to one message in this run (for the command's output; no values from forms)."""

    row: MessageRow
    new: bool
    parts: list[PartRow] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def line(self) -> str:
        who = self.row.sender or "(nav sūtītāja)"
        if self.row.no_reply:
            return f"{who}: netiek atbildēts — {NO_REPLY_LV.get(self.row.no_reply, self.row.no_reply)}"
        if not self.new:
            return f"{who}: jau apstrādāta agrāk (netiek ņemta otrreiz)"
        if not self.parts:
            return f"{who}: nav veidlapas pielikuma — nosūtīta atbilde, ko sūtīt"
        bits = []
        for p in self.parts:
            what = " ".join(x for x in (p.institution, p.form_id, str(p.period or "")) if x)
            bits.append(f"{_OUTCOME_LV.get(p.outcome or '', p.outcome or '?')}"
                        + (f" {what}" if what else "") + (f" v{p.version}" if p.version else ""))
        return f"{who}: " + "; ".join(bits)


def staging_dir(ws: Workspace) -> Path:
    return secure_dir(ws.archive / "mail") / "staging"


def take_message(ws: Workspace, store: Store, inc: Incoming, limits: Limits | None = None) -> Taken:
    """Steps 1–3 of the module docstring for one parsed message."""
    mail = ws.config.mail
    assert mail is not None
    conn = store.conn
    row = find_message(conn, inc.message_id, inc.content_sha)
    new = row is None
    if row is None:
        row = _begin(store, inc)
    if row.state == "taking":
        limits = limits or Limits.from_config(ws.config)
        for part in parts(conn, row.id):
            if part.outcome is None:
                _take_part(ws, store, inc, row, part, inc.attachments[part.seq], limits)
            # A kill between recording a part and removing its staging folder leaves the folder behind.
            shutil.rmtree(staging_dir(ws) / f"{row.id}_{part.seq}", ignore_errors=True)
        _finish(ws, store, mail, inc, row)
        row = get_message(conn, row.id)
    return Taken(row, new, parts(conn, row.id), list(inc.ignored))


def _begin(store: Store, inc: Incoming) -> MessageRow:
    with store.transaction() as conn:
        state = "taken" if inc.no_reply else "taking"
        mid = conn.execute(
            "INSERT INTO mail_messages (message_id, content_sha, sender, subject, sent_at, received_at, refs,"
            " no_reply, auth, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (inc.message_id, inc.content_sha, inc.sender, inc.subject, inc.sent_at, now_iso(),
             json.dumps(inc.references), inc.no_reply, inc.auth, state)).lastrowid
        assert mid is not None
        if not inc.no_reply:  # a bounce may carry our own correctable copy back: never take it
            for seq, att in enumerate(inc.attachments):
                known = conn.execute("SELECT 1 FROM submissions WHERE sha256 = ?", (att.sha256,)).fetchone()
                conn.execute("INSERT INTO mail_parts (message, seq, name, sha256, preexisting) VALUES (?, ?, ?, ?, ?)",
                             (mid, seq, att.name, att.sha256, known is not None))
    return get_message(store.conn, mid)


def _stage(ws: Workspace, row: MessageRow, part: PartRow, att: Attachment) -> Path:
    """Write the attachment (atomically) where only the intake will look at it."""
    name = att.name if is_candidate_name(att.name) else f"_{att.name}"
    folder = secure_dir(secure_dir(staging_dir(ws)) / f"{row.id}_{part.seq}")
    path = folder / name
    if path.is_file() and path.stat().st_size == len(att.data):
        return path
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(att.data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _take_part(ws: Workspace, store: Store, inc: Incoming, row: MessageRow, part: PartRow, att: Attachment,
               limits: Limits) -> None:
    folder = staging_dir(ws) / f"{row.id}_{part.seq}"
    known = store.by_sha(part.sha256)
    if known is not None and not part.preexisting:
        # An earlier run of this very message stored it and was killed: finish, do not answer "jau saņemts".
        staged = next((p for p in folder.iterdir() if not p.name.startswith(".")), None) if folder.is_dir() else None
        if staged is not None and not (ws.root / known.archived_as).exists():
            process_file(staged, ws, store=store, limits=limits)
        outcome = "rejected" if known.state == "rejected" else "accepted"
        _record(store, part, outcome, known.institution, known.form_id, known.period, known.version, None)
        shutil.rmtree(folder, ignore_errors=True)
        return
    staged = _stage(ws, row, part, att)
    cfg = ws.config
    vetted: dict[str, str] = {}

    def vet(institution: str | None) -> str | None:
        reason = may_send(cfg, cfg.institution(institution), inc) if institution else None
        if reason:
            vetted["reason"] = reason
        return reason

    origin = Origin("mail", inc.sender or None, inc.message_id or None, vet=vet)
    result = process_file(staged, ws, store=store, limits=limits, origin=origin)
    if result.outcome == "waiting":  # cannot happen for a complete staged copy; try again next pass
        return
    outcome = result.outcome if result.outcome in ("accepted", "rejected", "duplicate", "held") else "failed"
    _record(store, part, outcome, result.institution, result.form_id, result.period, result.version,
            vetted.get("reason"))
    shutil.rmtree(folder, ignore_errors=True)


def _record(store: Store, part: PartRow, outcome: str, institution: str | None, form_id: str | None,
            period: int | None, version: int | None, reason: str | None) -> None:
    part.outcome, part.institution, part.form_id, part.period, part.version = (
        outcome, institution, form_id, period, version)
    part.hold_reason = reason
    if form_id in compose.CASE_FORMS:
        part.name = ""  # a case report's file name may name the pupil; the store's copy is the intake's
    with store.transaction() as conn:
        set_part(conn, part)


# ---- the answer -------------------------------------------------------------------------------

def _finish(ws: Workspace, store: Store, mail: MailSettings, inc: Incoming, row: MessageRow,
            only: list[PartRow] | None = None, intro: str = "", kind: str = "receipt") -> None:
    """Compose and queue the one answer; mark the message taken (one transaction)."""
    cfg = ws.config
    done = parts(store.conn, row.id) if only is None else only
    case_data = any(p.form_id in compose.CASE_FORMS for p in done)
    recipients = [inc.sender]
    for p in done:
        if p.institution and p.outcome != "failed":
            with contextlib.suppress(KeyError):
                email = cfg.institution(p.institution).email
                if email and email.lower() not in recipients:
                    recipients.append(email.lower())
    mail_id = compose.derived_id(mail, kind, row.message_id, inc.content_sha)
    msg = compose.new_message(cfg, mail.address, recipients, compose.reply_subject(inc.subject, case_data), mail_id,
                              in_reply_to=row.message_id, references=inc.references)
    text = [compose.greeting(cfg, inc.subject, inc.sent_at, case_data), ""] + ([intro, ""] if intro else [])
    attach: list[tuple[Path, str]] = []
    if not done:
        text += [compose.NOTHING_TO_TAKE, ""]
    for n, p in enumerate(done, 1):
        block, copy = _part_text(ws, store, p)
        head = f"Pielikums {n}" + ("" if p.form_id in compose.CASE_FORMS else f": “{p.name}”")
        text += [f"——— {head} ———", block.rstrip(), ""]
        if copy is not None and p.form_id not in compose.CASE_FORMS:
            attach.append((copy, _copy_name(p.name)))
    if inc.ignored:
        text += [compose.IGNORED_LINE.format(names=", ".join(f"“{x}”" for x in inc.ignored[:10])), ""]
    text.append(compose.footer(cfg, mail))
    msg.set_content("\n".join(text))
    for path, name in attach:
        compose.attach_xlsx(msg, path, name)
    with store.transaction() as conn:
        queue_mail(conn, row.id, "receipt" if kind == "receipt" else "release", recipients, mail_id,
                   compose.wire_bytes(msg))
        if kind == "receipt":
            conn.execute("UPDATE mail_messages SET state = 'taken', case_data = ?, subject = ? WHERE id = ?",
                         (int(case_data), None if case_data else inc.subject, row.id))


def _part_text(ws: Workspace, store: Store, p: PartRow) -> tuple[str, Path | None]:
    """The receipt of one attachment (from the store) and its correctable copy, if any."""
    cfg = ws.config
    if p.outcome == "held":
        return (compose.HELD.format(reason=p.hold_reason) if p.hold_reason else compose.FAILED), None
    if p.outcome == "failed":
        return compose.FAILED, None
    known = store.by_sha(p.sha256)
    if known is None:
        return compose.FAILED, None
    if p.outcome == "duplicate":
        info = ReceiptInfo(known.sha256, known.original_name, known.received_at, known.state, known.institution,
                           known.form_id, known.period, known.version, None, [], [], [], None)
        text = duplicate_text(cfg, info, p.name, now_iso())
    else:
        text = store.receipt_text(known.id)
    if known.form_id in compose.CASE_FORMS:
        return compose.strip_file_line(text), None
    copy = marked_copy_path(ws, known.sha256, known.institution, known.form_id, known.period)
    return text, copy if known.state == "rejected" and copy.is_file() else None


def _copy_name(name: str) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem}_labojama.xlsx"


__all__ = ["Taken", "answer_released", "take_message"]




RELEASE_INTRO = ("Izglītības pārvalde ir pārbaudījusi iepriekš aizturēto iesniegumu un nodevusi to "
                 "apstrādei. Rezultāts:")


def answer_released(ws: Workspace, store: Store) -> int:
    """Answer, in the original thread, every held attachment the board has since released
    (``pmp ingest --retry-held``): its receipt goes to the sender and the institution. Returns how many."""
    mail = ws.config.mail
    assert mail is not None
    conn = store.conn
    rows = conn.execute("SELECT message, seq FROM mail_parts WHERE outcome = 'held' AND released_at IS NULL"
                        ).fetchall()
    answered = 0
    for mid, seq in rows:
        part = next(p for p in parts(conn, mid) if p.seq == seq)
        known = store.by_sha(part.sha256)
        if known is None:
            continue  # still held
        part.outcome = "rejected" if known.state == "rejected" else "accepted"
        part.institution, part.form_id, part.period, part.version = (
            known.institution, known.form_id, known.period, known.version)
        row = get_message(conn, mid)
        inc = Incoming(row.message_id, f"release-{mid}-{seq}", row.sender, "", row.subject or "", None,
                       row.refs, None)
        with store.transaction() as c:
            set_part(c, part)
            c.execute("UPDATE mail_parts SET released_at = ? WHERE message = ? AND seq = ?", (now_iso(), mid, seq))
        _finish(ws, store, mail, inc, row, only=[part], intro=RELEASE_INTRO, kind=f"release-{mid}-{seq}")
        answered += 1
    return answered
