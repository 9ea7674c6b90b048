"""The shortcuts of issue 15 give the same result as the long way: the command line imports no heavy
library before a command needs it, the reminders' blank workbooks written once per shape are the
workbooks written one by one, and the activity index answers as the walk over every institution did."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.core.config import Config
from generator.core.config_check import parse_config
from generator.core.period import Period
from generator.core.workspace import PRESETS, preset_path
from generator.forms import owed_forms
from generator.forms.blanks import BlankForms
from generator.forms.definitions import FORMS
from generator.forms.fields import FormContext
from generator.forms.writer import build_workbook

#: Libraries only some commands need.
HEAVY = ("openpyxl", "matplotlib", "docx", "docxtpl", "numpy", "python_calamine", "pydantic", "watchdog",
         "imapclient")


def _imported_by(code: str) -> list[str]:
    """The heavy libraries a fresh interpreter has imported after ``code``."""
    probe = f"import sys\n{code}\nprint(__import__('json').dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    loaded = json.loads(out.splitlines()[-1])
    return sorted({m.split(".")[0] for m in loaded} & set(HEAVY))


def test_the_command_line_imports_no_heavy_library() -> None:
    assert _imported_by("import generator.cli") == []


def test_help_imports_no_heavy_library_and_stays_latvian() -> None:
    code = ("from generator.cli import cli\n"
            "try:\n    cli.main(['--help'], prog_name='pmp')\nexcept SystemExit:\n    pass")
    assert _imported_by(code) == []
    result = CliRunner().invoke(cli, ["--help"], prog_name="pmp")
    assert result.exit_code == 0
    assert "Lietošana: pmp [OPCIJAS] KOMANDA [ARGUMENTI]..." in result.output
    for name in ("ingest", "build", "status", "watch", "forms", "protocol"):
        assert f"\n  {name} " in result.output


def test_status_and_an_empty_ingest_import_no_heavy_library() -> None:
    """What ``pmp status`` and ``pmp ingest`` import before a file or an invalid copy of the config needs
    more (the restored config and its lookups, the intake and mail packages, the form definitions);
    tests/test_config_cache.py runs both commands."""
    code = ("import generator.core.config, generator.core.config_cache, generator.core.config_check\n"
            "import generator.intake, generator.intake.status, generator.mail.status, generator.forms\n"
            "import generator.intake.lock, generator.intake.recovery, generator.intake.taking")
    assert _imported_by(code) == []


def test_reading_a_workbook_does_not_import_the_writer() -> None:
    code = ("import generator.intake, generator.forms.reader\n"
            "from generator.intake.safety import assert_defusedxml\nassert_defusedxml()")
    assert "openpyxl" not in _imported_by(code)


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n != "docProps/core.xml"}  # core.xml: the time written


def _direct(cfg: Config, period: Period, form_id: str, inst_id: str) -> bytes:
    out = io.BytesIO()
    build_workbook(FORMS[form_id], FormContext(cfg, period, cfg.institution(inst_id))).save(out)
    return out.getvalue()


def _preset(name: str) -> Config:
    return parse_config(tomllib.loads(Path(preset_path(name)).read_text(encoding="utf-8")))


def test_blank_forms_written_once_per_shape_are_the_forms_written_one_by_one() -> None:
    cfg = _preset("ludza")
    period = Period(cfg.period.plan_years[0], cfg.period.kind)
    blanks = BlankForms(cfg, period)
    owed = owed_forms(cfg, period)
    assert len(owed) > 30
    for inst, form_id in owed:
        assert _parts(blanks.workbook_bytes(form_id, inst)) == _parts(_direct(cfg, period, form_id, inst.id)), \
            (inst.id, form_id)
    assert len(blanks._templates) < len(owed)  # some shapes are shared, or nothing was gained


def test_a_name_written_otherwise_is_never_patched() -> None:
    """A school whose name is also an activity's text, or that needs the formula guard, is written afresh."""
    cfg = _preset("ludza")
    period = Period(cfg.period.plan_years[0], cfg.period.kind)
    first, second, third = [i for i in cfg.schools if i.stages == ["1-6", "7-9"]][:3]
    odd = cfg.model_copy(update={"institutions": [
        i.model_copy(update={"name": "=1+1 pamatskola"}) if i.id == second.id
        else i.model_copy(update={"name": "Saraksti"}) if i.id == third.id else i
        for i in cfg.institutions]})
    blanks = BlankForms(odd, period)
    for inst_id in (first.id, second.id, third.id):
        inst = odd.institution(inst_id)
        assert _parts(blanks.workbook_bytes("F2", inst)) == _parts(_direct(odd, period, "F2", inst_id)), inst_id


@pytest.mark.parametrize("name", PRESETS)
def test_activity_index_matches_the_walk_over_every_institution(name: str) -> None:
    cfg = _preset(name)
    for years in (None, *({y} for y in cfg.period.plan_years)):
        for inst in cfg.institutions:
            walked = [a.number for a in cfg.plan.activities
                      if (years is None or set(a.years) & years)
                      and inst.id in {i.id for i in cfg.resolve_refs(a.responsible + a.involved)}]
            assert [a.number for a in cfg.activities_for(inst.id, years)] == walked
    # A copy with other institutions is indexed afresh, not from the original's cache.
    inst = next(i for i in cfg.institutions if cfg.activities_for(i.id))
    renamed = cfg.model_copy(update={"institutions": [i.model_copy(update={"id": "cits-id"}) if i is inst else i
                                                      for i in cfg.institutions]})
    assert renamed.activities_for(inst.id) == []
    assert cfg.activities_for(inst.id)


def test_counts_and_whole_numbers_are_written_as_babel_writes_them() -> None:
    """``lv.is_singular`` and ``lv.number`` of a whole number skip Babel; they say what Babel says."""
    from decimal import Decimal

    from babel.plural import PluralRule

    from generator.core import lv

    rule = PluralRule(lv.PLURAL_RULES)
    numbers = [*range(-2500, 2500), *(10**k + d for k in range(3, 31) for d in (-1, 0, 1, 11, 21))]
    numbers += [-n for n in numbers]
    for n in numbers:
        assert lv.is_singular(n) == (rule(abs(n)) == "one"), n
        assert lv.number(n) == lv.number(Decimal(n)), n  # a Decimal goes through Babel
    assert lv.number(2.0) == "2" and lv.number(1200, group=True) == "1 200" and lv.number(3, decimals=1) == "3,0"
