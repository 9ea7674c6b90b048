"""The benchmark's workload: a synthetic municipality with S schools and its filled F1/F2 workbooks.

The config is the default (Ludza) preset with schools added to its institutions until there are S;
the workbooks come from the forms' own filler (:func:`generator.forms.fill_workbook`), so they are the
same realistic submissions the demo uses. Generated files are cached in the temp dir, keyed by S, the
seed, the period and a fingerprint of the config and the forms code, and reused across runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import generator.forms as forms_pkg
from generator.core.config_check import parse_config
from generator.core.period import Period
from generator.core.workspace import DEFAULT_PRESET, Workspace, init_workspace, preset_path

#: Synthetic school kinds: (name suffix, id suffix, stages).
KINDS = (("vidusskola", "vsk", ["1-6", "7-9", "10-12"]), ("pamatskola", "psk", ["1-6", "7-9"]),
         ("sākumskola", "ssk", ["1-6"]), ("valsts ģimnāzija", "vg", ["7-9", "10-12"]))
TOWNS = ("Ābeļu", "Bērzu", "Cēsu", "Dārza", "Ezera", "Gaujas", "Ilūkstes", "Jūras", "Kalna", "Līču",
         "Mežciema", "Nīcas", "Ozolu", "Priežu", "Rūjienas", "Saules", "Tālavas", "Upes", "Vārpas", "Zīļu")
CACHE_ROOT = Path(tempfile.gettempdir()) / "pmp-bench"
FORMS = ("F1", "F2")


@dataclass(frozen=True)
class Workbook:
    """One generated workbook: where it is cached and whose it is."""

    path: Path
    form: str
    institution: str


def _school_blocks(existing: int, total: int) -> str:
    """TOML ``[[institutions]]`` tables for schools number ``existing + 1`` … ``total``."""
    out = []
    for n in range(existing + 1, total + 1):
        name, short, stages = KINDS[n % len(KINDS)]
        town = TOWNS[n % len(TOWNS)]
        out.append(f'\n[[institutions]]\nid = "bench-{n:03d}-{short}"\nname = "{town} {n}. {name}"\n'
                   f'kind = "school"\nstages = {json.dumps(stages)}\n')
    return "".join(out)


def config_text(schools: int) -> str:
    """The default preset's config.toml with schools added so that it has ``schools`` schools."""
    text = preset_path(DEFAULT_PRESET).read_text(encoding="utf-8")
    have = sum(1 for i in tomllib.loads(text)["institutions"] if i["kind"] == "school")
    if schools < have:
        raise SystemExit(f"--schools {schools}: the default preset already has {have} schools")
    text = text.rstrip("\n") + "\n" + _school_blocks(have, schools)
    cfg = parse_config(tomllib.loads(text))  # validated in memory before anything is written
    assert len(cfg.schools) == schools
    return text


def make_workspace(root: Path, text: str, tree: Path | None = None) -> Workspace:
    """A fresh workspace in ``root`` (deleted first) with the synthetic config.toml. With ``tree``, it is
    made by that checkout's ``pmp init`` (its own templates), as a board on that version would have it."""
    if root.exists():
        shutil.rmtree(root)
    if tree is None:
        init_workspace(root, DEFAULT_PRESET)
    else:
        env = {**os.environ, "PYTHONPATH": str(tree)}
        subprocess.run([sys.executable, "-m", "generator", "init", "--preset", DEFAULT_PRESET, str(root)],
                       env=env, cwd=tree, check=True, capture_output=True)
    ws = Workspace(root)
    ws.config_path.write_text(text, encoding="utf-8")
    return Workspace(ws.root)


#: Forms modules that do not shape a generated workbook (editing them must not invalidate the cache).
NOT_GENERATING = ("reader.py", "validate.py")


def _fingerprint(text: str) -> str:
    """Config text and the code that writes the workbooks: a change to either means new files."""
    h = hashlib.sha256(text.encode("utf-8"))
    for src in sorted(Path(forms_pkg.__file__).parent.glob("*.py")):
        if src.name not in NOT_GENERATING:
            h.update(src.read_bytes())
    return h.hexdigest()[:10]


_worker_cfg: dict[str, object] = {}


def _init_worker(config_path: str) -> None:
    from generator.core.config_check import load_config

    _worker_cfg["cfg"] = load_config(Path(config_path))


def _fill(job: tuple[str, int, str, str, int]) -> str:
    form, year, inst, dest, seed = job
    cfg = _worker_cfg["cfg"]
    forms_pkg.fill_workbook(cfg, form, Period(year, cfg.period.kind), inst, Path(dest), seed=seed)  # type: ignore[attr-defined]
    return dest


def generate(schools: int, seed: int, period: Period, text: str, workers: int,
             say: Callable[[str], None] = print) -> tuple[list[Workbook], float, bool]:
    """Filled F1 and F2 of every school (cached); returns them, the seconds spent and whether cached."""
    cfg = parse_config(tomllib.loads(text))
    folder = CACHE_ROOT / f"S{schools}-seed{seed}-{period.year}-{_fingerprint(text)}"
    wanted = [Workbook(folder / forms_pkg.form_filename(form, period, inst.id), form, inst.id)
              for inst in cfg.schools for form in FORMS]
    manifest = folder / "manifest.json"
    if manifest.is_file() and all(s.path.is_file() for s in wanted):
        return wanted, 0.0, True
    for stale in CACHE_ROOT.glob(f"S{schools}-seed{seed}-*"):  # older periods or code: never reused
        shutil.rmtree(stale, ignore_errors=True)
    folder.mkdir(parents=True)
    config_path = folder / "config.toml"
    config_path.write_text(text, encoding="utf-8")
    jobs = [(s.form, period.year, s.institution, str(s.path), seed * 100_003 + n) for n, s in enumerate(wanted)]
    say(f"  generating {len(jobs)} workbooks with {workers} process(es) into {folder} …")
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker,
                             initargs=(str(config_path),)) as pool:
        for _ in pool.map(_fill, jobs, chunksize=8):
            pass
    spent = time.perf_counter() - t0
    manifest.write_text(json.dumps([s.path.name for s in wanted]), encoding="utf-8")
    return wanted, spent, False


def stage(files: list[Workbook], inbox: Path, age_seconds: float = 120.0) -> None:
    """Copy the workbooks into ``inbox`` as if they had arrived a while ago (no settle wait)."""
    past = time.time() - age_seconds
    inbox.mkdir(parents=True, exist_ok=True)
    for s in files:
        dest = inbox / s.path.name
        shutil.copyfile(s.path, dest)
        os.utime(dest, (past, past))
