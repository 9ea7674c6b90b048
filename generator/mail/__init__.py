"""E-mail round trip: submissions in from the board's IMAP mailbox, receipts and reminders out by SMTP.

Layer: beside the pipeline (it may use intake, store, forms and core). Public API::

    fetch_once, run_mail, MailPass, Taken, send_queued, check_connection, MailError
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.lazy import lender

if TYPE_CHECKING:
    from .connect import MailError, check_connection
    from .fetch import MailPass, fetch_once, run_mail
    from .send import send_queued
    from .take import Taken

#: Each public name and its module, imported on first use: ``pmp status`` reads the mail journal
#: (:mod:`.status`) without the IMAP/SMTP stack.
_LENT = {"MailError": "connect", "check_connection": "connect", "MailPass": "fetch", "fetch_once": "fetch",
         "run_mail": "fetch", "send_queued": "send", "Taken": "take"}


__getattr__ = lender(__name__, __name__, _LENT)


__all__ = ["MailError", "MailPass", "Taken", "check_connection", "fetch_once", "run_mail", "send_queued"]
