"""CLI commands, one module per command family; each exposes ``COMMANDS``."""

from ._latvian import use_latvian

# Before any command module defines its options: click names path types when they are created.
use_latvian()
