"""``pmp purge``: erase the personal data of closed cases past retention (or of one case on request).

What is erased for a case: its identity, identity keys, report narratives, the meeting and decision
texts about it (store rows, written over with ``secure_delete``); the archived F3 originals about it,
rejected F3 originals that name the pupil and rejected F5 originals that list it; the receipts and
marked copies of those files; the F5 workbooks of held meetings. What other cases still need is
rebuilt rather than deleted: every other archived F3/F5 original, receipt and marked copy is rewritten
with the case's rows emptied and its pupil's name covered wherever it was typed (guests, "other" items,
narratives; see :mod:`generator.pipeline.redact`), the store's free-text columns likewise, and the
protocols are rendered again from the store. The store is then checkpointed (``wal_checkpoint(TRUNCATE)``)
and vacuumed so nothing survives in free pages or the WAL. Statistics (case ids, statuses, dates,
decisions, counts) stay, so the annual report's counts do not change.

Retention reaches closed cases ``retention_years`` after closing, and open cases without any activity
(report, meeting, decision review) for ``inactive_years``: those are first listed as a warning to the
board and erased by a later run at least ``purge_warning_days`` after it, if still inactive.

Crash-safe order: rewritten copies are written first (under new names); the store is then changed in
one transaction that marks every submission whose files must go and writes down the replaced files
and the meetings to render again (``purge_pending``); that work is done afterwards and ticked off, so
running the command again finishes an interrupted purge.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from ..cases.identity import identity_keys
from ..cases.perms import outbox_protocols_dir, protect_workspace
from ..core import lv
from ..core.errors import CaseError
from ..core.secret import ensure_secret
from ..core.vocab import OPEN_CASE_STATUSES
from ..core.workspace import Workspace
from ..intake.lock import store_lock
from ..intake.receipts import receipt_dir, receipt_stem
from ..intake.safety import Limits, precheck
from ..store import open_store
from .redact import Redactor, redact_store, redact_workbook

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
    rewritten: int = 0
    covered: int = 0
    files: list[str] = field(default_factory=list)
    protocols: list[str] = field(default_factory=list)
    dry_run: bool = False
    retention_years: int = 0
    notices: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The Latvian summary ``pmp purge`` prints."""
        if not self.cases and not self.rejected_f3:
            return [f"Nav personas datu, kas būtu jādzēš (slēgtu lietu glabāšanas termiņš: "
                    f"{lv.count(self.retention_years, 'gads', 'gadi')})."] + self.notices
        verb = "Tiktu dzēsti" if self.dry_run else "Dzēsti"
        out = [f"{verb} personas dati — lietas ({len(self.cases)}): {', '.join(self.cases) or 'nav'}."]
        out.append(f"  Krātuvē: lietu identitātes {self.identity_rows}, ziņojumu teksti {self.report_texts}, "
                   f"sanāksmju ierakstu teksti par lietām {self.meeting_texts}.")
        out.append(f"  Arhīvā dzēsti: F3 ziņojumu oriģināli {self.f3_originals}, noraidīti F3 ziņojumi "
                   f"{self.rejected_f3}, noraidīti F5 protokoli {self.f5_originals}.")
        out.append(f"  Citu lietu ierakstos aizklāti vārdi: {self.covered}; bez šīs lietas datiem "
                   f"{'tiktu pārrakstīti' if self.dry_run else 'pārrakstīti'} faili (F3/F5 oriģināli, kvītis): "
                   f"{self.rewritten}.")
        out.append(f"  Faili (kvītis, labojamās kopijas, protokolu veidlapas): {len(self.files)}.")
        for name in self.files:
            out.append(f"    {name}")
        if self.protocols:
            out.append(f"  Protokoli {'tiktu izveidoti' if self.dry_run else 'izveidoti'} no jauna bez "
                       f"personas datiem: {len(self.protocols)}.")
            for name in self.protocols:
                out.append(f"    {name}")
        out += self.notices
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
    """Rejected F5 submissions whose archived original lists one of the cases (an accepted F5 documents
    other cases too: it is rewritten without the case instead, see :func:`_rewrite_files`)."""
    out = []
    for sid, rel in conn.execute("SELECT id, archived_as FROM submissions WHERE form_id = 'F5'"
                                 " AND state = 'rejected' AND original_name != ?", (PURGED_NAME,)):
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
            f" AND i.seq = t.seq WHERE i.case_id IN ({q})", cases).fetchone()[0] + conn.execute(
            f"SELECT (SELECT count(*) FROM decision_text t JOIN decisions d ON d.id = t.decision_id"
            f" WHERE d.case_id IN ({q})) + (SELECT count(*) FROM decision_review_text t JOIN decisions d"
            f" ON d.id = t.decision_id WHERE d.case_id IN ({q}))", cases + cases).fetchone()[0]
        f3 = [r[0] for r in conn.execute(
            f"SELECT s.id FROM submissions s JOIN case_reports r ON r.submission_id = s.id"
            f" WHERE r.case_id IN ({q}) AND s.original_name != ?", (*cases, PURGED_NAME))]
        keys = {r[0] for r in conn.execute(f"SELECT key FROM case_keys WHERE case_id IN ({q})", cases)}
        rejected = _naming_rejected_f3(conn, ws, keys)
        f5 = _naming_f5(conn, ws, set(cases))
        # Meetings that list the case, review its decisions, or (planned) may list its open decisions.
        meetings = [r[0] for r in conn.execute(
            f"SELECT meeting_id FROM meeting_items WHERE case_id IN ({q}) UNION SELECT r.meeting_id FROM"
            f" decision_reviews r JOIN decisions d ON d.id = r.decision_id WHERE d.case_id IN ({q})"
            f" UNION SELECT id FROM meetings WHERE state = 'planned' ORDER BY 1", cases + cases)]
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
        decided = f"SELECT id FROM decisions WHERE case_id IN ({q})"
        conn.execute(f"DELETE FROM decision_review_text WHERE decision_id IN ({decided})", cases)
        conn.execute(f"DELETE FROM decision_text WHERE decision_id IN ({decided})", cases)
        conn.execute(f"DELETE FROM purge_warnings WHERE case_id IN ({q})", cases)
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


