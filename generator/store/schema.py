"""Every table of the store, in migration order: one place to read the whole schema.

Numbers are fixed forever: the intake 1–49, the plan editions 50–69, the cooperation group 70–99,
the mail journal 100–119.
Statistics and identity are kept apart: ``cases``, ``case_reports``, ``meetings``, ``meeting_items``
hold only pseudonymous ids, dates, codes and counts; everything that names or describes a child lives
in the ``*_identity`` / ``*_text`` tables, which :mod:`generator.pipeline.purge` deletes. Vocabularies
in CHECK constraints come from :mod:`generator.core.vocab`.
"""

from __future__ import annotations

from ..core.vocab import (
    AGENDA_ITEM_KINDS,
    CASE_STATUSES,
    DECISION_KINDS,
    DECISION_RESULTS,
    DECISION_STATES,
    HELD_KINDS,
    SUBMISSION_STATES,
)
from .migrations import register_migration


def _in(words: tuple[str, ...]) -> str:
    """An SQL list of string literals for a CHECK constraint (the words contain no quotes)."""
    return ", ".join(f"'{w}'" for w in words)


register_migration(1, "submissions", f"""
CREATE TABLE submissions (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    institution TEXT,
    form_id TEXT,
    period INTEGER,
    version INTEGER,
    state TEXT NOT NULL CHECK (state IN ({_in(SUBMISSION_STATES)})),
    received_at TEXT NOT NULL,
    original_name TEXT NOT NULL,
    size INTEGER NOT NULL,
    superseded_by INTEGER REFERENCES submissions (id),
    archived_as TEXT NOT NULL,
    data TEXT,
    receipt TEXT NOT NULL
);
CREATE INDEX submissions_slot ON submissions (form_id, period, institution, state);
-- One current version per institution, form and period for the yearly forms; F3 case reports and F5
-- meeting records are never versioned (FormDef.versioned), each accepted file stands alone.
CREATE UNIQUE INDEX submissions_one_current ON submissions (form_id, period, institution)
    WHERE state = 'accepted' AND form_id NOT IN ('F3', 'F5');
CREATE TABLE messages (
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    seq INTEGER NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('error', 'warning')),
    sheet TEXT NOT NULL,
    cell TEXT NOT NULL,
    field TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (submission_id, seq)
);
""")

# Version 2 of the intake: what was taken from where (so a crash between archiving a file and removing
# it from the inbox is not later mistaken for a resend), where it came from (the mail's sender and
# Message-ID), whether a rejection was our fault (then the same file is processed again, never
# answered "jau saņemts"), and files HELD for the board: our own exception while checking them, or a
# sender the mail intake could not vouch for. A held file is not a submission yet; `pmp ingest
# --retry-held` turns it into one. Rejections recorded by earlier versions that blamed the school for
# our exception, or for an institution missing from config.toml, are marked retryable here.
register_migration(2, "held_and_origin", f"""
ALTER TABLE submissions ADD COLUMN source_sig TEXT;
ALTER TABLE submissions ADD COLUMN origin TEXT;
ALTER TABLE submissions ADD COLUMN retryable INTEGER NOT NULL DEFAULT 0;
UPDATE submissions SET retryable = 1 WHERE state = 'rejected' AND id IN (
    SELECT submission_id FROM messages WHERE level = 'error'
    AND (text LIKE 'Veidlapu neizdevās nolasīt (%' OR text LIKE 'Iestāde “%” nav konfigurācijā%'));
CREATE TABLE held (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ({_in(HELD_KINDS)})),
    detail TEXT NOT NULL,
    traceback TEXT NOT NULL DEFAULT '',
    institution TEXT,
    form_id TEXT,
    period INTEGER,
    received_at TEXT NOT NULL,
    held_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1,
    original_name TEXT NOT NULL,
    size INTEGER NOT NULL,
    archived_as TEXT NOT NULL,
    source_sig TEXT,
    origin TEXT,
    receipt TEXT NOT NULL
);
""")

register_migration(50, "plan_editions", """
CREATE TABLE plan_editions (
    id INTEGER PRIMARY KEY,
    edition TEXT NOT NULL,
    period INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    plan TEXT NOT NULL
);
CREATE INDEX plan_editions_edition ON plan_editions (edition);
""")

