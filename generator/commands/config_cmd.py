"""``pmp init`` and ``pmp config check|show``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..core.errors import ConfigError, PmpError
from ..core.workspace import DEFAULT_PRESET, PRESETS, init_workspace
from ._common import domain_errors, get_workspace

if TYPE_CHECKING:
    from ..core.config import Config



def plan_summary(cfg: Config) -> str:
    """"8 mērķi, 26 aktivitātes, 9 rādītāji, 38 iestādes" — counts in agreement."""
    from ..core import lv

    return ", ".join([lv.count(len(cfg.plan.goals), "mērķis", "mērķi"),
                      lv.count(len(cfg.plan.activities), "aktivitāte", "aktivitātes"),
                      lv.count(len(cfg.plan.indicators), "rādītājs", "rādītāji"),
                      lv.count(len(cfg.institutions), "iestāde", "iestādes")])

@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False), metavar="MAPE")
@click.option("--preset", type=click.Choice(PRESETS), default=DEFAULT_PRESET, show_default=True,
              help="Pašvaldības programma, no kuras ņemt plānu.")
@domain_errors
def init_cmd(directory: str, preset: str) -> None:
    """Izveido jaunu darba vietu (config.toml, veidnes, mapes)."""
    ws = init_workspace(Path(directory), preset)
    cfg = ws.config
    click.echo(f"Izveidota darba vieta {ws.root} ({cfg.municipality.name}, paraugs \"{preset}\"): "
               f"{plan_summary(cfg)}.")


@click.group("config")
def config_group() -> None:
    """Konfigurācijas (config.toml) pārbaude un apskate."""


@config_group.command("check")
@click.option("--mail", "with_mail", is_flag=True,
              help="Arī pieslēgties pastkastei (IMAP) un pasta serverim (SMTP) ar [mail] iestatījumiem.")
def config_check(with_mail: bool) -> None:
    """Pārbauda config.toml; katra problēma savā rindā ar atslēgas ceļu."""
    from ..core import lv
    from ..core.config_check import config_warnings, load_config

    ws = get_workspace()
    try:
        cfg = load_config(ws.config_path)
    except ConfigError as e:
        for line in e.problems:
            click.echo(line, err=True)
        click.echo(f"config.toml: {lv.count(len(e.problems), 'kļūda', 'kļūdas')}", err=True)
        sys.exit(1)
    from ..documents.templates_lint import lint_templates  # optional: present once documents exist

    problems = lint_templates(ws)
    for line in problems:
        click.echo(line, err=True)
    if problems:
        sys.exit(1)
    click.echo(f"config.toml ir kārtībā: {cfg.municipality.name}, {plan_summary(cfg)}.")
    for line in config_warnings(cfg):
        click.echo(f"Brīdinājums: {line}", err=True)
    if with_mail:
        from ..mail import check_connection

        try:
            for line in check_connection(ws):
                click.echo(line)
        except PmpError as e:
            click.echo(f"E-pasts: {e}", err=True)
            sys.exit(1)


@config_group.command("show")
@click.option("--json", "as_json", is_flag=True, help="Izdrukāt JSON formātā.")
@domain_errors
def config_show(as_json: bool) -> None:
    """Parāda ielādēto konfigurāciju."""
    cfg = get_workspace().config
    data = cfg.model_dump(mode="json")
    if as_json:
        import json

        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"{cfg.municipality.name} — {cfg.municipality.board_name}")
    click.echo(f"Plāna gadi: {cfg.period.plan_years[0]}–{cfg.period.plan_years[-1]}; "
               f"starprezultāti: {', '.join(map(str, cfg.period.milestones))}")
    for goal in cfg.plan.goals:
        click.echo(f"  [{goal.level}] {goal.number}. {goal.title}")
        for act in cfg.plan.activities:
            if act.goal == goal.number:
                click.echo(f"      {act.number} {act.title}")


COMMANDS = [init_cmd, config_group]
