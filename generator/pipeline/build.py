"""``pmp build``: ingest what is waiting, check completeness, write reminders, build every document."""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..core.errors import DocumentError, IntakeLocked
from ..core.period import Period
from ..core.workspace import Workspace
from ..documents.completeness import Missing, missing_forms
from ..documents.consolidated import write_consolidated
from ..documents.dataset import Dataset, load_dataset
from ..documents.evaluation import TITLES, make_evaluation, scheduled_kinds
from ..documents.pdf import to_pdf
from ..documents.plan import make_plan
from ..documents.public import make_extracts, make_public_summary
from ..documents.report import make_report
from ..documents.report_annex import annex_path
from ..forms.blanks import BlankForms
from ..intake import ingest_once
from ..intake.diskfull import disk_errors
from ..intake.status import attention_lines
from ..mail.reminders import write_reminder

Progress = Callable[[str], None]


@dataclass
class BuildResult:
    """What one build produced and found."""

    ingest_line: str = ""
    missing: list[Missing] = field(default_factory=list)
    reminders: list[Path] = field(default_factory=list)
    documents: list[Path] = field(default_factory=list)
    extracts: list[Path] = field(default_factory=list)
    pdf_problems: list[str] = field(default_factory=list)
    #: Held and unrecognised files and untaken inbox entries the board should look at.
    attention: list[str] = field(default_factory=list)


def build_documents(ws: Workspace, period: Period, ds: Dataset, today: date, pdf: bool,
                    progress: Progress, result: BuildResult) -> None:
    """The report, the plan and the consolidated workbook (plus PDFs when asked)."""
    cfg = ws.config
    progress = _collecting(progress)
    progress("Gada pārskats …")
    report = make_report(ws, period, ds, today)
    progress("Rīcības plāns …")
    plan = make_plan(ws, period, ds, today)
    progress("Publiskais kopsavilkums …")
    summary = make_public_summary(ws, period, ds, today)
    evaluations = []
    for kind in scheduled_kinds(cfg, period):
        progress(f"{TITLES[kind]} …")
        evaluations.append(make_evaluation(ws, period, kind, today, ds))
    progress("Iestāžu izraksti nākamajam gadam …")
    extracts = make_extracts(ws, period, today)
    progress("Kopsavilkuma darbgrāmata …")
    result.documents += [report, annex_path(ws, period), plan, summary, *evaluations,
                         write_consolidated(ws, cfg, ds)]
    result.extracts = extracts
    if pdf:
        for doc in (report, plan, summary, *evaluations):
            progress(f"PDF: {doc.name} …")
            try:
                result.documents.append(to_pdf(doc))
            except DocumentError as e:
                result.pdf_problems.append(str(e))
                if "nav atrasts" in str(e):
                    break


def _collecting(progress: Progress) -> Progress:
    """``progress`` that first frees what the previous document left: python-docx's package and parts
    refer to each other, so a rendered document's XML trees (megabytes of lxml memory that Python's own
    allocation counts do not show) wait for the cyclic collector, which at its own pace let them pile
    up over several documents."""
    def say(msg: str) -> None:
        gc.collect()
        progress(msg)

    return say


def build(ws: Workspace, period: Period, today: date, pdf: bool = False,
          progress: Progress | None = None) -> BuildResult:
    """Ingest, completeness and reminders, then every document of the period. A full disk is reported
    as :class:`DiskFull` naming the disk."""
    with disk_errors(ws, "dokumentus"):
        return _build(ws, period, today, pdf, progress)


def _build(ws: Workspace, period: Period, today: date, pdf: bool, progress: Progress | None) -> BuildResult:
    say = progress or (lambda _msg: None)
    result = BuildResult()
    cfg = ws.config
    say("Apstrādā iesūtni …")
    try:
        summary = ingest_once(ws, progress=lambda r: say(r.line()))
        result.ingest_line = summary.line()
    except IntakeLocked:
        # A running `pmp watch` is taking the inbox already; build from what it has accepted.
        result.ingest_line = ("Iesūtni pašlaik apstrādā cits process (pmp watch); dokumenti veidoti no jau "
                              "pieņemtajiem iesniegumiem.")
    result.attention = attention_lines(ws, period.year)
    # Who has not sent what needs only the receipts; the reminders' blank workbooks are written before
    # the dataset is loaded, so what they leave behind does not interleave with it (S = 600: a 6 MB
    # lower peak).
    result.missing = missing_forms(cfg, load_dataset(ws, period, receipts_only=True))
    result.reminders = write_reminders(ws, period, result.missing, say)
    ds = load_dataset(ws, period)
    # What lives now (modules, config, dataset) lives until the end: frozen, the collections between
    # documents pass over it and cost only what the documents made.
    gc.collect()
    gc.freeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], 1, 1)
    try:
        build_documents(ws, period, ds, today, pdf, say, result)
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
    return result


def write_reminders(ws: Workspace, period: Period, missing: list[Missing], say: Progress) -> list[Path]:
    """The reminders' ``.eml`` drafts; the blank workbooks written for them are freed on return, before
    the documents are built."""
    folder = ws.period_outbox(period.year) / "atgadinajumi"
    for old in folder.glob("atgadinajums_*.eml") if folder.is_dir() else []:
        old.unlink()  # an institution that has since delivered must not get a stale reminder
    blanks = BlankForms(ws.config, period)
    out = []
    for miss in missing:
        say(f"Atgādinājums: {miss.institution.name} ({', '.join(miss.forms)})")
        out.append(write_reminder(ws.config, period, miss, folder, blanks))
    return out
