"""Finish what a killed run left in ``archive/staging/`` (it runs under the intake lock, so every
staged copy found there is a leftover)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ..store import Store, secure_dir
from .receipts import receipt_path, write_atomic
from .staging import leftovers

if TYPE_CHECKING:
    from ..core.workspace import Workspace


def recover(ws: Workspace, store: Store) -> int:
    """A copy the store already knows whose archived original is missing takes its place (the run was
    killed between the commit and the archive, and its inbox file may be gone); every other leftover
    is deleted — its file is still in the inbox and will be taken again. Returns how many were placed.
    """
    placed = 0
    for sha, path in leftovers(ws.archive):
        target = None
        if sha:
            row = store.by_sha(sha)
            held = store.held(sha)
            if row is not None:
                target = (ws.root / row.archived_as, receipt_path(ws, sha, row.institution, row.form_id,
                                                                  row.period), store.receipt_text(row.id))
            elif held:
                h = held[0]
                target = (ws.root / h.archived_as, receipt_path(ws, sha, h.institution, h.form_id, h.period),
                          h.receipt)
        if target is None or target[0].exists():
            path.unlink(missing_ok=True)
            continue
        secure_dir(target[0].parent)
        os.replace(path, target[0])
        if not target[1].exists():
            write_atomic(target[1], target[2])
        placed += 1
    return placed
