"""Who may send an institution's forms: its registered addresses and domains in config.toml.

A workbook names its institution (hidden metadata). If the message's From address does not belong to
that institution — nor to the education board, whose staff forward forms — the attachment is held for
the board instead of being stored as that institution's data. When the board's own server vouches for
the message with ``Authentication-Results`` (``[mail] authserv_id``) and the sender's domain did not
pass DMARC, DKIM or SPF, the From address cannot be believed and the attachment is held as well.
"""

from __future__ import annotations

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


def claimed_institution(path: Path, cfg: Config, limits: Limits) -> str | None:
    """The configured institution a workbook names, read by the forms' own reader (None if none)."""
    try:
        if precheck(path, path.stat().st_size, limits) is not None:
            return None
        sub = read_submission(path, cfg)
    except Exception:  # unreadable: the intake refuses it with its own receipt
        return None
    ids = {i.id for i in cfg.institutions}
    return sub.institution if sub.institution in ids else None


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


def hold_reason(ws: Workspace, inc: Incoming, path: Path, limits: Limits) -> tuple[str | None, str | None]:
    """(reason to hold, institution named) for one staged attachment; reason None = give it to the intake."""
    cfg = ws.config
    inst_id = claimed_institution(path, cfg, limits)
    if inst_id is None:
        return None, None
    return may_send(cfg, cfg.institution(inst_id), inc), inst_id
