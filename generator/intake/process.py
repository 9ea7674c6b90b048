"""The plain core of the intake: :func:`process_file` takes one inbox file to its single end.

The stages, each a small function with one job, in the order a file goes through them::

    stage     copy the file privately while hashing it; verify it did not change meanwhile
    repeat    the store knows these bytes: a resend ("jau saņemts"), or our own interrupted take
    identify  what kind of file it is: type, size, zip structure (no XML parsed yet)
    bound     stream every XML part counting rows, cells and strings; stop at the first limit
    read      the forms' reader on the bounded copy
    decide    accepted or rejected, with every message (or held, when the origin says so)
    store     ONE transaction: submission row, version bookkeeping, the form's own tables, messages
    answer    marked copy, log line, receipt (the receipt last: it means "outputs done")
    archive   rename the copy into archive/ (or archive/rejected/), then remove the inbox name

An exception in our own code from ``read`` to ``store`` holds the file (:mod:`.held`) instead of
blaming the school. A kill at any point leaves the file unknown to the store (it is simply processed
again) or known to the store with its source recorded, so the next pass finishes the answer and the
archive and never mistakes its own unfinished work for a resend.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..core import lv
from ..core.vocab import FORM_TITLES
from ..forms import read_submission, write_marked_copy
from ..forms.definitions import FORMS
from ..forms.fields import institution_by_id
from ..forms.submission import Message, Submission
from ..store import Store, SubmissionRow, open_store, secure_dir
from . import held as held_files
from .bound import bound
from .diskfull import disk_errors
from .handlers import HANDLERS
from .log import log_line
from .origin import Origin
from .receipts import (
    PERIOD_RANGE,
    ReceiptInfo,
    display_name,
    duplicate_text,
    marked_copy_path,
    receipt_path,
    receipt_stem,
    receipt_text,
    write_atomic,
)
from .safety import Limits, assert_defusedxml, precheck
from .staging import NotTaken, Staged, archive_copy, drop_copy, release_source, same_source, stage
from .summary import summary_lines
from .taking import is_candidate_name, ready
from .trends import trend_warnings

if TYPE_CHECKING:
    from ..core.workspace import Workspace

Outcome = Literal["accepted", "rejected", "held", "duplicate", "waiting", "ignored", "failed"]
_EXT = re.compile(r"^\.[a-z0-9]{1,5}$")

#: The reader refuses a form whose institution or period it cannot place; one accepted without them is
#: a fault of ours and is held rather than stored in no slot.
UNPLACED = "the reader accepted a form without a configured institution and a valid period"
#: Forms that hold a child's personal data: their marked copies are owner-only and their receipts
#: never print the sender's file name (it often names the pupil).
PERSONAL_FORMS = ("F3", "F5")
#: Quoted values in an F3 message (a pupil's data); a quote without a letter or digit, such as “=”, is
#: part of the instruction and stays.
_QUOTED = re.compile(r"“[^”]*?\w[^”]*”|\"[^\"]*?\w[^\"]*\"|\(-?\d[\d.,]*\)")
_LABELS = {"accepted": "pieņemts", "rejected": "noraidīts", "held": "aizturēts", "duplicate": "jau saņemts",
           "waiting": "gaida", "ignored": "izlaists", "failed": "neizdevās"}


@dataclass
class Result:
    """What happened to one inbox file."""

    name: str
    outcome: Outcome
    sha256: str = ""
    institution: str | None = None
    form_id: str | None = None
    period: int | None = None
    version: int | None = None
    receipt: Path | None = None
    marked_copy: Path | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    recovered: bool = False
    detail: str = ""

    def line(self) -> str:
        """One terminal line (no values from the workbook; no file name for case reports)."""
        name = shown_name(self.name, self.form_id)
        parts = [f"{_LABELS[self.outcome]:<11}", name]
        if self.institution:
            parts.append(self.institution)
        if self.form_id:
            parts.append(f"{self.form_id}{' ' + str(self.period) if self.period else ''}")
        if self.version:
            parts.append(f"v{self.version}")
        if self.errors:
            parts.append(lv.count(len(self.errors), "kļūda", "kļūdas"))
        if self.warnings:
            parts.append(lv.count(len(self.warnings), "brīdinājums", "brīdinājumi"))
        if self.recovered:
            parts.append("(pabeigts pēc pārtraukuma)")
        if self.detail:
            parts.append(self.detail)
        return " ".join(parts)


def shown_name(name: str, form_id: str | None) -> str:
    """How a file is named on a terminal: its quoted name, or for a form with a child's data what it is."""
    if form_id in PERSONAL_FORMS:
        return f"({FORM_TITLES[form_id].lower()})"
    return f"\"{display_name(name)}\""


