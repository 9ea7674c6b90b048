"""What the ludza programme's monitoring chapter requires, checked on the documents `pmp build` makes.

The requirements are tests/data/requirements/ludza.toml (rendered as docs/prasibas/ludza.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.requirements_support import (
    DOCS,
    Built,
    build_preset,
    check_requirement,
    load,
    render_markdown,
    split_words,
)

PRESET = "ludza"
REQUIREMENTS = load(PRESET)["requirement"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_preset(PRESET, Path(tmp_path_factory.mktemp(PRESET)))


@pytest.mark.slow
@pytest.mark.parametrize("requirement", REQUIREMENTS, ids=[r["id"] for r in REQUIREMENTS])
def test_requirement_is_met(built: Built, requirement: dict[str, Any]) -> None:
    check_requirement(built, requirement)


def test_markdown_table_is_in_step() -> None:
    assert (DOCS / f"{PRESET}.md").read_text(encoding="utf-8") == render_markdown(load(PRESET))


@pytest.mark.slow
@pytest.mark.parametrize("document", ["report", "plan", "summary"])
def test_no_word_is_broken_in_the_pdf(built: Built, document: str) -> None:
    """LibreOffice's PDF of the document has no piece of a word that the document does not have whole."""
    assert split_words(built.paths[document]) == []
