"""Held files: received and kept safe, but not judged — the fault is ours, or the sender is doubtful.

A file is held when our own code fails while checking it (the school is told the file arrived and is
being checked; the board sees it in ``pmp status``; the traceback goes to ``archive/intake.log``
without any value from the file, and whole into the owner-only store), or when the mail intake asks
for it (:class:`~generator.intake.origin.Origin` ``vet``). A held file lives in ``archive/held/`` and
the ``held`` table; ``pmp ingest --retry-held`` runs it through the stages again, after a fix or once
the board has checked the sender. It is never answered "jau saņemts".
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
import traceback
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..forms.definitions import FORMS
from ..forms.fields import META_SHEET
from ..store import Store, secure_dir
from .log import log_line, log_lines
from .origin import Origin
from .receipts import PERIOD_RANGE, ReceiptInfo, display_name, receipt_path, receipt_text, write_atomic
from .safety import assert_defusedxml
from .staging import NotTaken, archive_copy, drop_copy, release_source, same_source, stage

if TYPE_CHECKING:
    from ..core.workspace import Workspace
    from .process import Job, Result, Verdict
    from .safety import Limits

OUR_FAULT = "programmas kļūda {kind} ({where})"
_PACKAGE = Path(__file__).resolve().parents[1]


def is_environment(e: BaseException) -> bool:
    """Errors of the machine, not of our logic (a full disk, a locked store, permissions): they stop
    the pass and leave the file in the inbox instead of holding it."""
    return isinstance(e, OSError | sqlite3.OperationalError)


def _frames(e: BaseException) -> list[str]:
    """Where it failed, frame by frame — file, line, function; never the message (it may hold values)."""
    out = []
    for fr in traceback.extract_tb(e.__traceback__):
        path = Path(fr.filename)
        try:
            shown = str(path.resolve().relative_to(_PACKAGE.parent))
        except ValueError:
            shown = path.name
        out.append(f"  File {shown}, line {fr.lineno}, in {fr.name}")
    return out + [f"  {type(e).__name__}"]


def hold_for_error(job: Job, ws: Workspace, store: Store, e: Exception) -> Result:
    """Hold a file our own code failed on."""
    frames = _frames(e)
    where = next((f.split("File ", 1)[1].split(", in")[0].replace(", line ", ":")
                  for f in reversed(frames) if "File generator" in f), "?")
    detail = OUR_FAULT.format(kind=type(e).__name__, where=where)
    full = "".join(traceback.format_exception(e))
    return hold(job, ws, store, "error", detail, full, None, frames)


def hold(job: Job, ws: Workspace, store: Store, kind: str, detail: str, full_traceback: str,
         verdict: Verdict | None, frames: list[str] | None = None) -> Result:
    """Keep the staged copy in ``archive/held/``, record it, tell the school it is being checked."""
    from .process import PERSONAL_FORMS, Result

    institution, form_id, period = (verdict.institution, verdict.form_id, verdict.period) if verdict \
        else _identity(job, ws)
    personal = job.personal or form_id in PERSONAL_FORMS
    suffix = Path(job.name).suffix.lower()
    rel = f"archive/held/{job.sha}{suffix if suffix == '.xlsx' else '.bin'}"
    info = ReceiptInfo(job.sha, job.name, job.received, "held", institution, form_id, period, None, None,
                       [], [], [], None, personal=personal, held=detail if kind == "sender" else None)
    text = receipt_text(ws.config, info)
    now = datetime.now().astimezone().isoformat(timespec="seconds")
    job.staged.durable()  # the store names this copy: it is on disk before (recovery may place it)
    with store.transaction() as conn:
        if job.redo is not None:
            conn.execute("DELETE FROM messages WHERE submission_id = ?", (job.redo.id,))
            conn.execute("DELETE FROM submissions WHERE id = ?", (job.redo.id,))
        updated = conn.execute(
            "UPDATE held SET kind = ?, detail = ?, traceback = ?, held_at = ?, attempts = attempts + 1,"
            " receipt = ? WHERE sha256 = ?", (kind, detail, full_traceback, now, text, job.sha)).rowcount
        if not updated:
            conn.execute(
                "INSERT INTO held (sha256, kind, detail, traceback, institution, form_id, period, received_at,"
                " held_at, original_name, size, archived_as, source_sig, origin, receipt)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (job.sha, kind, detail, full_traceback, institution, form_id, period, job.received, now,
                 display_name(job.name), job.staged.size, rel, job.staged.source_sig, job.origin.as_json(),
                 text))
    archive = secure_dir(ws.archive)
    log_line(archive, job.sha, institution, form_id, f"aizturēts: {detail}")
    if frames:
        log_lines(archive, frames)
    receipt = write_atomic(receipt_path(ws, job.sha, institution, form_id, period), text)
    archive_copy(job.staged, ws.root / rel)
    if job.redo is not None:
        (ws.root / job.redo.archived_as).unlink(missing_ok=True)
    release_source(job.staged)
    return Result(job.name, "held", job.sha, institution, form_id, period, receipt=receipt,
                  detail=f"({detail})")


def _identity(job: Job, ws: Workspace) -> tuple[str | None, str | None, int | None]:
    """Institution, form and period of a file our code failed on, so the board finds it in its slot:
    from what the reader got, else from the hidden sheet alone (the bound stage made reading it safe).
    Only values that match the configuration are kept; anything odd is left unknown."""
    sub = job.sub
    if sub is not None:
        meta = {"institution_id": sub.institution, "form_id": sub.form_id, "period": sub.period}
    else:
        meta = {}
        with contextlib.suppress(Exception):
            from openpyxl import load_workbook  # a file our code failed on: rare, so imported here

            assert_defusedxml()  # openpyxl parses this received file: only through defusedxml
            wb = load_workbook(job.staged.copy, read_only=True, data_only=True)
            try:
                for row in wb[META_SHEET].iter_rows(min_row=1, max_row=20, max_col=2, values_only=True):
                    if len(row) == 2 and isinstance(row[0], str):
                        meta[row[0].strip()] = row[1]
            finally:
                wb.close()
    institution = meta.get("institution_id")
    form_id = meta.get("form_id")
    period = meta.get("period")
    known = {i.id for i in ws.config.institutions}
    return (institution if institution in known else None, form_id if form_id in FORMS else None,
            int(period) if isinstance(period, int | float) and not isinstance(period, bool)
            and float(period).is_integer() and PERIOD_RANGE[0] <= period <= PERIOD_RANGE[1] else None)


def again(job: Job, ws: Workspace, store: Store) -> Result:
    """Held bytes seen again: a resend (answered "being checked" again) or our own interrupted hold."""
    from .process import Result

    h = store.held(job.sha)[0]
    archived = ws.root / h.archived_as
    if not archived.exists():
        archive_copy(job.staged, archived)
    receipt = receipt_path(ws, h.sha256, h.institution, h.form_id, h.period)
    if not receipt.exists() or not same_source(job.staged.source, h.source_sig):
        write_atomic(receipt, h.receipt)
    release_source(job.staged)
    return Result(job.name, "held", h.sha256, h.institution, h.form_id, h.period, receipt=receipt,
                  recovered=same_source(job.staged.source, h.source_sig), detail=f"({h.detail})")


def retry_held(ws: Workspace, store: Store, limits: Limits) -> list[Result]:
    """Run every held file through the stages again (``pmp ingest --retry-held``)."""
    from .process import Job, Result, run

    results = []
    for h in store.held():
        staged = stage(ws.root / h.archived_as, ws.archive, time.time())
        if isinstance(staged, NotTaken):
            results.append(Result(h.original_name, "failed", h.sha256, h.institution, h.form_id, h.period,
                                  detail=f"(aizturētais fails {h.archived_as} nav atrodams)"))
            continue
        try:
            job = Job(staged, h.original_name, h.received_at, Origin.from_json(json.dumps(h.origin)),
                      from_held=True)
            results.append(run(job, ws, store, limits))
        finally:
            drop_copy(staged)
    return results
