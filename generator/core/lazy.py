"""Names a module lends from other modules, imported on first use (a PEP 562 module ``__getattr__``).

The command line starts quickly because a package's ``__init__`` does not import the heavy modules behind
its public names (the reader and python-calamine, the IMAP/SMTP stack, pydantic's models): the first use of
such a name imports its module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lender(module: str, package: str, lent: Mapping[str, str]) -> Callable[[str], Any]:
    """The ``__getattr__`` of ``module``: ``lent[name]`` is the module (relative to ``package``) that
    defines ``name``; any other name is an ``AttributeError`` as usual."""

    def __getattr__(name: str) -> Any:
        source = lent.get(name)
        if source is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        return getattr(import_module(f".{source}", package), name)

    return __getattr__
