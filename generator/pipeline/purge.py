"""``pmp purge``: erase the personal data of closed cases past retention (or of one case on request).

What is erased for a case: its identity, identity keys, report narratives and the meeting texts about
it (store rows, written over with ``secure_delete``); the archived F3 originals about it, rejected F3
originals that name the pupil, and every archived F5 original whose agenda lists it; the receipts and
marked copies of those files; the F5 workbooks of held meetings. Protocols naming the case are
rendered again from the store, which now shows only the case id. The store is then checkpointed
(``wal_checkpoint(TRUNCATE)``) and vacuumed so nothing survives in free pages or the WAL. Statistics
(case ids, statuses, dates, counts) stay, so the annual report's counts do not change.

Crash-safe order: the store is changed in one transaction that also marks every submission whose
files must go; files are deleted afterwards by looking for those marks, so running the command again
finishes an interrupted purge.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from ..cases.identity import identity_keys
from ..cases.perms import outbox_protocols_dir, protect_workspace
from ..core.errors import CaseError
from ..core.secret import ensure_secret
from ..core.workspace import Workspace
from ..intake.lock import intake_lock
from ..intake.receipts import receipt_dir, receipt_stem
from ..store import open_store

#: What an erased submission's original name and receipt become.
PURGED_NAME = "(personas dati dzēsti)"
PURGED_RECEIPT = "Kvīts dzēsta {day}: personas datu dzēšana (pmp purge).\n"


@dataclass
class PurgeResult:
    """What was (or, with ``dry_run``, would be) erased. No names: ids, counts and our own file names."""

    cases: list[str] = field(default_factory=list)
    identity_rows: int = 0
    report_texts: int = 0
    meeting_texts: int = 0
    f3_originals: int = 0
    rejected_f3: int = 0
    f5_originals: int = 0
    files: list[str] = field(default_factory=list)
    protocols: list[str] = field(default_factory=list)
    dry_run: bool = False
    retention_years: int = 0

    def lines(self) -> list[str]:
        """The Latvian summary ``pmp purge`` prints."""
        if not self.cases and not self.rejected_f3:
            return [f"Nav personas datu, kas būtu jādzēš (slēgtu lietu glabāšanas termiņš: "
                    f"{self.retention_years} gadi)."]
        verb = "Tiktu dzēsti" if self.dry_run else "Dzēsti"
        out = [f"{verb} personas dati — lietas ({len(self.cases)}): {', '.join(self.cases) or 'nav'}."]
        out.append(f"  Krātuvē: lietu identitātes {self.identity_rows}, ziņojumu teksti {self.report_texts}, "
                   f"sanāksmju ierakstu teksti par lietām {self.meeting_texts}.")
        out.append(f"  Arhīvā: F3 ziņojumu oriģināli {self.f3_originals}, noraidīti F3 ziņojumi "
                   f"{self.rejected_f3}, F5 protokolu oriģināli {self.f5_originals}.")
        out.append(f"  Faili (kvītis, labojamās kopijas, protokolu veidlapas): {len(self.files)}.")
        for name in self.files:
            out.append(f"    {name}")
        if self.protocols:
            out.append(f"  Protokoli {'tiktu izveidoti' if self.dry_run else 'izveidoti'} no jauna bez "
                       f"personas datiem: {len(self.protocols)}.")
            for name in self.protocols:
                out.append(f"    {name}")
        if not self.dry_run:
            out.append("  Krātuve notīrīta: secure_delete, WAL kontrolpunkts (TRUNCATE), VACUUM.")
        else:
            out.append("Nekas netika mainīts (--dry-run).")
        return out


def retention_cutoff(today: date, years: int) -> date:
    """The date ``years`` before ``today`` (29 February becomes 28 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def due_cases(conn: sqlite3.Connection, cutoff: date) -> list[str]:
    """Closed cases whose personal data is still kept and that were closed on or before ``cutoff``."""
    return [r[0] for r in conn.execute(
        "SELECT case_id FROM cases WHERE closed_on IS NOT NULL AND closed_on <= ? AND (purged_at IS NULL"
        " OR EXISTS (SELECT 1 FROM case_identity i WHERE i.case_id = cases.case_id)) ORDER BY case_id",
        (cutoff.isoformat(),))]


def _read_data(ws: Workspace, rel: str) -> dict | None:
    from ..forms import read_submission

    path = ws.root / rel
    if not path.is_file():
        return None
    try:
        return read_submission(path, ws.config).data
    except Exception:  # a damaged original cannot be matched; retention still removes rejected F3s
        return None


def _naming_rejected_f3(conn: sqlite3.Connection, ws: Workspace, keys: set[str]) -> list[int]:
    """Rejected F3 submissions whose original names one of the pupils (matched by identity key)."""
    if not keys or not ws.secret_path.is_file():
        return []
    secret = ensure_secret(ws)
    out = []
    for sid, inst, rel in conn.execute("SELECT id, institution, archived_as FROM submissions WHERE form_id = 'F3'"
                                       " AND state = 'rejected' AND original_name != ?", (PURGED_NAME,)):
        data = _read_data(ws, rel)
        name = (data or {}).get("pupil_name")
        if not name or not inst:
            continue
        ik = identity_keys(secret, str(name), (data or {}).get("pupil_birth_date") or None, inst)
        if {k for _, k in ik.all()} & keys:
            out.append(int(sid))
    return out


def _naming_f5(conn: sqlite3.Connection, ws: Workspace, cases: set[str]) -> list[int]:
    """F5 submissions (any state) whose archived original lists one of the cases."""
    out = []
    for sid, rel in conn.execute("SELECT id, archived_as FROM submissions WHERE form_id = 'F5'"
                                 " AND original_name != ?", (PURGED_NAME,)):
        data = _read_data(ws, rel) or {}
        if {str(i.get("case_id")) for i in data.get("items", []) if i.get("case_id")} & cases:
            out.append(int(sid))
    return out


def _in(ids: list[int] | list[str]) -> str:
    return ",".join("?" * len(ids))


def _plan(conn: sqlite3.Connection, ws: Workspace, cases: list[str], old_rejected: list[int]
          ) -> tuple[PurgeResult, list[int], list[int]]:
    """Count what would go; returns (result, submission ids to mark, meeting ids to render again)."""
    res = PurgeResult(cases=list(cases), retention_years=ws.config.cooperation_group.retention_years)
    if cases:
        q = _in(cases)
        res.identity_rows = conn.execute(f"SELECT count(*) FROM case_identity WHERE case_id IN ({q})",
                                         cases).fetchone()[0]
        res.report_texts = conn.execute(
            f"SELECT count(*) FROM case_report_text t JOIN case_reports r ON r.id = t.report_id"
            f" WHERE r.case_id IN ({q})", cases).fetchone()[0]
        res.meeting_texts = conn.execute(
            f"SELECT count(*) FROM meeting_item_text t JOIN meeting_items i ON i.meeting_id = t.meeting_id"
            f" AND i.seq = t.seq WHERE i.case_id IN ({q})", cases).fetchone()[0]
        f3 = [r[0] for r in conn.execute(
            f"SELECT s.id FROM submissions s JOIN case_reports r ON r.submission_id = s.id"
            f" WHERE r.case_id IN ({q}) AND s.original_name != ?", (*cases, PURGED_NAME))]
        keys = {r[0] for r in conn.execute(f"SELECT key FROM case_keys WHERE case_id IN ({q})", cases)}
        rejected = _naming_rejected_f3(conn, ws, keys)
        f5 = _naming_f5(conn, ws, set(cases))
        meetings = [r[0] for r in conn.execute(
            f"SELECT DISTINCT meeting_id FROM meeting_items WHERE case_id IN ({q}) ORDER BY meeting_id", cases)]
    else:
        f3, rejected, f5, meetings = [], [], [], []
    rejected = sorted(set(rejected) | set(old_rejected))
    res.f3_originals, res.rejected_f3, res.f5_originals = len(f3), len(rejected), len(f5)
    return res, sorted(set(f3) | set(rejected) | set(f5)), meetings


def _mark(conn: sqlite3.Connection, ws: Workspace, res: PurgeResult, sids: list[int], reason: str) -> None:
    today = date.today().strftime("%d.%m.%Y.")
    cases = res.cases
    if sids:
        conn.execute(f"UPDATE submissions SET original_name = ?, receipt = ? WHERE id IN ({_in(sids)})",
                     (PURGED_NAME, PURGED_RECEIPT.format(day=today), *sids))
        conn.execute(f"DELETE FROM messages WHERE submission_id IN ({_in(sids)})"
                     " AND submission_id IN (SELECT id FROM submissions WHERE form_id = 'F3')", sids)
        # What the mail journal kept of the messages that brought them (file name, subject).
        conn.execute(f"UPDATE mail_parts SET name = '' WHERE sha256 IN (SELECT sha256 FROM submissions"
                     f" WHERE id IN ({_in(sids)}))", sids)
        conn.execute(f"UPDATE mail_messages SET subject = NULL WHERE id IN (SELECT message FROM mail_parts"
                     f" WHERE sha256 IN (SELECT sha256 FROM submissions WHERE id IN ({_in(sids)})))", sids)
    if cases:
        q = _in(cases)
        conn.execute(f"DELETE FROM case_report_text WHERE report_id IN (SELECT id FROM case_reports"
                     f" WHERE case_id IN ({q}))", cases)
        conn.execute(f"DELETE FROM meeting_item_text WHERE EXISTS (SELECT 1 FROM meeting_items i WHERE"
                     f" i.meeting_id = meeting_item_text.meeting_id AND i.seq = meeting_item_text.seq"
                     f" AND i.case_id IN ({q}))", cases)
        conn.execute(f"DELETE FROM case_identity WHERE case_id IN ({q})", cases)
        conn.execute(f"DELETE FROM case_keys WHERE case_id IN ({q})", cases)
        now = datetime.now().astimezone().isoformat(timespec="seconds")
        conn.execute(f"UPDATE cases SET purged_at = ? WHERE case_id IN ({q})", (now, *cases))
    summary = {k: getattr(res, k) for k in ("identity_rows", "report_texts", "meeting_texts", "f3_originals",
                                            "rejected_f3", "f5_originals")}
    targets: list[str | None] = list(cases) or [None]
    for case_id in targets:
        conn.execute("INSERT INTO purges (purged_at, case_id, reason, summary) VALUES (?, ?, ?, ?)",
                     (datetime.now().astimezone().isoformat(timespec="seconds"), case_id, reason,
                      json.dumps(summary)))


def _erase_files(conn: sqlite3.Connection, ws: Workspace, dry_ids: list[int] | None = None) -> list[Path]:
    """Files of every marked submission (or of ``dry_ids`` without marking): original, receipts, copies.

    F5 receipts carry no values and stay; their marked copies (with the agenda) go.
    """
    if dry_ids is not None:
        rows = conn.execute(f"SELECT sha256, institution, form_id, period, archived_as FROM submissions"
                            f" WHERE id IN ({_in(dry_ids)})", dry_ids).fetchall() if dry_ids else []
    else:
        rows = conn.execute("SELECT sha256, institution, form_id, period, archived_as FROM submissions"
                            " WHERE original_name = ?", (PURGED_NAME,)).fetchall()
    out: list[Path] = []
    for sha, inst, form, period, rel in rows:
        candidates = [ws.root / rel]
        folder = receipt_dir(ws, inst)
        if folder.is_dir():
            stem = receipt_stem(sha, form, period)
            candidates += [p for p in folder.glob(f"{stem}*") if form != "F5" or p.suffix == ".xlsx"]
        for path in candidates:
            if path.is_file():
                out.append(path)
                if dry_ids is None:
                    path.unlink()
    return out


def _vacuum(conn: sqlite3.Connection) -> None:
    for sql in ("PRAGMA wal_checkpoint(TRUNCATE)", "VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)"):
        row = conn.execute(sql).fetchone()
        if sql.startswith("PRAGMA") and row is not None and row[0] != 0:
            raise CaseError("krātuves WAL žurnālu neizdevās pilnībā notīrīt, jo krātuvi lieto cits process; "
                            "apturiet `pmp watch` un palaidiet `pmp purge` vēlreiz")


def purge(ws: Workspace, case_id: str | None = None, dry_run: bool = False, today: date | None = None
          ) -> PurgeResult:
    """Erase one case's personal data (``case_id``) or every closed case's past retention."""
    from ..cases.meetings import load_meeting
    from ..protocols import draft_path, final_path, form_path, rewrite_protocols

    cfg = ws.config
    years = cfg.cooperation_group.retention_years
    cutoff = retention_cutoff(today or date.today(), years)
    with intake_lock(ws, wait=0.0), open_store(ws) as store:
        conn = store.conn
        conn.execute("PRAGMA secure_delete=ON")
        if case_id is not None:
            if conn.execute("SELECT 1 FROM cases WHERE case_id = ?", (case_id,)).fetchone() is None:
                raise CaseError(f"lieta “{case_id}” nav atrasta; lietas numurs ir protokolā, piemēram L-AB12CD34EF")
            cases, old_rejected, reason = [case_id], [], "request"
        else:
            cases = due_cases(conn, cutoff)
            old_rejected = [r[0] for r in conn.execute(
                "SELECT id FROM submissions WHERE form_id = 'F3' AND state = 'rejected' AND received_at < ?"
                " AND original_name != ?", (cutoff.isoformat(), PURGED_NAME))]
            reason = "retention"
        res, sids, meetings = _plan(conn, ws, cases, old_rejected)
        res.dry_run = dry_run
        if dry_run:
            res.files = [str(p.relative_to(ws.root)) for p in _erase_files(conn, ws, sids)]
            for mid in meetings:
                m = load_meeting(conn, mid)
                doc = final_path(ws, m.year, m.number) if m.state == "held" else draft_path(ws, m.year, m.number)
                res.protocols.append(str(doc.relative_to(ws.root)))
            return res
        if cases or sids:
            with store.transaction() as tx:
                _mark(tx, ws, res, sids, reason)
        res.files = [str(p.relative_to(ws.root)) for p in _erase_files(conn, ws)]
        for mid in meetings:
            m = load_meeting(conn, mid)
            for pdf in outbox_protocols_dir(ws).glob(f"protokols_{m.year}_nr{m.number}*.pdf"):
                pdf.unlink()
                res.files.append(str(pdf.relative_to(ws.root)))
            if m.state == "held":  # the workbook and the draft of a held meeting are no longer needed
                res.files += [str(p.relative_to(ws.root)) for p in (form_path(ws, m.year, m.number),
                                                                   draft_path(ws, m.year, m.number)) if p.exists()]
            res.protocols += [str(p.relative_to(ws.root)) for p in rewrite_protocols(conn, ws, mid)
                              if p.suffix == ".docx"]
        _vacuum(conn)
    protect_workspace(ws)
    return res