REWRITTEN_SUFFIX = "_aizklats.xlsx"


def _redactor(conn: sqlite3.Connection, cases: list[str]) -> Redactor:
    """Covers the purged pupils' names (as reported, in every spelling) and birth dates, sparing the
    names of every case whose data is kept."""
    rows = conn.execute(
        "SELECT case_id, pupil_name, pupil_birth_date FROM case_identity UNION SELECT r.case_id, t.pupil_name,"
        " t.pupil_birth_date FROM case_report_text t JOIN case_reports r ON r.id = t.report_id").fetchall()
    gone = set(cases)
    names = [n for c, n, _ in rows if c in gone]
    births = [b for c, _, b in rows if c in gone and b]
    keep = [n for c, n, _ in rows if c not in gone]
    return Redactor.for_names(names, births, keep)


def _safe_workbook(path: Path) -> bool:
    """Whether ``path`` is a workbook the intake's limits allow to parse (a rejected original may be
    hostile: such a file is left as it is rather than opened)."""
    if path.suffix != ".xlsx" or not path.is_file():
        return False
    return precheck(path, path.stat().st_size, Limits()) is None


def _rewrite_files(conn: sqlite3.Connection, ws: Workspace, red: Redactor, cases: set[str], skip: set[int],
                   write: bool) -> tuple[list[tuple[int, str, str]], int]:
    """Every kept F3/F5 original, receipt and marked copy with the cases' rows emptied and names covered.

    Originals are written under a new name (``…_aizklats.xlsx``; the store's hash stays the one of the
    file as received, so a resend is still recognised); receipts and copies are replaced in place.
    Returns (submission id, old, new archive path) per rewritten original, and how many files changed.
    """
    from ..intake.receipts import write_atomic

    moved: list[tuple[int, str, str]] = []
    changed = 0
    for sid, sha, inst, form, period, rel in conn.execute(
            "SELECT id, sha256, institution, form_id, period, archived_as FROM submissions WHERE form_id IN"
            " ('F3', 'F5') AND original_name != ? ORDER BY id", (PURGED_NAME,)).fetchall():
        if sid in skip:
            continue
        src = ws.root / rel
        if _safe_workbook(src):
            new_rel = rel if rel.endswith(REWRITTEN_SUFFIX) else rel[: -len(".xlsx")] + REWRITTEN_SUFFIX
            if redact_workbook(src, ws.root / new_rel if write else None, red, cases):
                moved.append((sid, rel, new_rel))
                changed += 1
        folder = receipt_dir(ws, inst)
        for path in sorted(folder.glob(f"{receipt_stem(sha, form, period)}*")) if folder.is_dir() else []:
            if _safe_workbook(path):
                changed += redact_workbook(path, path if write else None, red, cases)
            elif path.suffix == ".txt":
                text = path.read_text(encoding="utf-8", errors="replace")
                new = red.text(text)
                if new != text:
                    changed += 1
                    if write:
                        write_atomic(path, new)
    return moved, changed


