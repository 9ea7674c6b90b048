"""The accepted data of one reporting period, as the documents consume it.

A :class:`Dataset` is built either from the store (``Dataset.from_store``: the newest accepted version
per institution of every form) or directly from data dicts (``Dataset.from_data``), which is how tests
and the metrics' own checks build one without a store.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..core.period import Period


@dataclass(frozen=True)
class Receipt:
    """When and which version of a form an institution's accepted data came from."""

    version: int
    received_at: str


@dataclass
class Dataset:
    """Per form, the accepted ``Submission.data`` of each institution for one period.

    ``f1`` and ``f2`` map institution id -> data; ``f4`` is the board's data (or None); ``f5`` is the
    list of count-only records of the meetings held in the period (dates, case ids, statuses). ``received`` maps form id -> institution id -> :class:`Receipt`.
    F3 (case reports about children) is deliberately absent: no document built from a Dataset may
    contain a child's data.
    """

    period: Period
    f1: dict[str, dict[str, Any]] = field(default_factory=dict)
    f2: dict[str, dict[str, Any]] = field(default_factory=dict)
    f4: dict[str, Any] | None = None
    f5: list[dict[str, Any]] = field(default_factory=list)
    received: dict[str, dict[str, Receipt]] = field(default_factory=dict)

    @classmethod
    def from_data(
        cls,
        period: Period,
        f1: dict[str, dict[str, Any]] | None = None,
        f2: dict[str, dict[str, Any]] | None = None,
        f4: dict[str, Any] | None = None,
        f5: list[dict[str, Any]] | None = None,
    ) -> Dataset:
        """A dataset from plain data dicts (every institution counted as version 1, no date)."""
        ds = cls(period, dict(f1 or {}), dict(f2 or {}), f4, list(f5 or []))
        for form, items in (("F1", ds.f1), ("F2", ds.f2)):
            ds.received[form] = {inst: Receipt(1, "") for inst in items}
        if f4 is not None:
            ds.received["F4"] = {"": Receipt(1, "")}
        return ds

    @classmethod
    def from_store(cls, store: Any, period: Period, receipts_only: bool = False) -> Dataset:
        """The newest accepted version per institution of F1, F2 and F4, and the period's held meetings.

        ``receipts_only``: only ``received`` (who sent which version when), no data and no meetings — what
        :func:`generator.documents.completeness.missing_forms` needs, without reading a form's content."""
        from ..cases import meeting_records

        ds = cls(period)
        strings: dict[str, str] = {}
        for form in ("F1", "F2", "F4"):
            received = ds.received[form] = {}
            data: dict[str, dict[str, Any]] = {}
            for inst, version, received_at, raw in _latest(store.conn, form, period.year, receipts_only):
                received[inst] = Receipt(version, str(received_at))
                if not receipts_only:
                    data[inst] = _loads(raw, strings)
            if form == "F1":
                ds.f1 = data
            elif form == "F2":
                ds.f2 = data
            else:
                ds.f4 = next(iter(data.values()), None)
        # One record per meeting held in the period, from the case register (the F5 slot keeps only
        # the newest protocol per period, but every meeting counts).
        if not receipts_only:
            ds.f5 = meeting_records(store.conn, period)
        return ds

    def reported(self, form: str) -> set[str]:
        """Institution ids with accepted data of ``form`` in this period."""
        return set(self.received.get(form, {}))


def _latest(conn: sqlite3.Connection, form: str, year: int,
            receipts_only: bool = False) -> Iterator[tuple[str, int, str, str | None]]:
    """Institution, version, receipt time and stored JSON (None with ``receipts_only``) of the newest
    accepted version of ``form`` per institution (what ``Store.latest`` gives), a row at a time: the JSON
    texts are never all held at once, and the warnings ``Store.latest`` also reads are not needed here."""
    yield from conn.execute(
        f"SELECT institution, version, received_at, {'NULL' if receipts_only else 'data'} FROM submissions"
        " WHERE form_id = ? AND period = ? AND state = 'accepted' ORDER BY institution", (form, year))


def _loads(raw: str | None, strings: dict[str, str]) -> dict[str, Any]:
    """Stored JSON as a dict whose keys and text values are shared with the other submissions' (the same
    keys and many of the same texts repeat in every institution's data: this holds the dataset in well
    under half the memory)."""
    def shared(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keep = strings.setdefault
        return {keep(k, k): keep(v, v) if type(v) is str else v for k, v in pairs}

    data: dict[str, Any] = json.loads(raw or "{}", object_pairs_hook=shared)
    return data


def load_dataset(ws: Any, period: Period, receipts_only: bool = False) -> Dataset:
    """The period's dataset from the workspace's store (empty when the store does not exist yet);
    ``receipts_only``: see :meth:`Dataset.from_store`."""
    if not ws.store_path.exists():
        return Dataset(period)
    from .. import cases  # noqa: F401  (registers the case register's tables before the store opens)
    from ..store import open_store

    with open_store(ws) as store:
        return Dataset.from_store(store, period, receipts_only)
