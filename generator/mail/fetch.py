"""The mailbox side: read the board's folder over IMAP, take each message, then mark it on the server.

A message is flagged ``$PmpDone`` and ``\\Seen`` (or moved to ``done_folder``) only after the journal
says it is taken, i.e. its attachments are in the store and its answer is queued; one that carried a
case report or a meeting record is deleted instead (``delete_case_messages``). The loop waits with
IMAP IDLE where the server offers it and polls otherwise, and reconnects after a dropped connection.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from ..core import lv
from ..intake import Limits
from ..intake.lock import holder
from ..store import Store, open_store
from .connect import MailError, imap_connect, settings
from .journal import find_message
from .parse import Incoming, parse_message
from .send import Sent, send_queued
from .take import Taken, answer_released, take_message

if TYPE_CHECKING:
    from ..core.workspace import Workspace

DONE_KEYWORD = "$PmpDone"
IDLE_RENEW = 25 * 60  # RFC 2177: re-issue IDLE before the server's 30-minute timeout


@dataclass
class MailPass:
    """One look at the mailbox: each message's fate and what was sent."""

    taken: list[Taken] = field(default_factory=list)
    sent: Sent = field(default_factory=Sent)
    too_large: int = 0

    def line(self) -> str:
        new = [t for t in self.taken if t.new and not t.row.no_reply]
        quiet = sum(1 for t in self.taken if t.row.no_reply)
        again = sum(1 for t in self.taken if not t.new and not t.row.no_reply)
        parts = [f"jaunas {len(new)}", f"bez atbildes {quiet}"]
        if again:
            parts.append(f"jau apstrādātas {again}")
        parts.append(f"nosūtītas atbildes {len(self.sent.sent)}")
        if self.sent.waiting:
            parts.append(f"atliktas (sūtīšanas limits) {self.sent.waiting}")
        if self.sent.failed:
            parts.append(f"nepiegādājamas {len(self.sent.failed)}")
        return f"Pastkaste apstrādāta: {lv.count(len(self.taken), 'vēstule', 'vēstules')} — " + ", ".join(parts) + "."


def mail_pass(ws: Workspace, client: IMAPClient, store: Store, progress: Callable[[Taken], None] | None = None,
              limits: Limits | None = None) -> MailPass:
    """Take every message in the folder not yet marked done, mark each, then send what is queued."""
    mail = settings(ws)
    result = MailPass()
    client.select_folder(mail.folder)
    criteria: list[str | bytes] = ["NOT", "DELETED"]
    if not mail.done_folder:
        criteria += ["UNKEYWORD", DONE_KEYWORD]
    uids = sorted(client.search(criteria))
    sizes = client.fetch(uids, ["RFC822.SIZE"]) if uids else {}
    limit = int(mail.max_message_mb * 1024 * 1024)
    for uid in uids:
        size = int(sizes.get(uid, {}).get(b"RFC822.SIZE", 0))
        if size > limit:
            data = client.fetch([uid], ["BODY.PEEK[HEADER]"]).get(uid, {})
            raw = data.get(b"BODY[HEADER]", b"")
            inc = parse_message(raw, mail.address, mail.authserv_id)
            inc.ignored.append(f"(vēstule {size // (1024 * 1024)} MB — pārāk liela; sūtiet veidlapas atsevišķi)")
            result.too_large += 1
        else:
            data = client.fetch([uid], ["BODY.PEEK[]"]).get(uid, {})
            raw = data.get(b"BODY[]")
            if raw is None:
                continue  # expunged meanwhile by someone else
            inc = parse_message(raw, mail.address, mail.authserv_id)
        taken = take_message(ws, store, inc, limits)
        _done_on_server(client, uid, taken, mail.done_folder, mail.delete_case_messages)
        with store.transaction() as conn:
            conn.execute("UPDATE mail_messages SET state = 'done' WHERE id = ? AND state = 'taken'", (taken.row.id,))
        result.taken.append(taken)
        if progress is not None:
            progress(taken)
    answer_released(ws, store)
    result.sent = send_queued(ws, store)
    return result


