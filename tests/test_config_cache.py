"""The validated config kept in ``.pmp/config.cache`` (issue 15): restored, it is the config validated from
config.toml — as the pydantic models and as the plain objects ``pmp status`` reads without pydantic —; a
changed config.toml, other code, a tampered or foreign file, or a workspace without a secret mean that
config.toml is validated again, with the same messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.core import config_cache
from generator.core.config import METRIC_KEYS, Config, Institution
from generator.core.config_check import load_config
from generator.core.errors import ConfigError
from generator.core.period import Period
from generator.core.workspace import PRESETS, Workspace, init_workspace
from generator.forms import owed_forms
from generator.intake import ingest_once
from tests.intake_helpers import filled

HEAVY = ("pydantic", "pydantic_core", "openpyxl", "python_calamine", "portalocker", "imapclient", "babel",
         "docx", "matplotlib")


def _new(root: Path, preset: str = "ludza") -> Workspace:
    """A workspace as ``pmp init`` leaves it: created, its config loaded once (and so kept)."""
    ws = init_workspace(root, preset)
    assert ws.config
    return ws


def _fresh(ws: Workspace) -> Workspace:
    """The same folder as a new command would see it (nothing loaded yet)."""
    return Workspace(ws.root)


def _same_fields(plain: Any, model: Any, path: str = "cfg") -> None:
    """``plain`` holds exactly the validated values of ``model``, recursively, with the same types."""
    fields = getattr(type(model), "__pydantic_fields__", None)
    if fields is not None:
        assert type(plain).__name__ == type(model).__name__, path
        assert set(vars(plain)) - {"_members"} == set(fields), path
        for name in fields:
            _same_fields(getattr(plain, name), getattr(model, name), f"{path}.{name}")
    elif isinstance(model, list):
        assert isinstance(plain, list) and len(plain) == len(model), path
        for n, (p, m) in enumerate(zip(plain, model, strict=True)):
            _same_fields(p, m, f"{path}[{n}]")
    elif isinstance(model, dict):
        assert isinstance(plain, dict) and list(plain) == list(model), path
        for k in model:
            _same_fields(plain[k], model[k], f"{path}[{k!r}]")
    else:
        assert type(plain) is type(model) and plain == model, path


def _lookups(cfg: Config) -> dict[str, Any]:
    """What the commands ask of a config, as plain data."""
    years = [None, *({y} for y in cfg.period.plan_years)]
    out: dict[str, Any] = {
        "owed": [[(i.id, f) for i, f in owed_forms(cfg, Period(y, cfg.period.kind))] for y in cfg.period.plan_years],
        "owed_any": [(i.id, f) for i, f in owed_forms(cfg)],
        "reporting": [i.id for i in cfg.reporting_institutions],
        "schools": [i.id for i in cfg.schools],
        "board": cfg.board.id,
        "labels": [i.label for i in cfg.institutions],
        "activities": [[a.number for a in cfg.activities_for(i.id, y)] for i in cfg.institutions for y in years],
        "owes_f1": [cfg.owes_f1(i, y) for i in cfg.institutions for y in years],
        "refs": [[cfg.ref_label(r) for r in a.responsible + a.involved] for a in cfg.plan.activities],
        "resolved": [[i.id for i in cfg.resolve_refs(a.responsible + a.involved)] for a in cfg.plan.activities],
        "computed": [cfg.computed_from_forms(m) for m in METRIC_KEYS],
        "goals": [cfg.goal(a.goal).title for a in cfg.plan.activities],
        "funding": [cfg.funding_source(f.id).name for f in cfg.funding_sources],
        "senders": [i.sends_from(a) for i in cfg.institutions
                    for a in ("x@skola.lv", i.email or "", "direktore@" + (i.email or "@a.lv").split("@")[-1])],
    }
    rows = [(ind, row) for ind in cfg.plan.indicators for row in ind.rows]
    out["indicators"] = [(ind.row_metric(row), row.baseline_display(ind.unit),
                          [(y, t.display(ind.unit), t.is_text, t.is_placeholder) for y, t in row.targets.items()])
                         for ind, row in rows]
    return out


@pytest.mark.parametrize("preset", PRESETS)
def test_the_kept_config_is_the_validated_config(tmp_path: Path, preset: str) -> None:
    ws = _new(tmp_path / "ws", preset)
    validated = load_config(ws.config_path)
    source = ws.config_path.read_bytes()
    assert config_cache.cache_path(ws).is_file()

    models = config_cache.restore(ws, source)
    assert models is not None
    assert models == validated
    assert models.model_dump() == validated.model_dump()
    assert models.plan_edition() == validated.plan_edition()
    assert models.model_fields_set == validated.model_fields_set
    assert [i.model_fields_set for i in models.institutions] == [i.model_fields_set for i in validated.institutions]
    assert _lookups(models) == _lookups(validated)

    plain = config_cache.restore(ws, source, plain=True)
    assert plain is not None
    assert not isinstance(plain, Config)
    _same_fields(plain, validated)
    assert _lookups(plain) == _lookups(validated)


def test_the_workspace_restores_the_kept_config(tmp_path: Path) -> None:
    ws = _new(tmp_path / "ws")
    again = _fresh(ws)
    assert isinstance(again.config, Config) and again.config == load_config(ws.config_path)
    plain = _fresh(ws).plain_config
    assert not isinstance(plain, Config)  # restored without pydantic
    assert not isinstance(plain.institutions[0], Institution)
    loaded = _fresh(ws)
    assert loaded.config is loaded.plain_config  # once the models are loaded, they serve both


def test_a_changed_config_is_validated_again(tmp_path: Path) -> None:
    ws = _new(tmp_path / "ws")
    text = ws.config_path.read_text(encoding="utf-8")
    old = ws.config.municipality.name
    ws.config_path.write_text(text.replace(f'name = "{old}"', 'name = "Jaunā pašvaldība"', 1), encoding="utf-8")
    assert _fresh(ws).plain_config.municipality.name == "Jaunā pašvaldība"
    assert _fresh(ws).config.municipality.name == "Jaunā pašvaldība"
    # An invalid edit: every command says what `pmp config check` says, as without the cache.
    ws.config_path.write_text(text.replace('kind = "school"', 'kind = "skola"', 1), encoding="utf-8")
    with pytest.raises(ConfigError) as expected:
        load_config(ws.config_path)
    for read in (lambda w: w.config, lambda w: w.plain_config):
        with pytest.raises(ConfigError) as got:
            read(_fresh(ws))
        assert got.value.problems == expected.value.problems
    # Back to the first text: valid again.
    ws.config_path.write_text(text, encoding="utf-8")
    assert _fresh(ws).plain_config.municipality.name == old


def test_a_tampered_or_foreign_cache_is_ignored(tmp_path: Path) -> None:
    ws = _new(tmp_path / "ws")
    source = ws.config_path.read_bytes()
    path = config_cache.cache_path(ws)
    good = path.read_bytes()
    name = ws.config.municipality.name
    forged = good.replace(json.dumps(name, ensure_ascii=False).encode(), b'"Viltota"', 1)
    assert forged != good
    for data in (forged, b"0" * 64 + good[64:], good[:-10], b"", b"\n{}"):
        path.write_bytes(data)
        assert config_cache.restore(ws, source) is None
        assert config_cache.restore(ws, source, plain=True) is None
        assert _fresh(ws).plain_config.municipality.name == name
    # Another workspace's file for the same config.toml (another secret) is not this one's.
    other = _new(tmp_path / "other")
    path.write_bytes(config_cache.cache_path(other).read_bytes())
    assert config_cache.restore(ws, source) is None


def test_other_validating_code_is_not_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = _new(tmp_path / "ws")
    source = ws.config_path.read_bytes()
    assert config_cache.restore(ws, source) is not None
    monkeypatch.setattr(config_cache, "code_fingerprint", lambda: b"another version of the models")
    assert config_cache.restore(ws, source) is None


def test_no_secret_no_cache(mini_ws: Workspace) -> None:
    assert not mini_ws.secret_path.exists()
    assert mini_ws.config.municipality.name
    assert not config_cache.cache_path(mini_ws).exists()
    assert isinstance(_fresh(mini_ws).plain_config, Config)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_the_cache_is_owner_only(tmp_path: Path) -> None:
    ws = _new(tmp_path / "ws")
    assert config_cache.cache_path(ws).stat().st_mode & 0o777 == 0o600


def _run_fresh(ws: Workspace, *args: str) -> tuple[str, list[str]]:
    """``pmp <args>`` in a new interpreter: what it prints, and the heavy libraries it imported."""
    probe = ("import json, sys\nfrom generator.cli import cli\n"
             f"try:\n    cli.main({list(args)!r}, prog_name='pmp')\nexcept SystemExit:\n    pass\n"
             "print(json.dumps(sorted(sys.modules)))")
    env = {**os.environ, "PMP_WORKSPACE": str(ws.root)}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env).stdout
    *lines, modules = out.splitlines()
    return "\n".join(lines), sorted({m.split(".")[0] for m in json.loads(modules)} & set(HEAVY))


def test_status_reads_the_kept_config_without_pydantic(tmp_path: Path) -> None:
    ws = _new(tmp_path / "ws")
    expected = CliRunner().invoke(cli, ["--workspace", str(ws.root), "status"], catch_exceptions=False).output
    shown, heavy = _run_fresh(ws, "status")
    assert shown == expected.rstrip("\n")
    assert heavy == []
    # Without a valid copy it validates (pydantic) and shows the same.
    config_cache.cache_path(ws).unlink()
    shown, heavy = _run_fresh(ws, "status")
    assert shown == expected.rstrip("\n")
    assert "pydantic" in heavy
    assert config_cache.cache_path(ws).is_file()  # kept again for the next command


def test_ingest_with_the_kept_config_judges_as_with_the_validated_one(tmp_path: Path) -> None:
    kept = _new(tmp_path / "kept")
    validated = _new(tmp_path / "validated")
    validated.secret_path.unlink()  # no secret: validated by every command, nothing kept
    config_cache.cache_path(validated).unlink()
    period = Period(kept.config.period.plan_years[1], kept.config.period.kind)
    school = kept.config.schools[0].id
    summaries = []
    for ws in (kept, validated):
        for n, (form_id, inst, errors) in enumerate([("F2", school, ()), ("F1", school, ("bad_activity",)),
                                                     ("F2", kept.config.schools[1].id, ("wrong_type",))]):
            filled(ws, form_id, inst, year=period.year, seed=n, errors=errors)
        fresh = _fresh(ws)
        summary = ingest_once(fresh)
        summaries.append(([r.line() for r in summary.results], summary.line()))
    assert summaries[0] == summaries[1]
    assert "noraidīti 2" in summaries[0][1]


def test_an_empty_inbox_is_ingested_without_pydantic(tmp_path: Path) -> None:
    shown, heavy = _run_fresh(_new(tmp_path / "ws"), "ingest")
    assert shown == "Iesūtne apstrādāta: 0 faili — pieņemti 0, noraidīti 0, jau saņemti 0."
    assert heavy == ["portalocker"]  # the intake lock
