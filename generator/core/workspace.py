"""The workspace: a folder with config.toml, templates, forms, inbox, outbox and archive."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import WorkspaceError

if TYPE_CHECKING:  # pydantic is imported by the commands that read the config, not by `pmp --help`
    from .config import Config

RUNTIME_DIRS = ("forms", "inbox", "outbox", "archive", "templates")
PRESETS = ("ludza", "livani", "riga", "daugavpils", "ogre")
DEFAULT_PRESET = "ludza"


def resources_dir() -> Path:
    """Folder of the files shipped inside the package (presets, default templates)."""
    from importlib import resources

    return Path(str(resources.files("generator") / "resources"))


def preset_path(name: str) -> Path:
    return resources_dir() / "presets" / f"{name}.toml"


@dataclass
class Workspace:
    root: Path

    @classmethod
    def locate(cls, given: str | os.PathLike[str] | None = None) -> Workspace:
        """``--workspace``, else ``PMP_WORKSPACE``, else the current directory."""
        raw = given or os.environ.get("PMP_WORKSPACE") or os.getcwd()
        return cls(Path(raw).expanduser().resolve())

    config_path = property(lambda self: self.root / "config.toml")
    forms_dir = property(lambda self: self.root / "forms")
    inbox = property(lambda self: self.root / "inbox")
    outbox = property(lambda self: self.root / "outbox")
    archive = property(lambda self: self.root / "archive")
    templates = property(lambda self: self.root / "templates")
    store_path = property(lambda self: self.root / "archive" / "store.sqlite")
    receipts = property(lambda self: self.root / "outbox" / "receipts")
    #: The pseudonymisation key lives outside the store and the archive, owner-only.
    secret_path = property(lambda self: self.root / ".pmp" / "case.key")

    def period_outbox(self, year: int) -> Path:
        return self.outbox / str(year)

    @cached_property
    def config(self) -> Config:
        """config.toml, validated — or restored from the validated copy kept in ``.pmp`` when config.toml is
        byte for byte what was validated then (see :mod:`.config_cache`)."""
        if not self.root.is_dir():
            raise WorkspaceError(f"darba vieta {self.root} nav atrasta")
        from . import config_cache
        from .config_check import config_from_bytes, read_config

        source = read_config(self.config_path)
        cfg = config_cache.restore(self, source)
        if cfg is None:
            cfg = config_from_bytes(self.config_path, source)
            config_cache.store(self, source, cfg)
        return cfg

    @property
    def plain_config(self) -> Config:
        """The config for commands that only read it (``pmp status``): restored from the validated copy in
        ``.pmp`` as plain objects — the fields and lookups of :class:`Config`, not pydantic's ``model_*``
        methods — without importing pydantic; :attr:`config` when that is loaded or there is no valid copy."""
        if "config" in self.__dict__ or not self.root.is_dir():
            return self.config
        plain = self.__dict__.get("_plain_config")
        if plain is None:
            from . import config_cache
            from .config_check import read_config

            plain = config_cache.restore(self, read_config(self.config_path), plain=True)
            if plain is None:
                return self.config
            self.__dict__["_plain_config"] = plain
        return plain

    def template(self, name: str) -> Path:
        """A template from the workspace, falling back to the packaged default."""
        own = self.templates / name
        return own if own.is_file() else resources_dir() / "templates" / name


def init_workspace(target: Path, preset: str = DEFAULT_PRESET) -> Workspace:
    """Create a workspace: config.toml from the preset, default templates, empty runtime folders."""
    import shutil

    from .secret import ensure_secret

    if preset not in PRESETS:
        raise WorkspaceError(f"nezināms paraugs \"{preset}\"; pieejami: {', '.join(PRESETS)}")
    target = target.expanduser().resolve()
    if (target / "config.toml").exists():
        raise WorkspaceError(f"{target} jau ir darba vieta (config.toml jau eksistē); norādiet citu mapi")
    target.mkdir(parents=True, exist_ok=True)
    for name in RUNTIME_DIRS:
        (target / name).mkdir(exist_ok=True)
    shutil.copyfile(preset_path(preset), target / "config.toml")
    for tpl in sorted((resources_dir() / "templates").glob("*.docx")):
        shutil.copyfile(tpl, target / "templates" / tpl.name)
    ws = Workspace(target)
    ensure_secret(ws)
    return ws
