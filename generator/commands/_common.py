"""Shared CLI plumbing: finding the workspace and turning domain errors into click errors."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..core.errors import ConfigError, PmpError
from ..core.period import Period, resolve_period
from ..core.workspace import Workspace

if TYPE_CHECKING:
    from ..core.config import Config

F = TypeVar("F", bound=Callable[..., Any])


def get_workspace() -> Workspace:
    ctx = click.get_current_context()
    root = ctx.find_root().obj.get("workspace") if ctx.find_root().obj else None
    return Workspace.locate(root)


def load(ws: Workspace) -> Config:
    return ws.config


def get_period(ws: Workspace, year: int | None) -> Period:
    return resolve_period(ws.config, year)


def domain_errors(func: F) -> F:
    """Turn project errors into ``click.ClickException`` (stderr, exit 1), one problem per line."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ConfigError as e:
            raise click.ClickException("konfigurācijā ir kļūdas:\n" + "\n".join(e.problems)) from e
        except PmpError as e:
            raise click.ClickException(str(e)) from e

    return wrapper  # type: ignore[return-value]


period_option = click.option(
    "--period", "-p", type=click.IntRange(2000, 2100), default=None,
    help="Periods (gads); bez tā — pašreizējais.",
)