@dataclass
class Job:
    """One file on its way through the stages."""

    staged: Staged
    name: str  # the sender's file name as received (may hold bytes that are not UTF-8)
    received: str
    origin: Origin
    #: A rejection of these bytes that was our fault, to be replaced by this run's verdict.
    redo: SubmissionRow | None = None
    #: Set when the file comes back out of archive/held/ (``pmp ingest --retry-held``).
    from_held: bool = False
    reason: str | None = None  # why it is refused before reading
    sub: Submission | None = None
    personal: bool = False
    #: XML parts the bound stage read whole (name -> bytes), handed to the reader and then dropped.
    parts: dict[str, bytes] = field(default_factory=dict)

    @property
    def sha(self) -> str:
        return self.staged.sha256


@dataclass
class Verdict:
    """The decision about one read file, before anything is written."""

    accepted: bool
    institution: str | None
    form_id: str | None
    period: int | None
    messages: list[Message]
    retryable: bool = False  # refused for a reason of ours (an institution missing from config.toml)
    hold: str | None = None  # the origin asks to hold it for the board (a sender nobody vouches for)


@cache
def _checked_defusedxml() -> bool:
    assert_defusedxml()
    return True


@contextlib.contextmanager
def _open(ws: Workspace, store: Store | None) -> Iterator[Store]:
    if store is not None:
        yield store
    else:
        with open_store(ws) as own:
            yield own


def process_file(path: Path, ws: Workspace, *, store: Store | None = None, limits: Limits | None = None,
                 origin: Origin | None = None) -> Result:
    """Take one inbox file to its end (accepted, rejected or held, with a receipt) and say what happened.

    ``origin`` says where the file came from (the mail intake passes the sender and Message-ID, and may
    ask for the file to be held for the board); by default, the inbox folder. A file that is still
    being written is left where it is (outcome ``waiting``). Raises :class:`DiskFull` when a disk is
    full (nothing is lost: the file stays in the inbox).
    """
    _checked_defusedxml()
    path = Path(path)
    if not is_candidate_name(path.name):
        return Result(path.name, "ignored")
    limits = limits or Limits.from_config(ws.config)
    with disk_errors(ws), _open(ws, store) as st:
        staged = stage(path, ws.archive, time.time())
        if isinstance(staged, NotTaken):
            return Result(path.name, "waiting" if staged.kind == "changing" else "ignored",
                          detail="" if staged.kind in ("changing", "gone") else f"({staged.kind})")
        try:
            return run(Job(staged, path.name, _now(), origin or Origin()), ws, st, limits)
        finally:
            drop_copy(staged)  # nothing left to drop once the copy was archived


def run(job: Job, ws: Workspace, store: Store, limits: Limits) -> Result:
    """The stages after ``stage`` for one staged copy (also used to retry held files)."""
    known = repeat(job, ws, store)
    if known is not None:
        return known
    if not job.from_held and not ready(job.staged, limits.settle_seconds):
        return Result(job.name, "waiting")
    identify(job, limits)
    bound_work(job, limits)
    try:
        read(job, ws)
        verdict = decide(job, store, ws)
        if verdict.hold and not job.from_held:
            return held_files.hold(job, ws, store, "sender", verdict.hold, "", verdict)
        result, text, marked = store_verdict(job, verdict, ws, store)
    except Exception as e:  # noqa: BLE001 - our own failure: hold the file, never blame the school
        if held_files.is_environment(e):
            raise
        return held_files.hold_for_error(job, ws, store, e)
    answer(job, ws, result, text, marked)
    archive(job, ws, result)
    return result


