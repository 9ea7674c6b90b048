"""Stage one: a private copy of an inbox file — exactly the bytes that are hashed, read and archived.

The source is opened without following a symlink and without blocking on a FIFO, and only a regular
file is copied. The copy goes to ``archive/staging/`` (owner-only, the archive's disk) while it is
hashed; afterwards the source's identity (device, inode, size, mtime) is compared with what it was
before the copy, both through the open descriptor and through its name. A source that changed is left
in the inbox for the next pass and the copy is dropped. The source itself is never moved or chmod-ed
(it may be a hardlink with a twin outside the inbox): once its copy is archived, its inbox name is
unlinked — and only if that name still points to the very file that was copied.

The copy's ``fsync`` runs in a background thread while the file is bounded, read and checked (it waits
for the disk, not for Python), and :attr:`Staged.durable` waits for it before anything names the copy:
before the store records its hash (a killed run's leftover copy is placed by that hash), before it is
renamed into the archive and before the source's name is removed — the same order as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..store import secure_dir

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

#: Where a file found in the inbox is not a regular file, what it is (Latvian, for ``pmp status``).
KIND_LV = {
    "symlink": "simboliska saite (netiek atvērta)",
    "fifo": "nosaukts kanāls FIFO (netiek atvērts)",
    "directory": "mape (netiek atvērta)",
    "device": "ierīces fails (netiek atvērts)",
    "socket": "ligzda (netiek atvērta)",
    "hidden": "slēpts fails (nosaukums sākas ar punktu)",
    "temporary": "pagaidu vai bloķēšanas fails (netiek ņemts)",
    "other": "nav parasts fails (netiek atvērts)",
}

_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
_CHUNK = 1024 * 1024

Signature = tuple[int, int, int, int]  # device, inode, size, mtime_ns


@dataclass(frozen=True)
class Staged:
    """A private, verified copy of one inbox file."""

    source: Path
    copy: Path  # archive/staging/<sha256>.<random>.xlsx|.bin: ours, 0600
    sha256: str
    size: int
    signature: Signature  # the source's identity when it was copied
    #: Seconds since the source was last modified, when it was copied.
    age: float
    #: Waits until the copy is on disk (its fsync, started in the background); raises the fsync's error.
    durable: Callable[[], None] = field(default=lambda: None, compare=False, repr=False)

    @property
    def source_sig(self) -> str:
        """The source's identity as stored with the submission (recognises our own unfinished take)."""
        return ":".join(str(x) for x in self.signature)


@dataclass(frozen=True)
class NotTaken:
    """Why an inbox path was not copied: ``kind`` a key of :data:`KIND_LV`, ``changing`` or ``gone``."""

    kind: str


def staging_dir(archive: Path) -> Path:
    """``archive/staging/``, owner-only."""
    return secure_dir(archive / "staging")


def kind_of(mode: int) -> str:
    """The :data:`KIND_LV` key of a non-regular file mode."""
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "other"


