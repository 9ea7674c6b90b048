"""``pmp ingest``, ``pmp watch`` and ``pmp status``."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import TYPE_CHECKING

import click

from ..core import lv
from ..core.errors import IntakeLocked
from ..core.period import resolve_period
from ._common import domain_errors, get_workspace, period_option

if TYPE_CHECKING:
    from ..intake import Result


def _echo_result(result: Result) -> None:
    if result.outcome != "ignored":
        click.echo(result.line())


@click.command("ingest")
@click.option("--retry-held", "retry", is_flag=True,
              help="Vispirms vēlreiz apstrādāt aizturētos failus (pēc programmas labošanas vai sūtītāja pārbaudes).")
@domain_errors
def ingest_cmd(retry: bool) -> None:
    """Apstrādā iesūtni vienreiz: katram failam kvīts; noraidīti faili nav kļūda (izejas kods 0).

    Izejas kods 1 tikai tad, ja kādu failu nevarēja apstrādāt vispār (tas paliek iesūtnē).
    """
    from ..intake import ingest_once

    ws = get_workspace()
    summary = ingest_once(ws, progress=_echo_result, retry=retry)
    click.echo(summary.line())
    if summary.failed:
        n = summary.failed
        left = "tas palika iesūtnē un tiks mēģināts" if lv.is_singular(n) else "tie palika iesūtnē un tiks mēģināti"
        raise click.ClickException(f"Neizdevās apstrādāt {lv.count(n, 'failu', 'failus')}; {left} vēlreiz "
                                   "nākamajā reizē.")


@click.command("watch")
@click.option("--poll", is_flag=True, help="Aptaujāt mapi (tīkla diskiem; tiek ieslēgts automātiski).")
@click.option("--interval", type=click.FloatRange(0.1, 3600), default=1.0, show_default=True,
              help="Sekundes starp pārbaudēm.")
@click.option("--rescan", type=click.FloatRange(1, 86400), default=60.0, show_default=True,
              help="Sekundes starp pilnām iesūtnes pārskatēm.")
@click.option("--wait", "wait_for_lock", is_flag=True,
              help="Ja iesūtni jau uzrauga cits process, gaidīt, nevis beigt darbu.")
@click.option("--mail", "with_mail", is_flag=True,
              help="Reizē ņemt iesniegumus arī no pastkastes (config.toml [mail]) un atbildēt pa e-pastu.")
@domain_errors
def watch_cmd(poll: bool, interval: float, rescan: float, wait_for_lock: bool, with_mail: bool) -> None:
    """Uzrauga iesūtni un apstrādā failus, tiklīdz tie ir pilnībā ierakstīti."""
    from ..intake.watch import Watcher
    from ..mail.connect import settings
    from ..mail.fetch import run_mail_beside_watcher

    ws = get_workspace()
    stop = threading.Event()
    mail_thread = None
    if with_mail:
        settings(ws)  # no [mail]: a clear error before anything starts
        mail_thread = threading.Thread(
            target=run_mail_beside_watcher, args=(ws, stop),
            kwargs={"progress": lambda t: click.echo(f"  {t.line()}"), "say": lambda s: click.echo(s, err=True)},
            name="pmp-mail", daemon=True)
        mail_thread.start()
    counts = {"accepted": 0, "rejected": 0, "duplicate": 0, "held": 0}

    def on_result(result: Result) -> None:
        _echo_result(result)
        if result.outcome in counts:
            counts[result.outcome] += 1

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    watcher = Watcher(ws, poll=poll, interval=interval, rescan_every=rescan, on_result=on_result,
                      say=lambda s: click.echo(s, err=True))
    try:
        watcher.run(stop, wait_for_lock=wait_for_lock)
    except IntakeLocked as e:
        raise click.ClickException(str(e)) from e
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        if mail_thread is not None:
            mail_thread.join(timeout=10)
    held = f", aizturēti pārbaudei {counts['held']}" if counts["held"] else ""
    click.echo(f"Uzraudzība beigta: pieņemti {counts['accepted']}, noraidīti {counts['rejected']}, "
               f"jau saņemti {counts['duplicate']}{held}.")


@click.command("status")
@period_option
@click.option("--json", "as_json", is_flag=True, help="Izdrukāt JSON formātā.")
@domain_errors
def status_cmd(period: int | None, as_json: bool) -> None:
    """Katras iestādes katra veidlapa periodā: pieņemta, aizturēta, noraidīta vai trūkst; aizturētie un
    neatpazītie faili un tas, ko iesūtnē neapstrādājam."""
    from ..intake.status import full_status, status_table
    from ..mail.status import mail_status, status_json, status_lines

    ws = get_workspace()
    cfg = ws.plain_config  # status only reads the config: no pydantic when the workspace keeps it validated
    per = resolve_period(cfg, period)
    st = full_status(ws, per.year)
    returned = mail_status(ws, per.year)
    if as_json:
        import json

        click.echo(json.dumps(status_json(st.rows, returned), ensure_ascii=False, indent=2))
    else:
        names = {i.id: i.name for i in cfg.institutions}
        click.echo("\n".join([status_table(st.rows, per.label, st), *status_lines(returned, names)]))


COMMANDS = [ingest_cmd, watch_cmd, status_cmd]
