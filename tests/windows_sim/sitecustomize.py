"""Makes a Linux interpreter look like Windows to ``pmp`` (put this folder on PYTHONPATH).

* ``fcntl``, ``pwd``, ``grp``, ``termios`` and ``resource`` cannot be imported: Windows has none of them.
* portalocker gets an ``msvcrt`` with ``locking()`` backed by ``flock`` on the same descriptor (Windows locks are
  per handle too), and portalocker is imported as on Windows, so it locks through ``msvcrt.locking``.
  Each call is appended to the file named by ``PMP_SIM_LOCK_LOG`` so a test can see the locks taken.
* ``PMP_PLATFORM=windows`` (set by the test) selects the Windows branches of ``generator.core.platform``.
"""

from __future__ import annotations

import atexit  # noqa: F401  (imported before os.name changes below: portalocker's utils need them)
import errno
import fcntl as _fcntl
import importlib.abc
import inspect  # noqa: F401
import logging  # noqa: F401
import os
import pathlib
import random  # noqa: F401
import shutil  # noqa: F401
import sys
import tempfile  # noqa: F401
import threading  # noqa: F401
import types
import weakref  # noqa: F401

BLOCKED = ("fcntl", "pwd", "grp", "termios", "resource")


class _Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r} (simulated Windows)", name=name)
        return None


def _locking(fd: int, mode: int, nbytes: int) -> None:
    log = os.environ.get("PMP_SIM_LOCK_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()} locking mode={mode} nbytes={nbytes}\n")
    try:
        if mode == 0:  # LK_UNLCK
            _fcntl.flock(fd, _fcntl.LOCK_UN)
        elif mode in (2, 4):  # LK_NBLCK, LK_NBRLCK: fail at once when held
            _fcntl.flock(fd, _fcntl.LOCK_EX | _fcntl.LOCK_NB)
        else:
            _fcntl.flock(fd, _fcntl.LOCK_EX)
    except BlockingIOError as e:
        raise OSError(errno.EACCES, "Permission denied") from e


msvcrt = types.ModuleType("msvcrt")
msvcrt.LK_UNLCK, msvcrt.LK_LOCK, msvcrt.LK_NBLCK, msvcrt.LK_RLCK, msvcrt.LK_NBRLCK = 0, 1, 2, 3, 4
msvcrt.locking = _locking
sys.modules["msvcrt"] = msvcrt

for _name in BLOCKED:
    sys.modules.pop(_name, None)
sys.meta_path.insert(0, _Blocker())

# portalocker picks its backend by os.name when imported; pathlib would then refuse to make Windows
# paths on Linux, so it makes POSIX ones for that moment.
_real_os_name, _real_windows_path = os.name, pathlib.WindowsPath
os.name, pathlib.WindowsPath = "nt", pathlib.PosixPath  # type: ignore[misc]
try:
    import portalocker  # noqa: F401  (its Windows branch: MsvcrtLocker over the msvcrt above)
finally:
    os.name, pathlib.WindowsPath = _real_os_name, _real_windows_path  # type: ignore[misc]
    # Only portalocker sees the stand-in: subprocess, getpass and others take "msvcrt importable" to
    # mean a Windows interpreter, which this one is not.
    del sys.modules["msvcrt"]
