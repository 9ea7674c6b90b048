"""Receipts: a Latvian text per file in ``outbox/receipts/<institution id>/``, written atomically.

Receipt names come from the content hash, never from the sender's file name, so writing one again
after a crash replaces it instead of adding a second. Receipts about F3 (case reports) carry only the
sheet, cell, field and message of each finding — never a value from the form.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..core import lv
from ..core.period import Period
from ..core.vocab import FORM_TITLES
from ..core.workspace import Workspace

if TYPE_CHECKING:
    from ..core.config import Config

UNKNOWN_DIR = "_nezinama"
#: Years a receipt names as a period; any other number in a workbook's hidden sheet is not one.
PERIOD_RANGE = (1990, 2200)  # cannot clash with an institution id (ids start with a letter or digit)

_TOKEN = re.compile(r"^[A-Za-z0-9]{1,8}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

FIX_HINT = ("Izlabojiet kļūdas (labojamajā kopijā tās iekrāsotas sarkanā krāsā un komentētas) un "
            "nosūtiet veidlapu vēlreiz.")


@dataclass(frozen=True)
class ReceiptInfo:
    """What a receipt says about one stored file."""

    sha256: str
    original_name: str
    received_at: str  # ISO, local time
    state: str  # accepted | superseded | rejected
    institution: str | None
    form_id: str | None
    period: int | None
    version: int | None
    replaces: int | None
    errors: list[str]
    warnings: list[str]
    summary: list[str]
    marked_copy: str | None
    #: A case report or meeting record: the sender's file name may name a child and is never printed.
    personal: bool = False
    #: For a held file: one Latvian line on why (shown to the school only for a sender hold).
    held: str | None = None


HIDDEN_NAME = "(nosaukums netiek rādīts: veidlapā ir bērna personas dati)"
#: Findings alike (same sheet, field and wording but for the values) shown before "… un vēl N".
SHOWN_ALIKE = 10
#: Findings of one kind (errors or warnings) shown in a receipt at most.
SHOWN_TOTAL = 100
_VALUES = re.compile(r"“[^”]*”|\"[^\"]*\"|\d+")

HELD_TEXT = ("REZULTĀTS: SAŅEMTS, TIEK PĀRBAUDĪTS. Fails ir saņemts un droši saglabāts, bet to vēl "
             "nevarējām apstrādāt: {why} Izglītības pārvalde to pārbaudīs un apstrādās atkārtoti; jūs "
             "saņemsiet jaunu kvīti. Jums nekas nav jādara un fails nav jāsūta vēlreiz.")
HELD_OURS = "pārbaudot to, radās kļūda mūsu programmā (tā nav jūsu kļūda)."


def display_name(name: str) -> str:
    """A sender's file name made safe to print: control characters and bytes that are not UTF-8
    (a name from a foreign disk or archive arrives with them) shown as "?"."""
    return _CONTROL.sub("?", name.encode("utf-8", "replace").decode("utf-8"))


def _file_line(name: str, personal: bool) -> str:
    return f"Fails: {HIDDEN_NAME}" if personal else f"Fails: \"{display_name(name)}\""


def capped(lines: list[str]) -> list[str]:
    """Receipt lines with repeats summarised: at most :data:`SHOWN_ALIKE` findings that differ only in
    their cell and values, then "… un vēl 312 līdzīgas kļūdas"; at most :data:`SHOWN_TOTAL` in all."""
    groups: dict[str, list[str]] = {}
    for line in lines:
        head, _, text = line.partition(": ")
        kind = head.split(" — ")[0]
        where = re.sub(r"šūna [A-Z]+\d+,? ?", "", head)
        groups.setdefault(f"{kind}|{where}|{_VALUES.sub('#', text)}", []).append(line)
    out: list[str] = []
    hidden = 0
    for group in groups.values():
        room = min(SHOWN_ALIKE, SHOWN_TOTAL - len(out))
        shown = group[:max(room, 0)]
        out.extend(shown)
        rest = len(group) - len(shown)
        if rest and room > 0:
            kind = "kļūda" if group[0].startswith("Kļūda") else "brīdinājums"
            out.append(f"… un vēl {_alike(rest, kind)}")
        elif rest:
            hidden += rest
    if hidden:
        out.append(f"… un vēl {hidden} citi atradumi (labojiet augstāk minētos un sūtiet vēlreiz)")
    return out


def _alike(n: int, kind: str) -> str:
    forms = {"kļūda": ("līdzīga kļūda", "līdzīgas kļūdas"),
             "brīdinājums": ("līdzīgs brīdinājums", "līdzīgi brīdinājumi")}[kind]
    return lv.count(n, *forms)


def receipt_dir(ws: Workspace, institution: str | None) -> Path:
    """``outbox/receipts/<institution>/``; institution ids are validated against config before this."""
    return ws.receipts / (institution or UNKNOWN_DIR)


def receipt_stem(sha256: str, form_id: str | None, period: int | None) -> str:
    """``F2_2025_3fa2c1d9ab12``: form, period and hash prefix (no sender-supplied text)."""
    form = form_id if form_id and _TOKEN.match(form_id) else "fails"
    return "_".join([form, *([str(period)] if period else []), sha256[:12]])


def receipt_path(ws: Workspace, sha256: str, institution: str | None, form_id: str | None,
                 period: int | None) -> Path:
    """Where the receipt of one stored file is written."""
    return receipt_dir(ws, institution) / f"{receipt_stem(sha256, form_id, period)}.txt"


def marked_copy_path(ws: Workspace, sha256: str, institution: str | None, form_id: str | None,
                     period: int | None) -> Path:
    """Where the rejection copy with marked cells is written."""
    return receipt_dir(ws, institution) / f"{receipt_stem(sha256, form_id, period)}_labojama.xlsx"


def _when(iso: str, locative: bool = False) -> str:
    """"2026. gada 30. novembris, plkst. 14:05", or in the locative "2026. gada 30. novembrī …"."""
    try:
        dt = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    day = lv.date_locative(dt.date()) if locative else lv.date_long(dt.date())
    return f"{day}, plkst. {dt:%H:%M}"


def _inst_label(cfg: Config, inst: str | None) -> str:
    if not inst:
        return "nav nosakāma"
    from ..forms.fields import institution_by_id

    found = institution_by_id(cfg, inst)
    return f"{found.name} ({inst})" if found is not None else inst


def receipt_text(cfg: Config, info: ReceiptInfo) -> str:
    """The full Latvian receipt for one file."""
    lines = [
        f"KVĪTS PAR IESNIEGTO FAILU — {cfg.municipality.board_name}",
        "",
        _file_line(info.original_name, info.personal),
        f"Saņemts: {_when(info.received_at)}",
        f"Kontrolsumma (SHA-256): {info.sha256}",
        f"Iestāde: {_inst_label(cfg, info.institution)}",
    ]
    if info.form_id:
        title = FORM_TITLES.get(info.form_id, "")
        lines.append(f"Veidlapa: {info.form_id}{' ' + title if title else ''}")
    if info.period and PERIOD_RANGE[0] <= info.period <= PERIOD_RANGE[1]:
        lines.append(f"Periods: {Period(info.period, cfg.period.kind).label}")
    lines.append("")
    if info.state == "held":
        lines.append(HELD_TEXT.format(why=info.held or HELD_OURS))
        return "\n".join(lines) + "\n"
    if info.state in ("accepted", "superseded"):
        head = f"REZULTĀTS: PIEŅEMTS (versija {info.version})."
        if info.replaces:
            head += f" Tā aizstāj iepriekš iesniegto {info.replaces}. versiju; turpmāk izmanto šo versiju."
        lines.append(head)
        lines.extend(info.summary)
    else:
        lines.append("REZULTĀTS: NORAIDĪTS. Dati nav saglabāti.")
    if info.errors:
        lines += ["", f"Kļūdas ({len(info.errors)}):", *[f"  - {e}" for e in capped(info.errors)]]
    if info.warnings:
        lines += ["", f"Brīdinājumi ({len(info.warnings)}) — pārbaudiet, vai dati ir pareizi:",
                  *[f"  - {w}" for w in capped(info.warnings)]]
    if info.state == "rejected" and info.marked_copy:
        lines += ["", f"Labojamā kopija: {info.marked_copy}", FIX_HINT]
    return "\n".join(lines) + "\n"


def duplicate_text(cfg: Config, info: ReceiptInfo, original_name: str, now_iso: str,
                   current: tuple[int, str] | None = None) -> str:
    """The receipt for a file whose identical content was already received ("jau saņemts").

    ``current``: (version, received_at) of the version in use when this one has been replaced since.
    """
    if info.state in ("accepted", "superseded"):
        outcome = f"pieņemts (versija {info.version})"
        if current is not None and current[0] != info.version:
            outcome += (f". Šī versija vairs nav spēkā: to aizstāj {current[0]}. versija, saņemta "
                        f"{_when(current[1], locative=True)}. Ja spēkā jābūt šim failam, nosūtiet to no jauna "
                        "ar kādu labojumu, jo tieši tādu pašu saturu otrreiz neņemam vērā")
    else:
        outcome = "noraidīts — skatiet toreiz izsniegto kvīti, izlabojiet kļūdas un sūtiet labotu failu"
    return "\n".join([
        f"KVĪTS PAR IESNIEGTO FAILU — {cfg.municipality.board_name}",
        "",
        _file_line(original_name, info.personal),
        f"Saņemts: {_when(now_iso)}",
        f"Kontrolsumma (SHA-256): {info.sha256}",
        f"Iestāde: {_inst_label(cfg, info.institution)}",
        "",
        "REZULTĀTS: JAU SAŅEMTS. Fails ar tieši tādu pašu saturu jau saņemts "
        f"{_when(info.received_at, locative=True)} "
        f"un {outcome}. Otrreiz nekas netika saglabāts.",
    ]) + "\n"


def write_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` via a temporary file and a rename (never a half-written receipt)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
