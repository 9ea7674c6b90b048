"""Every ``--help`` is Latvian, click's own headings, options and placeholders included."""

from __future__ import annotations

import re

import click
from click.testing import CliRunner

from generator import __version__
from generator.cli import cli

#: English words click puts into help (its gettext strings, usage placeholders, type names) and a few
#: common ones that would give away an untranslated string (not "to" or "var": Latvian words too).
ENGLISH = {
    "usage", "options", "commands", "command", "arguments", "args", "positional", "show", "this", "message",
    "and", "exit", "version", "default", "required", "env", "dynamic", "deprecated", "choose",
    "from", "text", "integer", "float", "range", "boolean", "directory", "path", "file", "filename",
    "name", "number", "dir", "the", "help", "or", "of", "with",
}


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        sub = group.get_command(ctx, name)
        if isinstance(sub, click.Group):
            found += _commands(sub, (*path, name))
        else:
            found.append((*path, name))
    return found


def _english_words(text: str, command_names: set[str]) -> set[str]:
    text = re.sub(r"(?<![\w-])--?[\w-]+", " ", text)  # option names: --workspace, -h
    text = re.sub(r"\[[\w|-]+(\|[\w|-]+)+\]", " ", text)  # choices: [ludza|livani|…]
    words = {w.lower() for w in re.findall(r"[A-Za-zĀ-ž]+", text)}
    return (words - command_names) & ENGLISH


def test_every_help_is_latvian() -> None:
    runner = CliRunner()
    paths = _commands(cli)
    names = {part for path in paths for part in path} | {"pmp"}
    assert len(paths) > 15
    for path in paths:
        res = runner.invoke(cli, [*path, "--help"], prog_name="pmp", catch_exceptions=False)
        assert res.exit_code == 0, path
        out = res.output
        assert out.startswith(f"Lietošana: pmp {' '.join(path)}".rstrip() + " [OPCIJAS]"), out
        assert "\nOpcijas:\n" in out and "Parāda šo palīdzību un beidz darbu." in out, path
        if "KOMANDA" in out.splitlines()[0]:
            assert "\nKomandas:\n" in out, path
        assert _english_words(out, names) == set(), (path, out)


def test_top_level_help_and_version() -> None:
    runner = CliRunner()
    out = runner.invoke(cli, ["--help"], prog_name="pmp").output
    assert out.splitlines()[0] == "Lietošana: pmp [OPCIJAS] KOMANDA [ARGUMENTI]..."
    assert re.search(r"^  --version +Parāda versiju un beidz darbu\.$", out, flags=re.M)
    assert re.search(r"^  -w, --workspace MAPE +Darba vietas mape", out, flags=re.M)
    assert runner.invoke(cli, ["--version"], prog_name="pmp").output == f"pmp, versija {__version__}\n"
    watch = runner.invoke(cli, ["watch", "--help"], prog_name="pmp").output
    assert re.search(r"--interval SKAITLIS +Sekundes starp pārbaudēm\. +\[noklusējums: 1\.0;", watch)


def test_the_check_catches_click_english() -> None:
    english_help = "Usage: pmp [OPTIONS]\n\nOptions:\n  --interval FLOAT RANGE  [default: 1.0]\n" \
                   "  --help  Show this message and exit.\n"
    assert _english_words(english_help, {"pmp"}) == {
        "usage", "options", "float", "range", "default", "show", "this", "message", "and", "exit"}
