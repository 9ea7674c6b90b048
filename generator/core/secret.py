"""The workspace's secret key for pseudonymous case ids (keyed HMAC). Owner-only, never committed."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .platform import private_dir

if TYPE_CHECKING:
    from .workspace import Workspace


def ensure_secret(ws: Workspace) -> bytes:
    """Return the workspace key, creating it (0600, folder 0700) on first use."""
    path = ws.secret_path
    if path.is_file():
        return path.read_bytes()
    import secrets  # here, not at the top: every command imports the workspace, few create a key

    private_dir(path.parent)
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
        fh.flush()
        os.fsync(fh.fileno())
    return key
