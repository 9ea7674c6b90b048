"""The store: SQLite under ``archive/`` holding every submission, its version history and its data.

Everything is keyed by the file's sha256, so seeing the same file again is harmless. Writes happen in
one transaction per file (WAL, ``synchronous=FULL``); the intake moves files only after the commit.
Every table is defined in :mod:`generator.store.schema`; forms with tables of their own (F3, F5) are
filled by the intake's handlers (:mod:`generator.intake.handlers`) inside the submission's transaction.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import WorkspaceError
from ..core.platform import network_location as network_fstype
from ..core.platform import private_dir as secure_dir
from ..core.platform import private_file
from . import schema as schema
from .migrations import register_migration, run_migrations

if TYPE_CHECKING:
    from ..core.workspace import Workspace

__all__ = [
    "Accepted", "HeldRow", "Store", "SubmissionRow", "network_fstype", "open_store",
    "register_migration", "secure_dir",
]


NETWORK_STORE = (
    "krātuvi {path} nevar glabāt tīkla diskā ({fstype}): SQLite tur var sabojāt datus. "
    "Novietojiet darba vietu (vismaz mapi archive/) uz šī datora diska."
)


@dataclass
class Accepted:
    """The newest accepted version of one institution's form for a period."""

    institution: str
    form_id: str
    period: int
    version: int
    received_at: str
    sha256: str
    data: dict[str, Any]
    warnings: list[str]


@dataclass
class SubmissionRow:
    """One row of a submission's history (accepted, superseded or rejected)."""

    id: int
    sha256: str
    institution: str | None
    form_id: str | None
    period: int | None
    version: int | None
    state: str
    received_at: str
    original_name: str
    superseded_by: int | None
    archived_as: str
    errors: list[str]
    warnings: list[str]
    #: The inbox file's identity when it was taken (device:inode:size:mtime_ns), if known.
    source_sig: str | None = None
    #: A rejection caused by us (our exception, our config): the same file is processed again.
    retryable: bool = False


@dataclass
class HeldRow:
    """A file held for the board: not a submission yet (see migration 2)."""

    id: int
    sha256: str
    kind: str  # error (our own exception) | sender (the mail intake could not vouch for the sender)
    detail: str  # one Latvian line for the board
    traceback: str
    institution: str | None
    form_id: str | None
    period: int | None
    received_at: str
    held_at: str
    attempts: int
    original_name: str
    size: int
    archived_as: str
    source_sig: str | None
    origin: dict[str, Any]
    receipt: str


_SUB_COLS = ("id, sha256, institution, form_id, period, version, state, received_at, original_name,"
             " superseded_by, archived_as, source_sig, retryable")
_HELD_COLS = ("id, sha256, kind, detail, traceback, institution, form_id, period, received_at, held_at,"
              " attempts, original_name, size, archived_as, source_sig, origin, receipt")


