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

RUNNER = Path(__file__).resolve().parent / "runner.py"


@dataclass
class Run:
    """One command run in a fresh, lean process: wall and CPU seconds, its own peak RSS in MB."""

    wall_s: float
    cpu_s: float
    rss_mb: float


@dataclass
class Figures:
    """Everything measured for one S."""

    schools: int
    files: int = 0
    megabytes: float = 0.0
    generate_s: float = 0.0
    generate_cached: bool = False
    python: Run | None = None  # bare `python -c pass` (best of 5: least wall and least CPU time)
    help: Run | None = None
    status: Run | None = None
    calamine: Run | None = None  # python-calamine reading every sheet of the same files, fresh process
    ingest_empty: Run | None = None  # `pmp ingest` with nothing to do: start-up and the fixed cost
    ingest: Run | None = None
    accepted: int = 0
    build_imports: Run | None = None  # importing what `pmp build` uses, nothing else
    build: Run | None = None
    build_missing: Run | None = None  # with every F1 missing (reminders attach blank F1s)
    watch: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def per_file_ms(self) -> float:
        """Ingest wall time per file above its fixed cost (start-up, config, store)."""
        assert self.ingest and self.ingest_empty
        return 1000 * max(self.ingest.wall_s - self.ingest_empty.wall_s, 0.0) / self.files

    @property
    def per_file_cpu_ms(self) -> float:
        """The same in CPU time, which other processes on a shared machine stretch far less."""
        assert self.ingest and self.ingest_empty
        return 1000 * max(self.ingest.cpu_s - self.ingest_empty.cpu_s, 0.0) / self.files


# ---- subprocesses --------------------------------------------------------------------------------
def pmp_args(*args: str) -> list[str]:
    return [sys.executable, "-m", "generator", *args]


