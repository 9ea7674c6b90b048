"""Pseudonymous case ids: a keyed HMAC of the pupil's normalised identity.

The identity is the pupil's name plus the birth date when the report gives one, else the name plus
the reporting school. Names are normalised so that the same pupil typed slightly differently
("Bērziņa  Anna", "anna berzina") is the same case: Unicode NFKD without diacritics, case-folded,
punctuation removed, the words sorted. The key lives in ``.pmp/case.key`` (see :mod:`generator.core.secret`);
without it the id cannot be recomputed from a name.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass

from ..core.vocab import CASE_ID_RE as CASE_ID_RE

_NON_WORD = re.compile(r"[^\w]+")
CASE_PREFIX = "L-"


def normalise_name(name: str) -> str:
    """A name reduced to what identifies it: no diacritics, no case, no punctuation, words sorted."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(sorted(w for w in _NON_WORD.sub(" ", plain).split() if w))


def _mac(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class IdentityKeys:
    """The keyed hashes of one pupil identity: by birth date (when known) and by school."""

    birth: str | None
    school: str

    @property
    def primary(self) -> str:
        """The hash the case id is derived from: birth date when given, else school."""
        return self.birth or self.school

    def all(self) -> list[tuple[str, str]]:
        """(kind, key) pairs, birth first."""
        return ([("birth", self.birth)] if self.birth else []) + [("school", self.school)]


def identity_keys(key: bytes, name: str, birth_date: str | None, institution: str) -> IdentityKeys:
    """The HMAC keys of a pupil: ``name`` + ISO ``birth_date`` and ``name`` + school id."""
    norm = normalise_name(name)
    birth = _mac(key, f"v1|birth|{norm}|{birth_date}") if birth_date else None
    return IdentityKeys(birth, _mac(key, f"v1|school|{norm}|{institution}"))


def case_id_for(primary_key: str) -> str:
    """The printable case id from a primary identity hash, e.g. ``L-7K3QX2MABC`` (50 bits)."""
    raw = bytes.fromhex(primary_key)[:10]
    return CASE_PREFIX + base64.b32encode(raw).decode("ascii")[:10]
