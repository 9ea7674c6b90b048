"""The cooperation group's case register: pseudonymous cases from F3 reports, meetings from F5.

The F3 and F5 handlers (:func:`record_report`, :func:`record_meeting`) are called by the intake through
its explicit registry (:mod:`generator.intake.handlers`). The tables are defined in
:mod:`generator.store.schema`; identifying data (names, narratives) is kept in tables of its own and
erased by :mod:`generator.pipeline.purge`.
"""

from __future__ import annotations

from ..core.vocab import CASE_STATUSES as STATUSES
from ..core.vocab import CLOSED_CASE_STATUSES as CLOSED_STATUSES
from ..core.vocab import OPEN_CASE_STATUSES as OPEN_STATUSES
from .meetings import meeting_of_submission, meeting_records, record_meeting
from .register import record_report

__all__ = ["CLOSED_STATUSES", "OPEN_STATUSES", "STATUSES", "meeting_of_submission", "meeting_records",
           "record_meeting", "record_report"]