# ---- repeat ------------------------------------------------------------------------------------------
def repeat(job: Job, ws: Workspace, store: Store) -> Result | None:
    """The answer when the store already knows these bytes, or None to process them."""
    if not job.from_held and store.held(job.sha):
        return held_files.again(job, ws, store)
    row = store.by_sha(job.sha)
    if row is None:
        return None
    if row.retryable and row.state == "rejected":
        job.redo = row  # refused by our fault before: judged again, never "jau saņemts"
        return None
    result = Result(job.name, "rejected" if row.state == "rejected" else "accepted", row.sha256,
                    row.institution, row.form_id, row.period, row.version, errors=row.errors,
                    warnings=row.warnings)
    archived = ws.root / row.archived_as
    receipt = receipt_path(ws, row.sha256, row.institution, row.form_id, row.period)
    if archived.exists() and not same_source(job.staged.source, row.source_sig):
        return duplicate(job, ws, store, row, result)
    # Our own take of this very file was interrupted: finish what it did not.
    result.recovered = True
    if receipt.exists():
        result.receipt = receipt
        log_line(secure_dir(ws.archive), row.sha256, row.institution, row.form_id,
                 f"{_LABELS[result.outcome]} (pabeigts pēc pārtraukuma)")
    else:
        marked = None
        if row.state == "rejected" and row.form_id and any(" šūna " in e for e in row.errors):
            read(job, ws)
            marked = marked_copy_path(ws, row.sha256, row.institution, row.form_id, row.period)
        job.personal = row.form_id in PERSONAL_FORMS
        answer(job, ws, result, store.receipt_text(row.id), marked)
    if not archived.exists():
        archive_copy(job.staged, archived)
    release_source(job.staged)
    return result


def duplicate(job: Job, ws: Workspace, store: Store, row: SubmissionRow, result: Result) -> Result:
    """Identical content received again: say so, and which version is in use if this one was replaced."""
    personal = row.form_id in PERSONAL_FORMS
    info = ReceiptInfo(row.sha256, row.original_name, row.received_at, row.state, row.institution,
                       row.form_id, row.period, row.version, None, [], [], [], None, personal=personal)
    current = (store.current_version(row.institution, row.form_id, row.period)
               if row.state == "superseded" and row.institution and row.form_id and row.period else None)
    receipt = receipt_path(ws, row.sha256, row.institution, row.form_id, row.period)
    dup = receipt.with_name(f"{receipt_stem(row.sha256, row.form_id, row.period)}_atkartoti.txt")
    result.receipt = write_atomic(dup, duplicate_text(ws.config, info, job.name, _now(), current))
    log_line(secure_dir(ws.archive), row.sha256, row.institution, row.form_id, "jau saņemts")
    release_source(job.staged)
    result.outcome = "duplicate"
    return result


# ---- identify, bound, read ---------------------------------------------------------------------------
def identify(job: Job, limits: Limits) -> None:
    """File type, size and zip structure, before any XML is parsed."""
    job.reason = precheck(job.staged.copy, job.staged.size, limits, suffix=Path(job.name).suffix)


def bound_work(job: Job, limits: Limits) -> None:
    """Refuse a workbook whose sheets would cost more than any form (rows, columns, cells, strings)."""
    if job.reason is not None:
        return
    job.reason, counts = bound(job.staged.copy, limits, job.parts)
    personal_sheets = {s.name for f in PERSONAL_FORMS if f in FORMS for s in FORMS[f].sheets}
    job.personal = bool(personal_sheets & set(counts.sheet_names))


