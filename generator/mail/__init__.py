"""E-mail round trip: submissions in from the board's IMAP mailbox, receipts and reminders out by SMTP.

Layer: beside the pipeline (it may use intake, store, forms and core). Public API::

    fetch_once, run_mail, MailPass, Taken, send_queued, check_connection, MailError
"""

from __future__ import annotations

from .connect import MailError, check_connection
from .fetch import MailPass, fetch_once, run_mail
from .send import send_queued
from .take import Taken

__all__ = ["MailError", "MailPass", "Taken", "check_connection", "fetch_once", "run_mail", "send_queued"]
