"""The README's install commands: the test command is exactly what CI runs, and both make their own venv."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _blocks(text: str) -> list[str]:
    return [b.strip() for b in re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S)]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first_screen = readme[: readme.index("\n## ")]
    demo, tests, win_demo, win_tests = _blocks(first_screen)[:4]
    assert demo.startswith("python3 -m venv .venv && ") and demo.endswith(" && .venv/bin/pmp demo")
    assert tests.startswith("python3 -m venv .venv && ") and tests.endswith(" && .venv/bin/python -m pytest")
    ci_lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci_lines[-1] == tests
    # The Windows variants: the same steps with the py launcher and the venv's Scripts folder.
    assert win_demo.splitlines() == ["py -m venv .venv", r".venv\Scripts\python -m pip install -e .",
                                     r".venv\Scripts\pmp demo"]
    assert win_tests.splitlines() == ["py -m venv .venv", r'.venv\Scripts\python -m pip install -e ".[test]"',
                                      r".venv\Scripts\python -m pytest"]


def test_ci_installs_the_fonts_the_templates_fall_back_to() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    for package in ("fonts-liberation2", "fonts-crosextra-carlito", "fonts-crosextra-caladea", "python3-venv"):
        assert package in ci, package
