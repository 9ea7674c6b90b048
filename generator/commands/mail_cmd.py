"""``pmp mail``, ``pmp remind`` and ``pmp return``: the e-mail round trip."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import TYPE_CHECKING

import click

from ..core.period import today
from ._common import domain_errors, get_period, get_workspace, period_option

if TYPE_CHECKING:  # the mail stack is imported by the commands that use it (issue 15)
    from ..mail import Taken


class VersionedForms(click.Choice):
    """The forms a school may be asked to send again, read from the definitions only when the command
    runs: the definitions stand on the config models (pydantic), which `pmp --help` should not import."""

    def __init__(self, case_sensitive: bool = False) -> None:
        super().__init__((), case_sensitive=case_sensitive)

    @property  # type: ignore[override]
    def choices(self) -> tuple[str, ...]:
        from ..forms.definitions import FORMS

        return tuple(f for f, d in FORMS.items() if d.versioned)

    @choices.setter
    def choices(self, value: object) -> None:
        pass  # click.Choice.__init__ assigns the (empty) list given above


def _echo(taken: Taken) -> None:
    click.echo(f"  {taken.line()}")


@click.command("mail")
@click.option("--once", is_flag=True, help="Apstrādāt pastkasti vienreiz un beigt (citādi gaidīt jaunas vēstules).")
@domain_errors
def mail_cmd(once: bool) -> None:
    """Ņem iesniegumus no izglītības pārvaldes pastkastes (IMAP) un atbild ar kvītīm (SMTP).

    Katra vēstule tiek ņemta tieši vienreiz; serverī tā tiek atzīmēta (vai pārvietota, vai — ja tajā
    bija ziņojums par izglītojamo vai sanāksmes protokols — dzēsta) tikai pēc tam, kad pielikumi ir
    droši saglabāti. Iesūtni un pastkasti reizē uzrauga `pmp watch --mail`. Pielikumu no adreses, kas
    nepieder veidlapā norādītajai iestādei, aiztur pārbaudei; pieņem to `pmp ingest --retry-held`, un
    nākamajā reizē sūtītājs saņem kvīti.
    """
    from ..intake.lock import store_lock
    from ..mail import fetch_once, run_mail

    ws = get_workspace()
    with store_lock(ws, wait=0.0):
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


@click.command("remind")
@period_option
@click.option("--dry-run", is_flag=True, help="Nesūtīt: ierakstīt atgādinājumus .eml failos (outbox/<gads>/atgadinajumi).")
@click.option("--yes", "-y", is_flag=True, help="Sūtīt bez jautājuma.")
@domain_errors
def remind_cmd(period: int | None, dry_run: bool, yes: bool) -> None:
    """Atgādina iestādēm, kuras vēl nav iesniegušas veidlapas: e-pasts ar tukšajām veidlapām pielikumā.

    Vispirms parāda, kam un ko sūtīs, un jautā apstiprinājumu.
    """
    from ..mail.reminders import plan_reminders, send_reminders, write_drafts

    ws = get_workspace()
    per = get_period(ws, period)
    planned = plan_reminders(ws, per)
    if not planned:
        click.echo(f"{per.label}: visas gaidītās veidlapas ir saņemtas; atgādinājumi nav vajadzīgi.")
        return
    if dry_run:
        paths = write_drafts(ws, per, planned)
        click.echo(f"Atgādinājumu melnraksti ({len(paths)}): {paths[0].parent}")
        for p in planned:
            click.echo(p.line())
        return
    sendable = [p for p in planned if p.address]
    click.echo(f"{per.label}: sūtāmie atgādinājumi — {len(sendable)}:")
    for p in planned:
        click.echo(p.line())
    if not sendable:
        return
    if not yes and not click.confirm("Sūtīt?", default=False):
        click.echo("Nekas netika nosūtīts.")
        return
    sent = send_reminders(ws, per, sendable, today())
    click.echo(f"Nosūtītie atgādinājumi — {len(sent.sent)}"
               + (f"; {sent.waiting} atlikti sūtīšanas limita dēļ" if sent.waiting else "")
               + (f"; nepiegādājami: {', '.join(sent.failed)}" if sent.failed else "") + ".")


@click.command("return")
@click.argument("institution")
@click.argument("form", type=VersionedForms(case_sensitive=False))
@period_option
@click.option("--reason", required=True, help="Iemesls, ko iestāde izlasīs vēstulē (latviski).")
@domain_errors
def return_cmd(institution: str, form: str, period: int | None, reason: str) -> None:
    """Nosūta pieņemtu veidlapu iestādei labošanai ar iemeslu; `pmp status` to rāda līdz jaunai versijai."""
    from ..mail.returns import request_return

    ws = get_workspace()
    per = get_period(ws, period)
    result = request_return(ws, institution, form.upper(), per, reason)
    if result.sent:
        click.echo(f"Lūgums labot {form.upper()} ({per.label}) nosūtīts: {', '.join(result.recipients)}.")
    else:
        click.echo(f"Lūgums labot reģistrēts; e-pasts nav iestatīts, vēstules melnraksts: {result.draft}")


COMMANDS = [mail_cmd, remind_cmd, return_cmd]

__all__ = ["COMMANDS"]
