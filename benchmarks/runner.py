"""Run one command and print its own wall time, CPU time and peak RSS as JSON (used by bench.py).

    python runner.py LOG COMMAND [ARGS...]

This process is small (an interpreter and the standard library), and the command is started from it, so
the peak RSS the kernel reports for the child (``os.wait4``; on Linux it includes the memory the child
had before ``exec``) is the command's own, not the benchmark's large parent inherited through fork.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def main() -> int:
    log, args = sys.argv[1], sys.argv[2:]
    with open(log, "wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    print(json.dumps({"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / scale,
                      "exit": code}))
    return 0 if code == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