def _done_on_server(client: IMAPClient, uid: int, taken: Taken, done_folder: str | None, delete_case: bool) -> None:
    if taken.row.case_data and delete_case:
        client.add_flags([uid], [b"\\Deleted"], silent=True)
        if client.has_capability("UIDPLUS"):
            client.uid_expunge([uid])
        else:
            client.expunge()
        return
    client.add_flags([uid], [b"\\Seen", DONE_KEYWORD.encode()], silent=True)
    if done_folder:
        if not client.folder_exists(done_folder):
            client.create_folder(done_folder)
        if client.has_capability("MOVE"):
            client.move([uid], done_folder)
        else:
            client.copy([uid], done_folder)
            client.add_flags([uid], [b"\\Deleted"], silent=True)
            client.uid_expunge([uid]) if client.has_capability("UIDPLUS") else client.expunge()


def fetch_once(ws: Workspace, progress: Callable[[Taken], None] | None = None,
               limits: Limits | None = None) -> MailPass:
    """``pmp mail --once``: one pass over the mailbox (the caller holds the intake lock)."""
    client = imap_connect(ws)
    try:
        with open_store(ws) as store:
            return mail_pass(ws, client, store, progress, limits)
    finally:
        try:
            client.logout()
        except (OSError, IMAPClientError):
            pass


def run_mail(ws: Workspace, stop: threading.Event, progress: Callable[[Taken], None] | None = None,
             say: Callable[[str], None] | None = None, limits: Limits | None = None) -> None:
    """Keep taking mail until ``stop`` is set: IDLE where offered, else poll every ``poll_seconds``."""
    say = say or (lambda _s: None)
    mail = settings(ws)
    while not stop.is_set():
        try:
            client = imap_connect(ws)
        except MailError as e:
            say(f"E-pasts: {e} Mēģināšu vēlreiz pēc {mail.poll_seconds:g} s.")
            stop.wait(mail.poll_seconds)
            continue
        idle = client.has_capability("IDLE")
        say(f"Uzraugu pastkasti {mail.user} ({mail.folder}) — " + ("IDLE" if idle else
            f"aptauja ik {mail.poll_seconds:g} s") + ".")
        try:
            with open_store(ws) as store:
                while not stop.is_set():
                    summary = mail_pass(ws, client, store, progress, limits)
                    if summary.taken or summary.sent.sent:
                        say(summary.line())
                    _wait(client, stop, idle, mail.poll_seconds)
        except (OSError, IMAPClientError, MailError) as e:
            say(f"E-pasts: savienojums pārtrūka ({type(e).__name__}); pieslēdzos no jauna.")
            stop.wait(min(mail.poll_seconds, 5))
        finally:
            try:
                client.logout()
            except (OSError, IMAPClientError):
                pass


def _wait(client: IMAPClient, stop: threading.Event, idle: bool, poll: float) -> None:
    """Until the server reports a change, ``poll`` seconds pass (queued replies are retried) or stop."""
    if not idle:
        stop.wait(poll)
        return
    client.idle()
    try:
        deadline = time.monotonic() + min(poll, IDLE_RENEW)
        while not stop.is_set() and time.monotonic() < deadline:
            if client.idle_check(timeout=1):
                break
    finally:
        client.idle_done()


def is_known(store: Store, inc: Incoming) -> bool:
    """True when the journal has this message already (tests and ``pmp status`` use it)."""
    return find_message(store.conn, inc.message_id, inc.content_sha) is not None


def run_mail_beside_watcher(ws: Workspace, stop: threading.Event, progress: Callable[[Taken], None] | None = None,
                            say: Callable[[str], None] | None = None) -> None:
    """``pmp watch --mail``: take mail in this process once its inbox watcher holds the intake lock."""
    me = str(os.getpid())
    while not stop.is_set() and holder(ws) != me:
        stop.wait(0.2)
    if not stop.is_set():
        run_mail(ws, stop, progress, say)
