"""Where a file came from: the inbox folder, or a mail (sender, Message-ID) — kept with the submission."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Origin:
    """The origin of one file handed to :func:`generator.intake.process_file`.

    ``vet`` (optional) is called with the institution id the form names (None when it names none we
    know) once the form has been read; a Latvian reason returned means the file is HELD for the board
    instead of being stored — e.g. a sender address the institution does not use. The board releases
    it with ``pmp ingest --retry-held`` (then it is not vetted again).
    """

    channel: str = "inbox"  # inbox | mail
    sender: str | None = None
    message_id: str | None = None
    vet: Callable[[str | None], str | None] | None = field(default=None, compare=False, repr=False)

    def as_json(self) -> str | None:
        """The JSON kept in the store (None for a plain inbox file)."""
        if self.channel == "inbox" and not self.sender and not self.message_id:
            return None
        return json.dumps({"channel": self.channel, "sender": self.sender, "message_id": self.message_id},
                          ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | None) -> Origin:
        """The origin kept in the store (without ``vet``)."""
        data = json.loads(text) if text else {}
        return cls(data.get("channel", "inbox"), data.get("sender"), data.get("message_id"))
