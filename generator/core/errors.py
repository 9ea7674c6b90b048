"""The project's exceptions. Every one derives from :class:`PmpError`."""

from __future__ import annotations


class PmpError(Exception):
    """Base class of every error this toolkit raises on purpose."""


class WorkspaceError(PmpError):
    """Raised when the workspace folder is missing, not a workspace, or unusable (e.g. store on a network share)."""


class ConfigError(PmpError):
    """Raised when config.toml cannot be read or does not validate.

    ``problems`` holds one Latvian line per problem, each starting with the key path.
    """

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class PeriodError(PmpError):
    """Raised when a requested period lies outside the plan or cannot be parsed."""


class FormError(PmpError):
    """Raised when a workbook cannot be generated or is not one of our forms."""


class IntakeError(PmpError):
    """Raised when the intake cannot run at all (lock held, store unusable)."""


class IntakeLocked(IntakeError):
    """Raised when another ``pmp watch``/``pmp ingest`` holds the intake lock of the workspace."""


class DocumentError(PmpError):
    """Raised when a document template is broken or rendering fails."""


class CaseError(PmpError):
    """Raised when a cooperation-group command cannot proceed: no education board in the configuration,
    an unknown case id for ``pmp purge --case``, a meeting date that cannot be read."""


class DiskFull(IntakeError):
    """Raised when a disk the intake or a build writes to is full; the message names the disk, and the
    file being processed is left where it was (nothing is lost)."""
