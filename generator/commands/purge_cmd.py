"""``pmp purge``: erase the personal data of closed cases past retention, or of one case."""

from __future__ import annotations

import click

from ._common import domain_errors, get_workspace


@click.command("purge")
@click.option("--case", "case_id", default=None, help="Dzēst vienas lietas personas datus (piemēram L-AB12CD34EF).")
@click.option("--dry-run", is_flag=True, help="Tikai parādīt, kas tiktu dzēsts.")
@domain_errors
def purge_cmd(case_id: str | None, dry_run: bool) -> None:
    """Dzēš slēgto lietu personas datus pēc glabāšanas termiņa (cooperation_group.retention_years) un
    atvērto lietu datus, kurās ilgi nekas nav noticis (inactive_years), pēc brīdinājuma valdei."""
    from ..pipeline.purge import purge

    ws = get_workspace()
    result = purge(ws, case_id=case_id.strip().upper() if case_id else None, dry_run=dry_run)
    for line in result.lines():
        click.echo(line)


COMMANDS = [purge_cmd]
