"""A LibreOffice Calc that tests can drive like a school secretary: type, pick, paste, insert, save.

:class:`Calc` starts ``soffice --headless --invisible`` listening on a private UNO pipe, with its own
user profile whose locale is Latvian (lv-LV), so typed text is parsed as it is on a Latvian desktop
("12,5" is a number, "4.5" a date). The test venv's Python cannot import ``uno``; every edit is
carried out by ``uno_driver.py`` run with Debian's ``/usr/bin/python3`` (package python3-uno), given a
JSON list of actions. Every office process is killed when the harness stops, and every step has a
timeout, so a hung office fails one test instead of the whole run.

Actions (one key each, applied in order to the document opened by :meth:`Calc.edit`)::

    {"sheet": "Aktivitātes"}                      click a sheet tab
    {"unprotect": "Aktivitātes"}                  Tools > Protect Sheet off (no password on the forms)
    {"unprotect_workbook": None}                  Tools > Protect Spreadsheet Structure off
    {"type": ["B7", "12,5"]}                      select B7, type the text, Enter (.uno:EnterString)
    {"copy": "A7:D9"} / {"paste": "A12"}          Ctrl+C on a range / Ctrl+V at a cell
    {"set_block": ["A7", [["x", 1], ["y", 2]]]}   a pasted block of values (setDataArray)
    {"insert_rows": [10]} / {"delete_rows": [10]} select row 10 and insert a row above it / delete it
    {"rename_sheet": ["Aktivitātes", "Akt"]}      rename a sheet
    {"read_cells": ["Aktivitātes", ["B7"]]}        record what Calc shows (returned by ``edit``)
    {"export_pdf": "/tmp/x.pdf"}                  File > Export as PDF
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Any

SYSTEM_PYTHON = "/usr/bin/python3"
DRIVER = Path(__file__).with_name("uno_driver.py")
LOCALE = "lv-LV"

#: The profile's settings: Latvian locale for the interface and for parsing input (as a Latvian desktop).
REGISTRY = f"""<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>{LOCALE}</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooLocale" oor:op="fuse"><value>{LOCALE}</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupCurrency" oor:op="fuse"><value>EUR-{LOCALE}</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


class UnoError(AssertionError):
    """An action failed inside Calc, or the office did not answer in time."""


def unavailable() -> str | None:
    """Why the real client cannot be driven here (for ``pytest.mark.skipif``), or None when it can.

    With ``PMP_REQUIRE_UNO=1`` (set by ``.ci/run``) always None, so that CI fails instead of skipping.
    """
    if os.environ.get("PMP_REQUIRE_UNO") == "1":
        return None
    if shutil.which("soffice") is None:
        return "LibreOffice (soffice) is not installed"
    if not Path(SYSTEM_PYTHON).exists():
        return f"{SYSTEM_PYTHON} is missing"
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, timeout=60)
    if probe.returncode != 0:
        return "python3-uno is not installed for /usr/bin/python3"
    return None


class Calc:
    """One private LibreOffice process; use as a context manager (``with Calc(tmp) as calc:``)."""

    def __init__(self, workdir: Path, start_timeout: float = 120.0, action_timeout: float = 180.0) -> None:
        self.workdir = workdir
        self.start_timeout, self.action_timeout = start_timeout, action_timeout
        self.pipe = f"pmp_test_{uuid.uuid4().hex}"
        self.profile = Path(tempfile.mkdtemp(prefix="pmp_lo_profile_"))
        self.proc: subprocess.Popen[bytes] | None = None
        self._log = workdir / f"{self.pipe}.log"
        self._runs = 0

    def __enter__(self) -> Calc:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Start the office with the Latvian profile and wait until it accepts a connection."""
        user = self.profile / "user"
        user.mkdir(parents=True)
        (user / "registrymodifications.xcu").write_text(REGISTRY, encoding="utf-8")
        self.workdir.mkdir(parents=True, exist_ok=True)
        with self._log.open("wb") as log:
            self.proc = subprocess.Popen(
                ["soffice", f"-env:UserInstallation={self.profile.as_uri()}", "--headless", "--invisible",
                 "--nologo", "--norestore", "--nodefault", f"--accept=pipe,name={self.pipe};urp;"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: stop() kills every process it spawned
            )
        try:
            self.run([], timeout=self.start_timeout)  # connects, retrying until the pipe is up
        except BaseException:
            self.stop()
            raise

    def run(self, actions: list[dict[str, Any]] | str, timeout: float | None = None) -> dict[str, Any]:
        """Apply ``actions`` through the driver; the driver's result (``read`` holds read-back cells)."""
        if self.proc is None or self.proc.poll() is not None:
            raise UnoError(f"LibreOffice is not running; its log:\n{self._tail()}")
        self._runs += 1
        script = self.workdir / f"{self.pipe}_{self._runs}.json"
        result = script.with_suffix(".result.json")
        script.write_text(json.dumps(actions, ensure_ascii=False), encoding="utf-8")
        limit = timeout or self.action_timeout
        try:
            done = subprocess.run([SYSTEM_PYTHON, str(DRIVER), self.pipe, str(script), str(result), str(limit)],
                                  capture_output=True, text=True, timeout=limit + 30)
        except subprocess.TimeoutExpired as e:
            raise UnoError(f"LibreOffice did not finish {script.name} within {limit:.0f} s") from e
        if not result.exists():
            raise UnoError(f"the UNO driver failed ({done.returncode}):\n{done.stderr}\n{self._tail()}")
        out: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
        if not out.get("ok"):
            raise UnoError(f"action {out.get('failed')} failed: {out.get('error')}\n{out.get('traceback', '')}")
        return out

    def edit(self, src: Path, dest: Path, actions: list[dict[str, Any]]) -> dict[str, Any]:
        """Open ``src``, apply ``actions``, save as Excel 2007-365 to ``dest``, close; the driver's result."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        return self.run([{"open": str(src)}, *actions, {"save": str(dest)}])

    def stop(self) -> None:
        """Ask the office to quit; kill its whole process group if it does not within a few seconds."""
        proc, self.proc = self.proc, None
        if proc is not None:
            if proc.poll() is None:
                self.proc = proc
                try:
                    self.run("terminate", timeout=15)
                except Exception:
                    pass
                self.proc = None
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pass
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # the group also holds oosplash and soffice.bin
            except ProcessLookupError:
                pass
            proc.wait(timeout=30)
        shutil.rmtree(self.profile, ignore_errors=True)

    def _tail(self) -> str:
        try:
            return self._log.read_text(errors="replace")[-2000:]
        except OSError:
            return ""
