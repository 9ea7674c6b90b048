"""Counts of the cooperation group's work in a period, for the annual report (no names, no narratives).

Computed from the meetings held in the period (``generator.cases.meeting_records``: one record per held
meeting, its items with kind, pseudonymous case id and status). A meeting is one record; a case is one
distinct ``case_id`` among items of kind ``"case"``; a case's outcome is the status it was given at its
latest meeting in the period. Decisions are those made at the period's meetings: how many, how many a
later meeting recorded fulfilled, how many are still open past their (current) deadline on the day the
report is made, and the referrals to other institutions by kind.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..core.vocab import CASE_STATUSES, REFERRAL_DATIVE

#: Case statuses in the order the report lists them.
STATUS_ORDER = CASE_STATUSES
NO_STATUS = "nav norādīts"


@dataclass(frozen=True)
class CoopSummary:
    """How many meetings were held, how many cases considered, and cases per final status."""

    meetings_held: int
    cases_considered: int
    outcomes: dict[str, int] = field(default_factory=dict)
    decisions_made: int = 0
    decisions_fulfilled: int = 0
    decisions_overdue: int = 0
    referrals: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """The report's sentences (Latvian; counts only)."""
        out = [f"Sadarbības grupas sanāksmes periodā: {self.meetings_held}.",
               f"Izskatīti gadījumi: {self.cases_considered}."]
        if self.cases_considered:
            out.append("Gadījumu statuss pēc pēdējās sanāksmes: "
                       + "; ".join(f"{k} — {n}" for k, n in self.outcomes.items()) + ".")
        if self.decisions_made:
            out.append(f"Pieņemtie lēmumi par gadījumiem: {self.decisions_made}; izpildīti: "
                       f"{self.decisions_fulfilled}; termiņš nokavēts: {self.decisions_overdue}.")
            out.append("Lietas nodotas: " + "; ".join(f"{REFERRAL_DATIVE[k]} — {n}" for k, n in self.referrals.items())
                       + ".")
        return out


def summarise_records(records: list[dict[str, Any]], as_of: date | None = None) -> CoopSummary:
    """The summary of meeting records (``{"meeting_date", "items": [{"kind", "case_id", "status"}],
    "decisions": [{"kind", "due", "state", "done_on"}]}``); overdue means open with ``due`` before ``as_of``
    (today by default)."""
    day = (as_of or date.today()).isoformat()
    decisions = [d for rec in records for d in rec.get("decisions") or []]
    kinds = Counter(str(d.get("kind")) for d in decisions)
    meetings = 0
    last_status: dict[str, tuple[str, str]] = {}
    for rec in records:
        meeting = str(rec.get("meeting_date") or "")
        if meeting:
            meetings += 1
        for item in rec.get("items") or []:
            if item.get("kind") != "case" or not item.get("case_id"):
                continue
            case_id = str(item["case_id"])
            status = str(item.get("status") or NO_STATUS)
            previous = last_status.get(case_id)
            if previous is None or meeting >= previous[0]:
                last_status[case_id] = (meeting, status)
    counts = Counter(status for _, status in last_status.values())
    outcomes = {s: counts.get(s, 0) for s in STATUS_ORDER}
    outcomes.update({s: n for s, n in sorted(counts.items()) if s not in outcomes})
    return CoopSummary(
        meetings, len(last_status), outcomes, len(decisions),
        sum(1 for d in decisions if d.get("state") == "done"),
        sum(1 for d in decisions if d.get("state") == "open" and d.get("due") and str(d["due"]) < day),
        {k: kinds.get(k, 0) for k in REFERRAL_DATIVE})


def cooperation_summary(store: Any, period: Any) -> CoopSummary:
    """Counts from the meetings held in ``period`` (a :class:`~generator.core.period.Period`) of an open store."""
    from ..cases import meeting_records

    return summarise_records(meeting_records(store.conn, period))
