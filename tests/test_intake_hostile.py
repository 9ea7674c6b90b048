"""The hostile corpus: every file ends rejected with a precise receipt, quickly, and the intake goes on."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.core.workspace import Workspace
from generator.intake import ingest_once, process_file
from generator.intake.receipts import UNKNOWN_DIR
from generator.store import open_store
from tests.intake_helpers import (
    FAST,
    OLE,
    drop,
    entity_bomb,
    inbox_names,
    many_entries,
    ods_bytes,
    plain_xlsx_bytes,
    receipts,
    zip_bomb,
)

EXPECTED = "Gaidīta aizpildīta veidlapa Excel darbgrāmatas formātā .xlsx, kā tā tika izsniegta."

CASES: list[tuple[str, bytes | None, str]] = [
    ("tukss.xlsx", b"", f"Kļūda: Fails ir tukšs (0 baitu). {EXPECTED}"),
    ("nejausi baiti.xlsx", os.urandom(4096),
     f"Kļūda: Fails nav Excel darbgrāmata (tas nav .xlsx formātā vai ir bojāts). {EXPECTED}"),
    ("nepilnigs.xlsx", None,  # built below: a real workbook cut in half
     f"Kļūda: Fails ir bojāts vai nepilnīgs (to nevar atvērt kā .xlsx). Nosūtiet to vēlreiz. {EXPECTED}"),
    ("bumba.xlsx", zip_bomb(), "Kļūda: Darbgrāmatas saturs saspiests neparasti stipri (iespējama \"zip "
                               f"bumba\"); šādu failu neatveram. {EXPECTED}"),
    ("daudz.xlsx", many_entries(), f"Kļūda: Darbgrāmatā ir pārāk daudz daļu (3002; atļauts līdz 2000). {EXPECTED}"),
    ("entitijas.xlsx", entity_bomb(), "Kļūda: Darbgrāmatā ir neatļautas XML konstrukcijas (DOCTYPE/ENTITY), "
                                      f"kādas Excel neveido; šādu failu neatveram. {EXPECTED}"),
    ("veca.xls", OLE, "Kļūda: Fails ir vecajā Excel formātā .xls. Atveriet to un saglabājiet kā .xlsx "
                      "(Excel darbgrāmata)."),
    ("maskets.xlsx", OLE, "Kļūda: Fails ir vecajā Excel formātā (.xls), lai gan nosaukumā ir .xlsx. "
                          "Atveriet to un saglabājiet kā .xlsx (Excel darbgrāmata)."),
    ("calc.ods", ods_bytes(), "Kļūda: Fails ir LibreOffice/OpenDocument formātā (.ods). LibreOffice Calc "
                              "izvēlieties \"Saglabāt kā\" → \"Excel 2007-365 (.xlsx)\"."),
    ("calc-parsaukts.xlsx", ods_bytes(), "Kļūda: Fails ir LibreOffice/OpenDocument formātā (.ods). "
                                         "LibreOffice Calc izvēlieties \"Saglabāt kā\" → \"Excel 2007-365 (.xlsx)\"."),
    ("dati.csv", b"a;b\n1;2\n", "Kļūda: Fails ir CSV teksts, nevis veidlapa. Aizpildiet izsniegto .xlsx "
                                "veidlapu un sūtiet to."),
    ("makro.xlsm", b"PK\x03\x04", "Kļūda: Fails ir Excel darbgrāmata ar makrosiem (.xlsm); makrosus "
                                  "nepieņemam. Saglabājiet to kā .xlsx (Excel darbgrāmata)."),
    ("vestule.pdf", b"%PDF-1.4", f"Kļūda: Šāda veida failus (.pdf) nepieņemam. {EXPECTED}"),
    ("bez paplasinajuma", b"abc", f"Kļūda: Šāda veida failus (bez paplašinājuma) nepieņemam. {EXPECTED}"),
    ("a..b\\..\\c.xlsx", os.urandom(100),
     f"Kļūda: Fails nav Excel darbgrāmata (tas nav .xlsx formātā vai ir bojāts). {EXPECTED}"),
    ("Ģimnāzijas atskaite ūdens č.xlsx", b"\x00\x01",
     f"Kļūda: Fails nav Excel darbgrāmata (tas nav .xlsx formātā vai ir bojāts). {EXPECTED}"),
]


def _receipt_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize(("name", "content", "line"), CASES, ids=[c[0] for c in CASES])
def test_hostile_file_rejected_with_precise_receipt(mini_ws: Workspace, name: str, content: bytes | None,
                                                    line: str) -> None:
    if content is None:
        whole = plain_xlsx_bytes()
        content = whole[: len(whole) // 2]
    path = drop(mini_ws, name, content)
    started = time.monotonic()
    result = process_file(path, mini_ws, limits=FAST)
    assert time.monotonic() - started < 5
    assert result.outcome == "rejected"
    assert result.errors == [line]
    receipt = mini_ws.receipts / UNKNOWN_DIR / f"fails_{result.sha256[:12]}.txt"
    assert result.receipt == receipt
    lines = _receipt_lines(receipt)
    assert "REZULTĀTS: NORAIDĪTS. Dati nav saglabāti." in lines
    assert f"  - {line}" in lines
    assert f"Fails: \"{name}\"" in lines
    # The original left the inbox for archive/rejected/, named by its hash, owner-only.
    assert not path.exists()
    kept = mini_ws.archive / "rejected" / f"{result.sha256}{Path(name).suffix.lower() or '.bin'}"
    assert kept.read_bytes() == content
    assert kept.stat().st_mode & 0o777 == 0o600
    with open_store(mini_ws) as store:
        row = store.by_sha(result.sha256)
    assert row is not None and row.state == "rejected" and row.original_name == name


def test_200_mb_file_rejected_by_size_before_reading(mini_ws: Workspace) -> None:
    path = mini_ws.inbox / "milzigs.xlsx"
    with open(path, "wb") as fh:
        fh.write(b"PK\x03\x04")
        fh.truncate(200 * 1024 * 1024)  # sparse: 200 MB on paper
    started = time.monotonic()
    result = process_file(path, mini_ws, limits=FAST)
    assert time.monotonic() - started < 10
    assert result.errors == [
        "Kļūda: Fails ir pārāk liels (200 MB; atļauts līdz 20 MB). Aizpildīta veidlapa ir daudz mazāka: "
        "pārbaudiet, vai nav pievienoti attēli vai liekas lapas."
    ]
    assert (mini_ws.archive / "rejected" / f"{result.sha256}.xlsx").stat().st_size == 200 * 1024 * 1024


def test_size_limit_is_configurable(mini_ws: Workspace) -> None:
    config = mini_ws.config_path.read_text(encoding="utf-8")
    mini_ws.config_path.write_text(config + "\n[intake]\nmax_file_mb = 0.001\n", encoding="utf-8")
    path = drop(mini_ws, "liels.xlsx", plain_xlsx_bytes(), age=5)
    result = process_file(path, mini_ws)
    assert result.errors[0].startswith("Kļūda: Fails ir pārāk liels (")
    assert "atļauts līdz 0 MB" in result.errors[0]


def test_whole_hostile_inbox_in_one_pass(mini_ws: Workspace) -> None:
    """The intake keeps going: every file gets its receipt, lock and temp files stay untouched."""
    # Older than the grace a paused copy gets (Limits.settle_seconds): judged as they are.
    for name, content, _ in CASES:
        drop(mini_ws, name, content if content is not None else b"PK\x03\x04trunc", age=60)
    for junk in ("~$atskaite.xlsx", ".~lock.atskaite.xlsx#", "lejupielade.xlsx.part", "x.tmp", ".slepts.xlsx"):
        drop(mini_ws, junk, b"junk", age=60)
    seen: list[str] = []
    summary = ingest_once(mini_ws, progress=lambda r: seen.append(r.line()))
    # Two pairs of cases share their bytes (the .xls/.ods ones under both names): "jau saņemts".
    assert (summary.rejected, summary.duplicates, summary.accepted) == (len(CASES) - 2, 2, 0)
    dupes = [p for p in receipts(mini_ws) if p.name.endswith("_atkartoti.txt")]
    assert len(dupes) == 2
    assert "REZULTĀTS: JAU SAŅEMTS." in dupes[0].read_text(encoding="utf-8")
    assert len(receipts(mini_ws)) == len(CASES)
    assert inbox_names(mini_ws) == sorted(
        ["~$atskaite.xlsx", ".~lock.atskaite.xlsx#", "lejupielade.xlsx.part", "x.tmp", ".slepts.xlsx"])
    assert summary.line() == (f"Iesūtne apstrādāta: {len(CASES)} faili — pieņemti 0, "
                              f"noraidīti {len(CASES) - 2}, jau saņemti 2.")
    assert all(line.startswith(("noraidīts", "jau saņemts")) for line in seen)
    # Control characters in a sender's name never reach the terminal.
    assert not any("\n" in line for line in seen)


def test_fresh_incomplete_file_is_left_for_later(mini_ws: Workspace) -> None:
    """A .xlsx written a moment ago that does not open as a zip yet is a copy in progress, not junk."""
    whole = plain_xlsx_bytes()
    path = drop(mini_ws, "kopējas.xlsx", whole[:700])
    summary = ingest_once(mini_ws)  # default limits: files younger than 1 s are looked at twice
    assert [r.outcome for r in summary.results] == ["waiting"]
    assert summary.line() == "Iesūtne apstrādāta: 1 fails — pieņemti 0, noraidīti 0, jau saņemti 0, vēl tiek rakstīti 1."
    assert path.exists() and receipts(mini_ws) == []
    old = time.time() - 60
    os.utime(path, (old, old))  # nobody finished it: now it is judged as it is
    assert [r.outcome for r in ingest_once(mini_ws).results] == ["rejected"]


@pytest.mark.parametrize("padding", [5000, 100_000], ids=["padded", "padded-past-the-scan"])
@pytest.mark.parametrize("part", ["xl/workbook.xml", "docProps/core.xml", "xl/worksheets/sheet1.xml"])
def test_entity_bomb_anywhere_never_expands(mini_ws: Workspace, part: str, padding: int) -> None:
    """The parser refuses entities wherever the DTD is, and the receipt names the trick: the bound
    stage streams every XML part through a parser that stops at a DOCTYPE, however deep it hides
    (before the staged intake, a DTD past the first 64 KB only got the reader's vaguer refusal)."""
    path = drop(mini_ws, "slepta bumba.xlsx", entity_bomb(padding=padding, part=part))
    started = time.monotonic()
    result = process_file(path, mini_ws, limits=FAST)
    assert time.monotonic() - started < 5
    assert result.outcome == "rejected" and len(result.errors) == 1
    assert result.errors == ["Kļūda: Darbgrāmatā ir neatļautas XML konstrukcijas (DOCTYPE/ENTITY), kādas "
                             f"Excel neveido; šādu failu neatveram. {EXPECTED}"]


@pytest.mark.slow
def test_hostile_corpus_in_bounded_memory(mini_ws: Workspace) -> None:
    """``pmp ingest`` over the worst files in a child process: its peak memory stays small."""
    drop(mini_ws, "bumba.xlsx", zip_bomb(256), age=60)
    drop(mini_ws, "entitijas.xlsx", entity_bomb(padding=5000), age=60)
    with open(mini_ws.inbox / "milzigs.xlsx", "wb") as fh:
        fh.truncate(200 * 1024 * 1024)
    old = time.time() - 60  # past the grace a paused copy gets
    os.utime(mini_ws.inbox / "milzigs.xlsx", (old, old))
    # VmHWM is this process's own peak (ru_maxrss would include the parent's memory before exec).
    code = ("import sys; from generator.cli import cli\n"
            "try:\n    cli(['ingest'])\nexcept SystemExit as e:\n    code = e.code\n"
            "hwm = [x for x in open('/proc/self/status') if x.startswith('VmHWM')][0].split()[1]\n"
            "print('PEAK', hwm)\nsys.exit(code)\n")
    env = {**os.environ, "PMP_WORKSPACE": str(mini_ws.root)}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "Iesūtne apstrādāta: 3 faili — pieņemti 0, noraidīti 3, jau saņemti 0." in res.stdout
    peak_kb = int(res.stdout.split("PEAK")[1].strip())
    assert peak_kb < 150 * 1024  # the interpreter with openpyxl is ~65 MB; the files add nothing big