register_migration(70, "cases", f"""
CREATE TABLE cases (
    case_id TEXT PRIMARY KEY,
    institution TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ({_in(CASE_STATUSES)})),
    opened_on TEXT NOT NULL,
    status_on TEXT NOT NULL,
    closed_on TEXT,
    purged_at TEXT
);
CREATE TABLE case_reports (
    id INTEGER PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (case_id),
    submission_id INTEGER NOT NULL UNIQUE REFERENCES submissions (id),
    institution TEXT NOT NULL,
    period INTEGER NOT NULL,
    report_date TEXT NOT NULL,
    recipient TEXT NOT NULL,
    risk_groups TEXT NOT NULL,
    unexcused_lessons INTEGER NOT NULL,
    has_iap INTEGER NOT NULL,
    meeting_id INTEGER REFERENCES meetings (id)
);
CREATE INDEX case_reports_case ON case_reports (case_id);
CREATE TABLE case_identity (
    case_id TEXT PRIMARY KEY REFERENCES cases (case_id),
    pupil_name TEXT NOT NULL,
    pupil_class TEXT NOT NULL,
    pupil_birth_date TEXT
);
CREATE TABLE case_keys (
    key TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (case_id),
    kind TEXT NOT NULL CHECK (kind IN ('birth', 'school'))
);
CREATE INDEX case_keys_case ON case_keys (case_id);
CREATE TABLE case_report_text (
    report_id INTEGER PRIMARY KEY REFERENCES case_reports (id),
    pupil_name TEXT NOT NULL,
    pupil_class TEXT NOT NULL,
    pupil_birth_date TEXT,
    head_name TEXT NOT NULL,
    head_phone TEXT NOT NULL,
    head_email TEXT NOT NULL,
    situation TEXT NOT NULL,
    actions TEXT NOT NULL,
    why_unsolved TEXT NOT NULL
);
""")

register_migration(71, "meetings", """
CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    number INTEGER NOT NULL,
    meeting_date TEXT NOT NULL,
    period INTEGER NOT NULL,
    place TEXT NOT NULL,
    time_text TEXT NOT NULL DEFAULT '',
    chair TEXT NOT NULL DEFAULT '',
    secretary TEXT NOT NULL DEFAULT '',
    guests TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL CHECK (state IN ('planned', 'held')),
    submission_id INTEGER REFERENCES submissions (id),
    created_at TEXT NOT NULL,
    UNIQUE (year, number)
);
CREATE TABLE meeting_members (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id),
    seq INTEGER NOT NULL,
    institution TEXT NOT NULL,
    role TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    present INTEGER,
    PRIMARY KEY (meeting_id, seq)
);
CREATE TABLE meeting_items (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('case', 'plan_review', 'budget', 'other')),
    case_id TEXT REFERENCES cases (case_id),
    title TEXT NOT NULL,
    report_ids TEXT NOT NULL DEFAULT '[]',
    status TEXT,
    PRIMARY KEY (meeting_id, seq)
);
CREATE TABLE meeting_item_text (
    meeting_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    reporter TEXT NOT NULL DEFAULT '',
    discussed TEXT NOT NULL DEFAULT '',
    decision TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (meeting_id, seq),
    FOREIGN KEY (meeting_id, seq) REFERENCES meeting_items (meeting_id, seq)
);
CREATE TABLE meeting_submissions (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id),
    submission_id INTEGER NOT NULL UNIQUE REFERENCES submissions (id)
);
""")

register_migration(72, "purges", """
CREATE TABLE purges (
    id INTEGER PRIMARY KEY,
    purged_at TEXT NOT NULL,
    case_id TEXT,
    reason TEXT NOT NULL CHECK (reason IN ('retention', 'request')),
    summary TEXT NOT NULL
);
""")

# An agenda item that reviews the decisions of earlier meetings. SQLite cannot alter a CHECK: the table
# is rebuilt; foreign keys are checked at commit, when meeting_item_text points at the new table.
register_migration(73, "meeting_items_follow_up", f"""
PRAGMA defer_foreign_keys = ON;
CREATE TABLE meeting_items_new (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ({_in(tuple(AGENDA_ITEM_KINDS))})),
    case_id TEXT REFERENCES cases (case_id),
    title TEXT NOT NULL,
    report_ids TEXT NOT NULL DEFAULT '[]',
    status TEXT,
    PRIMARY KEY (meeting_id, seq)
);
INSERT INTO meeting_items_new SELECT meeting_id, seq, kind, case_id, title, report_ids, status FROM meeting_items;
DROP TABLE meeting_items;
ALTER TABLE meeting_items_new RENAME TO meeting_items;
""")