def _finish_pending(conn: sqlite3.Connection, ws: Workspace, res: PurgeResult) -> None:
    """Delete the replaced files and render the meetings again that a purge wrote down; tick each off."""
    from ..cases.meetings import load_meeting
    from ..protocols import draft_path, form_path, rewrite_protocols

    for kind, ref in conn.execute("SELECT kind, ref FROM purge_pending ORDER BY kind, ref").fetchall():
        if kind == "file":
            path = ws.root / ref
            if path.is_file():
                path.unlink()
                res.files.append(ref)
        else:
            m = load_meeting(conn, int(ref))
            for pdf in outbox_protocols_dir(ws).glob(f"protokols_{m.year}_nr{m.number}*.pdf"):
                pdf.unlink()
                res.files.append(str(pdf.relative_to(ws.root)))
            if m.state == "held":  # the workbook and the draft of a held meeting are no longer needed
                res.files += [str(p.relative_to(ws.root)) for p in (form_path(ws, m.year, m.number),
                                                                   draft_path(ws, m.year, m.number)) if p.exists()]
            res.protocols += [str(p.relative_to(ws.root)) for p in rewrite_protocols(conn, ws, m.id)
                              if p.suffix == ".docx"]
        conn.execute("DELETE FROM purge_pending WHERE kind = ? AND ref = ?", (kind, ref))


def _last_activity(conn: sqlite3.Connection) -> dict[str, str]:
    """Open cases whose data is kept -> the day of their latest report, meeting, status or decision review."""
    return dict(conn.execute(
        "SELECT c.case_id, max(c.status_on,"
        " coalesce((SELECT max(r.report_date) FROM case_reports r WHERE r.case_id = c.case_id), ''),"
        " coalesce((SELECT max(m.meeting_date) FROM meeting_items i JOIN meetings m ON m.id = i.meeting_id"
        "  WHERE i.case_id = c.case_id AND m.state = 'held'), ''),"
        " coalesce((SELECT max(v.reviewed_on) FROM decision_reviews v JOIN decisions d ON d.id = v.decision_id"
        "  WHERE d.case_id = c.case_id), ''))"
        f" FROM cases c WHERE c.status IN ({_in(list(OPEN_CASE_STATUSES))}) AND c.purged_at IS NULL AND EXISTS"
        " (SELECT 1 FROM case_identity i WHERE i.case_id = c.case_id)", OPEN_CASE_STATUSES).fetchall())


def inactive_cases(conn: sqlite3.Connection, ws: Workspace, today: date, record: bool
                   ) -> tuple[list[str], list[str]]:
    """Open cases without activity for ``inactive_years``: (due for erasure, the board's warning lines).

    A case is due once it was warned at least ``purge_warning_days`` ago and nothing happened since;
    ``record`` writes the new warnings down (not in a dry run)."""
    group = ws.config.cooperation_group
    cutoff = retention_cutoff(today, group.inactive_years).isoformat()
    warned = {c: (on, last) for c, on, last in conn.execute("SELECT case_id, warned_on, last_activity"
                                                            " FROM purge_warnings")}
    due, waiting = [], []
    for case_id, last in sorted(_last_activity(conn).items()):
        if last >= cutoff:
            continue
        on, seen = warned.get(case_id, (None, None))
        if on is None or seen != last:
            on = today.isoformat()
            if record:
                conn.execute("INSERT OR REPLACE INTO purge_warnings (case_id, warned_on, last_activity)"
                             " VALUES (?, ?, ?)", (case_id, on, last))
        erase_on = date.fromisoformat(on) + timedelta(days=group.purge_warning_days)
        if erase_on <= today:
            due.append(case_id)
        else:
            waiting.append(f"    {case_id}: pēdējā darbība {lv.date_short(date.fromisoformat(last))}.; personas "
                           f"dati tiks dzēsti, sākot no {lv.date_short(erase_on)}.")
    if record:  # a warned case that came back to life, closed or was purged is no longer warned about
        active = [c for c in warned if c not in due and not any(c in w for w in waiting)]
        conn.executemany("DELETE FROM purge_warnings WHERE case_id = ?", [(c,) for c in active])
    notices = []
    if waiting:
        notices = [f"Brīdinājums valdei: atvērtas lietas bez darbības ilgāk par "
                   f"{lv.count(group.inactive_years, 'gadu', 'gadiem')} ({len(waiting)}). Ja līdz norādītajai "
                   "dienai lietā nebūs jauna ziņojuma vai sanāksmes lēmuma, `pmp purge` dzēsīs tās personas "
                   "datus:"] + waiting
    return due, notices


