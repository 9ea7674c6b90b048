"""The plain core of the intake: :func:`process_file` takes one inbox file to its single end.

Order of work for a new file: hash → checks before parsing → read and validate → ONE transaction
(submission row, version bookkeeping, the form's own tables, messages, receipt text) → marked copy,
log line, receipt → rename of the original into ``archive/`` or ``archive/rejected/``. A kill at any
point leaves the file either unknown to the store (it is simply processed again) or known to the store
and still in the inbox (the move and any missing receipt are finished, never a second row).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..forms import read_submission, write_marked_copy
from ..forms.definitions import FORMS
from ..forms.submission import Message, Submission
from ..store import Store, SubmissionRow, open_store, secure_dir
from .handlers import HANDLERS
from .log import log_line
from .receipts import (
    ReceiptInfo,
    display_name,
    duplicate_text,
    marked_copy_path,
    receipt_path,
    receipt_stem,
    receipt_text,
    write_atomic,
)
from .safety import Limits, assert_defusedxml, precheck, xml_trick
from .taking import complete, is_candidate_name, settled, signature, wait_until_stable
from .trends import trend_warnings

if TYPE_CHECKING:
    from ..core.config import Config
    from ..core.workspace import Workspace

Outcome = Literal["accepted", "rejected", "duplicate", "waiting", "ignored", "failed"]
_EXT = re.compile(r"^\.[a-z0-9]{1,5}$")

NOT_OURS = ("Šī darbgrāmata nav neviena no mūsu veidlapām (tajā nav veidlapas identifikatora). "
            "Aizpildiet un sūtiet izsniegto veidlapu, nevis citu failu.")
UNREADABLE = ("Darbgrāmatu nevar nolasīt (tā ir bojāta vai saglabāta neparastā veidā). Atveriet to "
              "Excel vai LibreOffice Calc, saglabājiet kā .xlsx un nosūtiet vēlreiz.")
UNKNOWN_INSTITUTION = ("Veidlapā norādītā iestāde nav šīs pašvaldības iestāžu sarakstā. Izmantojiet "
                       "savai iestādei izsniegto veidlapu.")
NO_PERIOD = "Veidlapā nav norādīts periods. Izmantojiet šim periodam izsniegto veidlapu."
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|\(-?\d[\d.,]*\)")
_LABELS = {"accepted": "pieņemts", "rejected": "noraidīts", "duplicate": "jau saņemts",
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
        name = "(ziņojums par izglītojamo)" if self.form_id == "F3" else f"\"{display_name(self.name)}\""
        parts = [f"{_LABELS[self.outcome]:<11}", name]
        if self.institution:
            parts.append(self.institution)
        if self.form_id:
            parts.append(f"{self.form_id}{' ' + str(self.period) if self.period else ''}")
        if self.version:
            parts.append(f"v{self.version}")
        if self.errors:
            parts.append(f"{len(self.errors)} kļūda(s)")
        if self.warnings:
            parts.append(f"{len(self.warnings)} brīdinājums(i)")
        if self.recovered:
            parts.append("(pabeigts pēc pārtraukuma)")
        if self.detail:
            parts.append(self.detail)
        return " ".join(parts)


@cache
def _checked_defusedxml() -> bool:
    assert_defusedxml()
    return True


def hash_file(path: Path) -> tuple[str, int]:
    """sha256 and size, read in 1 MB chunks (bounded memory whatever the size)."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb", buffering=0) as fh:
        buf = bytearray(1024 * 1024)
        view = memoryview(buf)
        while n := fh.readinto(buf):
            h.update(view[:n])
            size += n
    return h.hexdigest(), size


def process_file(path: Path, ws: Workspace, *, store: Store | None = None, limits: Limits | None = None,
                 taken: bool = False) -> Result:
    """Take one inbox file to its end (accepted or rejected, with receipt) and say what happened.

    ``taken=True`` means the caller has already seen the file stable (the batch intake does); otherwise
    a freshly written file is watched until its size and mtime stop changing.
    """
    _checked_defusedxml()
    path = Path(path)
    if not is_candidate_name(path.name):
        return Result(path.name, "ignored")
    limits = limits or Limits.from_config(ws.config)
    if not taken:
        before = signature(path)
        if before is None:
            return Result(path.name, "ignored")
        young = not settled(before, limits.settle_seconds)
        if wait_until_stable(path, limits.settle_seconds, limits.stable_checks) is None or (
                young and not complete(path)):
            return Result(path.name, "waiting" if path.exists() else "ignored")
    if store is None:
        with open_store(ws) as own:
            return _process(path, ws, own, limits)
    return _process(path, ws, store, limits)