def read(job: Job, ws: Workspace) -> None:
    """The forms' reader on the staged copy. The bound stage has made sure every part is well-formed
    and small, so anything it raises is a fault of ours (and holds the file)."""
    if job.reason is None:
        job.sub = read_submission(job.staged.copy, ws.config, job.parts)
        job.parts.clear()  # read: the bytes are not needed any more


# ---- decide ------------------------------------------------------------------------------------------
def decide(job: Job, store: Store, ws: Workspace) -> Verdict:
    """Accepted or rejected, with every message; the identity of the form only when it can be trusted
    (an institution of config.toml, a period that is a year)."""
    sub = job.sub
    if job.reason is not None or sub is None:
        return Verdict(False, None, None, None, [Message("error", "", "", "", job.reason or "")])
    known = sub.institution is not None and institution_by_id(ws.config, sub.institution) is not None
    institution = sub.institution if known else None
    period = sub.period if sub.period is not None and PERIOD_RANGE[0] <= sub.period <= PERIOD_RANGE[1] else None
    if sub.ok and (institution is None or period is None):
        raise RuntimeError(UNPLACED)
    messages = [*trend_warnings(store, sub), *sub.messages]
    job.personal = job.personal or sub.form_id in PERSONAL_FORMS
    hold = job.origin.vet(institution) if job.origin.vet is not None else None
    # Refused only because config.toml lacks the institution: not the sender's doing, so the same file
    # sent again after the board adds it is judged again rather than answered "jau saņemts".
    retryable = bool(sub.institution) and institution is None and sub.form_id is not None
    return Verdict(sub.ok, institution, sub.form_id, period, messages, retryable, hold)


# ---- store -------------------------------------------------------------------------------------------
def _archive_rel(job: Job, accepted: bool) -> str:
    suffix = Path(job.name).suffix.lower()
    suffix = suffix if _EXT.match(suffix) else ".bin"
    return f"archive/{job.sha}.xlsx" if accepted else f"archive/rejected/{job.sha}{suffix}"


def store_verdict(job: Job, v: Verdict, ws: Workspace, store: Store) -> tuple[Result, str, Path | None]:
    """ONE transaction: the submission row, version bookkeeping, the form's tables, the messages."""
    sub = job.sub
    marked: Path | None = None
    if (not v.accepted and sub is not None and v.form_id
            and any(m.cell for m in v.messages if m.level == "error")):
        marked = marked_copy_path(ws, job.sha, v.institution, v.form_id, v.period)
    rel = _archive_rel(job, v.accepted)
    # F3 reports (one per pupil) and F5 meeting records each stand alone; only the yearly forms have
    # versions where a new file replaces the institution's previous one.
    versioned = v.form_id in FORMS and FORMS[v.form_id].versioned
    errors = [_line(m, v.form_id) for m in v.messages if m.level == "error"]
    warnings = [_line(m, v.form_id) for m in v.messages if m.level == "warning"]
    # The staged copy's fsync ran while the file was read; the store names the copy (a killed run's
    # leftover is placed into the archive by its hash), so it is on disk before the commit.
    job.staged.durable()
    with store.transaction() as conn:
        if job.redo is not None:
            conn.execute("DELETE FROM messages WHERE submission_id = ?", (job.redo.id,))
            conn.execute("DELETE FROM submissions WHERE id = ?", (job.redo.id,))
        if job.from_held:
            conn.execute("DELETE FROM held WHERE sha256 = ?", (job.sha,))
        version = replaces = None
        cur = None
        if v.accepted and not versioned:
            version = 1
        elif v.accepted:
            slot = (v.form_id, v.period, v.institution)
            cur = conn.execute("SELECT id, version FROM submissions WHERE form_id = ? AND period = ?"
                               " AND institution = ? AND state = 'accepted'", slot).fetchone()
            top = conn.execute("SELECT max(version) FROM submissions WHERE form_id = ? AND period = ?"
                               " AND institution = ?", slot).fetchone()[0]
            version = (top or 0) + 1
            if cur:
                replaces = cur[1]
                conn.execute("UPDATE submissions SET state = 'superseded' WHERE id = ?", (cur[0],))
        info = ReceiptInfo(
            job.sha, job.name, job.received, "accepted" if v.accepted else "rejected", v.institution,
            v.form_id, v.period, version, replaces, errors, warnings,
            summary_lines(v.form_id, sub.data) if v.accepted and sub else [],
            marked.name if marked else None, personal=job.personal,
        )
        text = receipt_text(ws.config, info)
        sid = conn.execute(
            "INSERT INTO submissions (sha256, institution, form_id, period, version, state, received_at,"
            " original_name, size, archived_as, receipt, source_sig, origin, retryable)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (job.sha, v.institution, v.form_id, v.period, version, info.state, job.received,
             display_name(job.name), job.staged.size, rel, text, job.staged.source_sig,
             job.origin.as_json(), int(v.retryable)),
        ).lastrowid
        assert sid is not None
        if cur:
            conn.execute("UPDATE submissions SET superseded_by = ? WHERE id = ?", (sid, cur[0]))
        if v.accepted and sub is not None:
            handler = HANDLERS.get(v.form_id or "")
            data = handler(conn, sid, sub, ws) if handler else sub.data
            conn.execute("UPDATE submissions SET data = ? WHERE id = ?",
                         (json.dumps(data, ensure_ascii=False, default=str), sid))
        conn.executemany(
            "INSERT INTO messages (submission_id, seq, level, sheet, cell, field, text)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(sid, i, m.level, m.sheet, m.cell, m.field, m.text) for i, m in enumerate(v.messages)],
        )
    result = Result(job.name, "accepted" if v.accepted else "rejected", job.sha, v.institution, v.form_id,
                    v.period, version, errors=errors, warnings=warnings)
    return result, text, marked


