"""Benchmark of intake and build at city (S=101 schools) and national (S=600) scale — issue 7.

    python benchmarks/bench.py --schools 101 600

For each S: a synthetic municipality (the default preset plus schools), filled F1 and F2 workbooks of
every school (cached in the temp dir), then, side by side: the raw cost of reading those files
(openpyxl read-only over every cell; python-calamine), ``pmp ingest`` and ``pmp build`` as
subprocesses (wall time and peak RSS from ``os.wait4``), and the watcher's arrival→receipt latency
with the native observer and with polling at 1 s. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from workload import Workbook, config_text, generate, make_workspace, stage  # noqa: E402

from generator.core.period import Period  # noqa: E402
from generator.core.workspace import Workspace  # noqa: E402
from generator.intake.receipts import receipt_path  # noqa: E402
from generator.pipeline.demo import demo_period  # noqa: E402

#: (key, label, limit, unit) — checked after the run; limits from issue 7.
TARGETS = (
    ("ingest_ratio", "ingest ÷ raw openpyxl", 1.2, "×"),
    ("ingest_build_s", "ingest + build (S=101)", 10.0, "s"),
    ("watch_native_median_s", "watch native, median", 1.5, "s"),
    ("watch_poll_median_s", "watch polling 1 s, median", 3.0, "s"),
    ("peak_rss_mb", "peak RSS of ingest and build (S=600)", 300.0, "MB"),
)


@dataclass
class Figures:
    """Everything measured for one S."""

    schools: int
    files: int = 0
    megabytes: float = 0.0
    generate_s: float = 0.0
    generate_cached: bool = False
    raw_openpyxl_s: float = 0.0
    raw_openpyxl_cpu_s: float = 0.0
    raw_cells: int = 0
    raw_calamine_s: float | None = None
    startup_s: float = 0.0
    ingest_s: float = 0.0
    ingest_cpu_s: float = 0.0
    ingest_rss_mb: float = 0.0
    accepted: int = 0
    rejected: int = 0
    build_s: float = 0.0
    build_cpu_s: float = 0.0
    build_rss_mb: float = 0.0
    watch: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def ingest_ratio(self) -> float:
        return self.ingest_s / self.raw_openpyxl_s if self.raw_openpyxl_s else float("nan")

    @property
    def ingest_ratio_cpu(self) -> float:
        return self.ingest_cpu_s / self.raw_openpyxl_cpu_s if self.raw_openpyxl_cpu_s else float("nan")

    @property
    def ingest_build_s(self) -> float:
        return self.ingest_s + self.build_s

    @property
    def peak_rss_mb(self) -> float:
        return max(self.ingest_rss_mb, self.build_rss_mb)

    def value(self, key: str) -> float | None:
        if key.startswith("watch_"):
            mode = key.split("_")[1]
            return self.watch.get(mode, {}).get("median_s")
        return float(getattr(self, key))


# ---- raw cost ------------------------------------------------------------------------------------
def raw_openpyxl(files: list[Workbook]) -> tuple[float, float, int]:
    """Wall and CPU seconds to open every file read-only and visit every cell of every sheet; cells."""
    from openpyxl import load_workbook

    cells = 0
    c0, t0 = time.process_time(), time.perf_counter()
    for s in files:
        wb = load_workbook(s.path, read_only=True, data_only=True)
        for sheet in wb.worksheets:
            for row in sheet.iter_rows(values_only=True):
                cells += len(row)
        wb.close()
    return time.perf_counter() - t0, time.process_time() - c0, cells


def raw_calamine(files: list[Workbook]) -> float | None:
    """Seconds to read every sheet of every file with python-calamine (None when it is not installed)."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        return None

    t0 = time.perf_counter()
    for s in files:
        wb = CalamineWorkbook.from_path(str(s.path))
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python()
        wb.close()
    return time.perf_counter() - t0


# ---- subprocesses --------------------------------------------------------------------------------
def pmp_args(*args: str) -> list[str]:
    return [sys.executable, "-m", "generator", *args]


def run_measured(args: list[str], ws: Workspace, log: Path) -> tuple[float, float, float]:
    """Run a command to its end: wall seconds, CPU seconds and peak RSS in MB of that process (``os.wait4``).

    CPU time is reported beside wall time because other work on the machine stretches wall time.
    """
    env = {**os.environ, "PMP_WORKSPACE": str(ws.root)}
    with open(log, "wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args[2:])} failed ({proc.returncode}); see {log}:\n{log.read_text()[-2000:]}")
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / scale


def store_counts(ws: Workspace) -> dict[str, int]:
    with sqlite3.connect(ws.store_path) as conn:
        return dict(conn.execute("SELECT state, count(*) FROM submissions GROUP BY state").fetchall())


