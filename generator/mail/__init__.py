"""E-mail round trip: submissions in from the board's IMAP mailbox, receipts and reminders out by SMTP.

Layer: beside the pipeline (it may use intake, store, forms and core). Public API::

    fetch_once, run_mail, MailPass, Taken, send_queued, check_connection, MailError
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .connect import MailError, check_connection
    from .fetch import MailPass, fetch_once, run_mail
    from .send import send_queued
    from .take import Taken

#: Each name's module, imported on first use: ``pmp build`` writes reminders (``mail.reminders``) without
#: the IMAP, SMTP and TLS stack the rest of the package loads (issue 15).
_MODULES = {"MailError": "connect", "check_connection": "connect", "MailPass": "fetch", "fetch_once": "fetch",
            "run_mail": "fetch", "send_queued": "send", "Taken": "take"}


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return getattr(importlib.import_module(f".{_MODULES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["MailError", "MailPass", "Taken", "check_connection", "fetch_once", "run_mail", "send_queued"]
