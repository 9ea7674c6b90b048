"""The dataset read from the store a row at a time (issue 15) is what ``Store.latest`` gives."""

from __future__ import annotations

from generator.core.workspace import Workspace
from generator.documents.completeness import missing_forms
from generator.documents.dataset import Dataset, Receipt, load_dataset
from generator.intake import ingest_once
from generator.store import open_store

from .test_documents_build import PERIOD, submit


def test_dataset_is_the_newest_accepted_version_of_each_form(mini_ws: Workspace) -> None:
    for form, inst, seed in (("F2", "ludzas-vsk", 1), ("F2", "zilupes-vsk", 2), ("F1", "sd", 3), ("F1", "ip", 4),
                             ("F4", "ip", 5)):
        submit(mini_ws, form, inst, seed)
    ingest_once(mini_ws)
    submit(mini_ws, "F1", "sd", 6)  # a second version replaces the first
    ingest_once(mini_ws)
    ds = load_dataset(mini_ws, PERIOD)
    with open_store(mini_ws) as store:
        latest = {form: store.latest(form, PERIOD.year) for form in ("F1", "F2", "F4")}
        assert Dataset.from_store(store, PERIOD) == ds
    assert ds.f1 == {r.institution: r.data for r in latest["F1"]} and set(ds.f1) == {"sd", "ip"}
    assert ds.f2 == {r.institution: r.data for r in latest["F2"]} and len(ds.f2) == 2
    assert ds.f4 == latest["F4"][0].data
    assert ds.received == {form: {r.institution: Receipt(r.version, str(r.received_at)) for r in rows}
                           for form, rows in latest.items()}
    assert ds.received["F1"]["sd"].version == 2
    # Shared strings: the same key is one object in every institution's data.
    first, second = (next(iter(d)) for d in ds.f2.values())
    assert first == second and first is second


def test_receipts_alone_tell_the_same_missing_forms(mini_ws: Workspace) -> None:
    """The build finds who has not sent what from the receipts only (no form's data is read for it)."""
    assert missing_forms(mini_ws.config, load_dataset(mini_ws, PERIOD, receipts_only=True)) == missing_forms(
        mini_ws.config, load_dataset(mini_ws, PERIOD))  # no store yet: everything missing
    for form, inst, seed in (("F2", "ludzas-vsk", 1), ("F1", "sd", 3), ("F4", "ip", 5)):
        submit(mini_ws, form, inst, seed)
    ingest_once(mini_ws)
    full, receipts = load_dataset(mini_ws, PERIOD), load_dataset(mini_ws, PERIOD, receipts_only=True)
    assert receipts.received == full.received and full.f1 and full.f4 is not None
    assert receipts.f1 == receipts.f2 == {} and receipts.f4 is None and receipts.f5 == []
    assert missing_forms(mini_ws.config, receipts) == missing_forms(mini_ws.config, full)
    assert not any("F4" in m.forms for m in missing_forms(mini_ws.config, receipts))