def _process(path: Path, ws: Workspace, store: Store, limits: Limits) -> Result:
    try:
        sha, size = hash_file(path)
    except FileNotFoundError:
        return Result(path.name, "ignored")
    known = store.by_sha(sha)
    if known is not None:
        return _finish_known(path, ws, store, known)
    cfg = ws.config
    received = datetime.now().astimezone().isoformat(timespec="seconds")
    reason = precheck(path, size, limits)
    sub: Submission | None = None
    extra: list[Message] = []
    if reason is None:
        sub = _read(path, cfg)
        if sub is None or (sub.form_id is None and sub.errors):
            reason = xml_trick(path) or (UNREADABLE if sub is None else None)
        elif sub.form_id is None:
            reason = NOT_OURS
    institution = form_id = None
    period: int | None = None
    if sub is not None and reason is None:
        form_id = sub.form_id
        period = sub.period
        if sub.institution in {i.id for i in cfg.institutions}:
            institution = sub.institution
        elif not sub.errors:
            extra.append(Message("error", "", "", "", UNKNOWN_INSTITUTION))
        if period is None and not sub.errors:
            extra.append(Message("error", "", "", "", NO_PERIOD))
        extra.extend(trend_warnings(store, sub))
    messages = [Message("error", "", "", "", reason)] if reason else [*extra, *(sub.messages if sub else [])]
    accepted = not any(m.level == "error" for m in messages)
    suffix = path.suffix.lower() if _EXT.match(path.suffix.lower()) else ".bin"
    rel = f"archive/{sha}.xlsx" if accepted else f"archive/rejected/{sha}{suffix}"
    marked: Path | None = None
    if not accepted and sub is not None and form_id and any(m.cell for m in messages if m.level == "error"):
        marked = marked_copy_path(ws, sha, institution, form_id, period)

    # F3 reports (one per pupil) and F5 meeting records each stand alone; only the yearly forms have
    # versions where a new file replaces the institution's previous one.
    versioned = form_id in FORMS and FORMS[form_id].versioned
    with store.transaction() as conn:
        version = replaces = None
        cur = None
        if accepted and not versioned:
            version = 1
        elif accepted:
            cur = conn.execute(
                "SELECT id, version FROM submissions WHERE form_id = ? AND period = ? AND institution = ?"
                " AND state = 'accepted'", (form_id, period, institution)).fetchone()
            top = conn.execute(
                "SELECT max(version) FROM submissions WHERE form_id = ? AND period = ? AND institution = ?",
                (form_id, period, institution)).fetchone()[0]
            version = (top or 0) + 1
            if cur:
                replaces = cur[1]
                conn.execute("UPDATE submissions SET state = 'superseded' WHERE id = ?", (cur[0],))
        info = ReceiptInfo(
            sha, path.name, received, "accepted" if accepted else "rejected", institution, form_id, period,
            version, replaces, [_line(m, form_id) for m in messages if m.level == "error"],
            [_line(m, form_id) for m in messages if m.level == "warning"],
            _summary(sub) if accepted and sub else [], marked.name if marked else None,
        )
        text = receipt_text(cfg, info)
        sid = conn.execute(
            "INSERT INTO submissions (sha256, institution, form_id, period, version, state, received_at,"
            " original_name, size, archived_as, receipt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (sha, institution, form_id, period, version, info.state, received, path.name, size, rel, text),
        ).lastrowid
        assert sid is not None
        if cur:
            conn.execute("UPDATE submissions SET superseded_by = ? WHERE id = ?", (sid, cur[0]))
        if accepted and sub is not None:
            handler = HANDLERS.get(form_id or "")
            data = handler(conn, sid, sub, ws) if handler else sub.data
            conn.execute("UPDATE submissions SET data = ? WHERE id = ?",
                         (json.dumps(data, ensure_ascii=False, default=str), sid))
        conn.executemany(
            "INSERT INTO messages (submission_id, seq, level, sheet, cell, field, text)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(sid, i, m.level, m.sheet, m.cell, m.field, m.text) for i, m in enumerate(messages)],
        )

    result = Result(path.name, "accepted" if accepted else "rejected", sha, institution, form_id, period,
                    version, errors=info.errors, warnings=info.warnings)
    _outputs(ws, path, sub, marked, result, text, cfg)
    _move(path, ws.root / rel)
    return result


