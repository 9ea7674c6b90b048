"""Shared fixtures. Every test runs in its own workspace under tmp_path, never the repository's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.core.workspace import RUNTIME_DIRS, Workspace

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _isolated_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point PMP_WORKSPACE at an empty folder so no test touches the repository's inbox or outbox."""
    monkeypatch.setenv("PMP_WORKSPACE", str(tmp_path / "no-workspace"))


@pytest.fixture
def mini_ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """A small workspace from tests/data/mini_config.toml (3 schools, 5 activities, 4 indicators)."""
    root = tmp_path / "ws"
    root.mkdir()
    for name in RUNTIME_DIRS:
        (root / name).mkdir()
    shutil.copyfile(DATA / "mini_config.toml", root / "config.toml")
    monkeypatch.setenv("PMP_WORKSPACE", str(root))
    return Workspace(root)
