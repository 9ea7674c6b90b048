"""Round trips through LibreOffice Calc (schools use it): same data, same verdict; printable pages."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from generator.core.period import Period
from generator.core.workspace import Workspace
from generator.forms import fill_workbook, read_submission

P2025 = Period(2025, "school_year")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")]

CASES = [
    ("F1", "sd", ()), ("F1", "ludzas-psk", ("bad_activity", "date_outside_period")),
    ("F2", "zilupes-vsk", ()), ("F2", "ludzas-vsk", ()), ("F2", "ludzas-psk", ("ranks_not_unique", "grade9_sum")),
    ("F2", "zilupes-vsk", ("many_dropouts", "high_unexcused")),
    ("F3", "ludzas-psk", ()), ("F3", "zilupes-vsk", ("wrong_type",)), ("F4", "ip", ()),
]


def _soffice(args: list[str], tmp_path: Path) -> None:
    profile = f"file:///tmp/lo_{uuid.uuid4().hex}"
    try:
        subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", *args],
                       check=True, capture_output=True, timeout=240, cwd=tmp_path)
    finally:
        shutil.rmtree(profile.removeprefix("file://"), ignore_errors=True)


def test_round_trip_through_calc(mini_ws: Workspace, tmp_path: Path) -> None:
    cfg = mini_ws.config
    src, out = tmp_path / "src", tmp_path / "out"
    files = []
    for n, (form_id, inst, errors) in enumerate(CASES):
        files.append(fill_workbook(cfg, form_id, P2025, inst, src / f"{n}_{form_id}_{inst}.xlsx", seed=n,
                                   errors=errors))
    _soffice(["--convert-to", "xlsx", "--outdir", str(out), *map(str, files)], tmp_path)
    for path, (_form_id, _inst, errors) in zip(files, CASES, strict=True):
        before, after = read_submission(path, cfg), read_submission(out / path.name, cfg)
        assert after.form_id == before.form_id and after.institution == before.institution
        assert after.data == before.data, path.name
        assert after.messages == before.messages, path.name
        assert after.ok == (not errors or set(errors) <= {"many_dropouts", "high_unexcused"})


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
def test_pdf_pages_show_labels_and_values(mini_ws: Workspace, tmp_path: Path) -> None:
    cfg = mini_ws.config
    path = fill_workbook(cfg, "F2", P2025, "zilupes-vsk", tmp_path / "f2.xlsx", seed=1)
    _soffice(["--convert-to", "pdf", "--outdir", str(tmp_path), str(path)], tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "f2.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    data = read_submission(path, cfg).data
    assert "F2. PMP riski. Situācijas apraksts" in text and "Zilupes vidusskola" in text
    assert "Izglītojamo skaits mācību gada sākumā, 10.–12. klase *" in text
    assert "12. klašu beidzēji: kur turpina izglītību" in text
    assert f"{data['teachers_total']}" in text
