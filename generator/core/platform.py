"""What differs between Windows and POSIX, in one place: owner-only permissions and network drives.

Nothing here (or anywhere in the package) imports a POSIX-only module (``fcntl``, ``pwd``, ``grp``,
``termios``, ``resource``) or a Windows-only one at module level, so ``pmp`` starts on both; file locks
come from portalocker (``generator.intake.lock``).

``PMP_PLATFORM=windows`` (or ``posix``) makes :func:`is_windows` answer so regardless of the machine:
the tests use it to run the Windows branches on Linux.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path, PureWindowsPath

DIR_MODE = 0o700
FILE_MODE = 0o600

#: Filesystems on which SQLite locking and fsync cannot be trusted (and where watching needs polling).
NETWORK_FS = ("cifs", "smb3", "smbfs", "nfs", "nfs4", "fuse", "9p", "afs", "ncpfs", "davfs")
MOUNTS_FILE = Path("/proc/mounts")
#: ``GetDriveTypeW`` answer for a mapped network drive.
DRIVE_REMOTE = 4


def is_windows() -> bool:
    """True on Windows (or when ``PMP_PLATFORM`` says so)."""
    forced = os.environ.get("PMP_PLATFORM", "").strip().lower()
    if forced in ("windows", "posix"):
        return forced == "windows"
    return sys.platform == "win32"


def owner_only_modes() -> bool:
    """True where POSIX modes protect files (0700 folders, 0600 files).

    Windows has no such modes (``os.chmod`` only sets the read-only flag): there the NTFS permissions of
    the folder protect the workspace, and a folder under the user's profile is readable by that user
    and the administrators only (the guide says so).
    """
    return not is_windows()


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) and, where the platform has modes, make it owner-only (0700)."""
    path.mkdir(parents=True, exist_ok=True)
    if owner_only_modes() and stat.S_IMODE(path.stat().st_mode) != DIR_MODE:
        os.chmod(path, DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Make an existing file owner-only (0600) where the platform has modes."""
    if owner_only_modes() and stat.S_IMODE(path.stat().st_mode) != FILE_MODE:
        os.chmod(path, FILE_MODE)
    return path


def network_location(path: Path, mounts_file: Path | None = None) -> str | None:
    """What network storage ``path`` lives on, or None if it is on a local disk.

    POSIX: the filesystem type from ``/proc/mounts`` (cifs, nfs4, fuse.sshfs …). Windows: the share of a
    UNC path (``\\\\server\\share``) or a mapped network drive (``Z:``, by ``GetDriveTypeW``).
    """
    if is_windows():
        return windows_network_location(str(path))
    return mounted_network_fstype(path, mounts_file)


def mounted_network_fstype(path: Path, mounts_file: Path | None = None) -> str | None:
    """The network filesystem type ``path`` lives on according to ``/proc/mounts``, or None."""
    try:
        text = (mounts_file or MOUNTS_FILE).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    target = str(Path(os.path.abspath(path)))
    best, best_type = "", ""
    for line in text.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        mount = parts[1].replace("\\040", " ")
        if (target == mount or target.startswith(mount.rstrip("/") + "/")) and len(mount) >= len(best):
            best, best_type = mount, parts[2]
    base = best_type.split(".", 1)[0]
    if best_type == "fuseblk":  # a local disk through FUSE (ntfs-3g)
        return None
    return best_type if base in NETWORK_FS else None


def windows_network_location(path: str) -> str | None:
    """``\\\\server\\share`` for a UNC path (``\\\\?\\UNC\\…`` too), ``Z:`` for a mapped network drive, else None."""
    text = path.replace("/", "\\")
    if text.upper().startswith("\\\\?\\UNC\\"):
        text = "\\\\" + text[8:]
    elif text.startswith("\\\\?\\") or text.startswith("\\\\.\\"):
        text = text[4:]
    drive = PureWindowsPath(text).drive
    if drive.startswith("\\\\"):
        return drive
    if len(drive) == 2 and drive[1] == ":" and drive_type(drive + "\\") == DRIVE_REMOTE:
        return drive.upper()
    return None


def drive_type(root: str) -> int:
    """``GetDriveTypeW`` of a drive root such as ``C:\\`` (0 = unknown where there is no Win32 API)."""
    import ctypes  # only reached on Windows paths; ``ctypes.windll`` exists on Windows only

    windll = getattr(ctypes, "windll", None)
    if windll is None:
        return 0
    return int(windll.kernel32.GetDriveTypeW(root))