def _sig(st: os.stat_result) -> Signature:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def stage(path: Path, archive: Path, now: float) -> Staged | NotTaken:
    """Copy ``path`` into the staging folder while hashing it; verify it did not change meanwhile."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        return NotTaken("gone")
    except OSError:
        # ELOOP: a symlink (O_NOFOLLOW); ENXIO: a FIFO nobody writes to; EISDIR …: say what it is.
        try:
            return NotTaken(kind_of(os.lstat(path).st_mode))
        except OSError:
            return NotTaken("gone")
    try:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            return NotTaken(kind_of(before.st_mode))
        # A regular file opened O_NONBLOCK reads normally; nothing else reaches this point.
        folder = staging_dir(archive)
        part = folder / f"{uuid.uuid4().hex}.part"
        h = hashlib.sha256()
        size = 0
        out = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        try:
            buf = bytearray(_CHUNK)
            view = memoryview(buf)
            with open(fd, "rb", buffering=0, closefd=False) as src:
                while n := src.readinto(buf):
                    h.update(view[:n])
                    _write_all(out, view[:n])
                    size += n
        except BaseException:
            os.close(out)
            part.unlink(missing_ok=True)
            raise
        durable = _sync_in_background(out)
        after = os.fstat(fd)
    finally:
        os.close(fd)
    try:
        named = os.lstat(path)
    except FileNotFoundError:
        named = None  # deleted after we opened it: our copy is still exactly what it held
    same_name = named is None or _sig(named) == _sig(before)
    if _sig(after) != _sig(before) or size != before.st_size or not same_name:
        part.unlink(missing_ok=True)
        _quietly(durable)
        return NotTaken("changing")
    sha = h.hexdigest()
    # The reader (openpyxl) insists on a workbook extension; the name is otherwise ours alone.
    suffix = ".xlsx" if path.suffix.lower() == ".xlsx" else ".bin"
    copy = folder / f"{sha}.{uuid.uuid4().hex[:8]}{suffix}"
    os.replace(part, copy)
    return Staged(path, copy, sha, size, _sig(before), max(0.0, now - before.st_mtime_ns / 1e9), durable)


#: The background fsync thread, and the process it belongs to (a forked child starts its own).
_syncer: tuple[int, ThreadPoolExecutor] | None = None


def _fsync_and_close(fd: int) -> None:
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_in_background(fd: int) -> Callable[[], None]:
    """fsync and close ``fd`` in a background thread; the returned function waits for it (and raises
    its error, e.g. a full disk found by the fsync)."""
    global _syncer
    if _syncer is None or _syncer[0] != os.getpid():
        from concurrent.futures import ThreadPoolExecutor  # (≈ 10 ms to import: only when a file is taken)

        _syncer = (os.getpid(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="pmp-fsync"))
    done: Future[None] = _syncer[1].submit(_fsync_and_close, fd)
    return lambda: done.result()


def _quietly(wait: Callable[[], None]) -> None:
    """Wait for a copy that is being thrown away (its fsync's error no longer matters)."""
    with contextlib.suppress(OSError):
        wait()


def _write_all(fd: int, view: memoryview) -> None:
    while view:
        n = os.write(fd, view)
        view = view[n:]


def archive_copy(staged: Staged, dest: Path) -> None:
    """Rename the staged copy into the archive (same disk: atomic), owner-only, once it is on disk."""
    staged.durable()
    secure_dir(dest.parent)
    os.replace(staged.copy, dest)


def release_source(staged: Staged) -> None:
    """Remove the source's inbox name, if it still names the file that was copied.

    A corrected version saved over the same name meanwhile is a different file: it stays for the next
    pass. Only the name is removed; a hardlink's other names and their permissions are untouched. The
    copy is on disk first.
    """
    staged.durable()
    try:
        st = os.lstat(staged.source)
    except FileNotFoundError:
        return
    if _sig(st) == staged.signature:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(staged.source)


def same_source(path: Path, source_sig: str | None) -> bool:
    """True when ``path`` is still the very file recorded by :attr:`Staged.source_sig`."""
    if not source_sig:
        return False
    try:
        return ":".join(str(x) for x in _sig(os.lstat(path))) == source_sig
    except OSError:
        return False


def drop_copy(staged: Staged) -> None:
    """Forget a staged copy that is not needed (a repeat, or the source is still being written)."""
    _quietly(staged.durable)
    staged.copy.unlink(missing_ok=True)


def leftovers(archive: Path) -> list[tuple[str, Path]]:
    """Staged copies a killed run left behind: (sha256 or "" for an unfinished copy, path)."""
    folder = archive / "staging"
    if not folder.is_dir():
        return []
    out = []
    for p in sorted(folder.iterdir()):
        sha = p.name.split(".", 1)[0]
        out.append(("" if p.name.endswith(".part") or len(sha) != 64 else sha, p))
    return out
