"""The forms whose accepted data goes into tables of their own, and the function that stores each.

An explicit registry: the intake looks a form up here; nothing registers itself by being imported.
A handler runs inside the submission's transaction (it must not commit) and returns the dict kept as
the submission's generic data.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from ..cases import meeting_of_submission, record_meeting, record_report
from ..core.errors import DocumentError
from ..core.workspace import Workspace
from ..forms.submission import Submission

FormHandler = Callable[[sqlite3.Connection, int, Submission, Workspace], dict[str, Any]]


def record_meeting_and_protocol(conn: sqlite3.Connection, submission_id: int, sub: Submission,
                                ws: Workspace) -> dict[str, Any]:
    """F5: record the meeting, then write its final protocol.

    A broken template must not lose the accepted F5: the protocol is then missing
    (``"final_protocol": None``) and ``pmp protocol final`` writes it again once the template is fixed.
    """
    from ..protocols import write_final  # Word and its libraries: only when a meeting record arrives

    data = record_meeting(conn, submission_id, sub, ws)
    mid = meeting_of_submission(conn, submission_id)
    final = None
    if mid is not None:
        try:
            final = write_final(conn, ws, mid).name
        except (DocumentError, OSError):
            final = None
    return {"final_protocol": final, **data}


HANDLERS: dict[str, FormHandler] = {
    "F3": record_report,
    "F5": record_meeting_and_protocol,
}
