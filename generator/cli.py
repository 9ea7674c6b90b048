"""The ``pmp`` command line. Thin: each command parses options, calls one core function, prints.

Commands live in ``generator/commands/<name>.py``; each module exposes ``COMMANDS``, a list of click
commands, and is registered here automatically, so adding a command touches no other module.
"""

from __future__ import annotations

import importlib
import os

import click

from . import __version__, commands


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pmp")
@click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False),
    envvar="PMP_WORKSPACE",
    help="Darba vietas mape (noklusējums: PMP_WORKSPACE vai pašreizējā mape).",
)
@click.pass_context
def cli(ctx: click.Context, workspace: str | None) -> None:
    """PMP prevencijas programmas rīks: veidlapas, iesniegumu pieņemšana, pārskati un protokoli."""
    ctx.obj = {"workspace": workspace}


def _command_modules() -> list[str]:
    """Names of the command modules: every public ``.py`` in ``generator/commands`` (a directory listing,
    not :mod:`pkgutil`, whose import alone costs more than listing the folder)."""
    return sorted(name[:-3] for path in commands.__path__ for name in os.listdir(path)
                  if name.endswith(".py") and not name.startswith("_"))


for _name in _command_modules():
    _module = importlib.import_module(f"{commands.__name__}.{_name}")
    for _cmd in getattr(_module, "COMMANDS", []):
        cli.add_command(_cmd)
