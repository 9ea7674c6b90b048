"""Windows and shared folders: the core commands without POSIX-only modules, network drives, and one
processor per inbox folder however many workspaces share it."""

from __future__ import annotations

import ast
import os
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.cases.perms import permission_problems
from generator.core import platform
from generator.core.workspace import Workspace, init_workspace
from generator.intake.lock import INBOX_LOCK_NAME
from generator.store import open_store
from tests.intake_helpers import filled, inbox_names

SIM = Path(__file__).resolve().parent / "windows_sim"
PACKAGE = Path(__file__).resolve().parents[1] / "generator"
#: Modules Windows lacks (and Windows-only ones, which POSIX lacks).
POSIX_ONLY = {"fcntl", "pwd", "grp", "termios", "tty", "pty", "resource", "posix", "syslog", "crypt"}
WINDOWS_ONLY = {"msvcrt", "winreg", "_winapi", "winsound", "nt"}


def _pmp(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True,
                          env=env, timeout=timeout)


def _windows_env(tmp_path: Path) -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(SIM), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, "PMP_PLATFORM": "windows",
            "PMP_SIM_LOCK_LOG": str(tmp_path / "locks.log")}


# ---- the core commands with the Windows code paths and no fcntl/pwd/grp ------------------------------
def _imports_run_at_import(nodes: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """Import statements outside functions (module body, class bodies, ``if``/``try`` blocks)."""
    for node in nodes:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from _imports_run_at_import([n for n in ast.iter_child_nodes(node) if isinstance(n, ast.stmt)])


def test_no_platform_only_module_is_imported_at_module_level() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in _imports_run_at_import(ast.parse(path.read_text(encoding="utf-8")).body):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if not node.level else [])
            found += [f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {name}" for name in names
                      if name.split(".")[0] in POSIX_ONLY | WINDOWS_ONLY]
    assert found == []


@pytest.mark.slow
def test_core_commands_run_as_on_windows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = _windows_env(tmp_path)
    probe = subprocess.run(
        [sys.executable, "-c",
         "import importlib, sys\n"
         "for m in ('fcntl', 'pwd', 'grp'):\n"
         "    try:\n        importlib.import_module(m); print(m, 'imported')\n"
         "    except ImportError: print(m, 'missing')\n"
         "from generator.core.platform import is_windows\n"
         "import portalocker.portalocker as p\n"
         "print(is_windows(), p.LOCKER.__name__)\n"],
        capture_output=True, text=True, env=env, timeout=60, check=True)
    assert probe.stdout.splitlines() == ["fcntl missing", "pwd missing", "grp missing", "True MsvcrtLocker"]

    res = _pmp("--help", env=env)
    assert res.returncode == 0, res.stderr
    assert "ingest" in res.stdout and "build" in res.stdout

    root = tmp_path / "PMP"
    res = _pmp("init", str(root), env=env)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith(f"Izveidota darba vieta {root} (Ludzas novads")
    ws = Workspace(root)
    monkeypatch.setenv("PMP_WORKSPACE", str(root))
    school = next(i.id for i in ws.config.institutions if i.kind == "school")
    year = ws.config.period.plan_years[0]
    filled(ws, "F1", school, year=year)

    env = {**env, "PMP_WORKSPACE": str(root)}
    res = _pmp("ingest", env=env)
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[-1] == "Iesūtne apstrādāta: 1 fails — pieņemti 1, noraidīti 0, jau saņemti 0."
    assert inbox_names(ws) == []
    # The Windows branch leaves modes alone (the folder's NTFS permissions protect it there).
    assert stat.S_IMODE(root.joinpath("archive").stat().st_mode) != platform.DIR_MODE
    with open_store(ws) as store:
        assert store.count("accepted") == 1
    # portalocker took both locks through msvcrt.locking (non-blocking, 64 KiB from the start).
    log = (tmp_path / "locks.log").read_text(encoding="utf-8").splitlines()
    assert sum(" locking mode=2 " in line for line in log) == 2

    res = _pmp("build", "--period", str(year), env=env)
    assert res.returncode == 0, res.stderr
    assert f"{root}/outbox/{year}/gada_parskats_{year}.docx" in res.stdout
    assert (root / "outbox" / str(year) / f"ricibas_plans_{year}.docx").is_file()


