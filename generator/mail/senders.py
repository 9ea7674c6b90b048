"""Who may send an institution's forms: its registered addresses and domains in config.toml.

A workbook names its institution (hidden metadata). If the message's From address does not belong to
that institution — nor to the education board, whose staff forward forms — the attachment is held for
the board instead of being stored as that institution's data. When the board's own server vouches for
the message with ``Authentication-Results`` (``[mail] authserv_id``) and the sender's domain did not
pass DMARC, DKIM or SPF, the From address cannot be believed and the attachment is held as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..forms import read_submission
from ..intake import Limits
from ..intake.safety import precheck

if TYPE_CHECKING:
    from ..core.config import Config, Institution
    from ..core.workspace import Workspace
    from .parse import Incoming

NOT_REGISTERED = ("sūtītāja adrese {sender} nav reģistrēta iestādei “{institution}” (config.toml: "
                  "institutions email / senders).")
NO_ADDRESSES = ("iestādei “{institution}” konfigurācijā nav reģistrētas e-pasta adreses, tāpēc nevar "
                "pārliecināties, ka vēstule ir no tās.")
NOT_AUTHENTIC = ("pasta serveris nevarēja apstiprināt, ka vēstule tiešām nākusi no {sender} "
                 "(SPF/DKIM/DMARC pārbaude nav izturēta).")


@dataclass(frozen=True)
class Claim:
    """The configured institution, form and period a workbook names (from its hidden metadata)."""

    institution: str
    form_id: str | None
    period: int | None


def claimed(path: Path, cfg: Config, limits: Limits) -> Claim | None:
    """What a workbook says it is, read by the forms' own reader (None: the intake will refuse it)."""
    try:
        if precheck(path, path.stat().st_size, limits) is not None:
            return None
        sub = read_submission(path, cfg)
    except Exception:  # unreadable: the intake refuses it with its own receipt
        return None
    if sub.institution not in {i.id for i in cfg.institutions}:
        return None
    return Claim(sub.institution, sub.form_id, sub.period)


def may_send(cfg: Config, inst: Institution, inc: Incoming) -> str | None:
    """Why ``inc``'s sender may not send ``inst``'s forms, or None when it may."""
    if inc.auth == "fail":
        return NOT_AUTHENTIC.format(sender=inc.sender)
    if inst.sends_from(inc.sender):
        return None
    try:
        if cfg.board.sends_from(inc.sender):
            return None
    except KeyError:
        pass
    if not inst.email and not inst.senders:
        return NO_ADDRESSES.format(institution=inst.name)
    return NOT_REGISTERED.format(sender=inc.sender, institution=inst.name)


def hold_reason(ws: Workspace, inc: Incoming, path: Path, limits: Limits) -> tuple[str | None, Claim | None]:
    """(reason to hold, what it claims to be) for one staged attachment; None = give it to the intake."""
    cfg = ws.config
    claim = claimed(path, cfg, limits)
    if claim is None:
        return None, None
    return may_send(cfg, cfg.institution(claim.institution), inc), claim
