"""``pmp templates status | restore``: the workspace's own templates against the shipped ones."""

from __future__ import annotations

import click

from ..documents.render import TEMPLATE_NAMES
from ._common import domain_errors, get_workspace


@click.group("templates")
def templates_group() -> None:
    """Darba vietas Word veidnes: kuras mainītas, un piegādātās atjaunošana."""


@templates_group.command("status")
@domain_errors
def status_cmd() -> None:
    """Parāda, kuras darba vietas veidnes atšķiras no piegādātajām."""
    from ..documents.templates import template_states

    for state in template_states(get_workspace()):
        click.echo(state.line)


@templates_group.command("restore")
@click.argument("name", type=click.Choice(sorted(TEMPLATE_NAMES.values())), metavar="VEIDNE")
@domain_errors
def restore_cmd(name: str) -> None:
    """Atjauno piegādāto VEIDNI; darba vietas noformēto kopiju saglabā blakus ar laika zīmogu."""
    from ..documents.templates import restore_template

    ws = get_workspace()
    target, kept = restore_template(ws, name)
    click.echo(f"Atjaunota piegādātā veidne templates/{target.name}.")
    if kept is not None:
        click.echo(f"Jūsu noformētā kopija saglabāta: templates/{kept.name}")


COMMANDS = [templates_group]