def purge(ws: Workspace, case_id: str | None = None, dry_run: bool = False, today: date | None = None
          ) -> PurgeResult:
    """Erase one case's personal data (``case_id``), or every closed case's past retention and every
    open case left inactive past the warning."""
    from ..cases.meetings import load_meeting
    from ..protocols import draft_path, final_path

    today = today or date.today()
    cutoff = retention_cutoff(today, ws.config.cooperation_group.retention_years)
    with store_lock(ws, wait=0.0), open_store(ws) as store:
        conn = store.conn
        conn.execute("PRAGMA secure_delete=ON")
        finished = PurgeResult()
        if not dry_run:
            _finish_pending(conn, ws, finished)  # what an interrupted purge left to do
        notices: list[str] = []
        if case_id is not None:
            if conn.execute("SELECT 1 FROM cases WHERE case_id = ?", (case_id,)).fetchone() is None:
                raise CaseError(f"lieta “{case_id}” nav atrasta; lietas numurs ir protokolā, piemēram L-AB12CD34EF")
            cases, old_rejected, reason = [case_id], [], "request"
        else:
            with store.transaction() as tx:
                inactive, notices = inactive_cases(tx, ws, today, record=not dry_run)
            cases = sorted(set(due_cases(conn, cutoff)) | set(inactive))
            old_rejected = [r[0] for r in conn.execute(
                "SELECT id FROM submissions WHERE form_id = 'F3' AND state = 'rejected' AND received_at < ?"
                " AND original_name != ?", (cutoff.isoformat(), PURGED_NAME))]
            reason = "retention"
        res, sids, meetings = _plan(conn, ws, cases, old_rejected)
        res.dry_run, res.notices = dry_run, notices
        red = _redactor(conn, cases) if cases else Redactor(set())
        if dry_run:
            res.files = [str(p.relative_to(ws.root)) for p in _erase_files(conn, ws, sids)]
            res.rewritten = _rewrite_files(conn, ws, red, set(cases), set(sids), write=False)[1]
            for mid in meetings:
                m = load_meeting(conn, mid)
                doc = final_path(ws, m.year, m.number) if m.state == "held" else draft_path(ws, m.year, m.number)
                res.protocols.append(str(doc.relative_to(ws.root)))
            return res
        moved: list[tuple[int, str, str]] = []
        if cases or sids:
            moved, res.rewritten = _rewrite_files(conn, ws, red, set(cases), set(sids), write=True)
            with store.transaction() as tx:
                _mark(tx, ws, res, sids, reason)
                red.covered = 0  # count the words covered in the store's records only
                touched = redact_store(tx, red) if cases else set()
                for sid, old, new in moved:
                    tx.execute("UPDATE submissions SET archived_as = ? WHERE id = ?", (new, sid))
                    if new != old:
                        tx.execute("INSERT OR IGNORE INTO purge_pending (kind, ref) VALUES ('file', ?)", (old,))
                tx.executemany("INSERT OR IGNORE INTO purge_pending (kind, ref) VALUES ('meeting', ?)",
                               [(str(m),) for m in sorted(set(meetings) | touched)])
            res.covered = red.covered
        res.files = finished.files + [str(p.relative_to(ws.root)) for p in _erase_files(conn, ws)]
        _finish_pending(conn, ws, res)
        res.protocols = finished.protocols + res.protocols
        _vacuum(conn)
    protect_workspace(ws)
    return res