def _outputs(ws: Workspace, path: Path, sub: Submission | None, marked: Path | None, result: Result,
             text: str, cfg: Config) -> None:
    """After the commit: marked copy, log line, receipt (the receipt last: it means "outputs done")."""
    if marked is not None and sub is not None:
        try:
            marked.parent.mkdir(parents=True, exist_ok=True)
            write_marked_copy(sub, cfg, marked)
            result.marked_copy = marked
        except Exception as e:  # the receipt still lists every error with its cell
            text += f"\n(Labojamo kopiju neizdevās izveidot: {type(e).__name__}. Kļūdas uzskaitītas augstāk.)\n"
    outcome = _LABELS[result.outcome] + (f" v{result.version}" if result.version else "")
    if result.recovered:
        outcome += " (pabeigts pēc pārtraukuma)"
    log_line(secure_dir(ws.archive), result.sha256, result.institution, result.form_id, outcome)
    result.receipt = write_atomic(
        receipt_path(ws, result.sha256, result.institution, result.form_id, result.period), text)


def _finish_known(path: Path, ws: Workspace, store: Store, row: SubmissionRow) -> Result:
    """The store already has this content: a resend ("jau saņemts") or a move a crash interrupted."""
    archived = ws.root / row.archived_as
    outcome: Outcome = "rejected" if row.state == "rejected" else "accepted"
    result = Result(path.name, outcome, row.sha256, row.institution, row.form_id, row.period, row.version,
                    errors=row.errors, warnings=row.warnings)
    receipt = receipt_path(ws, row.sha256, row.institution, row.form_id, row.period)
    if archived.exists():
        now = datetime.now().astimezone().isoformat(timespec="seconds")
        info = ReceiptInfo(row.sha256, row.original_name, row.received_at, row.state, row.institution,
                           row.form_id, row.period, row.version, None, [], [], [], None)
        dup = receipt.with_name(f"{receipt_stem(row.sha256, row.form_id, row.period)}_atkartoti.txt")
        result.receipt = write_atomic(dup, duplicate_text(ws.config, info, path.name, now))
        log_line(secure_dir(ws.archive), row.sha256, row.institution, row.form_id, "jau saņemts")
        path.unlink(missing_ok=True)
        result.outcome = "duplicate"
        return result
    result.recovered = True
    if receipt.exists():
        result.receipt = receipt
        log_line(secure_dir(ws.archive), row.sha256, row.institution, row.form_id,
                 f"{_LABELS[outcome]} (pārvietošana pabeigta pēc pārtraukuma)")
    else:
        cfg = ws.config
        sub = marked = None
        if row.state == "rejected" and row.form_id and any(" šūna " in e for e in row.errors):
            sub = _read(path, cfg)
            marked = marked_copy_path(ws, row.sha256, row.institution, row.form_id, row.period)
        _outputs(ws, path, sub, marked, result, store.receipt_text(row.id), cfg)
    _move(path, archived)
    return result


def _line(m: Message, form_id: str | None) -> str:
    """A receipt line; for case reports (F3) any quoted or bracketed value is left out of the text."""
    if form_id != "F3":
        return m.line()
    text = re.sub(r"\s{2,}", " ", _QUOTED.sub("“…”", m.text)).strip()
    return Message(m.level, m.sheet, m.cell, m.field, text).line()


def _read(path: Path, cfg: Config) -> Submission | None:
    """The forms' reader; a reader crash on hostile content becomes a rejection, not a dead intake."""
    try:
        return read_submission(path, cfg)
    except Exception:  # includes MemoryError and RecursionError from a hostile file
        return None


def _summary(sub: Submission) -> list[str]:
    """Counts of what was accepted (never values: case reports must not leak into receipts)."""
    if sub.form_id == "F3":
        return ["Ziņojums saņemts un nodots izglītības pārvaldei."]
    fields = rows = 0

    def walk(v: Any) -> None:
        nonlocal fields, rows
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                if isinstance(x, dict):
                    rows += 1
                walk(x)
        elif v not in (None, ""):
            fields += 1

    walk(sub.data)
    text = f"Saglabāti dati: {fields} aizpildītas vērtības"
    return [text + (f", {rows} tabulu rindas." if rows else ".")]


def _move(src: Path, dest: Path) -> None:
    """Move the original into the archive, owner-only. Same disk: one atomic rename; else copy+rename."""
    secure_dir(dest.parent)  # 0700: nobody else can reach the file whatever its own mode
    with contextlib.suppress(OSError):
        os.chmod(src, 0o600)  # before the rename, so a kill right after it leaves no readable file
    try:
        os.replace(src, dest)
    except FileNotFoundError:
        return  # another look already moved it
    except OSError as e:
        if e.errno != errno.EXDEV:
            raise
    else:
        with contextlib.suppress(OSError):
            os.chmod(dest, 0o600)  # a network inbox may have ignored the first chmod
        return
    tmp = dest.with_name(f".{dest.name}.tmp")
    shutil.copyfile(src, tmp)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, dest)
    src.unlink(missing_ok=True)
