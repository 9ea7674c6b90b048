"""``pmp report``, ``plan``, ``build``, ``demo``, ``evaluation``, ``summary``, ``extracts``: thin wrappers over generator.documents."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..core import lv
from ..core.errors import DocumentError
from ._common import domain_errors, get_period, get_workspace, period_option

if TYPE_CHECKING:
    from ..pipeline.build import BuildResult

pdf_option = click.option("--pdf", is_flag=True, help="Izveidot arī PDF ar LibreOffice (ja tas ir instalēts).")


def _pdf(path: Path) -> None:
    from ..documents.pdf import to_pdf

    try:
        click.echo(f"PDF: {to_pdf(path)}")
    except DocumentError as e:
        click.echo(str(e), err=True)


def _one_document(kind: str, period: int | None, pdf: bool) -> None:
    """Render the report, the plan or the public summary for the period, print its path, optionally as PDF."""
    from ..documents.dataset import load_dataset
    from ..documents.plan import make_plan
    from ..documents.public import make_public_summary
    from ..documents.report import make_report

    make, title = {"report": (make_report, "Gada pārskats"), "plan": (make_plan, "Rīcības plāns"),
                   "summary": (make_public_summary, "Publiskais kopsavilkums")}[kind]
    ws = get_workspace()
    per = get_period(ws, period)
    path = make(ws, per, load_dataset(ws, per), date.today())
    click.echo(f"{title} ({per.label}): {path}")
    if pdf:
        _pdf(path)


@click.command("report")
@period_option
@pdf_option
@domain_errors
def report_cmd(period: int | None, pdf: bool) -> None:
    """Gada īstenošanas pārskats -> outbox/<gads>/gada_parskats_<gads>.docx."""
    _one_document("report", period, pdf)


@click.command("plan")
@period_option
@pdf_option
@domain_errors
def plan_cmd(period: int | None, pdf: bool) -> None:
    """Aktualizētais rīcības plāns -> outbox/<gads>/ricibas_plans_<gads>.docx."""
    _one_document("plan", period, pdf)


def _print_build(result: BuildResult) -> None:
    click.echo(result.ingest_line)
    for line in result.attention:
        click.echo(line)
    if result.missing:
        click.echo(f"Trūkst informācijas no {len(result.missing)} iestādēm:")
        for miss in result.missing:
            click.echo(f"  {miss.institution.name}: {', '.join(miss.forms)}")
        click.echo(f"Atgādinājumu melnraksti (.eml): {result.reminders[0].parent}")
    else:
        click.echo("Visas gaidītās veidlapas ir saņemtas.")
    click.echo("Izveidotie dokumenti:")
    for doc in result.documents:
        click.echo(f"  {doc}")
    if result.extracts:
        click.echo(f"  Iestāžu izraksti nākamajam gadam: {lv.count(len(result.extracts), 'fails', 'faili')} mapē "
                   f"{result.extracts[0].parent}")
    for problem in result.pdf_problems:
        click.echo(problem, err=True)


@click.command("build")
@period_option
@pdf_option
@domain_errors
def build_cmd(period: int | None, pdf: bool) -> None:
    """Apstrādā iesūtni, pārbauda pilnīgumu (atgādinājumi) un izveido visus perioda dokumentus."""
    from ..pipeline.build import build

    ws = get_workspace()
    per = get_period(ws, period)
    click.echo(f"{ws.config.municipality.name}: {per.label}")
    result = build(ws, per, date.today(), pdf=pdf, progress=lambda msg: click.echo(f"  {msg}"))
    _print_build(result)


@click.command("demo")
@click.argument("directory", type=click.Path(file_okay=False), default="demo", metavar="[MAPE]")
@domain_errors
def demo_cmd(directory: str) -> None:
    """Visa plūsma ar noklusējuma pašvaldību: veidlapas, aizpildīti iesniegumi, pieņemšana, dokumenti."""
    from ..pipeline.demo import run_demo

    result = run_demo(Path(directory), date.today(), progress=lambda msg: click.echo(f"  {msg}"))
    ws = result.workspace
    click.echo("")
    click.echo(f"Demonstrācija gatava: {ws.root}")
    click.echo(f"  Tukšās veidlapas: {ws.forms_dir / str(result.period.year)} ({lv.count(len(result.blank_forms), 'fails', 'faili')})")
    click.echo(f"  Iesniegti: {len(result.submitted)}; ar kļūdām (noraidīti): "
               + ", ".join(p.name for p in result.faulty))
    click.echo(f"  Kvītis: {ws.receipts}")
    if result.build:
        _print_build(result.build)
    if result.protocol:
        click.echo(f"Sadarbības grupas sanāksme Nr. {result.protocol.number}: veidlapa {result.protocol.form}, "
                   f"protokola projekts {result.protocol.draft}")
    click.echo(f"Nākamais solis: cd {ws.root} && pmp status")


@click.command("evaluation")
@click.option("--kind", type=click.Choice(["mid", "final"]), required=True,
              help="mid — starpposma izvērtējums; final — noslēguma ziņojums.")
@period_option
@pdf_option
@domain_errors
def evaluation_cmd(kind: str, period: int | None, pdf: bool) -> None:
    """Starpposma izvērtējums vai noslēguma ziņojums: rādītāji un aktivitātes pa visiem plāna gadiem."""
    from ..documents.evaluation import TITLES, evaluation_year, make_evaluation

    ws = get_workspace()
    year = period if period is not None else evaluation_year(ws.config, kind)  # type: ignore[arg-type]
    per = get_period(ws, year)
    path = make_evaluation(ws, per, kind, date.today())  # type: ignore[arg-type]
    click.echo(f"{TITLES[kind]} ({per.label}): {path}")
    if pdf:
        _pdf(path)


@click.command("summary")
@period_option
@pdf_option
@domain_errors
def summary_cmd(period: int | None, pdf: bool) -> None:
    """Vienas lapas publiskais kopsavilkums tīmekļvietnei (bez personas datiem)."""
    _one_document("summary", period, pdf)


@click.command("extracts")
@period_option
@click.option("--institution", default=None, help="Tikai šai iestādei (iestādes id no config.toml).")
@domain_errors
def extracts_cmd(period: int | None, institution: str | None) -> None:
    """Katras iestādes izraksts: nākamā gada rīcības plāna aktivitātes tās darba plānam."""
    from ..documents.public import make_extracts

    ws = get_workspace()
    per = get_period(ws, period)
    if institution is not None:
        try:
            ws.config.institution(institution)
        except KeyError as e:
            raise click.BadParameter(f"iestāde \"{institution}\" nav config.toml", param_hint="--institution") from e
    paths = make_extracts(ws, per, date.today(), only=institution)
    click.echo(f"Iestāžu izraksti ({len(paths)}): {paths[0].parent if paths else '—'}")


COMMANDS = [report_cmd, plan_cmd, build_cmd, demo_cmd, evaluation_cmd, summary_cmd, extracts_cmd]
