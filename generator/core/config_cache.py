"""The validated config kept between commands, in ``.pmp/config.cache``.

Validating config.toml (pydantic: building the models' validators, then checking some 50 KB of plan)
costs more than most commands' own work. After a validation the config is written here; a command that
then finds config.toml byte for byte the same — validated by the same code — restores it instead of
validating it again: as the pydantic models (:func:`restore`, built with ``model_construct``, no
validation) or, for commands that only read it (``pmp status``), as plain objects with the same fields
and the same lookups (:mod:`.config`'s ``…Lookups`` classes) and no pydantic at all (``plain=True``).

The file is authenticated with an HMAC under a key derived from the workspace's secret
(``.pmp/case.key``, owner-only), over the SHA-256 of config.toml's bytes, a fingerprint of the code that
validated it and the content itself. A stale, damaged or tampered file — or any file in a workspace
without a secret — is ignored, and config.toml is validated as before, with the same messages.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sys
from enum import Enum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from .config import LOOKUPS, MODEL_NAMES, InstitutionKind

if TYPE_CHECKING:
    from .config import Config
    from .workspace import Workspace

#: Bumped when the file's layout changes.
FORMAT = b"pmp config cache 1"
#: The modules whose code decides what a valid config.toml becomes.
_VALIDATING = ("config.py", "config_model.py", "config_check.py", "config_cache.py", "vocab.py", "lv.py")
#: Libraries that take part in validation (pydantic) or in the values (Babel formats a target's number).
_LIBRARIES = (("pydantic", "version.py"), ("babel", "__init__.py"))
_ENUMS: dict[str, type[Enum]] = {"InstitutionKind": InstitutionKind}


def cache_path(ws: Workspace) -> Path:
    return ws.secret_path.parent / "config.cache"


# ---- the key and what the file must match --------------------------------------------------------
@cache
def code_fingerprint() -> bytes:
    """SHA-256 over the validating modules, the versions of pydantic and Babel, and Python's."""
    from importlib.machinery import PathFinder

    from .. import __version__

    h = hashlib.sha256(FORMAT)
    h.update(f"{__version__}\0{sys.version}\0".encode())
    here = Path(__file__).parent
    for name in _VALIDATING:
        h.update((here / name).read_bytes())
    for package, file in _LIBRARIES:
        spec = PathFinder.find_spec(package)
        for folder in (spec.submodule_search_locations or []) if spec is not None else []:
            h.update(Path(folder, file).read_bytes())
    return h.digest()


def _key(ws: Workspace) -> bytes | None:
    """The cache's own key, derived from the workspace secret; None without one (then no cache)."""
    try:
        secret = ws.secret_path.read_bytes()
    except OSError:
        return None
    return hmac.new(secret, FORMAT, hashlib.sha256).digest() if secret else None


def _mac(key: bytes, source: bytes, payload: bytes) -> bytes:
    mac = hmac.new(key, code_fingerprint(), hashlib.sha256)
    mac.update(hashlib.sha256(source).digest())
    mac.update(payload)
    return mac.hexdigest().encode("ascii")


# ---- writing -------------------------------------------------------------------------------------
def _encode(value: Any) -> Any:
    """JSON for a validated value: a model as ``{"~": class, "~s": fields set, field: …}``, an enum as
    ``{"~e": class, "v": value}``, a dict as ``{"~d": [[key, value], …]}`` (so no key of a config's own
    table is ever read as a tag)."""
    fields = getattr(type(value), "__pydantic_fields__", None)
    if fields is not None:
        out = {"~": type(value).__name__, "~s": sorted(value.model_fields_set)}
        out.update((name, _encode(getattr(value, name))) for name in fields)
        return out
    if isinstance(value, Enum):
        if _ENUMS.get(type(value).__name__) is not type(value):
            raise TypeError(f"no cache for {type(value).__name__}")
        return {"~e": type(value).__name__, "v": value.value}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {"~d": [[k, _encode(v)] for k, v in value.items()]}
    if value is None or isinstance(value, str | int | float):
        return value
    raise TypeError(f"no cache for {type(value).__name__}")


def store(ws: Workspace, source: bytes, cfg: Config) -> None:
    """Keep ``cfg``, validated from config.toml's bytes ``source``; quietly nothing when it cannot be kept."""
    key = _key(ws)
    if key is None:
        return
    try:
        payload = json.dumps(_encode(cfg), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except (TypeError, ValueError):
        return
    path = cache_path(ws)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(_mac(key, source, payload) + b"\n" + payload)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


# ---- reading -------------------------------------------------------------------------------------
class _Plain:
    """A model's validated fields as attributes, restored without pydantic."""

    def __init__(self, fields: dict[str, Any]) -> None:
        self.__dict__.update(fields)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.__dict__.items())})"


@cache
def _plain_classes() -> dict[str, type]:
    out: dict[str, type] = {}
    for name in MODEL_NAMES:
        bases = (LOOKUPS[name], _Plain) if name in LOOKUPS else (_Plain,)
        out[name] = type(name, bases, {"__module__": __name__, "_members": None} if name == "Config"
                         else {"__module__": __name__})
    return out


def _decoder(plain: bool) -> Any:
    if plain:
        classes = _plain_classes()

        def make(name: str, fields_set: list[str], fields: dict[str, Any]) -> Any:
            return classes[name](fields)
    else:
        from . import config_model

        def make(name: str, fields_set: list[str], fields: dict[str, Any]) -> Any:
            return getattr(config_model, name).model_construct(set(fields_set), **fields)

    def hook(obj: dict[str, Any]) -> Any:
        name = obj.pop("~", None)
        if name is not None:
            return make(name, obj.pop("~s"), obj)
        if "~e" in obj:
            return _ENUMS[obj["~e"]](obj["v"])
        return dict(obj["~d"])

    return hook


def restore(ws: Workspace, source: bytes, plain: bool = False) -> Config | None:
    """The config validated from ``source`` (config.toml's bytes), if this workspace kept it; else None.

    ``plain``: plain objects with the fields and lookups of the models, without pydantic (their
    ``model_*`` methods are missing: for commands that only read the config).
    """
    key = _key(ws)
    if key is None:
        return None
    try:
        data = cache_path(ws).read_bytes()
    except OSError:
        return None
    mac, _, payload = data.partition(b"\n")
    if not hmac.compare_digest(mac, _mac(key, source, payload)):
        return None
    try:
        cfg = json.loads(payload, object_hook=_decoder(plain))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return cast("Config", cfg)
