"""Shared plumbing for the ``tests/test_preset_*.py`` files: a workspace made from a preset, checked and
shown as JSON, and lookups into that JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from generator.cli import cli


def shown_preset(tmp_path_factory: pytest.TempPathFactory, name: str,
                 also_check: Callable[[Path, Result], None] | None = None) -> dict[str, Any]:
    """``pmp init <tmp> --preset NAME``, ``config check`` (must pass), then the ``config show --json`` output.

    ``also_check(ws, check_result)``, when given, runs after the check for a preset's own assertions
    (the exact check message, files in the workspace).
    """
    ws = tmp_path_factory.mktemp(name) / "ws"
    runner = CliRunner()
    res = runner.invoke(cli, ["init", str(ws), "--preset", name], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    check = runner.invoke(cli, ["--workspace", str(ws), "config", "check"], catch_exceptions=False)
    assert check.exit_code == 0, check.output
    assert check.output.startswith("config.toml ir kārtībā"), check.output
    if also_check is not None:
        also_check(ws, check)
    show = runner.invoke(cli, ["--workspace", str(ws), "config", "show", "--json"], catch_exceptions=False)
    assert show.exit_code == 0, show.output
    data: dict[str, Any] = json.loads(show.stdout)
    return data


def activity(data: dict[str, Any], number: str) -> dict[str, Any]:
    """The plan activity numbered ``number``."""
    return next(a for a in data["plan"]["activities"] if a["number"] == number)


def indicator(data: dict[str, Any], number: str) -> dict[str, Any]:
    """The plan indicator numbered ``number``."""
    return next(i for i in data["plan"]["indicators"] if i["number"] == number)


def institution(data: dict[str, Any], inst_id: str) -> dict[str, Any]:
    """The institution with id ``inst_id``."""
    return next(i for i in data["institutions"] if i["id"] == inst_id)