# ---- watcher latency -----------------------------------------------------------------------------
def watch_latency(ws: Workspace, files: list[Workbook], period: Period, poll: bool,
                  seed: int) -> dict[str, float]:
    """Start ``pmp watch``; rename files into the inbox one at a time; time until each receipt exists."""
    args = pmp_args("watch", *(["--poll", "--interval", "1"] if poll else []))
    env = {**os.environ, "PMP_WORKSPACE": str(ws.root)}
    err = ws.root / f"watch-{'poll' if poll else 'native'}.log"
    staging = ws.root / "staging"  # same filesystem as the inbox, so the move is one rename
    staging.mkdir(exist_ok=True)
    rng = random.Random(seed)
    latencies: list[float] = []
    accepted = 0
    with open(err, "wb") as fh:
        proc = subprocess.Popen(args, env=env, stdout=fh, stderr=fh)
        try:
            deadline = time.monotonic() + 15  # its start-up line, or 15 s (the text may change)
            while "Uzraugu iesūtni" not in err.read_text(encoding="utf-8", errors="replace"):
                if proc.poll() is not None:
                    raise SystemExit(f"pmp watch did not start; see {err}")
                if time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            for s in files:
                sha = hashlib.sha256(s.path.read_bytes()).hexdigest()
                receipt = receipt_path(ws, sha, s.institution, s.form, period.year)
                time.sleep(rng.uniform(0.0, 1.0))  # arrivals at random phases of the watcher's loop
                tmp = staging / s.path.name
                shutil.copyfile(s.path, tmp)  # written just now, as a mail client would save it
                t0 = time.perf_counter()
                os.replace(tmp, ws.inbox / s.path.name)
                while not receipt.exists():
                    if time.perf_counter() - t0 > 60:
                        raise SystemExit(f"no receipt for {s.path.name} after 60 s; see {err}")
                    time.sleep(0.005)
                latencies.append(time.perf_counter() - t0)
                accepted += "REZULTĀTS: PIEŅEMTS" in receipt.read_text(encoding="utf-8")
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
    return {"median_s": statistics.median(latencies), "max_s": max(latencies), "n": len(latencies),
            "accepted": accepted}


# ---- one size ------------------------------------------------------------------------------------
def measure(schools: int, args: argparse.Namespace, root: Path) -> Figures:
    """Every figure for one S."""
    fig = Figures(schools)
    text = config_text(schools)
    ws = make_workspace(root / f"S{schools}", text)
    period = Period(args.period, ws.config.period.kind) if args.period else demo_period(ws, date.today())
    print(f"S = {schools}: {len(ws.config.institutions)} institutions, period {period.label}", flush=True)
    files, fig.generate_s, fig.generate_cached = generate(schools, args.seed, period, text, args.workers)
    fig.files = len(files)
    fig.megabytes = sum(s.path.stat().st_size for s in files) / 1e6
    for s in files:  # the page cache holds every file for every reader alike
        s.path.read_bytes()
    print("  raw reads …", flush=True)
    fig.raw_openpyxl_s, fig.raw_openpyxl_cpu_s, fig.raw_cells = raw_openpyxl(files)
    fig.raw_calamine_s = raw_calamine(files)
    fig.startup_s, _, _ = run_measured(pmp_args("--help"), ws, ws.root / "help.log")
    print("  pmp ingest …", flush=True)
    stage(files, ws.inbox)
    fig.ingest_s, fig.ingest_cpu_s, fig.ingest_rss_mb = run_measured(pmp_args("ingest"), ws, ws.root / "ingest.log")
    counts = store_counts(ws)
    fig.accepted, fig.rejected = counts.get("accepted", 0), counts.get("rejected", 0)
    if fig.accepted != len(files):
        raise SystemExit(f"only {fig.accepted} of {len(files)} accepted; see {ws.root / 'ingest.log'}")
    print("  pmp build …", flush=True)
    fig.build_s, fig.build_cpu_s, fig.build_rss_mb = run_measured(pmp_args("build", "--period", str(period.year)), ws,
                                                 ws.root / "build.log")
    if args.watch_files:
        sample = random.Random(args.seed).sample(files, min(args.watch_files, len(files)))
        for mode, poll in (("native", False), ("poll", True)):
            print(f"  pmp watch ({mode}) × {len(sample)} files …", flush=True)
            wws = make_workspace(root / f"S{schools}-watch-{mode}", text)
            fig.watch[mode] = watch_latency(wws, sample, period, poll, args.seed)
    return fig


# ---- report --------------------------------------------------------------------------------------
def machine() -> dict[str, str | int]:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return {"cores": cores, "python": platform.python_version(), "platform": platform.platform(),
            "cpu": platform.processor() or platform.machine(), "load_at_start": load}


