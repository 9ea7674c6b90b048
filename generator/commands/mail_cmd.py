"""``pmp mail``: take submissions from the board's mailbox and answer them by e-mail."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import click

from ..intake.lock import intake_lock
from ..mail import MailError, Taken, fetch_once, run_mail
from ._common import domain_errors, get_workspace


def _echo(taken: Taken) -> None:
    click.echo(f"  {taken.line()}")


@click.command("mail")
@click.option("--once", is_flag=True, help="Apstrādāt pastkasti vienreiz un beigt (citādi gaidīt jaunas vēstules).")
@domain_errors
def mail_cmd(once: bool) -> None:
    """Ņem iesniegumus no izglītības pārvaldes pastkastes (IMAP) un atbild ar kvītīm (SMTP).

    Katra vēstule tiek ņemta tieši vienreiz; serverī tā tiek atzīmēta (vai pārvietota, vai — ja tajā
    bija ziņojums par izglītojamo vai sanāksmes protokols — dzēsta) tikai pēc tam, kad pielikumi ir
    droši saglabāti. Iesūtni un pastkasti reizē uzrauga `pmp watch --mail`.
    """
    ws = get_workspace()
    with intake_lock(ws, wait=0.0):
        if once:
            summary = fetch_once(ws, progress=_echo)
            click.echo(summary.line())
            return
        stop = threading.Event()

        def on_signal(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, on_signal)
        try:
            run_mail(ws, stop, progress=_echo, say=lambda s: click.echo(s, err=True))
        except KeyboardInterrupt:
            pass
        click.echo("Pastkastes uzraudzība beigta.")


COMMANDS = [mail_cmd]

__all__ = ["COMMANDS", "MailError"]
