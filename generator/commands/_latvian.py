"""Click's own words in Latvian: the help headings, ``--help``/``--version``, defaults and metavars.

click marks its user-facing strings for gettext (``from gettext import gettext as _`` in each module),
but gettext picks the language from the environment (``LANGUAGE``/``LANG``), which on a board's Windows
PC says nothing or English. ``pmp`` speaks only Latvian, so :func:`use_latvian` points those ``_``
lookups at :data:`CATALOG` instead — a string click adds in a later version stays English until it is
added here, and ``tests/test_platform_help.py`` fails on it. The two usage placeholders and the type
names that click does not mark for translation are set here too.
"""

from __future__ import annotations

import gettext
import importlib

import click
from click.formatting import HelpFormatter

#: click's help and error strings (msgid → Latvian).
CATALOG = {
    "Usage:": "Lietošana:",
    "Options": "Opcijas",
    "Commands": "Komandas",
    "Positional arguments": "Argumenti",
    "Show this message and exit.": "Parāda šo palīdzību un beidz darbu.",
    "Show the version and exit.": "Parāda versiju un beidz darbu.",
    "%(prog)s, version %(version)s": "%(prog)s, versija %(version)s",
    "default: {default}": "noklusējums: {default}",
    "env var: {var}": "vides mainīgais: {var}",
    "required": "obligāts",
    "(dynamic)": "(mainīgs)",
    "deprecated": "novecojis",
    "file": "fails",
    "directory": "mape",
    "path": "ceļš",
    "Choose from:\n\t{choices}": "Izvēlieties no:\n\t{choices}",
    # Errors and prompts: the frame around our Latvian messages.
    "Error: {message}": "Kļūda: {message}",
    "Aborted!": "Pārtraukts.",
    "Do you want to continue?": "Vai turpināt?",
    "Confirm the action without prompting.": "Apstiprina darbību bez jautājuma.",
    "Try '{command} {option}' for help.": "Palīdzība: '{command} {option}'.",
    "No such command {name!r}.": "Nav tādas komandas {name!r}.",
    "No such option {name!r}.": "Nav tādas opcijas {name!r}.",
    "Missing command.": "Nav norādīta komanda.",
    "Missing argument": "Nav norādīts arguments",
    "Missing option": "Nav norādīta opcija",
    "Missing parameter": "Nav norādīts parametrs",
    "Invalid value for {param_hint}: {message}": "Nederīga vērtība {param_hint}: {message}",
    "Invalid value: {message}": "Nederīga vērtība: {message}",
    "Option {name!r} does not take a value.": "Opcijai {name!r} nav vērtības.",
    "Argument {name!r} takes {nargs} values.": "Argumentam {name!r} vajag {nargs} vērtības.",
    "{value!r} is not a valid {number_type}.": "{value!r} nav derīgs skaitlis.",
    "{value} is not in the range {range}.": "{value} nav robežās {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} nav ne jā, ne nē. Derīgās vērtības: {states}",
    "{name} {filename!r} does not exist.": "{name} {filename!r} nav atrasts.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} ir mape, nevis fails.",
    "{name} {filename!r} is a file.": "{name} {filename!r} ir fails, nevis mape.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} nav lasāms.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} nav rakstāms.",
    "Could not open file {filename!r}: {message}": "Neizdevās atvērt failu {filename!r}: {message}",
}
#: Usage placeholders click writes without gettext.
PLACEHOLDERS = {
    "[OPTIONS]": "[OPCIJAS]",
    "[COMMAND] [ARGS]...": "[KOMANDA] [ARGUMENTI]...",
    "COMMAND [ARGS]...": "KOMANDA [ARGUMENTI]...",
}
#: Type names click shows upper-cased as metavars (TEXT, INTEGER RANGE …).
TYPE_NAMES = {
    "StringParamType": "teksts",
    "IntParamType": "skaitlis",
    "IntRange": "skaitlis",
    "FloatParamType": "skaitlis",
    "FloatRange": "skaitlis",
    "BoolParamType": "jā/nē",
    "UnprocessedParamType": "teksts",
}
_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils",
                  "shell_completion")


def _gettext(message: str) -> str:
    return CATALOG.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return CATALOG.get(singular if n == 1 else plural, singular if n == 1 else plural)


class LatvianHelpFormatter(HelpFormatter):
    """Writes the usage line with Latvian placeholders."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        for english, latvian in PLACEHOLDERS.items():
            args = args.replace(english, latvian)
        super().write_usage(prog, args, prefix)


def use_latvian() -> None:
    """Make click's help Latvian. Call before the commands are defined (path types name themselves then)."""
    for name in _CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if getattr(module, "_", None) is gettext.gettext:
            module._ = _gettext  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = _ngettext  # type: ignore[attr-defined]
    for cls_name, latvian in TYPE_NAMES.items():
        cls = getattr(click.types, cls_name, None)
        if cls is not None:
            cls.name = latvian
    click.Context.formatter_class = LatvianHelpFormatter
