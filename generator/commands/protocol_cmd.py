"""``pmp protocol new|blank|final``: the cooperation group's meeting protocols."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ._common import domain_errors, get_workspace


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    from ..forms.values import parse_date

    if value is None:
        return None
    day, problem = parse_date(value)
    if problem or day is None:
        raise click.BadParameter(f"“{value}” nav datums; rakstiet, piemēram, 12.02.2025 vai 2025-02-12")
    return day


def _rel(ws_root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(ws_root))
    except ValueError:
        return str(path)


def _pdf(docx: Path) -> Path:
    """The PDF beside a protocol, owner-only like the protocol itself."""
    from ..cases.perms import private_file
    from ..documents.pdf import to_pdf

    return private_file(to_pdf(docx))


@click.group("protocol")
def protocol_cmd() -> None:
    """Sadarbības grupas sanāksmju protokoli: projekts, galīgais protokols, tukša veidlapa."""


@protocol_cmd.command("new")
@click.option("--date", "day", required=True, callback=_date, help="Sanāksmes datums, piemēram 12.02.2025.")
@click.option("--place", default=None, help="Sanāksmes vieta.")
@click.option("--pdf", is_flag=True, help="Izveidot arī PDF (vajadzīgs LibreOffice).")
@domain_errors
def new_cmd(day: date, place: str | None, pdf: bool) -> None:
    """Nākamais gada protokols: veidlapa F5 ar darba kārtību un protokola projekts drukāšanai."""
    from ..core import lv
    from ..protocols import new_protocol

    ws = get_workspace()
    made = new_protocol(ws, day, place)
    verb = "atjaunots" if made.reused else "sagatavots"
    click.echo(f"Sanāksmes protokols Nr. {made.number} ({lv.date_long(made.meeting_date)}) {verb}: darba "
               f"kārtībā {lv.count(made.items, 'jautājums', 'jautājumi')}, no tiem "
               f"{lv.count(made.cases, 'gadījums', 'gadījumi')}.")
    if made.decisions:
        click.echo(f"Jāziņo par iepriekšējo sanāksmju lēmumiem: {made.decisions}, no tiem termiņš nokavēts: "
                   f"{made.overdue} (lapa “Lēmumu izpilde”).")
    click.echo(f"Veidlapa F5 protokolistam: {_rel(ws.root, made.form)}")
    click.echo(f"Protokola projekts drukāšanai: {_rel(ws.root, made.draft)}")
    if pdf:
        click.echo(f"PDF: {_rel(ws.root, _pdf(made.draft))}")
    click.echo("Pēc sanāksmes aizpildiet veidlapu F5 un ievietojiet to iesūtnē (inbox/).")


@protocol_cmd.command("blank")
@click.option("--pdf", is_flag=True, help="Izveidot arī PDF (vajadzīgs LibreOffice).")
@domain_errors
def blank_cmd(pdf: bool) -> None:
    """Tukša protokola veidlapa drukāšanai (outbox/protokoli/)."""
    from ..protocols import write_blank

    ws = get_workspace()
    path = write_blank(ws)
    click.echo(f"Tukša protokola veidlapa: {_rel(ws.root, path)}")
    if pdf:
        click.echo(f"PDF: {_rel(ws.root, _pdf(path))}")


@protocol_cmd.command("final")
@click.argument("number", type=click.IntRange(1, 999), metavar="NUMURS")
@click.option("--year", type=click.IntRange(2000, 2100), default=None,
              help="Protokola gads; bez tā — šis gads.")
@click.option("--pdf", is_flag=True, help="Izveidot arī PDF (vajadzīgs LibreOffice).")
@domain_errors
def final_cmd(number: int, year: int | None, pdf: bool) -> None:
    """Galīgo protokolu no pieņemtās F5 veidlapas izveido vēlreiz (piemēram, pēc veidnes labošanas)."""
    from ..protocols import final_again

    ws = get_workspace()
    path = final_again(ws, year or date.today().year, number)
    click.echo(f"Galīgais protokols: {_rel(ws.root, path)}")
    if pdf:
        click.echo(f"PDF: {_rel(ws.root, _pdf(path))}")


COMMANDS = [protocol_cmd]