# ---- network drives --------------------------------------------------------------------------------
@pytest.mark.parametrize(("path", "expected"), [
    (r"\\server\pmp\inbox", r"\\server\pmp"),
    ("//server/pmp/inbox", r"\\server\pmp"),
    (r"\\?\UNC\nas.skola.lv\Kopīgā\PMP", r"\\nas.skola.lv\Kopīgā"),
    (r"Z:\PMP\inbox", "Z:"),
    (r"z:\PMP", "Z:"),
    (r"C:\Users\ilze\PMP", None),
    (r"\\?\C:\Users\ilze\PMP", None),
    ("PMP\\inbox", None),
])
def test_windows_network_locations(path: str, expected: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def drive_type(root: str) -> int:
        asked.append(root)
        return platform.DRIVE_REMOTE if root.upper() == "Z:\\" else 3  # 3 = DRIVE_FIXED

    monkeypatch.setattr(platform, "drive_type", drive_type)
    assert platform.windows_network_location(path) == expected
    assert all(len(root) == 3 for root in asked)


def test_drive_type_is_unknown_without_the_win32_api() -> None:
    if sys.platform != "win32":
        assert platform.drive_type("C:\\") == 0


def test_network_check_follows_the_platform(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(f"//srv/share {tmp_path} cifs rw 0 0\n", encoding="utf-8")
    monkeypatch.setenv("PMP_PLATFORM", "posix")
    assert platform.network_location(tmp_path / "inbox", mounts) == "cifs"
    monkeypatch.setenv("PMP_PLATFORM", "windows")
    monkeypatch.setattr(platform, "drive_type", lambda root: platform.DRIVE_REMOTE)
    assert platform.network_location(Path("//srv/share/inbox")) == r"\\srv\share"


def test_owner_only_modes_only_where_the_platform_has_them(mini_ws: Workspace,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    folder, file = mini_ws.root / "private", mini_ws.root / "private.txt"
    file.write_text("x", encoding="utf-8")
    file.chmod(0o644)
    monkeypatch.setenv("PMP_PLATFORM", "windows")
    platform.private_dir(folder)
    platform.private_file(file)
    assert folder.is_dir() and stat.S_IMODE(file.stat().st_mode) == 0o644  # untouched, no crash
    mini_ws.archive.chmod(0o755)
    assert permission_problems(mini_ws) == []
    monkeypatch.setenv("PMP_PLATFORM", "posix")
    assert permission_problems(mini_ws) == ["archive/ (0o755)"]
    platform.private_dir(folder)
    platform.private_file(file)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and stat.S_IMODE(file.stat().st_mode) == 0o600


# ---- two workspaces, one inbox ---------------------------------------------------------------------
def _wait_for(path: Path, text: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while text not in path.read_text(encoding="utf-8") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert text in path.read_text(encoding="utf-8")


@pytest.mark.slow
def test_two_workspaces_sharing_one_inbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = init_workspace(tmp_path / "rajons")
    b = init_workspace(tmp_path / "pilseta")
    b.inbox.rmdir()
    b.inbox.symlink_to(a.inbox, target_is_directory=True)  # the same shared folder
    env_a = {**os.environ, "PMP_WORKSPACE": str(a.root)}
    env_b = {**os.environ, "PMP_WORKSPACE": str(b.root)}
    out, err = tmp_path / "a.out", tmp_path / "a.err"
    with open(out, "wb") as fo, open(err, "wb") as fe:
        watcher = subprocess.Popen([sys.executable, "-m", "generator", "watch", "--interval", "0.2"],
                                   stdout=fo, stderr=fe, env=env_a)
    try:
        _wait_for(err, "Uzraugu iesūtni")
        refusal = (
            f"Kļūda: iesūtni {b.inbox} jau apstrādā cita darba vieta: {a.root} (dators {socket.gethostname()}, "
            f"PID {watcher.pid}). Vienu iesūtnes mapi drīkst apstrādāt tikai viena darba vieta: apturiet tur "
            "\"pmp watch\" vai norādiet šai darba vietai citu iesūtni.")
        for command in ("watch", "ingest"):
            res = _pmp(command, env=env_b)
            assert (res.returncode, res.stderr.strip()) == (1, refusal), command
        monkeypatch.setenv("PMP_WORKSPACE", str(a.root))
        year = a.config.period.plan_years[0]
        schools = [i.id for i in a.config.institutions if i.kind == "school"][:3]
        for school in schools:
            filled(a, "F1", school, year=year)
        res = _pmp("build", "--period", str(year), env=env_b)  # documents from B's own (empty) store
        assert res.returncode == 0, res.stderr
        assert "Iesūtni pašlaik apstrādā cits process (pmp watch)" in res.stdout
        deadline = time.monotonic() + 60
        while inbox_names(a) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert inbox_names(a) == []
    finally:
        watcher.terminate()
        watcher.wait(timeout=30)
    assert out.read_text(encoding="utf-8").splitlines()[-1] == (
        "Uzraudzība beigta: pieņemti 3, noraidīti 0, jau saņemti 0.")
    with open_store(a) as store:
        assert store.count("accepted") == 3
    with open_store(b) as store:
        assert store.count() == 0
    assert (a.inbox / INBOX_LOCK_NAME).is_file()
    # With the watcher gone, the other workspace may take the folder.
    res = _pmp("ingest", env=env_b)
    assert res.returncode == 0, res.stderr


def test_inbox_lock_files_are_never_submissions() -> None:
    from generator.intake.lock import INBOX_LOCK_FILES
    from generator.intake.taking import is_candidate_name

    assert not any(is_candidate_name(name) for name in INBOX_LOCK_FILES)

