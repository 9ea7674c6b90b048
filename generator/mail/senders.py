"""Who may send an institution's forms: its registered addresses and domains in config.toml.

A workbook names its institution (hidden metadata). If the message's From address does not belong to
that institution — nor to the education board, whose staff forward forms — the intake holds the
attachment for the board (``Origin.vet``) instead of storing it as that institution's data; the board
releases it with ``pmp ingest --retry-held``. When the board's own server vouches for
the message with ``Authentication-Results`` (``[mail] authserv_id``) and the sender's domain did not
pass DMARC, DKIM or SPF, the From address cannot be believed and the attachment is held as well.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core.config import Config, Institution
    from .parse import Incoming

NOT_REGISTERED = ("sūtītāja adrese {sender} nav reģistrēta iestādei “{institution}” (config.toml: "
                  "institutions email / senders).")
NO_ADDRESSES = ("iestādei “{institution}” konfigurācijā nav reģistrētas e-pasta adreses, tāpēc nevar "
                "pārliecināties, ka vēstule ir no tās.")
NOT_AUTHENTIC = ("pasta serveris nevarēja apstiprināt, ka vēstule tiešām nākusi no {sender} "
                 "(SPF/DKIM/DMARC pārbaude nav izturēta).")


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

