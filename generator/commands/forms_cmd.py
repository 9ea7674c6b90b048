"""``pmp forms``: blank workbooks for the institutions of a period."""

from __future__ import annotations

import click

from ._common import domain_errors, get_period, get_workspace, period_option


@click.command("forms")
@period_option
@click.option("--institution", "-i", default=None, metavar="ID",
              help="Tikai šai iestādei (iestādes id no config.toml).")
@domain_errors
def forms_cmd(period: int | None, institution: str | None) -> None:
    """Izveido tukšas veidlapas (F1–F4) mapē forms/<gads>/<iestāde>/."""
    from ..forms import generate_forms

    ws = get_workspace()
    per = get_period(ws, period)
    paths = generate_forms(ws, per, institution)
    for path in paths:
        click.echo(f"  {path.relative_to(ws.root)}")
    folders = len({p.parent for p in paths})
    click.echo(f"Izveidotas veidlapas: {len(paths)}, iestādes: {folders} ({per.label}); mape "
               f"{ws.forms_dir / str(per.year)}.")


COMMANDS = [forms_cmd]
