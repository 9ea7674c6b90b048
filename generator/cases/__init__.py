"""The cooperation group's case register: pseudonymous cases from F3 reports, meetings from F5.

Importing this package registers its store tables (migrations 70–99) and the F3 and F5 form handlers;
the intake imports it before processing anything. Identifying data (names, narratives) is kept in
tables of its own and erased by :mod:`generator.cases.purge`.
"""

from __future__ import annotations

from ..store import register_form_handler
from . import schema as schema
from .meetings import meeting_records, record_meeting
from .register import record_report
from .schema import CLOSED_STATUSES, OPEN_STATUSES, STATUSES

register_form_handler("F3", record_report)
register_form_handler("F5", record_meeting)

__all__ = ["CLOSED_STATUSES", "OPEN_STATUSES", "STATUSES", "meeting_records", "record_meeting", "record_report"]
