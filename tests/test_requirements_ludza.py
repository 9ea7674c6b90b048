"""What the ludza programme's monitoring chapter requires, checked on the documents `pmp build` makes.

The requirements are tests/data/requirements/ludza.toml (rendered as docs/prasibas/ludza.md); the tests are
made by :func:`tests.requirements_support.preset_tests`.
"""

from tests.requirements_support import preset_tests

built, test_requirement_is_met, test_markdown_table_is_in_step, test_no_word_is_broken_in_the_pdf = preset_tests(
    "ludza")
