"""The ``pmp`` command line. Thin: each command parses options, calls one core function, prints.

Commands live in ``generator/commands/<name>.py``; each module exposes ``COMMANDS``, a list of click
commands, and is registered here automatically, so adding a command touches no other module.
"""

from __future__ import annotations

import importlib
import pkgutil

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


for _info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
    if _info.name.startswith("_"):
        continue
    _module = importlib.import_module(f"{commands.__name__}.{_info.name}")
    for _cmd in getattr(_module, "COMMANDS", []):
        cli.add_command(_cmd)
