"""The store's plumbing: migrations, pragmas, owner-only files, the defusedxml guard."""

from __future__ import annotations

import sqlite3

import openpyxl
import pytest

from generator.core.errors import IntakeError
from generator.core.workspace import Workspace
from generator.intake import ingest_once
from generator.intake.safety import assert_defusedxml
from generator.store import migrations, open_store


def test_migrations_recorded_once_and_run_in_order(mini_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(migrations, "_MIGRATIONS", dict(migrations._MIGRATIONS))
    with open_store(mini_ws) as store:
        first = dict(store.conn.execute("SELECT number, name FROM migrations").fetchall())
    assert first[1] == "submissions"
    # 48 needs 47's table: registered out of order, they must still run in number order.
    migrations.register_migration(48, "test_extra", "CREATE TABLE extra (x INTEGER);\n"
                                                    "INSERT INTO extra SELECT count(*) FROM before_extra;")
    migrations.register_migration(47, "test_before", "CREATE TABLE before_extra (y TEXT);\n"
                                                     "INSERT INTO before_extra VALUES ('a');")
    with open_store(mini_ws) as store:
        names = dict(store.conn.execute("SELECT number, name FROM migrations").fetchall())
        assert (names[47], names[48]) == ("test_before", "test_extra")
        assert store.conn.execute("SELECT x FROM extra").fetchall() == [(1,)]
    with open_store(mini_ws) as store:  # opening again runs nothing twice
        assert store.conn.execute("SELECT count(*) FROM extra").fetchone()[0] == 1
    with pytest.raises(ValueError, match="already registered"):
        migrations.register_migration(48, "other", "SELECT 1;")


def test_failed_migration_leaves_no_trace(mini_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(migrations, "_MIGRATIONS", dict(migrations._MIGRATIONS))
    migrations.register_migration(49, "broken", "CREATE TABLE half (x);\nINSERT INTO nowhere VALUES (1);")
    with pytest.raises(IntakeError, match="krātuves migrācija 49 \\(broken\\) neizdevās"):
        with open_store(mini_ws):
            pass
    con = sqlite3.connect(mini_ws.store_path)
    assert con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half'").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM migrations WHERE number = 49").fetchone()[0] == 0
    con.close()


def test_store_files_owner_only(mini_ws: Workspace) -> None:
    mini_ws.archive.chmod(0o755)
    with open_store(mini_ws) as store:
        store.conn.execute("CREATE TABLE IF NOT EXISTS touch (x)")  # makes the -wal file
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert mini_ws.archive.stat().st_mode & 0o777 == 0o700
    for path in mini_ws.archive.glob("store.sqlite*"):
        assert path.stat().st_mode & 0o777 == 0o600, path


def test_defusedxml_is_required(mini_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    assert_defusedxml()
    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    with pytest.raises(IntakeError, match="openpyxl nelieto defusedxml"):
        ingest_once(mini_ws)