class Store:
    """An open store. ``conn`` is in autocommit mode; write with :meth:`transaction`."""

    def __init__(self, conn: sqlite3.Connection, ws: Workspace):
        self.conn = conn
        self.ws = ws

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT`` (rolled back on any exception)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException:
            # SQLite may have rolled back already (a full disk does that): then ROLLBACK itself fails
            # with "cannot rollback", which must not hide the error that matters.
            if self.conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
            raise

    # ---- reading ---------------------------------------------------------------------------------
    def latest(self, form_id: str, period: int) -> list[Accepted]:
        """The newest accepted version per institution of ``form_id`` for ``period``."""
        rows = self.conn.execute(
            "SELECT id, institution, form_id, period, version, received_at, sha256, data FROM submissions"
            " WHERE form_id = ? AND period = ? AND state = 'accepted' ORDER BY institution",
            (form_id, period),
        ).fetchall()
        return [
            Accepted(r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7] or "{}"), self._lines(r[0], "warning"))
            for r in rows
        ]

    def accepted_data(self, institution: str, form_id: str, period: int) -> dict[str, Any] | None:
        """The data of one institution's current accepted form for a period, if there is one."""
        row = self.conn.execute(
            "SELECT data FROM submissions WHERE institution = ? AND form_id = ? AND period = ?"
            " AND state = 'accepted' ORDER BY id DESC LIMIT 1", (institution, form_id, period)).fetchone()
        return None if row is None else json.loads(row[0] or "{}")

    def history(self, institution: str, form_id: str, period: int) -> list[SubmissionRow]:
        """Every submission of one institution's form for a period, oldest first."""
        rows = self.conn.execute(
            f"SELECT {_SUB_COLS} FROM submissions"
            " WHERE institution = ? AND form_id = ? AND period = ? ORDER BY id",
            (institution, form_id, period),
        ).fetchall()
        return [self._row(r) for r in rows]

    def by_sha(self, sha256: str) -> SubmissionRow | None:
        """The submission with this content hash, if the store has seen it."""
        r = self.conn.execute(
            f"SELECT {_SUB_COLS} FROM submissions WHERE sha256 = ?",
            (sha256,),
        ).fetchone()
        return self._row(r) if r else None

    def receipt_text(self, submission_id: int) -> str:
        """The receipt text stored with a submission (written again if a crash lost the file)."""
        row = self.conn.execute("SELECT receipt FROM submissions WHERE id = ?", (submission_id,)).fetchone()
        return row[0] if row else ""

    def period_rows(self, period: int) -> list[SubmissionRow]:
        """Every submission of a period, oldest first (for status)."""
        rows = self.conn.execute(
            f"SELECT {_SUB_COLS} FROM submissions WHERE period = ? ORDER BY id",
            (period,),
        ).fetchall()
        # Every message of the period in one query (two per row made `pmp status` grow with S).
        lines: dict[tuple[int, str], list[str]] = {}
        from ..forms.submission import Message

        for sid, level, *rest in self.conn.execute(
            "SELECT m.submission_id, m.level, m.sheet, m.cell, m.field, m.text FROM messages m "
            "JOIN submissions s ON s.id = m.submission_id WHERE s.period = ? ORDER BY m.submission_id, m.seq",
            (period,),
        ):
            lines.setdefault((sid, level), []).append(Message(level, *rest).line())
        return [self._row(r, lines) for r in rows]

    def count(self, state: str | None = None) -> int:
        """Number of submissions (optionally in one state)."""
        if state is None:
            return int(self.conn.execute("SELECT count(*) FROM submissions").fetchone()[0])
        return int(self.conn.execute("SELECT count(*) FROM submissions WHERE state = ?", (state,)).fetchone()[0])

    def _lines(self, submission_id: int, level: str) -> list[str]:
        from ..forms.submission import Message

        rows = self.conn.execute(
            "SELECT sheet, cell, field, text FROM messages WHERE submission_id = ? AND level = ? ORDER BY seq",
            (submission_id, level),
        ).fetchall()
        return [Message(level, *r).line() for r in rows]  # type: ignore[arg-type]

    def _row(self, r: tuple[Any, ...], lines: dict[tuple[int, str], list[str]] | None = None) -> SubmissionRow:
        """A submission row; its messages from ``lines`` (read for many rows at once) or queried."""
        if lines is None:
            errors, warnings = self._lines(r[0], "error"), self._lines(r[0], "warning")
        else:
            errors, warnings = lines.get((r[0], "error"), []), lines.get((r[0], "warning"), [])
        return SubmissionRow(
            id=r[0], sha256=r[1], institution=r[2], form_id=r[3], period=r[4], version=r[5], state=r[6],
            received_at=r[7], original_name=r[8], superseded_by=r[9], archived_as=r[10],
            errors=errors, warnings=warnings,
            source_sig=r[11], retryable=bool(r[12]),
        )

    # ---- held files ------------------------------------------------------------------------------
    def held(self, sha256: str | None = None) -> list[HeldRow]:
        """Every held file (oldest first), or the one with this content hash."""
        where, args = ("WHERE sha256 = ?", (sha256,)) if sha256 else ("", ())
        rows = self.conn.execute(f"SELECT {_HELD_COLS} FROM held {where} ORDER BY id", args).fetchall()
        names = [n.strip() for n in _HELD_COLS.split(",")]
        return [HeldRow(**{**dict(zip(names, r, strict=True)), "origin": json.loads(r[15] or "{}")})
                for r in rows]

    def current_version(self, institution: str, form_id: str, period: int) -> tuple[int, str] | None:
        """(version, received_at) of the accepted version in use, if any."""
        row = self.conn.execute(
            "SELECT version, received_at FROM submissions WHERE institution = ? AND form_id = ? AND period = ?"
            " AND state = 'accepted' ORDER BY id DESC LIMIT 1", (institution, form_id, period)).fetchone()
        return None if row is None else (int(row[0]), str(row[1]))

    def unrecognised(self, since: str) -> list[SubmissionRow]:
        """Rejected files whose form or institution could not be told, received on or after ``since``."""
        rows = self.conn.execute(
            f"SELECT {_SUB_COLS} FROM submissions WHERE state = 'rejected' AND institution IS NULL"
            " AND received_at >= ? ORDER BY id", (since,)).fetchall()
        return [self._row(r) for r in rows]


def _connect(path: Path) -> sqlite3.Connection:
    if not path.exists():
        # Create the file owner-only first: SQLite gives the -wal and -shm files the same mode.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    private_file(path)
    conn = sqlite3.connect(path, isolation_level=None, timeout=30.0)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


@contextmanager
def open_store(ws: Workspace) -> Iterator[Store]:
    """Open (creating if needed) the workspace's store; migrations run on every open.

    Refuses a store on a network filesystem with a :class:`WorkspaceError` naming the filesystem.
    """
    archive = ws.archive
    if not ws.root.is_dir():
        raise WorkspaceError(f"darba vieta {ws.root} nav atrasta")
    fstype = network_fstype(archive if archive.exists() else ws.root)
    if fstype:
        raise WorkspaceError(NETWORK_STORE.format(path=ws.store_path, fstype=fstype))
    secure_dir(archive)
    conn = _connect(ws.store_path)
    try:
        run_migrations(conn)
        yield Store(conn, ws)
    finally:
        conn.close()
