"""The mail journal: which messages were taken, what became of each attachment, what we sent.

It lives in the store (tables ``mail_*``, migration 100 in :mod:`generator.store.schema`) so that taking an attachment and remembering it share the
store's durability. A message is known by its ``Message-ID`` and the hash of its body: a copy seen
again (the server did not keep our flag, a second folder, a restore) is never taken twice. Replies are
queued here in the same transaction that records the message as taken and sent afterwards, so a kill
between the two sends the queued reply on the next run instead of composing a second one.

Nothing here keeps a message's text or an attachment: the queued reply's bytes are dropped once sent;
for messages that carried case reports (F3) or meeting records (F5) the subject is dropped too.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


@dataclass
class MessageRow:
    """One journal row of a message."""

    id: int
    message_id: str
    sender: str
    subject: str | None
    refs: list[str]
    no_reply: str | None
    auth: str
    state: str
    case_data: bool


@dataclass
class PartRow:
    """What became of one attachment of a message."""

    message: int
    seq: int
    name: str
    sha256: str
    preexisting: bool
    outcome: str | None
    institution: str | None
    form_id: str | None
    period: int | None
    version: int | None
    hold_reason: str | None


def find_message(conn: sqlite3.Connection, message_id: str, content_sha: str) -> MessageRow | None:
    row = conn.execute(
        "SELECT id, message_id, sender, subject, refs, no_reply, auth, state, case_data FROM mail_messages"
        " WHERE message_id = ? AND content_sha = ?", (message_id, content_sha)).fetchone()
    return _message(row) if row else None


def get_message(conn: sqlite3.Connection, mid: int) -> MessageRow:
    row = conn.execute(
        "SELECT id, message_id, sender, subject, refs, no_reply, auth, state, case_data FROM mail_messages"
        " WHERE id = ?", (mid,)).fetchone()
    return _message(row)


def _message(r: tuple) -> MessageRow:  # type: ignore[type-arg]
    return MessageRow(r[0], r[1], r[2], r[3], json.loads(r[4] or "[]"), r[5], r[6], r[7], bool(r[8]))


def parts(conn: sqlite3.Connection, mid: int) -> list[PartRow]:
    rows = conn.execute(
        "SELECT message, seq, name, sha256, preexisting, outcome, institution, form_id, period, version,"
        " hold_reason FROM mail_parts WHERE message = ? ORDER BY seq", (mid,)).fetchall()
    return [PartRow(r[0], r[1], r[2], r[3], bool(r[4]), r[5], r[6], r[7], r[8], r[9], r[10]) for r in rows]


def set_part(conn: sqlite3.Connection, part: PartRow) -> None:
    conn.execute(
        "UPDATE mail_parts SET outcome = ?, institution = ?, form_id = ?, period = ?, version = ?,"
        " hold_reason = ?, name = ? WHERE message = ? AND seq = ?",
        (part.outcome, part.institution, part.form_id, part.period, part.version, part.hold_reason,
         part.name, part.message, part.seq))


def queue_mail(conn: sqlite3.Connection, message: int | None, kind: str, recipients: list[str], mail_id: str,
               raw: bytes) -> bool:
    """Queue one outgoing message; False if one with this Message-ID was queued before."""
    cur = conn.execute(
        "INSERT OR IGNORE INTO mail_outbox (message, kind, recipients, mail_id, raw, state, created_at)"
        " VALUES (?, ?, ?, ?, ?, 'queued', ?)",
        (message, kind, json.dumps(recipients), mail_id, raw, now_iso()))
    return cur.rowcount == 1


def recent_count(conn: sqlite3.Connection, recipient: str, hours: float = 1.0) -> int:
    """Automatic messages sent to ``recipient`` in the last ``hours``."""
    since = (datetime.now(UTC) - timedelta(hours=hours)).isoformat(timespec="seconds")
    return int(conn.execute("SELECT count(*) FROM mail_sent_to WHERE recipient = ? AND sent_at >= ?",
                            (recipient, since)).fetchone()[0])


def record_sent(conn: sqlite3.Connection, outbox_id: int, recipients: list[str]) -> None:
    """Mark a queued message sent (its bytes are dropped) and count it against each recipient."""
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    conn.execute("UPDATE mail_outbox SET state = 'sent', raw = NULL, sent_at = ? WHERE id = ?",
                 (now_iso(), outbox_id))
    conn.executemany("INSERT INTO mail_sent_to (recipient, sent_at) VALUES (?, ?)",
                     [(r, stamp) for r in recipients])
