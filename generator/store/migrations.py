"""Numbered SQLite migrations, registered in order and recorded in a table (after llm's migrations.py).

Each module that owns tables registers its migrations at import time with :func:`register_migration`.
Numbers are shared across modules and fixed forever: the intake uses 1–49, the plan editions 50–69,
the cooperation group 70–99, the mail journal 100–119. A migration runs once, in its own transaction together with the row that
records it, so a crash half-way leaves either both or neither.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from ..core.errors import IntakeError


@dataclass(frozen=True)
class Migration:
    """One schema step: ``sql`` is a script of one or more statements."""

    number: int
    name: str
    sql: str


_MIGRATIONS: dict[int, Migration] = {}


def register_migration(number: int, name: str, sql: str) -> None:
    """Register migration ``number``. Registering the same number twice with other SQL is a bug."""
    if number < 1:
        raise ValueError("migration numbers start at 1")
    known = _MIGRATIONS.get(number)
    if known is not None:
        if known.name == name and known.sql == sql:
            return  # a module imported twice (e.g. by a test reloading it)
        raise ValueError(f"migration {number} is already registered as {known.name!r}")
    _MIGRATIONS[number] = Migration(number, name, sql)


def registered() -> list[Migration]:
    """All registered migrations in order."""
    return [_MIGRATIONS[n] for n in sorted(_MIGRATIONS)]


def applied(conn: sqlite3.Connection) -> dict[int, str]:
    """Numbers and names of the migrations already recorded in the store."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS migrations ("
        " number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    return {row[0]: row[1] for row in conn.execute("SELECT number, name FROM migrations")}


def run_migrations(conn: sqlite3.Connection) -> list[int]:
    """Apply every registered migration that the store has not recorded yet; return their numbers.

    ``conn`` must be in autocommit mode (``isolation_level=None``): each migration is wrapped in its
    own ``BEGIN IMMEDIATE … COMMIT`` so that two processes opening a fresh store do not both apply it.
    """
    done = applied(conn)
    ran: list[int] = []
    for mig in registered():
        if mig.number in done:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-check inside the write lock: another process may have just applied it.
            if conn.execute("SELECT 1 FROM migrations WHERE number = ?", (mig.number,)).fetchone():
                conn.execute("COMMIT")
                continue
            for statement in _statements(mig.sql):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO migrations (number, name, applied_at) VALUES (?, ?, ?)",
                (mig.number, mig.name, datetime.now(UTC).isoformat(timespec="seconds")),
            )
            conn.execute("COMMIT")
        except sqlite3.Error as e:
            conn.execute("ROLLBACK")
            raise IntakeError(f"krātuves migrācija {mig.number} ({mig.name}) neizdevās: {e}") from e
        ran.append(mig.number)
    return ran


def _statements(script: str) -> list[str]:
    """Split a migration script into complete statements (``executescript`` would commit on its own)."""
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