def table(figs: list[Figures]) -> str:
    """The figures side by side, one column per S."""
    def rate(n: int, s: float, cpu: float | None = None) -> str:
        text = f"{s:7.2f} s  {n / s:6.1f} files/s" if s else "-"
        return text + (f"  (CPU {cpu:.2f} s)" if cpu is not None else "")

    def watch(f: Figures, mode: str) -> str:
        w = f.watch.get(mode)
        if not w:
            return "not run"
        return f"median {w['median_s']:.2f} s, max {w['max_s']:.2f} s ({w['accepted']:.0f}/{w['n']:.0f} accepted)"

    rows: list[tuple[str, list[str]]] = [
        ("workbooks F1+F2 (MB)", [f"{f.files} ({f.megabytes:.1f} MB)" for f in figs]),
        ("generation", [f"{'cached' if f.generate_cached else f'{f.generate_s:.1f} s'}" for f in figs]),
        ("raw openpyxl, every cell", [rate(f.files, f.raw_openpyxl_s, f.raw_openpyxl_cpu_s) for f in figs]),
        ("raw python-calamine", [rate(f.files, f.raw_calamine_s) if f.raw_calamine_s is not None
                                 else "not installed (pip install -e '.[bench]')" for f in figs]),
        ("python + pmp start-up", [f"{f.startup_s:7.2f} s" for f in figs]),
        ("pmp ingest", [rate(f.files, f.ingest_s, f.ingest_cpu_s) for f in figs]),
        ("  ingest ÷ raw openpyxl", [f"{f.ingest_ratio:7.2f} ×  (CPU {f.ingest_ratio_cpu:.2f} ×)" for f in figs]),
        ("  accepted / rejected", [f"{f.accepted} / {f.rejected}" for f in figs]),
        ("  peak RSS", [f"{f.ingest_rss_mb:7.0f} MB" for f in figs]),
        ("pmp build", [f"{f.build_s:7.2f} s  (CPU {f.build_cpu_s:.2f} s)" for f in figs]),
        ("  peak RSS", [f"{f.build_rss_mb:7.0f} MB" for f in figs]),
        ("ingest + build", [f"{f.ingest_build_s:7.2f} s" for f in figs]),
        ("watch native", [watch(f, "native") for f in figs]),
        ("watch polling 1 s", [watch(f, "poll") for f in figs]),
    ]
    width = max(30, *(len(c) for _, cells in rows for c in cells)) + 2
    lines = ["".ljust(28) + "".join(f"S = {f.schools}".ljust(width) for f in figs)]
    lines += [label.ljust(28) + "".join(c.ljust(width) for c in cells) for label, cells in rows]
    return "\n".join(lines)


def verdicts(figs: list[Figures]) -> list[str]:
    """One line per target: met or missed, and by how much."""
    out = []
    for key, label, limit, unit in TARGETS:
        for f in figs:
            if key == "ingest_build_s" and f.schools != 101 or key == "peak_rss_mb" and f.schools != 600:
                continue
            value = f.value(key)
            if value is None:
                continue
            ok = value < limit if key != "ingest_ratio" else value <= limit
            how = "met" if ok else f"MISSED by {value - limit:.2f} {unit} ({value / limit - 1:+.0%})"
            if key == "ingest_ratio":
                how += f"; CPU time ratio {f.ingest_ratio_cpu:.2f} ×"
            out.append(f"  S={f.schools:<4} {label:<38} {value:8.2f} {unit:<2} target "
                       f"{'≤' if key == 'ingest_ratio' else '<'} {limit:g} {unit}: {how}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools", type=int, nargs="+", default=[101, 600], help="sizes S (default 101 600)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated workbooks")
    parser.add_argument("--period", type=int, default=None, help="period year (default: the demo's)")
    parser.add_argument("--watch-files", type=int, default=50, help="files per watcher mode (0: skip)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes for generation")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark workspaces")
    args = parser.parse_args(argv)
    info = machine()
    print(f"Machine: {info['cores']} cores, Python {info['python']}, {info['platform']}", flush=True)
    root = Path(tempfile.mkdtemp(prefix="pmp-bench-ws-"))
    try:
        figs = [measure(s, args, root) for s in args.schools]
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    print()
    print(f"Machine: {info['cores']} cores, Python {info['python']}, {info['platform']}; load average "
          f"at start {info['load_at_start']}, at end {machine()['load_at_start']}")
    print(table(figs))
    print("\nTargets (issue 7):")
    print("\n".join(verdicts(figs)))
    if args.keep:
        print(f"\nWorkspaces kept in {root}")
    if args.json:
        rows = [{**asdict(f), "ingest_ratio": f.ingest_ratio, "ingest_ratio_cpu": f.ingest_ratio_cpu,
                 "peak_rss_mb": f.peak_rss_mb} for f in figs]
        args.json.write_text(json.dumps({"machine": info, "figures": rows}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