# Decisions about cases: statistics side (kind, dates, state) apart from what was typed (task, owner,
# outcome), which purge erases with the case.
register_migration(74, "decisions", f"""
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings (id),
    seq INTEGER NOT NULL,
    item_seq INTEGER NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (case_id),
    kind TEXT NOT NULL CHECK (kind IN ({_in(tuple(DECISION_KINDS))})),
    made_on TEXT NOT NULL,
    deadline TEXT,
    due TEXT,
    referred_on TEXT,
    state TEXT NOT NULL CHECK (state IN ({_in(DECISION_STATES)})),
    done_on TEXT,
    UNIQUE (meeting_id, seq)
);
CREATE INDEX decisions_case ON decisions (case_id);
CREATE TABLE decision_text (
    decision_id INTEGER PRIMARY KEY REFERENCES decisions (id),
    task TEXT NOT NULL DEFAULT '',
    responsible TEXT NOT NULL DEFAULT ''
);
CREATE TABLE decision_reviews (
    decision_id INTEGER NOT NULL REFERENCES decisions (id),
    meeting_id INTEGER NOT NULL REFERENCES meetings (id),
    reviewed_on TEXT NOT NULL,
    result TEXT CHECK (result IN ({_in(tuple(DECISION_RESULTS))})),
    new_deadline TEXT,
    PRIMARY KEY (decision_id, meeting_id)
);
CREATE TABLE decision_review_text (
    decision_id INTEGER NOT NULL,
    meeting_id INTEGER NOT NULL,
    outcome TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (decision_id, meeting_id),
    FOREIGN KEY (decision_id, meeting_id) REFERENCES decision_reviews (decision_id, meeting_id)
);
""")

# F3: the legal basis of the report and when the parents were told (codes and dates; the "other"
# basis is typed text and lives with the report's narrative).
register_migration(75, "case_report_basis", """
ALTER TABLE case_reports ADD COLUMN legal_basis TEXT;
ALTER TABLE case_reports ADD COLUMN parents_informed INTEGER;
ALTER TABLE case_reports ADD COLUMN parents_informed_on TEXT;
ALTER TABLE case_report_text ADD COLUMN legal_basis_other TEXT NOT NULL DEFAULT '';
""")

# Open cases without activity are erased only after the board was warned; what a purge still has to
# do after its transaction (delete a replaced original, render a meeting's protocols again) is written
# down in the same transaction, so running ``pmp purge`` again finishes an interrupted one.
register_migration(76, "purge_warnings", """
CREATE TABLE purge_warnings (
    case_id TEXT PRIMARY KEY REFERENCES cases (case_id),
    warned_on TEXT NOT NULL,
    last_activity TEXT NOT NULL
);
CREATE TABLE purge_pending (
    kind TEXT NOT NULL CHECK (kind IN ('file', 'meeting')),
    ref TEXT NOT NULL,
    PRIMARY KEY (kind, ref)
);
""")

# The mail journal (generator.mail): which message was taken, what became of each attachment, what
# was sent and when (for the per-recipient limit), and forms sent back for correction. No message text
# and no attachment is kept; a sent message's bytes are dropped.
register_migration(100, "mail journal", """
CREATE TABLE mail_messages (
    id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL,
    content_sha TEXT NOT NULL,
    sender TEXT NOT NULL,
    subject TEXT,
    sent_at TEXT,
    received_at TEXT NOT NULL,
    refs TEXT NOT NULL DEFAULT '[]',
    no_reply TEXT,
    auth TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('taking', 'taken', 'done')),
    case_data INTEGER NOT NULL DEFAULT 0,
    UNIQUE (message_id, content_sha)
);
CREATE TABLE mail_parts (
    message INTEGER NOT NULL REFERENCES mail_messages (id),
    seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    preexisting INTEGER NOT NULL,
    outcome TEXT,
    institution TEXT,
    form_id TEXT,
    period INTEGER,
    version INTEGER,
    hold_reason TEXT,
    released_at TEXT,
    PRIMARY KEY (message, seq)
);
CREATE INDEX mail_parts_sha ON mail_parts (sha256);
CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY,
    message INTEGER REFERENCES mail_messages (id),
    kind TEXT NOT NULL,
    recipients TEXT NOT NULL,
    mail_id TEXT NOT NULL UNIQUE,
    raw BLOB,
    state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed')),
    created_at TEXT NOT NULL,
    sent_at TEXT,
    note TEXT
);
CREATE TABLE mail_sent_to (
    recipient TEXT NOT NULL,
    sent_at TEXT NOT NULL
);
CREATE INDEX mail_sent_to_recent ON mail_sent_to (recipient, sent_at);
CREATE TABLE mail_returns (
    id INTEGER PRIMARY KEY,
    institution TEXT NOT NULL,
    form_id TEXT NOT NULL,
    period INTEGER NOT NULL,
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    reason TEXT NOT NULL,
    requested_at TEXT NOT NULL
);
""")