def _line(m: Message, form_id: str | None) -> str:
    """A receipt line; for case reports (F3) any quoted or bracketed value is left out of the text."""
    if form_id != "F3":
        return m.line()
    text = re.sub(r"\s{2,}", " ", _QUOTED.sub("“…”", m.text)).strip()
    return Message(m.level, m.sheet, m.cell, m.field, text).line()


# ---- answer, archive ---------------------------------------------------------------------------------
def answer(job: Job, ws: Workspace, result: Result, text: str, marked: Path | None) -> None:
    """After the commit: marked copy, log line, receipt (the receipt last: it means "outputs done")."""
    if marked is not None and job.sub is not None:
        try:
            marked.parent.mkdir(parents=True, exist_ok=True)
            if job.personal:  # a child's data: owner-only from its first byte, like the archive
                os.close(os.open(marked, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
                os.chmod(marked, 0o600)
            write_marked_copy(job.sub, ws.config, marked)
            result.marked_copy = marked
        except Exception as e:  # noqa: BLE001 - the receipt still lists every error with its cell
            marked.unlink(missing_ok=True)
            text += f"\n(Labojamo kopiju neizdevās izveidot: {type(e).__name__}. Kļūdas uzskaitītas augstāk.)\n"
    outcome = _LABELS[result.outcome] + (f" v{result.version}" if result.version else "")
    if result.recovered:
        outcome += " (pabeigts pēc pārtraukuma)"
    log_line(secure_dir(ws.archive), result.sha256, result.institution, result.form_id, outcome)
    result.receipt = write_atomic(
        receipt_path(ws, result.sha256, result.institution, result.form_id, result.period), text)


def archive(job: Job, ws: Workspace, result: Result) -> None:
    """The staged copy into the archive under its hash; then the inbox name (or held copy) goes."""
    archive_copy(job.staged, ws.root / _archive_rel(job, result.outcome == "accepted"))
    if job.redo is not None and job.redo.archived_as != _archive_rel(job, result.outcome == "accepted"):
        (ws.root / job.redo.archived_as).unlink(missing_ok=True)
    release_source(job.staged)


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")