def child_env(ws: Workspace | None, tree: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    if ws is not None:
        env["PMP_WORKSPACE"] = str(ws.root)
    if tree is not None:  # measure another checkout (e.g. main before this work) with the same venv
        env["PYTHONPATH"] = str(tree)
    return env


def compile_package(env: dict[str, str]) -> None:
    """Byte-compile the ``generator`` package the children import, as an installation has it (pip compiles
    at install). Without it, where PYTHONDONTWRITEBYTECODE is set and the checkout has no __pycache__,
    every ``pmp`` process compiles from source each module of the package it imports (``pmp status``:
    ~50, +35 ms CPU), and the start-up figures measure the compiler."""
    code = "import compileall, os, generator; compileall.compile_dir(os.path.dirname(generator.__file__), quiet=2)"
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def run_measured(args: list[str], env: dict[str, str], log: Path) -> Run:
    """Run ``args`` to its end under ``runner.py``, a lean process that spawns it and reads the child's
    own wall, CPU and peak RSS (``os.wait4``): the child is forked from the ~10 MB runner, not from this
    process, so its peak is its own and not one inherited through fork."""
    out = subprocess.run([sys.executable, str(RUNNER), str(log), *args], env=env, capture_output=True,
                         text=True, check=False, cwd=env.get("PYTHONPATH"))  # `-m` puts the cwd first
    if out.returncode != 0:
        text = log.read_text(errors="replace")[-2000:] if log.exists() else out.stderr
        raise SystemExit(f"{' '.join(args[1:])} failed; see {log}:\n{text}")
    data = json.loads(out.stdout.splitlines()[-1])
    return Run(data["wall_s"], data["cpu_s"], data["rss_mb"])


def best_of(n: int, args: list[str], env: dict[str, str], log: Path) -> Run:
    """The least wall time, least CPU time and least peak of ``n`` runs: start-up times are short, so
    the noise of a loaded machine only ever adds to them."""
    runs = [run_measured(args, env, log) for _ in range(n)]
    return Run(min(r.wall_s for r in runs), min(r.cpu_s for r in runs), min(r.rss_mb for r in runs))


CALAMINE_READ = """
import sys
from python_calamine import CalamineWorkbook
for path in sys.argv[1:]:
    wb = CalamineWorkbook.from_path(path)
    for name in wb.sheet_names:
        wb.get_sheet_by_name(name).to_python()
    wb.close()
"""
#: What `pmp build` imports, and nothing of its work: the floor of its time and memory.
BUILD_IMPORTS = ("import generator.cli, generator.pipeline.build, generator.intake, generator.documents.charts, "
                 "openpyxl, docxtpl, docx, matplotlib.pyplot, python_calamine")


def store_counts(ws: Workspace) -> dict[str, int]:
    with sqlite3.connect(ws.store_path) as conn:
        return dict(conn.execute("SELECT state, count(*) FROM submissions GROUP BY state").fetchall())


# ---- watcher latency -----------------------------------------------------------------------------
def watch_latency(ws: Workspace, files: list[Workbook], period: Period, poll: bool,
                  seed: int, tree: Path | None) -> dict[str, float]:
    """Start ``pmp watch``; rename files into the inbox one at a time; time until each receipt exists."""
    args = pmp_args("watch", *(["--poll", "--interval", "1"] if poll else []))
    env = child_env(ws, tree)
    err = ws.root / f"watch-{'poll' if poll else 'native'}.log"
    staging = ws.root / "staging"  # same filesystem as the inbox, so the move is one rename
    staging.mkdir(exist_ok=True)
    rng = random.Random(seed)
    latencies: list[float] = []
    accepted = 0
    with open(err, "wb") as fh:
        proc = subprocess.Popen(args, env=env, stdout=fh, stderr=fh, cwd=env.get("PYTHONPATH"))
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
def measure(schools: int, args: argparse.Namespace, root: Path, tree: Path | None) -> Figures:
    """Every figure for one S, measured back to back, running ``pmp`` from ``tree`` (None: this checkout)."""
    fig = Figures(schools)
    text = config_text(schools)
    ws = make_workspace(root / f"S{schools}", text, tree)
    period = Period(args.period, ws.config.period.kind) if args.period else demo_period(ws, date.today())
    print(f"S = {schools}: {len(ws.config.institutions)} institutions, period {period.label}", flush=True)
    files, fig.generate_s, fig.generate_cached = generate(schools, args.seed, period, text, args.workers)
    fig.files = len(files)
    fig.megabytes = sum(s.path.stat().st_size for s in files) / 1e6
    for s in files:  # the page cache holds every file for every reader alike
        s.path.read_bytes()
    env, logs = child_env(ws, tree), ws.root
    compile_package(env)
    print("  start-up …", flush=True)
    fig.python = best_of(5, [sys.executable, "-c", "pass"], env, logs / "pass.log")
    fig.help = best_of(5, pmp_args("--help"), env, logs / "help.log")
    print("  python-calamine, pmp ingest …", flush=True)
    fig.calamine = run_measured([sys.executable, "-c", CALAMINE_READ, *(str(s.path) for s in files)], env,
                                logs / "calamine.log")
    fig.ingest_empty = run_measured(pmp_args("ingest"), env, logs / "ingest-empty.log")
    stage(files, ws.inbox)
    fig.ingest = run_measured(pmp_args("ingest"), env, logs / "ingest.log")
    fig.accepted = store_counts(ws).get("accepted", 0)
    if fig.accepted != len(files):
        raise SystemExit(f"only {fig.accepted} of {len(files)} accepted; see {logs / 'ingest.log'}")
    fig.status = best_of(5, pmp_args("status"), env, logs / "status.log")
    if not args.no_build:
        print("  pmp build …", flush=True)
        fig.build_imports = run_measured([sys.executable, "-c", BUILD_IMPORTS], env, logs / "imports.log")
        fig.build = run_measured(pmp_args("build", "--period", str(period.year)), env, logs / "build.log")
        print("  pmp build, every F1 missing …", flush=True)
        mws = make_workspace(root / f"S{schools}-noF1", text, tree)
        menv = child_env(mws, tree)
        stage([s for s in files if s.form != "F1"], mws.inbox)
        run_measured(pmp_args("ingest"), menv, mws.root / "ingest.log")
        fig.build_missing = run_measured(pmp_args("build", "--period", str(period.year)), menv,
                                         mws.root / "build.log")
    if args.watch_files:
        sample = random.Random(args.seed).sample(files, min(args.watch_files, len(files)))
        for mode, poll in (("native", False), ("poll", True)):
            print(f"  pmp watch ({mode}) × {len(sample)} files …", flush=True)
            wws = make_workspace(root / f"S{schools}-watch-{mode}", text, tree)
            fig.watch[mode] = watch_latency(wws, sample, period, poll, args.seed, tree)
    return fig


# ---- report --------------------------------------------------------------------------------------
def machine() -> dict[str, str | int]:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return {"cores": cores, "python": platform.python_version(), "platform": platform.platform(),
            "cpu": platform.processor() or platform.machine(), "load_at_start": load}


def _run(r: Run | None, files: int = 0) -> str:
    if r is None:
        return "not run"
    rate = f", {files / r.wall_s:.0f} files/s" if files and r.wall_s else ""
    return f"{r.wall_s:6.2f} s (CPU {r.cpu_s:.2f}){rate}, {r.rss_mb:.0f} MB"


def _quick(r: Run | None) -> str:
    return "not run" if r is None else f"{r.wall_s:6.3f} s (CPU {r.cpu_s:.3f}), {r.rss_mb:.0f} MB"


def table(figs: list[Figures]) -> str:
    """The figures side by side, one column per S."""
    def watch(f: Figures, mode: str) -> str:
        w = f.watch.get(mode)
        if not w:
            return "not run"
        return f"median {w['median_s']:.2f} s, max {w['max_s']:.2f} s ({w['accepted']:.0f}/{w['n']:.0f} accepted)"

    rows: list[tuple[str, list[str]]] = [
        ("workbooks F1+F2 (MB)", [f"{f.files} ({f.megabytes:.1f} MB)" for f in figs]),
        ("generation", [f"{'cached' if f.generate_cached else f'{f.generate_s:.1f} s'}" for f in figs]),
        ("python -c pass (best of 5)", [_quick(f.python) for f in figs]),
        ("pmp --help (best of 5)", [_quick(f.help) for f in figs]),
        ("pmp status (best of 5)", [_quick(f.status) for f in figs]),
        ("python-calamine read", [_run(f.calamine, f.files) for f in figs]),
        ("pmp ingest, empty inbox", [_run(f.ingest_empty) for f in figs]),
        ("pmp ingest", [_run(f.ingest, f.files) for f in figs]),
        ("  per file above fixed cost", [f"{f.per_file_ms:6.2f} ms (CPU {f.per_file_cpu_ms:.2f} ms)"
                                         if f.ingest else "not run" for f in figs]),
        ("import build's libraries", [_run(f.build_imports) for f in figs]),
        ("pmp build", [_run(f.build) for f in figs]),
        ("pmp build, every F1 missing", [_run(f.build_missing) for f in figs]),
        ("watch native", [watch(f, "native") for f in figs]),
        ("watch polling 1 s", [watch(f, "poll") for f in figs]),
    ]
    width = max(30, *(len(c) for _, cells in rows for c in cells)) + 2
    lines = ["".ljust(30) + "".join(f"S = {f.schools}".ljust(width) for f in figs)]
    lines += [label.ljust(30) + "".join(c.ljust(width) for c in cells) for label, cells in rows]
    return "\n".join(lines)


def _line(schools: str, label: str, value: float, limit: float, unit: str, cpu: float | None = None) -> str:
    ok = value <= limit
    how = "holds" if ok else f"MISSED by {value - limit:.2f} {unit.strip()} ({value / limit - 1:+.0%})"
    extra = f" [CPU-time ratio {cpu:.2f} ×]" if cpu is not None else ""
    return f"  S={schools:<9} {label:<44} {value:8.2f} {unit:<2} target ≤ {limit:g} {unit.strip()}: {how}{extra}"


def _ratio(a: Run, b: Run) -> tuple[float, float]:
    """Wall-time and CPU-time ratios of two runs (CPU time is what a loaded machine stretches least)."""
    return a.wall_s / b.wall_s, a.cpu_s / b.cpu_s if b.cpu_s else float("nan")


def verdicts(figs: list[Figures]) -> list[str]:
    """One line per target of issue 15: its ratio or value, the limit, and whether it holds."""
    out = []
    for f in figs:
        s = str(f.schools)
        if f.calamine and f.ingest and f.schools in (101, 600):
            out.append(_line(s, "pmp ingest ÷ python-calamine read", *_ratio(f.ingest, f.calamine)[:1], 3, "×",
                             _ratio(f.ingest, f.calamine)[1]))
        for label, run in (("--help", f.help), ("status", f.status)):
            if run and f.python:
                out.append(_line(s, f"pmp {label} ÷ python -c pass", *_ratio(run, f.python)[:1], 5, "×",
                                 _ratio(run, f.python)[1]))
        if f.build and f.build_imports and f.schools >= 600:
            out.append(_line(s, "pmp build ÷ importing its libraries", _ratio(f.build, f.build_imports)[0], 3, "×",
                             _ratio(f.build, f.build_imports)[1]))
        if f.build and f.schools >= 600:
            out.append(_line(s, "pmp build peak RSS", f.build.rss_mb, 150, "MB"))
        if f.build and f.build_missing and f.schools == 600:
            out.append(_line(s, "build every F1 missing ÷ none missing", _ratio(f.build_missing, f.build)[0], 1.5,
                             "×", _ratio(f.build_missing, f.build)[1]))
        for mode, limit in (("native", 0.25), ("poll", 1.2)):
            if mode in f.watch:
                out.append(_line(s, f"watch {mode}, median file→receipt", f.watch[mode]["median_s"], limit, "s"))
    done = [f for f in figs if f.ingest and f.ingest_empty]
    if len(done) >= 2 and done[0].per_file_ms > 0:
        lo, hi = done[0], done[-1]
        cpu = hi.per_file_cpu_ms / lo.per_file_cpu_ms if lo.per_file_cpu_ms else None
        out.append(_line(f"{lo.schools}→{hi.schools}", "per-file ingest cost, ratio", hi.per_file_ms / lo.per_file_ms,
                         1.1, "×", cpu))
    built = [f for f in figs if f.build and f.build_imports]
    if len(built) >= 3:  # linear: the cost of one more school stays the same as S grows
        marg = [(b.build.wall_s - a.build.wall_s) / (b.schools - a.schools)  # type: ignore[union-attr]
                for a, b in zip(built, built[1:], strict=False)]
        if marg[0] > 0:
            out.append(_line(f"{built[0].schools}→{built[-1].schools}", "build seconds per school, last ÷ first step",
                             marg[-1] / marg[0], 1.25, "×"))
    return out


def comparison(before: list[Figures], after: list[Figures]) -> str:
    """After ÷ before for every figure both runs have, one column per S (wall time; CPU time beside)."""
    def pair(a: Run | None, b: Run | None) -> str:
        if a is None or b is None or not a.wall_s or not a.cpu_s:
            return "—"
        return f"{b.wall_s / a.wall_s:5.2f} × (CPU {b.cpu_s / a.cpu_s:.2f} ×), RSS {b.rss_mb / a.rss_mb:.2f} ×"

    def watch(a: Figures, b: Figures, mode: str) -> str:
        wa, wb = a.watch.get(mode), b.watch.get(mode)
        return f"{wb['median_s'] / wa['median_s']:5.2f} ×" if wa and wb else "—"

    def per_file(a: Figures, b: Figures) -> str:
        if not (a.ingest and b.ingest and a.per_file_ms and a.per_file_cpu_ms):
            return "—"
        return f"{b.per_file_ms / a.per_file_ms:5.2f} × (CPU {b.per_file_cpu_ms / a.per_file_cpu_ms:.2f} ×)"

    rows: list[tuple[str, list[str]]] = [
        ("pmp --help", [pair(a.help, b.help) for a, b in zip(before, after, strict=True)]),
        ("pmp status", [pair(a.status, b.status) for a, b in zip(before, after, strict=True)]),
        ("pmp ingest, empty inbox", [pair(a.ingest_empty, b.ingest_empty) for a, b in zip(before, after, strict=True)]),
        ("pmp ingest", [pair(a.ingest, b.ingest) for a, b in zip(before, after, strict=True)]),
        ("  per file above fixed cost", [per_file(a, b) for a, b in zip(before, after, strict=True)]),
        ("pmp build", [pair(a.build, b.build) for a, b in zip(before, after, strict=True)]),
        ("pmp build, every F1 missing", [pair(a.build_missing, b.build_missing)
                                         for a, b in zip(before, after, strict=True)]),
        ("watch native, median", [watch(a, b, "native") for a, b in zip(before, after, strict=True)]),
        ("watch polling 1 s, median", [watch(a, b, "poll") for a, b in zip(before, after, strict=True)]),
    ]
    width = max(30, *(len(c) for _, cells in rows for c in cells)) + 2
    lines = ["".ljust(30) + "".join(f"S = {f.schools}".ljust(width) for f in after)]
    lines += [label.ljust(30) + "".join(c.ljust(width) for c in cells) for label, cells in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools", type=int, nargs="+", default=[101, 600], help="sizes S (default 101 600)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated workbooks")
    parser.add_argument("--period", type=int, default=None, help="period year (default: the demo's)")
    parser.add_argument("--watch-files", type=int, default=30, help="files per watcher mode (0: skip)")
    parser.add_argument("--no-build", action="store_true", help="skip the builds (ingest scaling only)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes for generation")
    parser.add_argument("--tree", type=Path, default=None,
                        help="run pmp from this checkout (PYTHONPATH), e.g. a worktree of main for 'before'")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="also run pmp from this checkout (e.g. main before a change), each S right before "
                             "the run of this code, and print after ÷ before")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark workspaces")
    args = parser.parse_args(argv)
    info = machine()
    print(f"Machine: {info['cores']} cores, Python {info['python']}, {info['platform']}", flush=True)
    root = Path(tempfile.mkdtemp(prefix="pmp-bench-ws-"))
    try:
        base: list[Figures] = []
        figs: list[Figures] = []
        for s in args.schools:  # the two runs of one S back to back, so they see the same machine
            if args.baseline:
                base.append(measure(s, args, root / "baseline", args.baseline))
            figs.append(measure(s, args, root / "current", args.tree))
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    print()
    print(f"Machine: {info['cores']} cores, Python {info['python']}, {info['platform']}; load average "
          f"at start {info['load_at_start']}, at end {machine()['load_at_start']}"
          + (f"; pmp from {args.tree}" if args.tree else ""))
    if base:
        print(f"\nBaseline: pmp from {args.baseline}")
        print(table(base))
        print("\nTargets (issue 15) for the baseline:")
        print("\n".join(verdicts(base)))
        print(f"\nThis code{f' (pmp from {args.tree})' if args.tree else ''}:")
    print(table(figs))
    print("\nTargets (issue 15), each ratio measured side by side in this run:")
    print("\n".join(verdicts(figs)))
    if base:
        print("\nThis code ÷ baseline, measured back to back for each S (below 1: faster or smaller):")
        print(comparison(base, figs))
    if args.keep:
        print(f"\nWorkspaces kept in {root}")
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "figures": [asdict(f) for f in figs],
                                         "baseline": [asdict(f) for f in base]}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
