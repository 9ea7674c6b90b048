"""Static checks as part of the test run (CONVENTIONS.md): ruff everywhere, the import layers, mypy on the core."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def _tool(name: str) -> str:
    """A console script of the test extra, from the running interpreter's environment or the PATH."""
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: install the test extra (pip install -e '.[test]')")
    return found


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=ROOT, capture_output=True, text=True, check=False, timeout=600)


def test_ruff_is_clean() -> None:
    done = _run(_tool("ruff"), "check", "generator", "tests", "benchmarks")
    assert done.returncode == 0, done.stdout + done.stderr


def test_import_layers_hold() -> None:
    """config → forms → store → cases → documents → protocols → intake → pipeline → commands: no module
    imports a layer above its own, not even inside a function (contract in pyproject.toml)."""
    done = _run(_tool("lint-imports"), "--no-cache")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 kept, 0 broken" in done.stdout


@pytest.mark.slow
def test_mypy_on_the_core() -> None:
    done = _run(_tool("mypy"))
    assert done.returncode == 0, done.stdout + done.stderr
